// Benchmark: composing and queuing one digest for 10,000 members (the issue asks for under 10 seconds).
//   npx tsx scripts/bench-digest.ts [--members 10000] [--heavy] [--keep]
// Builds a fresh database in a temporary folder (never touches data/): organisations, members (some with RSVPs),
// and a busy week of activity (pilots, micro-credentials, resources, workshops with records, discussions): about
// 35 digest items. --heavy makes it a very busy fortnight (about 50 items, near every section's limit). Then it
// times gathering a new digest (createDigest) and composing + queuing it for everyone (sendDigest: one outbox row,
// one digest_recipients row and the digest_items_sent rows per member, in one IMMEDIATE transaction), and prints
// the times, the outbox size and the process's peak RSS. Nothing is sent.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { members: { type: 'string', default: '10000' }, heavy: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false } },
});
const MEMBERS = Math.max(1, Number(values.members) || 10000);
// How much happened: [upcoming workshops, pilots, micro-credentials, resources, workshop records, threads, new members every N].
const ACTIVITY = values.heavy
  ? { workshops: 6, pilots: 8, credentials: 8, resources: 10, records: 3, threads: 12, newMemberEvery: 500 }
  : { workshops: 4, pilots: 5, credentials: 5, resources: 6, records: 2, threads: 6, newMemberEvery: 1500 };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digest-bench-'));
process.env.DATABASE_PATH = path.join(dir, 'bench.db');
process.env.DATA_DIR = dir;
process.env.MAIL_DIR = path.join(dir, 'mail');
process.env.APP_URL ??= 'https://cop.example.nz';
process.env.SESSION_SECRET ??= 'bench-secret-bench-secret-bench-secret-00';
delete process.env.SMTP_URL;

const { sqlite } = await import('../db/client.server');
const { createDigest, sendDigest, listDigestItems, deliveryReport } = await import('../app/models/digests.server');

const DAY = 24 * 60 * 60 * 1000;
const now = Date.now();
const ago = (days: number) => now - days * DAY;
const KINDS = ['itp', 'ito', 'professional_body', 'nzbed', 'tec', 'nzqa', 'industry', 'other'];
const words = 'micro-credential stacking NZDE assessment workplace employer pilot evaluation engineering diploma learners recognition quality industry'.split(' ');
const sentence = (n: number, seed: number) => Array.from({ length: n }, (_, i) => words[(seed * 7 + i * 3) % words.length]).join(' ');

