// Download my data and erasure (issue 18). One person gets one record of every kind; the export must hold each of
// them (read back from the ZIP with a zip reader), and after erasure a sweep of every table (enumerated from
// sqlite_master, so tables added later are covered), the search index, the outbox and the upload folder finds
// neither their email nor their name, while everyone else's rows are untouched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { db, sqlite } from '../../db/client.server';
import { seed } from '../../db/seed';
import { users } from '../../db/schema';
import { changeRole } from '~/models/accounts.server';
import { buildPendingExports, requestDataExport } from '~/models/data-export.server';
import { eraseAccount, FORMER_MEMBER, REMOVED_POST_NOTE, requestErasure } from '~/models/erasure.server';
import { getOrganisationById } from '~/models/organisations.server';
import type { SessionUser } from '~/utils/auth.server';
import { env } from '~/utils/env.server';
import { storeBytes } from '~/utils/uploads.server';
import { callRoute, signedIn, type Visitor } from '../support/routes';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.now();
const NAME = 'Wiremu Erasable-Tautahi';
const EMAIL = 'wiremu.erasable@privacy.example';

function sessionUser(email: string): SessionUser {
  const u = db.select().from(users).where(eq(users.email, email)).get()!;
  const org = getOrganisationById(u.organisationId)!;
  return { id: u.id, email: u.email, name: u.name, role: u.role, organisationId: org.id, organisationName: org.name, organisationSlug: org.slug };
}

const one = (statement: string, ...params: unknown[]) => sqlite.prepare(statement).get(...params) as Record<string, any>;
const run = (statement: string, ...params: unknown[]) => Number(sqlite.prepare(statement).run(...params).lastInsertRowid);

let person: SessionUser;
let other: SessionUser;
let coordinator: SessionUser;
let personVisitor: Visitor;
let coordinatorVisitor: Visitor;
let futureWorkshop: number;
let ownSha: string;
let sharedSha: string;
let ownResource: number;

