// Synthetic community for `npm run bench`, written into its own database file under bench/data/ (never data/).
//   npx tsx bench/generate.ts [--smoke] [--out bench/data/bench.db]
// Full size: 10,000 members in 300 organisations, 2,000 workshops with 50,000 RSVPs, 2,000 case studies with their
// micro-credentials, 5,000 resources, 20,000 threads with 200,000 posts (one of them with 200 posts, for the thread
// page). --smoke makes 1% of every count (the 200-post thread stays) in a couple of seconds.
//
// The real migrations run first (openDatabase through db/client.server.ts, DATABASE_PATH pointing at the file), then
// bulk inserts through prepared statements in large transactions. Text is drawn from the vocabulary of the seed
// articles in ../shared/seeds with a Zipf distribution, so full-text search meets both very common and rare words,
// plus a few te reo Māori words with macrons and one planted rare word. Markdown is rendered with the portal's own
// renderMarkdown for a sample of bodies that are then reused. A metadata file beside the database records the
// generator version, the migrations it was built with, the counts, the timings, and the pages the benchmark loads.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Raise when the data this script makes changes: `npm run bench` regenerates a database made by another version. */
export const GENERATOR_VERSION = 4;
export const BENCH_PASSWORD = 'bench-members-password-2024';
/** A word that appears in only a handful of documents of each kind. */
export const RARE_WORD = 'geosynthetics';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export type BenchMeta = {
  generatorVersion: number;
  migrations: string[];
  smoke: boolean;
  generatedAt: string;
  seconds: number;
  timings: Record<string, number>;
  counts: Record<string, number>;
  member: { email: string; password: string };
  floodAccounts: string[];
  pages: { workshopSlug: string; caseStudySlug: string; bigThreadId: number; bigThreadPosts: number };
  words: { common: string; rare: string; prefix: string; phrase: string; macron: string };
};

/**
 * The migrations the database was made with, each as "tag:hash of its SQL": a database made before a migration was
 * added or changed is made again.
 */
export function migrationTags(): string[] {
  const folder = path.resolve(ROOT, process.env.MIGRATIONS_DIR ?? 'drizzle');
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  return journal.entries.map((e) => {
    const sqlText = fs.readFileSync(path.join(folder, `${e.tag}.sql`));
    return `${e.tag}:${crypto.createHash('sha256').update(sqlText).digest('hex').slice(0, 12)}`;
  });
}

export function metaPathFor(dbFile: string): string {
  return dbFile.replace(/\.db$/, '') + '.json';
}

export function readMeta(dbFile: string): BenchMeta | null {
  try {
    if (!fs.existsSync(dbFile)) return null;
    return JSON.parse(fs.readFileSync(metaPathFor(dbFile), 'utf8')) as BenchMeta;
  } catch {
    return null;
  }
}