const seedStart = performance.now();
sqlite.transaction(() => {
  const org = sqlite.prepare('insert into organisations (slug, name, kind, description, created_at) values (?, ?, ?, ?, ?)');
  for (let i = 1; i <= 60; i++) org.run(`org-${i}`, `Organisation ${i}`, KINDS[i % KINDS.length], sentence(25, i), i <= 2 ? ago(3) : ago(400));
  const user = sqlite.prepare(
    `insert into users (email, name, organisation_id, role, job_title, interests, digest_frequency, deactivated_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (let i = 1; i <= MEMBERS + 40; i++) {
    // 40 extra who must be skipped: 20 unsubscribed, 20 deactivated.
    const off = i > MEMBERS && i <= MEMBERS + 20;
    const gone = i > MEMBERS + 20;
    user.run(
      `member${i}@bench.example.nz`,
      `Member ${i}`,
      (i % 60) + 1,
      i % 50 === 0 ? 'project_manager' : 'member',
      i % 3 ? 'Learning designer' : '',
      sentence(4, i),
      off ? 'off' : 'weekly',
      gone ? ago(10) : null,
      i % ACTIVITY.newMemberEvery === 0 ? ago(2) : ago(300),
    );
  }
  const cs = sqlite.prepare(
    `insert into case_studies (slug, title, lead_organisation_id, status, problem, solution, body_md, body_html, published_at, created_at, updated_at) values (?, ?, ?, 'running', ?, ?, ?, '', ?, ?, ?)`,
  );
  for (let i = 1; i <= ACTIVITY.pilots; i++) cs.run(`pilot-${i}`, `Pilot ${i}: ${sentence(5, i)}`, (i % 60) + 1, sentence(40, i), sentence(30, i + 1), sentence(200, i), ago(i), ago(i + 20), ago(i));
  // One older pilot revised this week ("updated pilots").
  cs.run('older-pilot', `Older pilot: ${sentence(5, 99)}`, 9, sentence(40, 99), sentence(30, 98), sentence(200, 97), ago(90), ago(120), ago(1));
  sqlite.prepare(`insert into case_study_revisions (case_study_id, snapshot, changed_fields, created_at) values (?, '{}', 'Outcomes, Lessons learned', ?)`).run(ACTIVITY.pilots + 1, ago(1));
  const mc = sqlite.prepare(`insert into micro_credentials (case_study_id, name, provider_organisation_id, credits, nzqf_level, nzqa_status, created_at) values (?, ?, ?, ?, ?, 'approved', ?)`);
  for (let i = 1; i <= ACTIVITY.credentials; i++) mc.run(i, `Micro-credential ${i}: ${sentence(4, i)}`, (i % 60) + 1, 5 + i, 4 + (i % 3), ago(i));
  const res = sqlite.prepare(`insert into resources (title, kind, authors, organisation_id, summary, created_at, updated_at) values (?, 'report', ?, ?, ?, ?, ?)`);
  for (let i = 1; i <= ACTIVITY.resources; i++) res.run(`Resource ${i}: ${sentence(6, i)}`, `Author ${i}`, (i % 60) + 1, sentence(45, i), ago(i % 6), ago(i % 6));
  const ws = sqlite.prepare(
    `insert into workshops (slug, title, summary, starts_at, ends_at, mode, venue, capacity, audience, status, record_updated_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, 'hybrid', 'Wellington', ?, ?, ?, ?, ?, ?)`,
  );
  for (let i = 1; i <= ACTIVITY.workshops; i++) ws.run(`workshop-${i}`, `Workshop ${i}: ${sentence(5, i)}`, sentence(30, i), now + i * 7 * DAY, now + i * 7 * DAY + 6 * 3600_000, 400, i === 3 ? 'organisations' : 'all', 'scheduled', null, ago(30), ago(30));
  const pastIds: number[] = [];
  for (let i = 1; i <= ACTIVITY.records; i++) {
    pastIds.push(Number(ws.run(`past-workshop-${i}`, `Past workshop ${i}`, sentence(30, i), ago(i + 6), ago(i + 6) + 6 * 3600_000, 100, 'all', 'completed', ago(i), ago(60), ago(i)).lastInsertRowid));
  }
  const audience = sqlite.prepare('insert into workshop_audience_organisations (workshop_id, organisation_id) values (?, ?)');
  for (let o = 1; o <= 10; o++) audience.run(3, o);
  const decision = sqlite.prepare('insert into workshop_decisions (workshop_id, text, position) values (?, ?, ?)');
  const action = sqlite.prepare('insert into workshop_action_items (workshop_id, text, owner_organisation_id, due_date, position) values (?, ?, ?, ?, ?)');
  for (const w of pastIds) for (let i = 0; i < 4; i++) {
    decision.run(w, sentence(18, w + i), i);
    action.run(w, sentence(14, w * i), (i % 60) + 1, now + 30 * DAY, i);
  }
  const rsvp = sqlite.prepare(`insert into rsvps (workshop_id, user_id, response, seat_status, responded_at) values (?, ?, 'going', 'confirmed', ?)`);
  for (let u = 1; u <= MEMBERS; u += 7) rsvp.run((u % ACTIVITY.workshops) + 1, u, ago(1));
  sqlite.prepare(`insert into discussion_categories (slug, name) values ('general', 'General')`).run();
  const thread = sqlite.prepare('insert into threads (category_id, title, author_id, post_count, created_at) values (1, ?, ?, 0, ?)');
  const post = sqlite.prepare('insert into posts (thread_id, author_id, number, body_md, body_html, created_at) values (?, ?, ?, ?, ?, ?)');
  for (let t = 1; t <= ACTIVITY.threads; t++) {
    thread.run(`Thread ${t}: ${sentence(6, t)}`, t * 11, ago(5));
    for (let n = 1; n <= 3 + t; n++) post.run(t, (t * n * 13) % MEMBERS || 1, n, sentence(60, t + n), '', ago(5) + n * 3600_000);
  }
})();
const seedMs = performance.now() - seedStart;

const t0 = performance.now();
const digestId = createDigest(null, now);
const createMs = performance.now() - t0;
const items = listDigestItems(digestId).length;

const load = os.loadavg()[0];
const t1 = performance.now();
const cpu = process.cpuUsage();
const outcome = sendDigest(null, digestId, now);
const sendMs = performance.now() - t1;
const sendCpu = process.cpuUsage(cpu);
if (!outcome.ok) throw new Error(outcome.message);

const report = deliveryReport(digestId);
const outboxBytes = (sqlite.prepare('select sum(length(html) + length(text) + length(headers)) as n from outbox').get() as { n: number }).n;
const sentRows = (sqlite.prepare('select count(*) as n from digest_items_sent').get() as { n: number }).n;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

console.log(`Digest benchmark (${os.cpus().length} CPUs, Node ${process.version})`);
console.log(`  seed ${MEMBERS.toLocaleString('en-NZ')} members and activity: ${fmt(seedMs)}`);
console.log(`  gather a new digest (${items} items):        ${fmt(createMs)}`);
console.log(`  compose + queue for ${report.recipients.toLocaleString('en-NZ')} recipients:     ${fmt(sendMs)}   <- the figure the issue asks about`);
console.log(`    of which CPU in this process: ${fmt((sendCpu.user + sendCpu.system) / 1000)} (the rest is waiting for the disk or for a CPU); load average before: ${load.toFixed(2)}`);
console.log(`  outbox rows ${report.queued.toLocaleString('en-NZ')}, ${(outboxBytes / 1024 / 1024).toFixed(1)} MB of mail; digest_items_sent rows ${sentRows.toLocaleString('en-NZ')}`);
console.log(`  peak RSS ${peakRssMb.toFixed(0)} MB`);

sqlite.close();
if (values.keep) console.log(`  database kept at ${process.env.DATABASE_PATH}`);
else fs.rmSync(dir, { recursive: true, force: true });