/** One record of every kind the issue lists, for `person`; and a few of someone else's that must stay. */
async function seedPerson() {
  const org = one(`select id from organisations order by id limit 1`).id as number;
  run(`insert into users (email, name, organisation_id, job_title, bio, interests, email_verified_at) values (?, ?, ?, 'Lecturer', 'Bio of Wiremu', 'stacking, te reo', ?)`, EMAIL, NAME, org, NOW);
  person = sessionUser(EMAIL);
  other = sessionUser('member@demo.example');
  coordinator = sessionUser('coordinator@demo.example');
  const id = person.id;
  personVisitor = signedIn('person', EMAIL); // a session: sign-in history
  coordinatorVisitor = signedIn('coordinator', 'coordinator@demo.example');
  run(`update users set calendar_token = 'secret-calendar-token' where id = ?`, id);
  // A linked single sign-on identity (issue 16's table).
  run(`insert into sso_identities (provider, subject, user_id, email) values ('google', 'google-subject-1', ?, ?)`, id, EMAIL);

  // RSVPs: a past workshop attended, and a future one with its only seat (someone else waits for it).
  const past = run(`insert into workshops (slug, title, starts_at, ends_at, mode, capacity, status) values ('privacy-past', 'Privacy past workshop', ?, ?, 'online', 10, 'completed')`, NOW - 30 * DAY, NOW - 30 * DAY + 3600_000);
  futureWorkshop = run(`insert into workshops (slug, title, starts_at, ends_at, mode, capacity, status) values ('privacy-future', 'Privacy future workshop', ?, ?, 'online', 1, 'scheduled')`, NOW + 30 * DAY, NOW + 30 * DAY + 3600_000);
  run(`insert into rsvps (workshop_id, user_id, response, seat_status, attended, needs, responded_at) values (?, ?, 'going', 'confirmed', 1, 'Wheelchair access', ?)`, past, id, NOW - 40 * DAY);
  run(`insert into rsvps (workshop_id, user_id, response, seat_status, responded_at) values (?, ?, 'going', 'confirmed', ?)`, futureWorkshop, id, NOW - DAY);
  run(`insert into rsvps (workshop_id, user_id, response, seat_status, waitlisted_at, responded_at) values (?, ?, 'going', 'waitlisted', ?, ?)`, futureWorkshop, other.id, NOW - DAY, NOW - DAY);

  // Discussions: a thread, a reply with an edit, a report, watches and reads; someone else mentions them.
  const category = one(`select id from discussion_categories order by id limit 1`).id as number;
  const thread = run(`insert into threads (category_id, title, author_id, post_count) values (?, 'Wiremu asks about stacking', ?, 3)`, category, id);
  run(`insert into posts (thread_id, author_id, number, body_md, body_html) values (?, ?, 1, 'Opening post by the person', '<p>Opening post by the person</p>')`, thread, id);
  const reply = run(`insert into posts (thread_id, author_id, number, body_md, body_html, edited_at) values (?, ?, 2, 'A reply, edited', '<p>A reply, edited</p>', ?)`, thread, id, NOW);
  run(`insert into post_revisions (post_id, body_md, editor_id) values (?, 'A reply, first version', ?)`, reply, id);
  run(`insert into posts (thread_id, author_id, number, body_md, body_html) values (?, ?, 3, ?, ?)`, thread, other.id, `Thanks @${NAME}, agreed.`, `<p>Thanks @${NAME}, agreed.</p>`);
  const othersPost = one(`select id from posts where author_id = ? order by id limit 1`, other.id)?.id ?? reply;
  run(`insert into post_reports (post_id, reporter_id, reason) values (?, ?, 'Off topic')`, othersPost, id);
  run(`insert into thread_watches (user_id, thread_id, level) values (?, ?, 'watching')`, id, thread);
  run(`insert into category_watches (user_id, category_id, level) values (?, ?, 'muted')`, id, category);
  run(`insert into thread_reads (user_id, thread_id, last_read_number) values (?, ?, 2)`, id, thread);

  // A case study they created and manage, with a revision they wrote.
  const cs = run(`insert into case_studies (slug, title, lead_organisation_id, created_by_id, published_at, problem) values ('privacy-pilot', 'Privacy pilot', ?, ?, ?, 'A problem')`, org, id, NOW);
  run(`insert into case_study_managers (case_study_id, user_id) values (?, ?)`, cs, id);
  run(`insert into case_study_revisions (case_study_id, editor_id, snapshot, changed_fields) values (?, ?, '{"title":"Privacy pilot"}', 'Title')`, cs, id);

  // Resources: one file only they use, one file someone else's resource also holds.
  ownSha = (await storeBytes(new TextEncoder().encode('Only the person has this file.'))).sha256;
  sharedSha = (await storeBytes(new TextEncoder().encode('Two resources hold this file.'))).sha256;
  for (const sha of [ownSha, sharedSha]) run(`insert into stored_files (sha256, size, mime_type) values (?, 30, 'text/plain') on conflict do nothing`, sha);
  ownResource = run(`insert into resources (title, kind, uploaded_by_id, visibility) values ('Person report', 'report', ?, 'members')`, id);
  run(`insert into resource_versions (resource_id, version_number, sha256, original_name, uploaded_by_id) values (?, 1, ?, 'notes.txt', ?)`, ownResource, ownSha, id);
  run(`insert into resource_versions (resource_id, version_number, sha256, original_name, uploaded_by_id) values (?, 2, ?, 'shared.txt', ?)`, ownResource, sharedSha, id);
  const othersResource = run(`insert into resources (title, kind, uploaded_by_id, visibility) values ('Someone else report', 'report', ?, 'members')`, other.id);
  run(`insert into resource_versions (resource_id, version_number, sha256, original_name, uploaded_by_id) values (?, 1, ?, 'shared.txt', ?)`, othersResource, sharedSha, other.id);

  // Mail: a digest sent to them, a reminder still waiting, an invitation, a join request, a password reset.
  const digest = run(`insert into digests (subject, since_at, status, sent_at) values ('Digest for November', ?, 'sent', ?)`, NOW - 30 * DAY, NOW - DAY);
  const digestMail = run(`insert into outbox (dedupe_key, to_address, subject, html, text, status, sent_at) values (?, ?, 'Digest for November', ?, ?, 'sent', ?)`, `digest:${digest}:${id}`, EMAIL, `<p>Kia ora ${NAME}</p>`, `Kia ora ${NAME}`, NOW - DAY);
  fs.mkdirSync(env().MAIL_DIR, { recursive: true });
  fs.writeFileSync(path.join(env().MAIL_DIR, `${String(digestMail).padStart(6, '0')}.eml`), `To: ${EMAIL}\n\nKia ora ${NAME}`);
  run(`insert into digest_recipients (digest_id, user_id, outbox_id) values (?, ?, ?)`, digest, id, digestMail);
  run(`insert into digest_items_sent (user_id, item_key, digest_id) values (?, 'case_study:1', ?)`, id, digest);
  run(`insert into outbox (dedupe_key, to_address, subject, html, text) values ('reminder:privacy', ?, 'Reminder', '<p>Reminder</p>', 'Reminder')`, EMAIL);
  run(`insert into outbox (dedupe_key, to_address, subject, html, text) values ('mention:privacy', 'member@demo.example', ?, '<p>x</p>', 'x')`, `${NAME} mentioned you`);
  run(`insert into invitations (token_hash, email, organisation_id, role, created_at, expires_at, accepted_at) values ('privacy-invite', ?, ?, 'member', ?, ?, ?)`, EMAIL, org, NOW - 90 * DAY, NOW - 83 * DAY, NOW - 89 * DAY);
  run(`insert into join_requests (name, email, organisation_id, password_hash, verify_token_hash, status) values (?, ?, ?, 'h', 'privacy-join', 'declined')`, NAME, EMAIL, org);
  run(`insert into password_resets (token_hash, user_id, expires_at) values ('privacy-reset', ?, ?)`, id, NOW + 3600_000);

  // An unsent digest that introduces them as a new member.
  const draft = run(`insert into digests (subject, since_at, status) values ('Next digest', ?, 'draft')`, NOW - 7 * DAY);
  run(`insert into digest_items (digest_id, item_key, section, position, payload) values (?, ?, 'community', 0, ?)`, draft, `member:${id}`, JSON.stringify({ title: NAME, url: `/members/${id}` }));

  // Audit entries about them (with their name in the summary, as the admin pages write it).
  changeRole(coordinator, id, 'project_manager');
}

