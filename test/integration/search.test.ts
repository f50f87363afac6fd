// One search across the community, the duplication radar and the community map, against a real database with the
// real migrations and triggers: ranking (titles over bodies, recent over old), diacritics, prefixes and phrases,
// permissions for every kind of viewer (rows made through the models), the index written in the same transaction as
// the change, pathological queries, the rebuild, and the routes as Remix calls them.
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, sqlite } from '../../db/client.server';
import { caseStudies, discussionCategories, organisations, posts, qualifications, resources, threads, users } from '../../db/schema';
import { rebuildSearchIndex, searchTriggerNames, triggerStatements } from '../../db/search-index';
import { seed } from '../../db/seed';
import { setDeactivated } from '~/models/accounts.server';
import { createCaseStudy, findSimilarWork, type CaseStudyInput } from '~/models/case-studies.server';
import { deletePost, moderateThread, reply, setPostHidden, startThread } from '~/models/discussions.server';
import { communityMap, mapCell } from '~/models/map.server';
import { createResource, type ResourceInput } from '~/models/resources.server';
import { RANK_LIMIT, findLookAlikes, search, searchQuery, type SearchFilters } from '~/models/search.server';
import { createWorkshop, saveWorkshopRecord, type WorkshopInput } from '~/models/workshops.server';
import { createSession, generateToken, validateSessionToken, type SessionUser } from '~/utils/auth.server';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '~/utils/search-highlight';
import { parseDateInput, parseDateTimeLocal } from '~/utils/time';
import * as discussionsNew from '~/routes/discussions.new';
import * as mapRoute from '~/routes/map';
import * as mapCellRoute from '~/routes/map_.cell';
import * as radar from '~/routes/radar';
import * as searchRoute from '~/routes/search';
import * as workshopsNew from '~/routes/workshops.new';

type Handler = (args: any) => Promise<unknown>;
type Outcome = { status: number; data: any; headers: Headers };

async function call(handler: Handler, { path, form, cookie }: { path: string; form?: Record<string, string>; cookie?: string }): Promise<Outcome> {
  const headers = new Headers();
  if (cookie) headers.set('Cookie', cookie);
  const request = new Request(`http://localhost:3000${path}`, form ? { method: 'POST', body: new URLSearchParams(form), headers } : { headers });
  let out: unknown;
  try {
    out = await handler({ request, params: {}, context: { clientIp: '127.0.0.1', cspNonce: '' } });
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    out = thrown;
  }
  if (out instanceof Response) {
    const text = await out.text();
    let data: unknown = null;
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
    return { status: out.status, data, headers: out.headers };
  }
  if (out && typeof out === 'object' && (out as { type?: string }).type === 'DataWithResponseInit') {
    const { data, init } = out as { data: unknown; init: ResponseInit | null };
    return { status: init?.status ?? 200, data, headers: new Headers(init?.headers) };
  }
  return { status: 200, data: out, headers: new Headers() };
}

type Person = { user: SessionUser; cookie: string };
function sessionFor(email: string): Person {
  const row = db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()!;
  const token = generateToken();
  createSession(token, row.id);
  return { user: validateSessionToken(token)!.user, cookie: `__session=${token}` };
}

const orgId = (name: string) => db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, name)).get()!.id;
const day = (date: string) => {
  const parsed = parseDateInput(date);
  if (!parsed.ok) throw new Error(date);
  return parsed.date.getTime();
};

let coordinator: Person;
let manager: Person; // project.manager@demo.example (Otago Polytechnic)
let otherManager: Person; // brenden.mischewski@demo.example
let member: Person; // member@demo.example (BCITO)
let generalCategory: number;
let minute = Date.now();
/** Posting is limited per minute; each post here happens a minute after the last. */
const nextMinute = () => (minute += 61_000);

function pilot(overrides: Partial<CaseStudyInput> = {}): CaseStudyInput {
  return {
    title: 'A pilot',
    leadOrganisationId: orgId('Otago Polytechnic'),
    partnerIds: [],
    managerIds: [manager.user.id],
    status: 'running',
    startsOn: null,
    endsOn: null,
    funder: '',
    fundingNotes: '',
    targetAudience: '',
    problem: '',
    solution: '',
    delivery: [],
    lessonsLearned: '',
    bodyMd: '',
    tags: [],
    visibility: 'public',
    outcomes: [],
    microCredentials: [],
    ...overrides,
  };
}