export function metaIsCurrent(meta: BenchMeta | null, smoke: boolean): boolean {
  return !!meta && meta.generatorVersion === GENERATOR_VERSION && meta.smoke === smoke && JSON.stringify(meta.migrations) === JSON.stringify(migrationTags());
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, out: { type: 'string' } } });
  const smoke = values.smoke!;
  const out = path.resolve(values.out ?? path.join(ROOT, 'bench/data', smoke ? 'smoke.db' : 'bench.db'));
  const scale = smoke ? 0.01 : 1;
  const n = (full: number, min = 1) => Math.max(min, Math.round(full * scale));
  const COUNTS = {
    organisations: n(300, 8),
    members: n(10_000, 60),
    workshops: n(2_000, 12),
    rsvps: n(50_000, 300),
    caseStudies: n(2_000, 10),
    resources: n(5_000, 40),
    threads: n(20_000, 40),
    posts: n(200_000, 600),
  };
  const BIG_THREAD_POSTS = 200;

  const tmp = `${out}.tmp`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  process.env.DATABASE_PATH = tmp;
  process.env.DATA_DIR ??= path.join(path.dirname(out), smoke ? 'smoke-data' : 'bench-data');
  process.env.SESSION_SECRET ??= 'bench-generator-secret-bench-generator-secret';

  const started = performance.now();
  const timings: Record<string, number> = {};
  let lap = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - lap) / 1000;
    console.log(`  ${name.padEnd(28)} ${timings[name].toFixed(2)} s`);
    lap = now;
  };

  console.log(`Generating ${smoke ? 'a small (--smoke)' : 'the full'} bench community into ${path.relative(process.cwd(), out)}`);
  // Importing the client runs openDatabase() on DATABASE_PATH (the real migrations); the models imported below share it.
  const { sqlite } = await import('../db/client.server');
  step('migrations');
  sqlite.pragma('journal_mode = MEMORY');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('foreign_keys = OFF');
  sqlite.pragma('cache_size = -262144');
  sqlite.pragma('temp_store = MEMORY');

  const { renderMarkdown } = await import('../app/utils/markdown.server');
  const { hashPassword } = await import('../app/utils/password.server');

  // -------------------------------------------------------------------------------------------------------------
  // Randomness and text

  let seed = 0x5eed1234;
  const rand = () => {
    // mulberry32: deterministic, so two runs make the same community.
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const chance = (p: number) => rand() < p;

  const seedsDir = [path.join(ROOT, '../shared/seeds'), '/work/shared/seeds'].find((d) => fs.existsSync(d));
  const seedText = seedsDir
    ? fs.readdirSync(seedsDir).filter((f) => f.endsWith('.txt')).map((f) => fs.readFileSync(path.join(seedsDir, f), 'utf8')).join('\n')
    : 'micro-credentials engineering education community practice pilot workplace learners employers assessment stacking diploma';
  const frequency = new Map<string, number>();
  const display = new Map<string, string>();
  for (const word of seedText.match(/[\p{L}][\p{L}\p{N}'’-]*[\p{L}\p{N}]|[\p{L}]/gu) ?? []) {
    const key = word.toLowerCase();
    frequency.set(key, (frequency.get(key) ?? 0) + 1);
    if (!display.has(key) || word === key) display.set(key, word);
  }
  const vocabulary = [...frequency.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => display.get(k)!);
  // Te reo Māori words with macrons, placed among the fairly common words (search folds them: "Maori" finds "Māori").
  const MACRON_WORDS = ['Māori', 'whānau', 'mātauranga', 'Ōtautahi', 'Tāmaki', 'ākonga', 'kaiako', 'Aotearoa'];
  MACRON_WORDS.forEach((w, i) => vocabulary.splice(40 + i * 25, 0, w));
  // Zipf's law over the vocabulary: "the", "micro-credentials", "engineering" everywhere; the tail rarely.
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < vocabulary.length; i++) cumulative.push((total += 1 / (i + 1.5)));
  const word = () => {
    const x = rand() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo]!;
  };
  const words = (count: number) => Array.from({ length: count }, word).join(' ');
  const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const sentence = (min = 8, max = 18) => `${capital(words(int(min, max)))}.`;
  const paragraph = (min = 2, max = 5) => Array.from({ length: int(min, max) }, () => sentence()).join(' ');
  const title = (min = 4, max = 9) => capital(words(int(min, max))).replace(/[.,;:]+$/, '');
  const withRare = (text: string) => `${text} The ${RARE_WORD} trial was noted.`;
  const markdownBody = () => {
    const parts = [paragraph()];
    if (chance(0.3)) parts.push(Array.from({ length: int(2, 4) }, () => `- ${capital(words(int(3, 8)))}`).join('\n'));
    if (chance(0.5)) parts.push(paragraph(1, 3).replace(/^(\S+ \S+)/, '**$1**'));
    if (chance(0.15)) parts.push(`See [the community page](https://example.org/${int(1, 999)}) for more.`);
    return parts.join('\n\n');
  };
  /** Markdown bodies rendered once by the portal's own renderer, then reused. */
  const renderedSample = (size: number) =>
    Array.from({ length: size }, () => {
      const md = markdownBody();
      return { md, html: renderMarkdown(md) };
    });

  const NOW = Date.now();
  const DAY = 86_400_000;
  const HOUR = 3_600_000;
  const ago = (days: number) => NOW - Math.round(days * DAY);
  /** A time in the last `years` years, one in every `recentEvery` of them within the last 6 days (for the digest). */
  const pastTime = (years: number, i: number, recentEvery = 100) => (i % recentEvery === 0 ? ago(rand() * 6) : ago(7 + rand() * (years * 365 - 7)));

  const markdownPosts = renderedSample(smoke ? 100 : 2_000);
  const markdownLong = renderedSample(smoke ? 20 : 300).map((a, i, all) => {
    const b = all[(i + 1) % all.length]!;
    return { md: `${a.md}\n\n## Lessons\n\n${b.md}`, html: `${a.html}\n<h2>Lessons</h2>\n${b.html}` };
  });
  step('text and markdown sample');

  // -------------------------------------------------------------------------------------------------------------
  // Organisations and members

  const KINDS = ['itp', 'ito', 'professional_body', 'nzbed', 'tec', 'nzqa', 'industry', 'other'] as const;
  const KIND_WEIGHTS = ['itp', 'itp', 'itp', 'ito', 'ito', 'industry', 'industry', 'industry', 'industry', 'professional_body', 'other'] as const;
  const PLACES = ['Northland', 'Auckland', 'Waikato', 'Bay of Plenty', 'Gisborne', "Hawke's Bay", 'Taranaki', 'Manawatū', 'Whanganui', 'Wellington', 'Nelson', 'Marlborough', 'West Coast', 'Canterbury', 'Otago', 'Southland', 'Tāmaki', 'Ōtautahi'];
  const KIND_NAMES: Record<(typeof KINDS)[number], string[]> = {
    itp: ['Institute of Technology', 'Polytechnic', 'Te Pūkenga campus'],
    ito: ['Industry Training', 'Skills Organisation', 'Apprenticeships'],
    professional_body: ['Engineering Society', 'Institute of Engineers'],
    nzbed: ['Board of Engineering Diplomas'],
    tec: ['Tertiary Education Commission office'],
    nzqa: ['Qualifications Authority office'],
    industry: ['Engineering', 'Civil Contractors', 'Electrical', 'Manufacturing', 'Infrastructure', 'Water Services'],
    other: ['Youth Enterprise Trust', 'Online Academy', 'Learning Collective'],
  };
  const orgKinds: (typeof KINDS)[number][] = [];
  const insertOrg = sqlite.prepare('insert into organisations (id, slug, name, kind, description, website, created_at) values (?, ?, ?, ?, ?, ?, ?)');
  sqlite.transaction(() => {
    for (let i = 1; i <= COUNTS.organisations; i++) {
      const kind = i === 1 ? 'nzbed' : i === 2 ? 'tec' : i === 3 ? 'nzqa' : pick(KIND_WEIGHTS);
      orgKinds[i] = kind;
      const name = `${PLACES[i % PLACES.length]} ${pick(KIND_NAMES[kind])} ${i}`;
      insertOrg.run(i, `${name.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`, name, kind, paragraph(1, 2), chance(0.6) ? `https://org${i}.example.nz` : null, ago(400 + rand() * 2000));
    }
  })();
  step('organisations');

  const FIRST = ['Aroha', 'Mere', 'Hemi', 'Tama', 'Anahera', 'Wiremu', 'Ngaio', 'Rawiri', 'Kiri', 'Manaia', 'Sarah', 'James', 'Olivia', 'Liam', 'Charlotte', 'Jack', 'Amelia', 'Noah', 'Isla', 'Oliver', 'Priya', 'Wei', 'Mei', 'Arjun', 'Sione', 'Losa', 'Tevita', 'Ana', 'Ruby', 'Lucas'];
  const LAST = ['Ngata', 'Parata', 'Tipene', 'Walker', 'Smith', 'Williams', 'Brown', 'Wilson', 'Taylor', 'Thomson', 'Anderson', 'Te Whiu', 'Pōtae', 'Chen', 'Singh', 'Patel', 'Fifita', 'Tuilagi', 'Campbell', 'Stewart', 'Robertson', 'Kāretu', 'Mahuta', 'Harris', 'Clark'];
  const JOBS = ['Programme manager', 'Learning designer', 'Tutor', 'Head of school', 'Training adviser', 'Engineer', 'Quality manager', 'Project manager', 'Workplace assessor', ''];
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const memberOrg: number[] = [];
  const projectManagers: number[] = [];
  const insertUser = sqlite.prepare(
    `insert into users (id, email, name, organisation_id, role, password_hash, email_verified_at, job_title, bio, interests, deactivated_at, digest_frequency, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  sqlite.transaction(() => {
    for (let i = 1; i <= COUNTS.members; i++) {
      // Member 1 is the signed-in member the pages are loaded as; every organisation has people.
      const org = i <= COUNTS.organisations ? i : int(1, COUNTS.organisations);
      memberOrg[i] = org;
      const role = i <= 5 && i > 1 ? 'coordinator' : i % 40 === 0 ? 'project_manager' : 'member';
      if (role === 'project_manager') projectManagers.push(i);
      const created = ago(7 + rand() * 1500);
      insertUser.run(
        i,
        `member${i}@bench.example.nz`,
        `${pick(FIRST)} ${pick(LAST)} ${i}`,
        org,
        role,
        passwordHash,
        created,
        pick(JOBS),
        chance(0.5) ? paragraph(1, 2) : '',
        chance(0.6) ? words(int(2, 5)) : '',
        i > 5 && i % 250 === 0 ? ago(30) : null,
        i % 20 === 0 ? 'off' : i % 7 === 0 ? 'monthly' : 'weekly',
        created,
      );
    }
  })();
  step('members');

  // -------------------------------------------------------------------------------------------------------------
  // Workshops and RSVPs

  const VENUES = ['Wellington', 'Auckland', 'Christchurch', 'Dunedin', 'Hamilton', 'Palmerston North', 'Nelson', 'Rotorua'];
  const insertWorkshop = sqlite.prepare(
    `insert into workshops (id, slug, title, summary, agenda_md, agenda_html, starts_at, ends_at, mode, venue, online_url, capacity,
       org_seat_cap, rsvp_deadline, audience, status, sequence, reminders_queued_for, record_notes_md, record_notes_html, record_updated_at,
       created_by_id, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'all', ?, 0, ?, ?, ?, ?, 2, ?, ?)`,
  );
  const insertDecision = sqlite.prepare('insert into workshop_decisions (workshop_id, text, position) values (?, ?, ?)');
  const insertAction = sqlite.prepare('insert into workshop_action_items (workshop_id, text, owner_organisation_id, due_date, position) values (?, ?, ?, ?, ?)');
  const insertAttendingOrg = sqlite.prepare('insert or ignore into workshop_attending_organisations (workshop_id, organisation_id) values (?, ?)');
  const insertRsvp = sqlite.prepare(
    `insert into rsvps (workshop_id, user_id, response, seat_status, attendance_mode, needs, waitlisted_at, attended, responded_at, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  /** Splits `total` into `parts` counts between min and max that add up exactly. */
  const spread = (totalCount: number, parts: number, min: number, max: number, fixed: Record<number, number> = {}) => {
    const counts = Array.from({ length: parts }, (_, i) => fixed[i] ?? int(min, max));
    let sum = counts.reduce((a, b) => a + b, 0);
    const free = counts.map((_, i) => i).filter((i) => fixed[i] === undefined);
    while (sum !== totalCount) {
      const i = pick(free);
      if (sum > totalCount && counts[i]! > min) (counts[i]!--, sum--);
      else if (sum < totalCount && counts[i]! < max * 3) (counts[i]!++, sum++);
    }
    return counts;
  };
  const rsvpCounts = spread(COUNTS.rsvps, COUNTS.workshops, 5, 45);
  const workshopSlugs: string[] = [];
  const workshopUpcoming: boolean[] = [];
  let benchWorkshop = { slug: '', confirmed: -1 };
  sqlite.transaction(() => {
    for (let w = 1; w <= COUNTS.workshops; w++) {
      // About one in eleven is still to come (upcoming within the next year); the rest span the past eight years.
      const upcoming = w % 11 === 0;
      const startsAt = upcoming ? NOW + (2 + rand() * 360) * DAY : ago(1 + rand() * 2900);
      const endsAt = startsAt + int(2, 7) * HOUR;
      const capacity = int(20, 60);
      const mode = pick(['in_person', 'online', 'hybrid'] as const);
      const status = upcoming ? 'scheduled' : chance(0.05) ? 'cancelled' : 'completed';
      const agenda = pick(markdownPosts);
      const record = status === 'completed' && chance(0.5) ? pick(markdownPosts) : null;
      const workshopTitle = `${title(3, 7)} workshop ${w}`;
      const slug = `${new Date(startsAt).getUTCFullYear()}-bench-workshop-${w}`;
      workshopSlugs[w] = slug;
      workshopUpcoming[w] = upcoming;
      const created = startsAt - int(20, 60) * DAY;
      insertWorkshop.run(
        w, slug, workshopTitle, paragraph(1, 2), agenda.md, agenda.html, startsAt, endsAt, mode,
        mode === 'online' ? '' : pick(VENUES), mode === 'in_person' ? '' : `https://meet.example.nz/w${w}`, capacity,
        chance(0.2) ? int(3, 8) : null, chance(0.3) ? startsAt - 2 * DAY : null, status,
        // Reminders count as queued, so the server's reminder job has nothing to send during a run.
        startsAt, record?.md ?? '', record?.html ?? '', record ? endsAt + DAY : null, Math.min(created, NOW), Math.min(created + DAY, NOW),
      );
      if (record) {
        for (let p = 0; p < 3; p++) insertDecision.run(w, sentence(), p);
        for (let p = 0; p < 2; p++) insertAction.run(w, sentence(6, 12), int(1, COUNTS.organisations), endsAt + 30 * DAY, p);
      }
      const chosen = new Set<number>();
      // Member 1 answers a few upcoming workshops, so the home page shows "Your RSVPs".
      if (upcoming && w % 33 === 0) chosen.add(1);
      while (chosen.size < Math.min(rsvpCounts[w - 1]!, COUNTS.members)) chosen.add(int(1, COUNTS.members));
      let confirmed = 0;
      let position = 0;
      for (const userId of chosen) {
        const r = rand();
        const response = r < 0.8 ? 'going' : r < 0.9 ? 'maybe' : 'not_going';
        const respondedAt = Math.min(created + rand() * (startsAt - created), NOW);
        let seatStatus: string | null = null;
        let waitlistedAt: number | null = null;
        if (response === 'going') {
          if (confirmed < capacity) (seatStatus = 'confirmed'), confirmed++;
          else (seatStatus = 'waitlisted'), (waitlistedAt = respondedAt + position++);
        }
        const attended = status === 'completed' && seatStatus === 'confirmed' ? (chance(0.85) ? 1 : 0) : null;
        if (attended) insertAttendingOrg.run(w, memberOrg[userId]);
        insertRsvp.run(w, userId, response, seatStatus, seatStatus && mode === 'hybrid' ? pick(['in_person', 'online']) : null, chance(0.05) ? 'Vegetarian lunch, please.' : '', waitlistedAt, attended, respondedAt, respondedAt);
      }
      // The workshop page under load: an upcoming one with a full list of attendees.
      if (upcoming && confirmed > benchWorkshop.confirmed) benchWorkshop = { slug, confirmed };
    }
  })();
  step('workshops and RSVPs');

  // -------------------------------------------------------------------------------------------------------------
  // Case studies and micro-credentials

  const TAGS = ['stacking', 'employers', 'workplace learning', 'assessment', 'NZDE', 'BEngTech', 'civil', 'electrical', 'mechanical', 'digital badges', 'recognition of prior learning', 'Māori learners', 'Pacific learners', 'apprentices', 'upskilling', 'online delivery', 'quality assurance', 'industry support', 'evaluation', 'funding', 'NZQA approval', 'practical assessment', 'e-learning', 'health and safety', 'surveying', 'water', 'building', 'infrastructure', 'geotechnical', 'transport'];
  const insertQualification = sqlite.prepare('insert or ignore into qualifications (code, name, total_credits, nzqf_level) values (?, ?, ?, ?)');
  for (const [code, name, credits, level] of [
    ['nzde', 'New Zealand Diploma in Engineering (NZDE)', 240, 6],
    ['bengtech', 'Bachelor of Engineering Technology (BEngTech)', 360, 7],
    ['ncea', 'National Certificate of Educational Achievement (NCEA)', null, 3],
    ['nzce', 'New Zealand Certificate in Engineering (Level 4)', 120, 4],
  ] as const)
    insertQualification.run(code, name, credits, level);
  const qualificationIds = (sqlite.prepare('select id, name from qualifications order by id').all() as { id: number; name: string }[]);
  const insertCaseStudy = sqlite.prepare(
    `insert into case_studies (id, slug, title, lead_organisation_id, status, starts_on, ends_on, funder, funding_notes, target_audience, problem, solution,
       delivery, lessons_learned, body_md, body_html, visibility, published_at, created_by_id, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertPartner = sqlite.prepare('insert or ignore into case_study_partners (case_study_id, organisation_id) values (?, ?)');
  const insertManager = sqlite.prepare('insert or ignore into case_study_managers (case_study_id, user_id) values (?, ?)');
  const insertOutcome = sqlite.prepare('insert into case_study_outcomes (case_study_id, label, value, unit, as_of, position) values (?, ?, ?, ?, ?, ?)');
  const insertCsTag = sqlite.prepare('insert or ignore into case_study_tags (case_study_id, tag) values (?, ?)');
  const insertRevision = sqlite.prepare('insert into case_study_revisions (case_study_id, editor_id, snapshot, changed_fields, created_at) values (?, ?, ?, ?, ?)');
  const insertMc = sqlite.prepare(
    'insert into micro_credentials (case_study_id, name, provider_organisation_id, credits, nzqf_level, nzqa_status, nzqa_reference, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertStacking = sqlite.prepare('insert or ignore into micro_credential_stacking (micro_credential_id, qualification_id, credits) values (?, ?, ?)');
  const orgName = sqlite.prepare('select name from organisations where id = ?').pluck();
  const userName = sqlite.prepare('select name from users where id = ?').pluck();
  let microCredentialCount = 0;
  let benchCaseStudy = { slug: '', score: -1 };
  const caseStudySlugs: string[] = [];
  sqlite.transaction(() => {
    for (let c = 1; c <= COUNTS.caseStudies; c++) {
      const published = c % 10 !== 0;
      const created = pastTime(6, c);
      const lead = int(1, COUNTS.organisations);
      const csTitle = `${title(4, 8)} pilot ${c}`;
      const slug = `bench-pilot-${c}`;
      caseStudySlugs[c] = slug;
      const status = pick(['proposed', 'running', 'completed', 'evaluated'] as const);
      const body = pick(markdownLong);
      const problem = c % 400 === 7 ? withRare(paragraph()) : paragraph();
      const solution = paragraph();
      const lessons = paragraph(1, 3);
      const delivery = ['elearning', 'workplace', 'practical_assessment', 'classroom', 'online'].filter(() => chance(0.4)).join(',');
      const visibility = chance(0.8) ? 'public' : 'members';
      const startsOn = created - int(30, 400) * DAY;
      insertCaseStudy.run(
        c, slug, csTitle, lead, status, startsOn, status === 'completed' || status === 'evaluated' ? startsOn + int(60, 600) * DAY : null,
        pick(['TEC', 'NZQA pilot', 'Engineering e2e', 'Self-funded', '']), chance(0.3) ? sentence() : '', sentence(5, 12), problem, solution, delivery,
        lessons, body.md, body.html, visibility, published ? created : null, 2, created, created,
      );
      const partners = Array.from({ length: int(0, 3) }, () => int(1, COUNTS.organisations)).filter((p) => p !== lead);
      for (const p of partners) insertPartner.run(c, p);
      const managers = projectManagers.length ? Array.from({ length: int(1, 2) }, () => pick(projectManagers)) : [];
      for (const m of managers) insertManager.run(c, m);
      const outcomes = Array.from({ length: int(0, 3) }, (_, p) => ({ label: capital(words(int(2, 5))), value: int(1, 400), unit: pick(['learners', '%', 'employers', 'credits']), asOf: created, position: p }));
      for (const o of outcomes) insertOutcome.run(c, o.label, o.value, o.unit, o.asOf, o.position);
      const tags = [...new Set(Array.from({ length: int(1, 4) }, () => pick(TAGS)))];
      for (const t of tags) insertCsTag.run(c, t);
      const mcs = Array.from({ length: int(1, 2) }, (_, m) => ({
        name: `${title(2, 5)} micro-credential ${c}.${m + 1}`,
        provider: chance(0.7) ? lead : int(1, COUNTS.organisations),
        credits: int(5, 40),
        level: int(3, 7),
        nzqaStatus: pick(['approved', 'in_development', 'not_applicable'] as const),
        stacking: qualificationIds.filter(() => chance(0.35)).map((q) => ({ ...q, credits: int(5, 30) })),
      }));
      for (const m of mcs) {
        const id = Number(insertMc.run(c, m.name, m.provider, m.credits, m.level, m.nzqaStatus, m.nzqaStatus === 'approved' ? `NZQA-${1000 + c}` : '', created).lastInsertRowid);
        microCredentialCount++;
        for (const s of m.stacking) insertStacking.run(id, s.id, s.credits);
      }
      if (published) {
        const snapshot = {
          version: 1, title: csTitle, leadOrganisation: orgName.get(lead), partners: partners.map((p) => orgName.get(p)), managers: managers.map((m) => userName.get(m)),
          status, startsOn, endsOn: null, funder: '', fundingNotes: '', targetAudience: '', problem, solution, delivery: delivery ? delivery.split(',') : [],
          outcomes: outcomes.map(({ label, value, unit, asOf }) => ({ label, value, unit, asOf })), lessonsLearned: lessons, bodyMd: body.md, tags, visibility,
          microCredentials: mcs.map((m) => ({ name: m.name, provider: orgName.get(m.provider), credits: m.credits, nzqfLevel: m.level, nzqaStatus: m.nzqaStatus, nzqaReference: '', stacking: m.stacking.map((s) => ({ qualification: s.name, credits: s.credits })) })),
        };
        insertRevision.run(c, 2, JSON.stringify(snapshot), 'First published', created);
      }
      // The case study page under load: a public, published one with micro-credentials that stack.
      const score = published && visibility === 'public' ? mcs.reduce((a, m) => a + 1 + m.stacking.length, 0) + partners.length + outcomes.length : -1;
      if (score > benchCaseStudy.score) benchCaseStudy = { slug, score };
    }
  })();
  step('case studies');

  // -------------------------------------------------------------------------------------------------------------
  // Resources (with their full-text index rows)

  const insertResource = sqlite.prepare(
    `insert into resources (id, title, kind, authors, organisation_id, published_on, summary, licence, visibility, review_by, external_url, uploaded_by_id, download_count, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertFile = sqlite.prepare('insert into stored_files (sha256, size, mime_type, extracted_text, extraction_error, created_at) values (?, ?, ?, ?, null, ?)');
  const insertVersion = sqlite.prepare(
    'insert into resource_versions (resource_id, version_number, sha256, original_name, note, uploaded_by_id, download_count, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertResourceTag = sqlite.prepare('insert or ignore into resource_tags (resource_id, tag) values (?, ?)');
  const insertResourceWorkshop = sqlite.prepare('insert or ignore into resource_workshops (resource_id, workshop_id) values (?, ?)');
  const insertResourceCaseStudy = sqlite.prepare('insert or ignore into resource_case_studies (resource_id, case_study_id) values (?, ?)');
  const insertResourceFts = sqlite.prepare('insert into resources_fts (rowid, title, summary, authors, tags, body) values (?, ?, ?, ?, ?, ?)');
  const KINDS_OF_RESOURCE = ['report', 'info_sheet', 'presentation', 'template', 'evaluation', 'programme_document', 'assessment', 'other'] as const;
  const MIMES = [
    ['application/pdf', 'pdf'],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx'],
    ['application/vnd.openxmlformats-officedocument.presentationml.presentation', 'pptx'],
  ] as const;
  const hex = () => Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');
  sqlite.transaction(() => {
    for (let r = 1; r <= COUNTS.resources; r++) {
      const created = pastTime(6, r);
      const isFile = r % 5 < 2;
      const resourceTitle = `${title(4, 10)}${r % 500 === 3 ? ` (${RARE_WORD})` : ''}`;
      const summary = paragraph(1, 3);
      const authors = `${pick(FIRST)} ${pick(LAST)}${chance(0.4) ? `, ${pick(FIRST)} ${pick(LAST)}` : ''}`;
      const tags = [...new Set(Array.from({ length: int(0, 4) }, () => pick(TAGS).toLowerCase()))];
      const org = chance(0.9) ? int(1, COUNTS.organisations) : null;
      const uploader = int(1, COUNTS.members);
      insertResource.run(
        r, resourceTitle, pick(KINDS_OF_RESOURCE), authors, org, chance(0.8) ? created - int(0, 200) * DAY : null, summary,
        pick(['CC BY 4.0', 'CC BY-SA 4.0', 'All rights reserved', '']), chance(0.75) ? 'public' : 'members', chance(0.2) ? created + int(100, 900) * DAY : null,
        isFile ? null : `https://resources.example.nz/${r}`, uploader, int(0, 300), created, created,
      );
      let body = '';
      if (isFile) {
        const versions = chance(0.2) ? 2 : 1;
        for (let v = 1; v <= versions; v++) {
          const [mime, ext] = pick(MIMES);
          const sha = hex();
          body = Array.from({ length: int(3, 10) }, () => paragraph(3, 6)).join('\n\n');
          insertFile.run(sha, int(20_000, 5_000_000), mime, body, created);
          insertVersion.run(r, v, sha, `${resourceTitle.slice(0, 40)}.${ext}`, v > 1 ? 'Updated figures' : '', uploader, int(0, 100), created + (v - 1) * DAY);
        }
      }
      for (const t of tags) insertResourceTag.run(r, t);
      if (chance(0.1)) insertResourceWorkshop.run(r, int(1, COUNTS.workshops));
      if (chance(0.1)) insertResourceCaseStudy.run(r, int(1, COUNTS.caseStudies));
      insertResourceFts.run(r, resourceTitle, summary, authors, tags.join(' '), body);
    }
  })();
  step('resources and FTS rows');

  // -------------------------------------------------------------------------------------------------------------
  // Discussions

  const CATEGORIES = [
    ['general', 'General'],
    ['pilots-and-case-studies', 'Pilots and case studies'],
    ['quality-assurance', 'Quality assurance'],
    ['stacking-and-pathways', 'Stacking and pathways'],
    ['workshops', 'Workshops'],
    ['te-reo-and-matauranga', 'Te reo Māori and mātauranga'],
    ['assessment', 'Assessment'],
    ['funding', 'Funding'],
  ];
  const insertCategory = sqlite.prepare('insert into discussion_categories (id, slug, name, description, position, created_at) values (?, ?, ?, ?, ?, ?)');
  CATEGORIES.forEach(([slug, name], i) => insertCategory.run(i + 1, slug, name, sentence(), i, ago(2000)));
  const insertThread = sqlite.prepare(
    `insert into threads (id, category_id, title, author_id, subject_type, subject_id, pinned_at, locked_at, hidden_at, post_count, last_post_at, last_post_id, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?)`,
  );
  const insertPost = sqlite.prepare(
    'insert into posts (id, thread_id, author_id, number, body_md, body_html, quoted_post_id, edited_at, deleted_at, hidden_at, created_at) values (?, ?, ?, ?, ?, ?, null, ?, ?, null, ?)',
  );
  const insertWatch = sqlite.prepare('insert or ignore into thread_watches (user_id, thread_id, level, notified_through_number, last_notified_at) values (?, ?, ?, ?, ?)');
  const insertRead = sqlite.prepare('insert or ignore into thread_reads (user_id, thread_id, last_read_number, updated_at) values (?, ?, ?, ?)');
  // Thread 1 is the long one the thread page is measured on: exactly 200 posts (four pages of 50).
  const postCounts = spread(COUNTS.posts, COUNTS.threads, 1, 19, { 0: BIG_THREAD_POSTS });
  let postId = 0;
  const BATCH = 2_000;
  for (let start = 1; start <= COUNTS.threads; start += BATCH) {
    sqlite.transaction(() => {
      for (let t = start; t < Math.min(start + BATCH, COUNTS.threads + 1); t++) {
        const count = postCounts[t - 1]!;
        const created = t === 1 ? ago(30) : pastTime(4, t, 150);
        const span = t === 1 ? 29 * DAY : Math.min(NOW - created, int(1, 60) * DAY);
        const author = t === 1 ? 2 : int(1, COUNTS.members);
        const subject = chance(0.1) ? pick([['workshop', int(1, COUNTS.workshops)], ['case_study', int(1, COUNTS.caseStudies)], ['resource', int(1, COUNTS.resources)]] as const) : null;
        // Post times first, so the thread row (inserted before its posts: the search triggers index a post through
        // its thread) already carries its final counts.
        const times: number[] = [];
        let at = created;
        for (let number = 1; number <= count; number++) {
          at = number === 1 ? created : Math.min(NOW, at + Math.round((span / count) * (0.5 + rand())));
          times.push(at);
        }
        insertThread.run(
          t, t === 1 ? 2 : int(1, CATEGORIES.length), t === 1 ? 'Stacking micro-credentials into the NZDE: the long thread' : title(4, 11), author,
          subject?.[0] ?? null, subject?.[1] ?? null, t <= 3 ? created : null, chance(0.01) ? at : null, count, at, postId + count, created,
        );
        const participants: number[] = [];
        for (let number = 1; number <= count; number++) {
          postId++;
          const postAt = times[number - 1]!;
          const poster = number === 1 ? author : int(1, COUNTS.members);
          if (participants.length < 5) participants.push(poster);
          const body = postId % 5_000 === 17 ? (() => {
            const md = withRare(markdownBody());
            return { md, html: renderMarkdown(md) };
          })() : markdownPosts[postId % markdownPosts.length]!;
          insertPost.run(postId, t, poster, number, body.md, body.html, chance(0.03) ? postAt + HOUR : null, number > 1 && chance(0.01) ? postAt + DAY : null, postAt);
        }
        for (const p of new Set(participants)) {
          insertWatch.run(p, t, 'watching', count, at);
          insertRead.run(p, t, count, at);
        }
      }
    })();
  }
  step('threads and posts');

  // -------------------------------------------------------------------------------------------------------------

  sqlite.pragma('foreign_keys = ON');
  const problems = sqlite.prepare('pragma foreign_key_check').all();
  if (problems.length) throw new Error(`Generated rows break ${problems.length} foreign keys, e.g. ${JSON.stringify(problems.slice(0, 3))}`);
  sqlite.exec('analyze');
  step('foreign key check, analyze');

  // Whatever full-text indexes later migrations added (a unified search) are rebuilt from the tables, if they can be.
  const ftsTables = (sqlite.prepare(`select name, sql from sqlite_master where type = 'table' and sql like 'CREATE VIRTUAL TABLE%fts5%'`).all() as { name: string; sql: string }[]);
  const triggerSql = (sqlite.prepare(`select group_concat(sql, ' ') as s from sqlite_master where type = 'trigger'`).get() as { s: string | null }).s ?? '';
  for (const t of ftsTables) {
    if (t.name === 'resources_fts') continue;
    // An index its own triggers keep in step (as the unified search's are) is already complete.
    if (triggerSql.includes(t.name)) continue;
    if (/content\s*=\s*'?[a-z_]+/i.test(t.sql) && !/content\s*=\s*''/i.test(t.sql)) {
      sqlite.prepare(`insert into ${t.name}(${t.name}) values ('rebuild')`).run();
      console.log(`  rebuilt ${t.name} from its content table`);
    }
  }
  try {
    // A search model that keeps its own index may offer a full rebuild; use it when it exists.
    const searchModule: Record<string, unknown> = await import(path.join(ROOT, 'app/models/search.server.ts')).catch(() => ({}));
    const rebuild = (searchModule.reindexAll ?? searchModule.rebuildSearchIndex ?? searchModule.reindexEverything) as (() => unknown) | undefined;
    if (typeof rebuild === 'function') {
      await rebuild();
      console.log('  rebuilt the unified search index');
    }
  } catch (error) {
    console.warn(`  could not rebuild the unified search index: ${(error as Error).message}`);
  }
  step('search indexes');

  const counts: Record<string, number> = {};
  for (const table of ['organisations', 'users', 'workshops', 'rsvps', 'case_studies', 'micro_credentials', 'resources', 'resource_versions', 'threads', 'posts']) {
    counts[table] = (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  }
  sqlite.pragma('journal_mode = DELETE');
  sqlite.exec('vacuum');
  sqlite.close();
  step('vacuum');
  for (const f of [out, `${out}-wal`, `${out}-shm`]) fs.rmSync(f, { force: true });
  fs.renameSync(tmp, out);

  const meta: BenchMeta = {
    generatorVersion: GENERATOR_VERSION,
    migrations: migrationTags(),
    smoke,
    generatedAt: new Date().toISOString(),
    seconds: Math.round(performance.now() - started) / 1000,
    timings,
    counts,
    member: { email: 'member1@bench.example.nz', password: BENCH_PASSWORD },
    floodAccounts: ['member6@bench.example.nz', 'member7@bench.example.nz', 'member8@bench.example.nz', 'member9@bench.example.nz', 'member10@bench.example.nz'],
    pages: { workshopSlug: benchWorkshop.slug || workshopSlugs[1]!, caseStudySlug: benchCaseStudy.slug || caseStudySlugs[1]!, bigThreadId: 1, bigThreadPosts: BIG_THREAD_POSTS },
    words: { common: vocabulary.find((w) => w.length > 6 && /^[a-z]+$/.test(w)) ?? 'engineering', rare: RARE_WORD, prefix: 'assess*', phrase: '"micro-credentials can"', macron: 'Maori' },
  };
  fs.writeFileSync(metaPathFor(out), JSON.stringify(meta, null, 2) + '\n');
  const size = fs.statSync(out).size;
  console.log(`Done in ${meta.seconds.toFixed(1)} s: ${(size / 1e6).toFixed(0)} MB, ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