beforeAll(async () => {
  await seed();
  await seedPerson();
});

/** Reads every entry of a ZIP file: JSON parsed, other files as text. */
function readZip(file: string): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries = new Map<string, string>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

function exportLinkToken(): string {
  const mail = one(`select text from outbox where to_address = ? and dedupe_key like 'data-export:%' order by id desc`, EMAIL);
  return /\/privacy\/export\/([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
}

describe('download my data', () => {
  let zipPath: string;

  it('queues one export; asking again while it is prepared is refused with a clear message', async () => {
    const first = await callRoute('POST', '/settings/privacy', personVisitor, new URLSearchParams({ intent: 'export' }));
    expect(first.status).toBe(302);
    const second = await callRoute('POST', '/settings/privacy', personVisitor, new URLSearchParams({ intent: 'export' }));
    expect(second.status).toBe(409);
    expect(JSON.stringify(second.data)).toContain('already being prepared');
    expect(one(`select count(*) as n from data_exports where user_id = ?`, person.id).n).toBe(1);
  });

  it('is built off the request path and offered by an email with a single-use link', async () => {
    expect(await buildPendingExports()).toBe(1);
    const token = exportLinkToken();
    const page = await callRoute('GET', `/privacy/export/${token}`, personVisitor);
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({ state: 'ready' });
    // Someone else holding the link gets nothing.
    const stranger = await callRoute('GET', `/privacy/export/${token}`, signedIn('other', 'member@demo.example'));
    expect(stranger.status).toBe(404);
    const strangerDownload = await callRoute('POST', `/privacy/export/${token}/download`, signedIn('other', 'member@demo.example'));
    expect(strangerDownload.status).toBe(303);

    const download = await callRoute('POST', `/privacy/export/${token}/download`, personVisitor);
    expect(download.status).toBe(200);
    const response = download.data as Response;
    expect(response.headers.get('Content-Type')).toBe('application/zip');
    expect(response.headers.get('Content-Disposition')).toMatch(/^attachment; filename="my-data-/);
    zipPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'privacy-zip-')), 'export.zip');
    await pipeline(Readable.fromWeb(response.body as never), fs.createWriteStream(zipPath));

    // Spent: the page says so, and a second download goes back to it.
    const again = await callRoute('POST', `/privacy/export/${token}/download`, personVisitor);
    expect(again.status).toBe(303);
    const usedPage = await callRoute('GET', `/privacy/export/${token}`, personVisitor);
    expect(usedPage.status).toBe(410);
    expect(usedPage.data).toMatchObject({ state: 'used' });
  });

  it('holds JSON of every kind of record, the uploaded files, and a README explaining each file', async () => {
    const entries = await readZip(zipPath);
    const json = (name: string) => JSON.parse(entries.get(name)!);
    const readme = entries.get('README.txt')!;
    for (const name of entries.keys()) if (!name.startsWith('files/') && name !== 'README.txt') expect(readme).toContain(name);

    expect(json('profile.json')).toMatchObject({ email: EMAIL, name: NAME, job_title: 'Lecturer', bio: 'Bio of Wiremu', interests: 'stacking, te reo' });
    expect(json('organisation.json')).toMatchObject({ role: 'project_manager' });
    expect(json('sign-in-history.json').length).toBeGreaterThanOrEqual(1);
    const rsvps = json('rsvps.json');
    expect(rsvps.map((r: any) => r.workshop)).toEqual(['Privacy past workshop', 'Privacy future workshop']);
    expect(rsvps[0]).toMatchObject({ attended: 1, needs: 'Wheelchair access' });
    const posts = json('posts.json');
    expect(posts.threadsStarted.map((t: any) => t.title)).toEqual(['Wiremu asks about stacking']);
    expect(posts.posts.map((p: any) => p.body_md)).toEqual(['Opening post by the person', 'A reply, edited']);
    expect(posts.editHistory.map((r: any) => r.body_md)).toEqual(['A reply, first version']);
    expect(posts.reportsYouMade).toHaveLength(1);
    const cs = json('case-studies.json');
    expect(cs.caseStudies.map((c: any) => c.title)).toEqual(['Privacy pilot']);
    expect(cs.revisionsYouWrote).toHaveLength(1);
    const res = json('resources.json');
    expect(res.resources.map((r: any) => r.title)).toEqual(['Person report']);
    expect(res.versionsYouUploaded.map((v: any) => v.original_name)).toEqual(['notes.txt', 'shared.txt']);
    const watches = json('watches-and-notifications.json');
    expect(watches.threadWatches).toHaveLength(1);
    expect(watches.categoryWatches).toHaveLength(1);
    expect(watches.threadsRead).toHaveLength(1);
    expect(watches.notificationSettings).toMatchObject({ digest_frequency: 'weekly' });
    const emails = json('emails.json');
    expect(emails.digestsReceived.map((d: any) => d.subject)).toEqual(['Digest for November']);
    expect(emails.messages.map((m: any) => m.subject)).toEqual(expect.arrayContaining(['Digest for November', 'Reminder']));
    expect(emails.messages.every((m: any) => m.created_at)).toBe(true);
    expect(emails.passwordResets).toHaveLength(1);
    expect(json('audit.json').aboutYou.map((a: any) => a.action)).toContain('member.role');
    const requests = json('requests.json');
    expect(requests.invitations).toHaveLength(1);
    expect(requests.joinRequests).toHaveLength(1);
    expect(json('other-records.json').digest_items_sent).toHaveLength(1);
    expect(json('other-records.json').sso_identities).toMatchObject([{ provider: 'google', email: EMAIL }]);
    // The files themselves, and no secrets anywhere.
    expect(entries.get('files/resource-' + ownResource + '-v1-notes.txt')).toBe('Only the person has this file.');
    expect(entries.get('files/resource-' + ownResource + '-v2-shared.txt')).toBe('Two resources hold this file.');
    const all = [...entries.values()].join('\n');
    expect(all).not.toContain('secret-calendar-token');
    expect(all).not.toContain('privacy-reset');
  });

  it('an expired link shows a clear page, not a download', async () => {
    expect(requestDataExport(person).ok).toBe(true);
    await buildPendingExports();
    const token = exportLinkToken();
    sqlite.prepare(`update data_exports set expires_at = ? where user_id = ?`).run(NOW - 1, person.id);
    const page = await callRoute('GET', `/privacy/export/${token}`, personVisitor);
    expect(page.status).toBe(410);
    expect(page.data).toMatchObject({ state: 'expired' });
    expect((await callRoute('POST', `/privacy/export/${token}/download`, personVisitor)).status).toBe(303);
  });
});