async function addResource(actor: Person, overrides: Partial<ResourceInput> = {}): Promise<number> {
  const input: ResourceInput & { url: string } = {
    title: 'A resource',
    kind: 'report',
    authors: '',
    organisationId: actor.user.organisationId,
    publishedOn: null,
    summary: '',
    tags: [],
    licence: '',
    visibility: 'public',
    reviewBy: null,
    workshopIds: [],
    caseStudyIds: [],
    url: 'https://example.org/report',
    ...overrides,
  };
  const outcome = await createResource(actor.user, input, null);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  return outcome.id;
}

function workshop(overrides: Partial<WorkshopInput> = {}): WorkshopInput {
  const at = (s: string) => {
    const parsed = parseDateTimeLocal(s);
    if (!parsed.ok) throw new Error(s);
    return parsed.date.getTime();
  };
  return {
    title: 'A workshop',
    summary: '',
    agendaMd: '',
    startsAt: at('2031-05-06T09:30'),
    endsAt: at('2031-05-06T12:00'),
    mode: 'online',
    venue: '',
    onlineUrl: 'https://example.org/meet',
    capacity: 20,
    orgSeatCap: null,
    rsvpDeadline: null,
    audience: 'all',
    organisationIds: [],
    ...overrides,
  };
}

function thread(actor: Person, title: string, body: string) {
  const outcome = startThread(actor.user, { categoryId: generalCategory, title, body, subjectType: null, subjectId: null }, nextMinute());
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  return outcome;
}

function answer(actor: Person, threadId: number, body: string) {
  const outcome = reply(actor.user, threadId, { body }, nextMinute());
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  return outcome;
}

const strip = (s: string) => s.replaceAll(HIGHLIGHT_START, '').replaceAll(HIGHLIGHT_END, '');
const titles = (viewer: SessionUser | null, filters: Partial<SearchFilters>) => search(viewer, filters).hits.map((h) => strip(h.title));
const found = (viewer: SessionUser | null, q: string, kind?: SearchFilters['kind']) => search(viewer, { q, kind }).hits.map((h) => `${h.kind}:${h.id}`);

beforeAll(async () => {
  await seed();
  coordinator = sessionFor('coordinator@demo.example');
  manager = sessionFor('project.manager@demo.example');
  otherManager = sessionFor('brenden.mischewski@demo.example');
  member = sessionFor('member@demo.example');
  generalCategory = db.select({ id: discussionCategories.id }).from(discussionCategories).where(eq(discussionCategories.slug, 'general')).get()!.id;
}, 60_000);