/** Row counts of everything that is not about the person, per table. */
function othersCounts(): Record<string, number> {
  const out: Record<string, number> = {};
  const tables = sqlite.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and sql not like 'CREATE VIRTUAL%' and name not like '%fts%'`).pluck().all() as string[];
  for (const t of tables) {
    const cols = (sqlite.prepare('select name from pragma_table_info(?)').pluck().all(t) as string[]);
    const about = ['user_id', 'author_id', 'uploaded_by_id', 'reporter_id', 'editor_id', 'created_by_id'].filter((c) => cols.includes(c));
    const conditions = about.map((c) => `coalesce(${c}, 0) <> ${person.id}`);
    for (const c of ['email', 'to_address']) if (cols.includes(c)) conditions.push(`${c} <> '${EMAIL}'`);
    if (t === 'users') conditions.push(`id <> ${person.id}`);
    const where = conditions.length ? conditions.join(' and ') : '1 = 1';
    out[t] = (sqlite.prepare(`select count(*) as n from "${t}" where ${where}`).get() as { n: number }).n;
  }
  return out;
}

/** Every place in every ordinary table that still holds `needle`. */
function sweep(needle: string): string[] {
  const found: string[] = [];
  const tables = sqlite.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and sql not like 'CREATE VIRTUAL%'`).pluck().all() as string[];
  for (const t of tables) {
    const cols = sqlite.prepare('select name from pragma_table_xinfo(?)').pluck().all(t) as string[];
    for (const c of cols) {
      const n = (sqlite.prepare(`select count(*) as n from "${t}" where cast("${c}" as text) like ?`).get(`%${needle}%`) as { n: number }).n;
      if (n) found.push(`${t}.${c} (${n})`);
    }
  }
  return found;
}

function ftsHits(word: string): number {
  const virtuals = sqlite.prepare(`select name from sqlite_master where type = 'table' and sql like 'CREATE VIRTUAL TABLE%fts5%'`).pluck().all() as string[];
  return virtuals.reduce((n, t) => n + (sqlite.prepare(`select count(*) as n from "${t}" where "${t}" match ?`).get(`"${word}"`) as { n: number }).n, 0);
}

describe('erasure', () => {
  let before: Record<string, number>;
  let othersPosts: unknown[];

  it('a member asks once (asking again says so); the last coordinator cannot be erased', async () => {
    const missingConfirm = await callRoute('POST', '/settings/privacy', personVisitor, new URLSearchParams({ intent: 'erase' }));
    expect(missingConfirm.status).toBe(400);
    const asked = await callRoute('POST', '/settings/privacy', personVisitor, new URLSearchParams({ intent: 'erase', confirm: 'yes' }));
    expect(asked.status).toBe(302);
    const twice = await callRoute('POST', '/settings/privacy', personVisitor, new URLSearchParams({ intent: 'erase', confirm: 'yes' }));
    expect(twice.status).toBe(409);
    expect(JSON.stringify(twice.data)).toContain('already asked');

    // The only coordinator cannot leave the portal without one.
    const onlyCoordinator = await callRoute('POST', '/settings/privacy', coordinatorVisitor, new URLSearchParams({ intent: 'erase', confirm: 'yes' }));
    expect(onlyCoordinator.status).toBe(409);
    expect(JSON.stringify(onlyCoordinator.data)).toContain('last coordinator');
    const self = await callRoute('POST', '/admin/erasure', coordinatorVisitor, new URLSearchParams({ intent: 'written', email: 'coordinator@demo.example', confirm: 'yes' }));
    expect(self.status).toBe(409);
    expect(one(`select name from users where id = ?`, coordinator.id).name).not.toBe(FORMER_MEMBER);
  });

  it('confirmed by a coordinator: one transaction removes the person everywhere, files afterwards', async () => {
    before = othersCounts();
    othersPosts = sqlite.prepare('select * from posts where author_id <> ? order by id').all(person.id);
    const requestId = one(`select id from erasure_requests where user_id = ? and status = 'pending'`, person.id).id;
    const confirmed = await callRoute('POST', '/admin/erasure', coordinatorVisitor, new URLSearchParams({ intent: 'confirm', requestId: String(requestId) }));
    expect(confirmed.status).toBe(302);

    expect(sweep(EMAIL)).toEqual([]);
    expect(sweep(NAME)).toEqual([]);
    expect(sweep('Bio of Wiremu')).toEqual([]);
    expect(ftsHits('Erasable')).toBe(0);
    expect(ftsHits('wiremu.erasable')).toBe(0);
    const u = one('select * from users where id = ?', person.id);
    expect(u).toMatchObject({ name: FORMER_MEMBER, bio: '', job_title: '', interests: '', password_hash: null, calendar_token: null });
    expect(u.erased_at).not.toBeNull();
    // Sessions, tokens, watches, exports: every table with a user_id has no rows for them, except past attendance and the request.
    const personColumns = sqlite
      .prepare(`select m.name as t, p.name as c from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table' and (p.name = 'user_id' or p.name like '%\_user\_id' escape '\\')`)
      .all() as { t: string; c: string }[];
    expect(personColumns.map((p) => p.t)).toContain('sso_identities');
    for (const { t, c } of personColumns) {
      const n = one(`select count(*) as n from "${t}" where "${c}" = ?`, person.id).n;
      if (t === 'rsvps') expect(n).toBe(1);
      else if (t === 'erasure_requests') expect(n).toBeGreaterThanOrEqual(1);
      else expect([t, n]).toEqual([t, 0]);
    }
    expect(one(`select count(*) as n from rsvps r join workshops w on w.id = r.workshop_id where r.user_id = ? and w.slug = 'privacy-past'`, person.id).n).toBe(1);
    // Pending mail cancelled; the waitlisted member got the seat (and is told).
    expect(one(`select count(*) as n from outbox where dedupe_key = 'reminder:privacy'`).n).toBe(0);
    expect(one(`select seat_status from rsvps where workshop_id = ? and user_id = ?`, futureWorkshop, other.id).seat_status).toBe('confirmed');
    // Posts remain, attributed to the former member.
    expect(sqlite.prepare('select body_md from posts where author_id = ? order by number').pluck().all(person.id)).toEqual(['Opening post by the person', 'A reply, edited']);
    // Files: theirs alone gone, the shared one kept (someone else's resource holds it).
    const uploads = fs.readdirSync(env().UPLOAD_DIR);
    expect(uploads).not.toContain(ownSha);
    expect(uploads).toContain(sharedSha);
    expect(one('select count(*) as n from resources where id = ?', ownResource).n).toBe(0);
    for (const f of fs.readdirSync(env().MAIL_DIR)) expect(fs.readFileSync(path.join(env().MAIL_DIR, f), 'utf8')).not.toContain(EMAIL);
    // Audit: recorded, without the erased details.
    const audit = one(`select * from audit_log where action = 'member.erase' and target_id = ?`, person.id);
    expect(audit.summary).not.toContain(NAME);
    expect(one(`select files_to_remove from erasure_requests where id = ?`, requestId).files_to_remove).toBe('[]');

    // Everyone else's rows: the same counts, except what the erasure is meant to change for them.
    const after = othersCounts();
    const expectedChanges: Record<string, number> = {
      outbox: 1, // the promoted member's seat confirmation
      audit_log: 1, // the erasure's own entry
      stored_files: -1, // the file only they had
      digest_items: -1, // the unsent digest no longer introduces them
      search_docs: -1, // their resource's search document
      erasure_requests: 0,
    };
    for (const [table, n] of Object.entries(before)) expect([table, after[table]! - n]).toEqual([table, expectedChanges[table] ?? 0]);
    // The other member's posts are unchanged except the mention of the person's name.
    const nowPosts = sqlite.prepare('select * from posts where author_id <> ? order by id').all(person.id) as any[];
    expect(nowPosts.length).toBe(othersPosts.length);
    const changed = nowPosts.filter((p, i) => JSON.stringify(p) !== JSON.stringify(othersPosts[i]));
    expect(changed.map((p) => p.body_md)).toEqual([`Thanks @${FORMER_MEMBER}, agreed.`]);
  });

  it('is safe to repeat: running it again changes nothing', async () => {
    const snapshot = othersCounts();
    const requestId = one(`select id from erasure_requests where user_id = ? and status = 'erased'`, person.id).id;
    expect(await eraseAccount(coordinator, requestId)).toEqual({ ok: true, message: 'That account had already been erased.' });
    expect(othersCounts()).toEqual(snapshot);
  });

  it('hides their posts with a note when they asked for that', async () => {
    run(`insert into users (email, name, organisation_id) values ('remove.posts@privacy.example', 'Hemi Remove-Posts', ?)`, person.organisationId);
    const hemi = sessionUser('remove.posts@privacy.example');
    const thread = one(`select id from threads order by id limit 1`).id;
    const n = one(`select max(number) as n from posts where thread_id = ?`, thread).n + 1;
    run(`insert into posts (thread_id, author_id, number, body_md, body_html) values (?, ?, ?, 'Hemi wrote this', '<p>Hemi wrote this</p>')`, thread, hemi.id, n);
    expect(requestErasure(hemi, { removePosts: true }).ok).toBe(true);
    const requestId = one(`select id from erasure_requests where user_id = ? and status = 'pending'`, hemi.id).id;
    expect((await eraseAccount(coordinator, requestId)).ok).toBe(true);
    const post = one('select body_md, hidden_at from posts where author_id = ?', hemi.id);
    expect(post.body_md).toBe(REMOVED_POST_NOTE);
    expect(post.hidden_at).not.toBeNull();
    expect(sweep('Hemi wrote this')).toEqual([]);
    expect(ftsHits('Hemi')).toBe(0);
  });

  it('a coordinator acts on a written request from the admin page; bad input is shown against the field', async () => {
    run(`insert into users (email, name, organisation_id) values ('written@privacy.example', 'Aroha Written-Request', ?)`, person.organisationId);
    const unknown = await callRoute('POST', '/admin/erasure', coordinatorVisitor, new URLSearchParams({ intent: 'written', email: 'nobody@privacy.example', confirm: 'yes' }));
    expect(unknown.status).toBe(409);
    expect(unknown.data).toMatchObject({ errors: { email: [expect.stringContaining('No member')] }, values: { email: 'nobody@privacy.example' } });
    const unconfirmed = await callRoute('POST', '/admin/erasure', coordinatorVisitor, new URLSearchParams({ intent: 'written', email: 'written@privacy.example' }));
    expect(unconfirmed.status).toBe(400);
    const done = await callRoute('POST', '/admin/erasure', coordinatorVisitor, new URLSearchParams({ intent: 'written', email: 'written@privacy.example', reference: 'Ticket 42', confirm: 'yes' }));
    expect(done.status).toBe(302);
    expect(sweep('Aroha Written-Request')).toEqual([]);
    expect(one(`select summary from audit_log where action = 'member.erase' order by id desc`).summary).toContain('Ticket 42');
    const member = await callRoute('POST', '/admin/erasure', signedIn('plain member', 'member@demo.example'), new URLSearchParams({ intent: 'written', email: 'x@y.nz', confirm: 'yes' }));
    expect(member.status).toBe(403);
  });
});