describe('the index', () => {
  it('has every trigger the definition lists, exactly as written, and a document for everything seeded', () => {
    const rows = sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger'`).all() as { name: string; sql: string }[];
    const inDatabase = new Map(rows.map((r) => [r.name, r.sql.replace(/\s+/g, ' ')]));
    const expected = triggerStatements();
    expect(searchTriggerNames().filter((name) => !inDatabase.has(name))).toEqual([]);
    for (const [i, name] of searchTriggerNames().entries()) expect(inDatabase.get(name), name).toBe(expected[i]!.replace(/\s+/g, ' '));

    const count = (sql: string) => (sqlite.prepare(sql).get() as { n: number }).n;
    expect(count(`SELECT count(*) AS n FROM search_docs WHERE kind = 'organisation'`)).toBe(count('SELECT count(*) AS n FROM organisations'));
    expect(count(`SELECT count(*) AS n FROM search_docs WHERE kind = 'member'`)).toBe(count('SELECT count(*) AS n FROM users'));
    expect(count(`SELECT count(*) AS n FROM search_docs WHERE kind = 'case_study'`)).toBe(count('SELECT count(*) AS n FROM case_studies'));
    expect(count(`SELECT count(*) AS n FROM search_docs WHERE kind = 'post'`)).toBe(count('SELECT count(*) AS n FROM posts WHERE number > 1'));
    expect(count(`SELECT count(*) AS n FROM search_fts`)).toBe(count('SELECT count(*) AS n FROM search_docs'));
  });

  it('finds a sentence from inside a seeded report, highlighted, for a visitor', () => {
    const hits = search(null, { q: '"TEC is funding five pilots"' }).hits;
    const report = hits.find((h) => strip(h.title) === 'Micro-credentials: a model for engineering education?');
    expect(report?.kind).toBe('resource');
    expect(report?.snippet).toContain(`${HIGHLIGHT_START}TEC is funding five pilots${HIGHLIGHT_END}`);
    expect(report?.organisation?.name).toBe('Engineering e2e');
  });

  it('updates in the same transaction as the change: a rolled-back write leaves no hit, and is found inside it', () => {
    let seenInside: string[] = [];
    expect(() =>
      db.transaction((tx) => {
        tx.insert(resources).values({ title: 'Quokkaphonics guide', kind: 'report', visibility: 'public' }).run();
        seenInside = titles(null, { q: 'Quokkaphonics' });
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(seenInside).toEqual(['Quokkaphonics guide']);
    expect(titles(null, { q: 'Quokkaphonics' })).toEqual([]);
    expect((sqlite.prepare(`SELECT count(*) AS n FROM search_docs WHERE title = 'Quokkaphonics guide'`).get() as { n: number }).n).toBe(0);
  });

  it('follows edits to the record of a workshop, the text read from a file, and a member’s profile', async () => {
    const created = createWorkshop(coordinator.user, workshop({ title: 'Assessment clinic' }), { publish: true });
    saveWorkshopRecord(coordinator.user, created.id, { notesMd: 'We agreed on xylophonic moderation.', attendingOrganisationIds: [], decisions: ['Adopt the zanzibarite rubric'], actionItems: [{ text: 'Draft the quillwort template', ownerOrganisationId: null, dueDate: null }] });
    for (const word of ['xylophonic', 'zanzibarite', 'quillwort']) expect(found(null, word), word).toEqual([`workshop:${created.id}`]);
    saveWorkshopRecord(coordinator.user, created.id, { notesMd: '', attendingOrganisationIds: [], decisions: [], actionItems: [] });
    for (const word of ['xylophonic', 'zanzibarite', 'quillwort']) expect(found(null, word), word).toEqual([]);

    const id = await addResource(member, { title: 'Site induction pack' });
    sqlite.prepare(`INSERT INTO stored_files (sha256, size, mime_type, extracted_text) VALUES ('f'||hex(randomblob(31)), 10, 'application/pdf', NULL)`).run();
    const sha = (sqlite.prepare(`SELECT sha256 FROM stored_files WHERE extracted_text IS NULL ORDER BY created_at DESC LIMIT 1`).get() as { sha256: string }).sha256;
    sqlite.prepare(`UPDATE resources SET external_url = NULL WHERE id = ?`).run(id);
    sqlite.prepare(`INSERT INTO resource_versions (resource_id, version_number, sha256, original_name) VALUES (?, 1, ?, 'pack.pdf')`).run(id, sha);
    expect(found(null, 'gyrocompass')).toEqual([]);
    sqlite.prepare(`UPDATE stored_files SET extracted_text = 'Calibrate the gyrocompass before the first shift.' WHERE sha256 = ?`).run(sha);
    expect(found(null, 'gyrocompass')).toEqual([`resource:${id}`]);

    db.update(users).set({ interests: 'hydroponics, stacking' }).where(eq(users.id, member.user.id)).run();
    expect(found(coordinator.user, 'hydroponics')).toEqual([`member:${member.user.id}`]);
  });
});

describe('ranking', () => {
  it('puts a match in a title above a match in a body, even a newer body', async () => {
    const titled = await addResource(member, { title: 'Kaitiakitanga in trades training', publishedOn: day('2018-01-01') });
    const inBody = createWorkshop(coordinator.user, workshop({ title: 'Values in the workplace', agendaMd: '- Kaitiakitanga and guardianship on site\n- Questions' }), { publish: true });
    expect(found(null, 'kaitiakitanga')).toEqual([`resource:${titled}`, `workshop:${inBody.id}`]);
  });

  it('puts the more recent of two equally good matches first', async () => {
    const older = await addResource(member, { title: 'Pounamu apprenticeship review', summary: 'What apprentices said.', publishedOn: day('2015-01-01') });
    const newer = await addResource(member, { title: 'Pounamu apprenticeship review', summary: 'What apprentices said.', publishedOn: day('2025-01-01') });
    expect(found(null, 'pounamu apprenticeship')).toEqual([`resource:${newer}`, `resource:${older}`]);
  });
});

describe('matching', () => {
  it('ignores diacritics and case both ways: Māori, maori, MĀORI, Maori', async () => {
    const macron = await addResource(member, { title: 'Te reo Māori in the workshop' });
    const plain = await addResource(member, { title: 'Maori trades academy', summary: 'Without a macron.' });
    for (const q of ['Māori', 'maori', 'MĀORI', 'Maori', 'māori']) {
      expect(found(null, q).sort(), q).toEqual([`resource:${macron}`, `resource:${plain}`].sort());
    }
    const hit = search(null, { q: 'maori' }).hits.find((h) => h.id === macron)!;
    expect(hit.title).toContain(`${HIGHLIGHT_START}Māori${HIGHLIGHT_END}`);
  });

  it('matches the start of the last word while typing, and an explicit prefix anywhere, but never a one-letter prefix', async () => {
    const id = await addResource(member, { title: 'Photogrammetry for surveyors', summary: 'Drones and point clouds.' });
    expect(found(null, 'photogram')).toEqual([`resource:${id}`]);
    expect(found(null, 'photogram* surveyors')).toEqual([`resource:${id}`]);
    expect(found(null, 'photogram surveyors')).toEqual([]);
    // Up to six letters the last word is a prefix (a prefix index answers it); a longer word the index has is
    // searched as that word (its completions would cost more than they help), a longer one it lacks as a prefix.
    expect(searchQuery('drones')).toBe('"drones"*');
    expect(searchQuery('photogrammetry')).toBe('"photogrammetry"');
    expect(searchQuery('photogramm')).toBe('"photogramm"*');
    expect(searchQuery('p')).toBe('"p"');
    expect(searchQuery('p*')).toBe('"p"');
    expect(searchQuery('micro-c')).toBe('"micro-c"');
  });

  it('keeps a quoted phrase together', async () => {
    const together = await addResource(member, { title: 'Notes', summary: 'Bundled micro-credentials for surveying technicians.' });
    const apart = await addResource(member, { title: 'Notes', summary: 'Technicians in surveying, bundled with other micro-credentials.' });
    expect(found(null, '"surveying technicians"')).toEqual([`resource:${together}`]);
    expect(found(null, 'surveying technicians').sort()).toEqual([`resource:${together}`, `resource:${apart}`].sort());
  });
});

describe('permissions', () => {
  it('never shows a visitor members-only resources, pilots, discussions or members', async () => {
    const resource = await addResource(member, { title: 'Wharenui members-only budget', visibility: 'members' });
    const pilotId = createCaseStudy(manager.user, pilot({ title: 'Wharenui members-only pilot', visibility: 'members' }), { publish: true }).id;
    const started = thread(member, 'Wharenui discussion', 'Who else is working on this?');
    const expected = [`resource:${resource}`, `case_study:${pilotId}`, `thread:${started.threadId}`];
    expect(found(null, 'wharenui')).toEqual([]);
    expect(found(member.user, 'wharenui').sort()).toEqual(expected.sort());
    expect(found(null, 'Demo Member')).toEqual([]);
    expect(found(member.user, 'Demo Member')).toContain(`member:${member.user.id}`);
    // Filters cannot open a door either.
    expect(search(null, { kind: 'thread' }).hits).toEqual([]);
    expect(search(null, { q: 'wharenui', kind: 'resource' }).hits).toEqual([]);
  });

  it('shows a draft pilot and its micro-credentials only to its own project managers and coordinators', () => {
    const { id } = createCaseStudy(
      manager.user,
      pilot({
        title: 'Taniwha drone inspection draft',
        microCredentials: [{ id: null, name: 'Taniwha drone pilot licence', providerOrganisationId: orgId('Otago Polytechnic'), credits: 5, nzqfLevel: 4, nzqaStatus: 'not_applicable', nzqaReference: '', stacking: [] }],
      }),
    );
    const docs = (viewer: SessionUser | null) => found(viewer, 'taniwha').sort();
    const both = [`case_study:${id}`, expect.stringMatching(/^micro_credential:/)];
    expect(docs(null)).toEqual([]);
    expect(docs(member.user)).toEqual([]);
    expect(docs(otherManager.user)).toEqual([]);
    expect(docs(manager.user)).toEqual(expect.arrayContaining(both));
    expect(docs(coordinator.user)).toEqual(expect.arrayContaining(both));
    const hit = search(manager.user, { q: 'taniwha', kind: 'case_study' }).hits[0]!;
    expect(hit.state).toBe('draft');
  });

  it('shows a draft workshop to coordinators only', () => {
    const { id } = createWorkshop(coordinator.user, workshop({ title: 'Tuatara planning day' }));
    expect(found(null, 'tuatara')).toEqual([]);
    expect(found(manager.user, 'tuatara')).toEqual([]);
    expect(found(coordinator.user, 'tuatara')).toEqual([`workshop:${id}`]);
  });

  it('shows hidden replies and threads to coordinators only, and removed replies and deactivated members to nobody', () => {
    const started = thread(member, 'Kereru habitat and site safety', 'Opening post about the moa survey.');
    const hidden = answer(otherManager, started.threadId, 'Kawakawa remedy advice, hidden later.');
    const removed = answer(member, started.threadId, 'Kawakawa tea recipe, removed later.');
    expect(found(member.user, 'kawakawa').sort()).toEqual([`post:${hidden.postId}`, `post:${removed.postId}`].sort());

    expect(setPostHidden(coordinator.user, hidden.postId, true).ok).toBe(true);
    expect(deletePost(member.user, removed.postId).ok).toBe(true);
    expect(found(member.user, 'kawakawa')).toEqual([]);
    expect(found(coordinator.user, 'kawakawa')).toEqual([`post:${hidden.postId}`]);
    expect(search(coordinator.user, { q: 'kawakawa' }).hits[0]).toMatchObject({ state: 'hidden', title: 'Reply in “Kereru habitat and site safety”' });

    expect(moderateThread(coordinator.user, started.threadId, 'hide').ok).toBe(true);
    expect(found(member.user, 'kereru')).toEqual([]);
    expect(found(member.user, 'moa')).toEqual([]);
    expect(found(coordinator.user, 'kereru')).toEqual([`thread:${started.threadId}`]);
    expect(moderateThread(coordinator.user, started.threadId, 'unhide').ok).toBe(true);
    expect(found(member.user, 'kereru')).toEqual([`thread:${started.threadId}`]);

    const brenden = otherManager.user.id;
    expect(found(member.user, 'Mischewski')).toContain(`member:${brenden}`);
    expect(setDeactivated(coordinator.user, brenden, true).ok).toBe(true);
    expect(found(member.user, 'Mischewski')).not.toContain(`member:${brenden}`);
    expect(found(coordinator.user, 'Mischewski')).not.toContain(`member:${brenden}`);
    expect(setDeactivated(coordinator.user, brenden, false).ok).toBe(true);
  });

  it('filters by kind, organisation, kind of organisation and year, within what the viewer may see', async () => {
    const bcito = orgId('BCITO');
    const id = await addResource(member, { title: 'Formwork apprentices survey', publishedOn: day('2019-03-01'), organisationId: bcito });
    expect(found(null, 'formwork', 'resource')).toEqual([`resource:${id}`]);
    expect(found(null, 'formwork', 'workshop')).toEqual([]);
    expect(search(null, { q: 'formwork', organisationId: bcito }).hits.map((h) => h.id)).toEqual([id]);
    expect(search(null, { q: 'formwork', organisationId: orgId('MITO') }).hits).toEqual([]);
    expect(search(null, { q: 'formwork', organisationKind: 'ito' }).hits.map((h) => h.id)).toEqual([id]);
    expect(search(null, { q: 'formwork', organisationKind: 'itp' }).hits).toEqual([]);
    expect(search(null, { q: 'formwork', year: 2019 }).hits.map((h) => h.id)).toEqual([id]);
    expect(search(null, { q: 'formwork', year: 2020 }).hits).toEqual([]);
    // Filters without words list everything that matches them, newest first.
    const fromBcito = search(null, { organisationId: bcito });
    expect(fromBcito.searched).toBe(true);
    expect(fromBcito.hits.map((h) => h.organisation?.name)).toEqual(fromBcito.hits.map(() => 'BCITO'));
  });
});

describe('pathological queries', () => {
  it('answers FTS syntax, a thousand characters, one letter and empty input without an error', () => {
    const queries = [
      '"',
      '""',
      '*',
      '***',
      'NEAR',
      'NEAR(a b)',
      'a NEAR b',
      '-',
      '-stacking',
      ':',
      'title:stacking',
      '{title}: x',
      '(',
      ')',
      '^',
      '^stacking',
      'AND',
      'OR',
      'NOT',
      'stacking AND OR NOT',
      'a"b',
      '"unclosed phrase',
      "'",
      '\\',
      '+',
      '~',
      '\u0000',
      'a',
      'a*',
      'é',
      '🙂',
      'x'.repeat(1000),
      'stacking '.repeat(120),
      '" * NEAR - : ( ) ^ { } AND OR NOT + ~',
      '   ',
      '',
    ];
    for (const q of queries) {
      for (const viewer of [null, member.user, manager.user, coordinator.user]) {
        expect(() => search(viewer, { q }), JSON.stringify(q)).not.toThrow();
        expect(() => findLookAlikes({ title: q, summary: q }, viewer), JSON.stringify(q)).not.toThrow();
      }
    }
    expect(search(null, { q: '"' })).toMatchObject({ hits: [], searched: true });
    expect(search(null, { q: '' })).toMatchObject({ hits: [], searched: false });
    // A thousand characters are cut to 200, twelve terms at most.
    expect(searchQuery('word '.repeat(200))!.split(' ').length).toBe(12);
    expect(searchQuery('x'.repeat(1000))).toBe(`"${'x'.repeat(200)}"*`);
    expect(search(null, { q: '-stacking' }).hits.length).toBeGreaterThan(0);
  });

  it('answers a word found in every reply, more replies than it ranks: titles first, then the newest', () => {
    const started = thread(member, 'Ubiquitous scaffolding', 'Ubiquitous scaffolding is everywhere.');
    const total = RANK_LIMIT + 100;
    const insert = sqlite.prepare(`INSERT INTO posts (thread_id, author_id, number, body_md, body_html, created_at) VALUES (?, ?, ?, ?, '', ?)`);
    db.transaction(() => {
      for (let n = 2; n <= total + 1; n++) insert.run(started.threadId, member.user.id, n, `Reply ${n}: ubiquitous formwork.`, minute + n);
    });
    const first = search(member.user, { q: 'ubiquitous' });
    expect(first.hasMore).toBe(true);
    expect(first.hits).toHaveLength(20);
    expect(first.hits[0]).toMatchObject({ kind: 'thread', id: started.threadId });
    const newest = db.select({ id: posts.id }).from(posts).where(eq(posts.threadId, started.threadId)).all().map((p) => p.id).sort((a, b) => b - a);
    expect(first.hits.slice(1, 4).map((h) => h.id)).toEqual(newest.slice(0, 3));
    const second = search(member.user, { q: 'ubiquitous', page: 2 });
    expect(second.hits.map((h) => h.id)).toEqual(newest.slice(19, 39));
    // A visitor sees none of it.
    expect(search(null, { q: 'ubiquitous' }).hits).toEqual([]);
  });
});

describe('the rebuild (npm run search:rebuild)', () => {
  it('re-derives the same documents and the same results, and puts back a missing trigger', () => {
    const queries = ['stacking', 'maori', '"TEC is funding five pilots"', 'kawakawa', 'ubiquitous', 'wharenui', 'taniwha', 'engineering education'];
    const viewers = [null, member.user, manager.user, coordinator.user];
    const results = () => viewers.flatMap((v) => queries.map((q) => search(v, { q }).hits.map((h) => `${h.kind}:${h.id}:${h.snippet}`)));
    const documents = () =>
      sqlite.prepare('SELECT kind, item_id, parent_id, title, summary, body, url, organisation_id, organisation_kind, dated_at, year, visibility, state, meta FROM search_docs ORDER BY kind, item_id').all();
    // Everything the tests above wrote went through the triggers: both indexes still agree with search_docs.
    const integrity = () => {
      sqlite.exec(`INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)`);
      sqlite.exec(`INSERT INTO search_titles_fts (search_titles_fts, rank) VALUES ('integrity-check', 1)`);
    };
    expect(integrity).not.toThrow();
    const before = { results: results(), documents: documents() };
    sqlite.exec('DROP TRIGGER posts_search_ai');
    const outcome = rebuildSearchIndex(sqlite);
    expect(outcome.restoredTriggers).toEqual(['posts_search_ai']);
    expect(outcome.documents).toBe(before.documents.length);
    expect(documents()).toEqual(before.documents);
    expect(results()).toEqual(before.results);
    expect((sqlite.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name = 'posts_search_ai'`).get() as { n: number }).n).toBe(1);
    expect(integrity).not.toThrow();
  });
});

describe('the duplication radar', () => {
  it('finds a seeded pilot from a related title, with its organisation, and leaves out the thing being edited', () => {
    const items = findLookAlikes({ title: 'Self-driving vehicle skills for automotive technicians', summary: '' }, null);
    expect(items[0]).toMatchObject({ kind: 'case_study', title: 'Udacity Self-Driving Car Engineer Nanodegree', organisationName: 'Udacity' });
    expect(items[0]!.sharedWords).toEqual(expect.arrayContaining(['self', 'driving']));
    const udacity = db.select({ id: caseStudies.id }).from(caseStudies).where(eq(caseStudies.slug, 'udacity-self-driving-car-engineer-nanodegree')).get()!.id;
    const without = findLookAlikes({ title: 'Self-driving vehicle skills for automotive technicians', summary: '', excludeKind: 'case_study', excludeId: udacity }, null);
    expect(without.map((i) => i.title)).not.toContain('Udacity Self-Driving Car Engineer Nanodegree');
    // Its own micro-credential goes with it.
    expect(without.map((i) => i.title)).not.toContain('Self-Driving Car Engineer Nanodegree');
    expect(findSimilarWork({ title: 'Self-driving vehicle skills', summary: '' })[0]?.title).toBe('Udacity Self-Driving Car Engineer Nanodegree');
  });

  it('looks across kinds (resources, workshops, threads) and stays quiet about words everyone uses', async () => {
    const id = await addResource(member, { title: 'Geotechnical logging short course evaluation', summary: 'How the geotechnical logging course went.' });
    const items = findLookAlikes({ title: 'Geotechnical logging micro-credential', summary: '' }, member.user);
    expect(items.map((i) => `${i.kind}:${i.id}`)).toContain(`resource:${id}`);
    expect(items.find((i) => i.id === id)?.organisationName).toBe('BCITO');
    expect(findLookAlikes({ title: 'A micro-credential pilot programme', summary: 'New Zealand' }, member.user)).toEqual([]);
  });

  it('lists only what the viewer may see', async () => {
    await addResource(member, { title: 'Kowhaiwhai pattern assessment rubric', visibility: 'members' });
    expect(findLookAlikes({ title: 'Kowhaiwhai pattern assessment', summary: '' }, null).map((i) => i.title)).not.toContain('Kowhaiwhai pattern assessment rubric');
    expect(findLookAlikes({ title: 'Kowhaiwhai pattern assessment', summary: '' }, member.user)[0]).toMatchObject({ title: 'Kowhaiwhai pattern assessment rubric', membersOnly: true });
  });

  it('answers the live panel for signed-in members only', async () => {
    const res = await call(radar.loader, { path: '/radar?title=Self-driving+car+skills&summary=', cookie: member.cookie });
    expect(res.status).toBe(200);
    expect(res.data.items[0].title).toBe('Udacity Self-Driving Car Engineer Nanodegree');
    expect((await call(radar.loader, { path: '/radar?title=Self-driving' })).status).toBe(403);
  });

  it('is rendered by the forms’ actions without JavaScript: a new workshop, a new thread', async () => {
    const check = await call(workshopsNew.action, { path: '/workshops/new', form: { intent: 'check', title: 'Self-driving car workshop', summary: 'Automotive sensors' }, cookie: coordinator.cookie });
    expect(check.status).toBe(200);
    expect(check.data.values.title).toBe('Self-driving car workshop');
    expect(check.data.similar.map((s: { title: string }) => s.title)).toContain('Udacity Self-Driving Car Engineer Nanodegree');
    expect(db.select().from(threads).all().some((t) => t.title === 'Self-driving car workshop')).toBe(false);

    const preview = await call(discussionsNew.action, {
      path: '/discussions/new',
      form: { intent: 'preview', categoryId: String(generalCategory), title: 'Self-driving car sensors', body: 'Has anyone assessed automotive sensor skills?' },
      cookie: member.cookie,
    });
    expect(preview.status).toBe(200);
    expect(preview.data.similar.map((s: { title: string }) => s.title)).toContain('Udacity Self-Driving Car Engineer Nanodegree');
  });
});

describe('the search page', () => {
  it('returns hits with their kind, organisation and snippet, and the filters a visitor may use', async () => {
    const res = await call(searchRoute.loader, { path: '/search?q=BCITO' });
    expect(res.status).toBe(200);
    expect(res.data.searched).toBe(true);
    const pilotHit = res.data.hits.find((h: { url: string }) => h.url === '/case-studies/bcito-micro-credential-trial');
    expect(pilotHit).toMatchObject({ kindLabel: 'Pilot case study', organisation: { name: 'BCITO', kindLabel: 'ITO' } });
    expect(pilotHit.title).toContain(`${HIGHLIGHT_START}BCITO${HIGHLIGHT_END}`);
    expect(res.data.options.kinds.map((k: { value: string }) => k.value)).not.toContain('thread');
    const signedIn = await call(searchRoute.loader, { path: '/search?q=BCITO', cookie: member.cookie });
    expect(signedIn.data.options.kinds.map((k: { value: string }) => k.value)).toContain('thread');
    const empty = await call(searchRoute.loader, { path: '/search' });
    expect(empty.data).toMatchObject({ searched: false, hits: [] });
    const nonsense = await call(searchRoute.loader, { path: '/search?q=%22&kind=bogus&organisationId=abc&year=99&page=-1' });
    expect(nonsense.status).toBe(200);
    expect(nonsense.data.filters).toMatchObject({ kind: '', organisationId: '', year: '' });
  });
});

describe('the community map', () => {
  it('shows organisations by kind against tags, levels and qualifications, with gaps, from what the viewer may see', async () => {
    const map = communityMap(null);
    const [tags, levels, quals] = map.tables;
    const cell = (table: typeof tags, org: string, key: string) => {
      const i = table!.topics.findIndex((t) => t.key === key);
      const row = table!.groups.flatMap((g) => g.rows).find((r) => r.organisation.name === org)!;
      return i < 0 ? undefined : row.cells[i];
    };
    expect(tags!.groups.map((g) => g.kind)).toEqual(expect.arrayContaining(['itp', 'ito']));
    expect(cell(tags, 'Udacity', 'tag:automotive')).toBe(1);
    expect(cell(tags, 'MITO', 'tag:automotive')).toBe(1);
    expect(cell(tags, 'BCITO', 'tag:automotive')).toBe(0);
    expect(cell(levels, 'Young Enterprise', 'level:3')).toBe(1);
    expect(cell(levels, 'Udacity', 'level:9')).toBe(1);
    // Levels between the lowest and the highest that nobody provides are gaps for everyone.
    expect(levels!.topics.find((t) => t.key === 'level:5')?.total).toBe(0);
    expect(cell(quals, 'Young Enterprise', 'qualification:ncea')).toBe(1);
    const bengtech = quals!.topics.find((t) => t.key === 'qualification:bengtech');
    expect(bengtech?.total).toBe(0);

    // Members-only work counts for members, not for visitors.
    createCaseStudy(manager.user, pilot({ title: 'Members-only geothermal pilot', visibility: 'members', tags: ['geothermal'] }), { publish: true });
    expect(communityMap(null).tagOptions).not.toContain('geothermal');
    expect(communityMap(member.user).tagOptions).toContain('geothermal');

    // The focus narrows the levels to work with the tag.
    const focused = communityMap(null, { focus: 'ncea' });
    expect(focused.focus).toBe('ncea');
    expect(focused.tables[1]!.topics.map((t) => t.key)).toEqual(['level:3']);
  });

  it('lists the work behind a cell, and answers 404 for an unknown one', async () => {
    const cell = mapCell(null, 'udacity', 'tag:automotive')!;
    expect(cell.pilots.map((p) => p.title)).toEqual(['Udacity Self-Driving Car Engineer Nanodegree']);
    const level = mapCell(null, 'young-enterprise', 'level:3')!;
    expect(level.microCredentials.map((m) => m.title)).toEqual(['YES certificate']);
    expect(level.pilots.map((p) => p.title)).toEqual(['The Lion Foundation Young Enterprise Scheme (YES)']);
    expect((await call(mapCellRoute.loader, { path: '/map/cell?org=udacity&topic=tag:automotive' })).status).toBe(200);
    expect((await call(mapCellRoute.loader, { path: '/map/cell?org=nobody&topic=tag:automotive' })).status).toBe(404);
    expect((await call(mapCellRoute.loader, { path: '/map/cell?org=udacity&topic=level:11' })).status).toBe(404);
    expect((await call(mapRoute.loader, { path: '/map?tag=automotive' })).data.focus).toBe('automotive');
    expect(db.select().from(qualifications).all().length).toBeGreaterThan(0);
  });
});
