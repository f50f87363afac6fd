// One search across the community, and the duplication radar, both over the same index: search_docs (one row per
// workshop, pilot, micro-credential, resource, thread, reply, organisation and member) and its FTS5 index
// search_fts, kept up to date by SQLite triggers (db/search-index.ts, drizzle/0007_search.sql).
//
// Permissions are part of every query, in SQL: visitors see public, live things; members also see members-only
// things; drafts are seen by their editors (a pilot's project managers, coordinators); hidden threads and replies by
// coordinators; removed replies and deactivated members by nobody.
//
// What people type never reaches MATCH as syntax (~/utils/fts-query), and every query is bounded: at most 200
// characters and 12 terms, no one-letter prefixes, LIMIT on every statement, snippets computed for one page only.
import { audienceSql } from './audience.server';
import { sqlite } from '../../db/client.server';
import { rebuildSearchIndex as rebuildIndexOn } from '../../db/search-index';
import { ORGANISATION_KINDS, type OrganisationKind, type Visibility } from '../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { ftsTerms } from '~/utils/fts-query';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '~/utils/search-highlight';
import { ORGANISATION_KIND_LABELS } from '~/utils/labels';
import { QUERY_MAX_LENGTH, RADAR_KINDS, SEARCH_KINDS, SEARCH_KIND_LABELS, SEARCH_KIND_PLURALS, isSearchKind, type RadarKind, type SearchKind } from '~/utils/search-labels';
import { significantWords } from '~/utils/significant-words';

export { SEARCH_KIND_LABELS };
export type { SearchKind };

export const SEARCH_PAGE_SIZE = 20;
/** Deeper pages are not offered: refine the search instead. */
export const MAX_SEARCH_PAGE = 50;
export { QUERY_MAX_LENGTH };
export const QUERY_MAX_TERMS = 12;

type Viewer = Pick<SessionUser, 'id' | 'role' | 'organisationId'> | null;
type Params = Record<string, string | number | null>;

// ---------------------------------------------------------------------------------------------------------------
// Permissions, twice over: as FTS5 words in the meta column (so a search is narrowed before anything is ranked) and
// as SQL over search_docs (checked again on every row returned). Both say the same thing:
// visitors: public and live. Members: live. Project managers: also drafts of the pilots they manage (and those
// pilots' micro-credentials). Coordinators: everything but what was removed. `deleted` (a removed reply, a
// deactivated member) is never shown.

/** The meta word for a value: "case_study" → "kindcasestudy" (the tokenizer splits on "_", so it is left out). */
const metaWord = (prefix: string, value: string | number) => `"${`${prefix}${value}`.replace(/_/g, '')}"`;

/** Pilots a project manager manages (their drafts are theirs to find). */
function managedPilotIds(viewer: Viewer): number[] {
  if (viewer?.role !== 'project_manager') return [];
  return (sqlite.prepare('SELECT case_study_id AS id FROM case_study_managers WHERE user_id = ? ORDER BY case_study_id LIMIT 200').all(viewer.id) as { id: number }[]).map(
    (r) => r.id,
  );
}

/**
 * An FTS5 expression: `base`, narrowed to what the viewer may see and to the filters' meta words. What is not live
 * carries the rare word "notlive", so leaving it out is cheap (requiring "statelive" would make bm25 count every
 * document that has it).
 */
function restrict(base: string, viewer: Viewer, required: string[] = []): string {
  const words = viewer ? required : [...required, metaWord('vis', 'public')];
  const narrowed = words.length ? `(${base}) AND ({meta} : (${words.join(' AND ')}))` : `(${base})`;
  let hidden = `{meta} : ${metaWord('not', 'live')}`;
  if (viewer?.role === 'coordinator') hidden = `{meta} : ${metaWord('state', 'deleted')}`;
  else {
    const pilots = managedPilotIds(viewer);
    if (pilots.length) hidden = `(${hidden}) NOT ({meta} : (${metaWord('state', 'draft')} AND (${pilots.map((id) => metaWord('pilot', id)).join(' OR ')})))`;
  }
  return `(${narrowed}) NOT (${hidden})`;
}

/** The SQL condition "the viewer may see search doc `d`". */
export function visibleDocCondition(viewer: Viewer, params: Params): string {
  if (!viewer) return `(d.visibility = 'public' AND d.state = 'live')`;
  if (viewer.role === 'coordinator') return `(d.state IN ('live', 'draft', 'hidden'))`;
  // Agencies-only documents: for agency members and the owning organisation (app/models/audience.server.ts).
  const audience = audienceSql(viewer, 'd.visibility', 'd.organisation_id');
  if (viewer.role === 'project_manager') {
    params.viewerId = viewer.id;
    return `${audience} AND (d.state = 'live' OR (d.state = 'draft' AND d.kind IN ('case_study', 'micro_credential') AND EXISTS (
      SELECT 1 FROM case_study_managers m
      WHERE m.case_study_id = CASE d.kind WHEN 'case_study' THEN d.item_id ELSE d.parent_id END AND m.user_id = @viewerId)))`;
  }
  return `${audience} AND (d.state = 'live')`;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the query string

export type SearchFilters = {
  q: string;
  kind?: SearchKind;
  organisationId?: number;
  organisationKind?: OrganisationKind;
  year?: number;
  page: number;
};

/** /search?q=&kind=&organisationId=&organisationKind=&year=&page= → filters; nonsense values are ignored. */
export function searchFiltersFromParams(params: URLSearchParams): SearchFilters {
  const text = (name: string) => (params.get(name) ?? '').trim();
  const kind = text('kind');
  const organisationId = text('organisationId');
  const organisationKind = text('organisationKind');
  const year = text('year');
  const page = text('page');
  return {
    q: (params.get('q') ?? '').slice(0, 1000),
    kind: isSearchKind(kind) ? kind : undefined,
    organisationId: /^[1-9][0-9]{0,9}$/.test(organisationId) ? Number(organisationId) : undefined,
    organisationKind: (ORGANISATION_KINDS as readonly string[]).includes(organisationKind) ? (organisationKind as OrganisationKind) : undefined,
    year: /^[12][0-9]{3}$/.test(year) ? Number(year) : undefined,
    page: /^[0-9]{1,4}$/.test(page) ? Math.min(MAX_SEARCH_PAGE, Math.max(1, Number(page))) : 1,
  };
}

/** search_fts has prefix indexes for two to six letters (db/search-index.ts). */
const PREFIX_INDEX_MAX = 6;

/** Whether any document has this quoted word or phrase in its text (stops at the first). */
function indexHas(phrase: string): boolean {
  return sqlite.prepare('SELECT 1 FROM search_fts WHERE search_fts MATCH ? LIMIT 1').get(`{title summary body} : ${phrase}`) !== undefined;
}

/**
 * The user's text as a safe FTS5 query: words quoted, "phrases" kept, the last word a prefix while typing (two
 * letters at least), at most 200 characters and 12 terms. Null when nothing is searchable.
 */
export function searchQuery(q: string): string | null {
  const options = { maxLength: QUERY_MAX_LENGTH, maxTerms: QUERY_MAX_TERMS };
  const typed = ftsTerms(q, options);
  const typing = ftsTerms(q, { ...options, prefixLast: true });
  if (!typed || !typing) return null;
  // While typing, the last word also matches longer words. Up to six letters that is one lookup in a prefix index;
  // a longer prefix reads every document of every completion first ("communi" → community, communities, ...), so a
  // long word the index already has is searched as that word.
  const last = typed[typed.length - 1]!;
  if (typing[typing.length - 1] === last) return typed.join(' ');
  const lastRun = last.match(/[\p{L}\p{N}\p{M}]+/gu)?.pop() ?? '';
  if ([...lastRun.normalize('NFKD').replace(/\p{M}/gu, '')].length <= PREFIX_INDEX_MAX || !indexHas(last)) return typing.join(' ');
  return typed.join(' ');
}

// ---------------------------------------------------------------------------------------------------------------
// Search

export type SearchHit = {
  kind: SearchKind;
  kindLabel: string;
  id: number;
  /** With matched words between HIGHLIGHT_START and HIGHLIGHT_END. */
  title: string;
  url: string;
  /** A short passage, matches marked as in the title. */
  snippet: string;
  /** Where the hit lives: the thread of a reply, the pilot of a micro-credential. */
  context: string | null;
  organisation: { id: number; name: string; slug: string; kind: OrganisationKind } | null;
  year: number | null;
  membersOnly: boolean;
  agenciesOnly: boolean;
  state: 'live' | 'draft' | 'hidden';
};

export type SearchResult = {
  hits: SearchHit[];
  hasMore: boolean;
  page: number;
  /** False when there was nothing to search for (no words and no filters): the page shows its prompt. */
  searched: boolean;
};

type DocRow = {
  id: number;
  kind: SearchKind;
  itemId: number;
  parentId: number | null;
  title: string;
  url: string;
  year: number | null;
  visibility: Visibility;
  state: 'live' | 'draft' | 'hidden';
  organisationId: number | null;
};

const DOC_COLUMNS = `d.id, d.kind, d.item_id AS itemId, d.parent_id AS parentId, d.title, d.url, d.year, d.visibility, d.state, d.organisation_id AS organisationId`;
const YEAR_MS = 365.25 * 24 * 3600 * 1000;

function filterConditions(filters: Omit<SearchFilters, 'q' | 'page'>, params: Params): { sql: string[]; meta: string[] } {
  const sql: string[] = [];
  const meta: string[] = [];
  if (filters.kind) {
    sql.push('d.kind = @kind');
    meta.push(metaWord('kind', filters.kind));
    params.kind = filters.kind;
  }
  if (filters.organisationId) {
    sql.push('d.organisation_id = @organisationId');
    meta.push(metaWord('org', filters.organisationId));
    params.organisationId = filters.organisationId;
  }
  if (filters.organisationKind) {
    sql.push('d.organisation_kind = @organisationKind');
    meta.push(metaWord('okind', filters.organisationKind));
    params.organisationKind = filters.organisationKind;
  }
  if (filters.year) {
    sql.push('d.year = @year');
    meta.push(metaWord('y', filters.year));
    params.year = filters.year;
  }
  return { sql, meta };
}

function countMarks(s: string): number {
  return s.split(HIGHLIGHT_START).length - 1;
}

/** The passage to show: the one with more matches, the summary when neither has any. */
function bestSnippet(summary: string, body: string): string {
  const a = countMarks(summary);
  const b = countMarks(body);
  const chosen = b > a ? body : a > 0 ? summary : summary.trim() || body;
  return chosen.replace(/\s+/g, ' ').trim();
}

/** Highlighted title and the two candidate passages for one page of hits, in one query (each hit's meta word). */
function pageTexts(anywhere: string, rows: DocRow[]): Map<number, { title: string; snippet: string }> {
  const texts = new Map<number, { title: string; snippet: string }>();
  if (!rows.length) return texts;
  const match = `(${anywhere}) AND ({meta} : (${rows.map((r) => metaWord(r.kind, r.itemId)).join(' OR ')}))`;
  const found = sqlite
    .prepare(
      `SELECT search_fts.rowid AS id,
        highlight(search_fts, 0, @hlStart, @hlEnd) AS title,
        snippet(search_fts, 1, @hlStart, @hlEnd, '…', 24) AS summary,
        snippet(search_fts, 2, @hlStart, @hlEnd, '…', 24) AS body
       FROM search_fts WHERE search_fts MATCH @match`,
    )
    .all({ match, hlStart: HIGHLIGHT_START, hlEnd: HIGHLIGHT_END }) as { id: number; title: string; summary: string; body: string }[];
  for (const s of found) texts.set(s.id, { title: s.title, snippet: bestSnippet(s.summary, s.body) });
  return texts;
}

/**
 * Ranking costs about a microsecond or two a match (bm25 reads each match's positions and lengths), so a word
 * found in 100,000 replies would take too long. Up to this many matches are ranked; beyond it, the matches in
 * titles and summaries are ranked (they outrank body matches anyway) and the rest follow newest first.
 */
export const RANK_LIMIT = 2000;


type Index = 'search_fts' | 'search_titles_fts';

/**
 * The query with each phrase of several words loosened to those words, all still required: it finds everything
 * the query finds and more, and counting it stops as soon as the count is reached.
 */
export function loosened(words: string): string {
  return words.replace(/"((?:[^"]|"")*)"/g, (phrase, inner: string) => {
    const tokens = inner.split(/[^\p{L}\p{N}\p{M}]+/u).filter(Boolean);
    return tokens.length > 1 ? tokens.map((t) => `"${t}"`).join(' ') : phrase;
  });
}

const countUpTo = (index: Index, match: string, cap: number) =>
  (sqlite.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM ${index} WHERE ${index} MATCH ? LIMIT ?)`).get(match, cap + 1) as { n: number }).n;

/**
 * Relevance: bm25 with a title worth ten times the body and a summary four times (the meta words count nothing),
 * divided by 1 + 0.05 a year of age (at most ten years, so at most by 1.5): an item from last month beats an equally
 * good match from five years ago, while a better old match (one in a title rather than a body) still wins. Things without a date of their own (organisations,
 * members) count as current.
 */
function rank(index: Index): string {
  const weights = index === 'search_fts' ? '10.0, 4.0, 1.0, 0.0' : '10.0, 4.0, 0.0';
  return `bm25(${index}, ${weights}) / (1.0 + 0.05 * min(10.0, max(0.0, (@now - coalesce(d.dated_at, @now)) / ${YEAR_MS})))`;
}

function rankedPage(index: Index, match: string, where: string[], params: Params, offset: number, limit: number): DocRow[] {
  if (limit <= 0) return [];
  return sqlite
    .prepare(
      `SELECT ${DOC_COLUMNS}
       FROM ${index} JOIN search_docs d ON d.id = ${index}.rowid
       WHERE ${index} MATCH @match AND ${where.join(' AND ')}
       ORDER BY ${rank(index)}, d.id
       LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, match, offset, limit }) as DocRow[];
}

/** Newest first by id (ids follow the time things were written; the backfill inserts oldest first). */
function newestPage(match: string, where: string[], params: Params, offset: number, limit: number): DocRow[] {
  if (limit <= 0) return [];
  return sqlite
    .prepare(
      `SELECT ${DOC_COLUMNS}
       FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid
       WHERE search_fts MATCH @match AND ${where.join(' AND ')}
       ORDER BY search_fts.rowid DESC
       LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, match, offset, limit }) as DocRow[];
}

/**
 * The community-wide search: one page of hits the viewer may see, best first (or, with filters and no words,
 * newest first). `q` is what the person typed; a query with no usable words finds nothing.
 */
export function search(viewer: Viewer, filters: Partial<SearchFilters>, now = Date.now()): SearchResult {
  const page = Math.min(MAX_SEARCH_PAGE, Math.max(1, filters.page ?? 1));
  const q = filters.q ?? '';
  const words = q.trim() ? searchQuery(q) : null;
  const hasFilters = Boolean(filters.kind || filters.organisationId || filters.organisationKind || filters.year);
  if (q.trim() && !words) return { hits: [], hasMore: false, page, searched: true };
  if (!words && !hasFilters) return { hits: [], hasMore: false, page, searched: false };

  const params: Params = {};
  const filter = filterConditions(filters, params);
  const where = [visibleDocCondition(viewer, params), ...filter.sql];
  const offset = (page - 1) * SEARCH_PAGE_SIZE;
  const want = SEARCH_PAGE_SIZE + 1;
  let rows: DocRow[];
  let texts: Map<number, { title: string; snippet: string }>;
  if (words) {
    // People's words are looked for in the text columns only; the meta words narrow the search.
    const anywhere = `{title summary body} : (${words})`;
    const prominent = `{title summary} : (${words})`;
    const full = restrict(anywhere, viewer, filter.meta);
    const ranked = { ...params, now };
    // A rare phrase of common words ("micro-credentials can") is only known to be rare after reading every document
    // that has its words; its loosened form (the same words, anywhere) shows quickly that there may be too many.
    const loose = loosened(words);
    const countable = loose === words ? full : restrict(`{title summary body} : (${loose})`, viewer, filter.meta);
    if (countUpTo('search_fts', countable, RANK_LIMIT) <= RANK_LIMIT) {
      rows = rankedPage('search_fts', full, where, ranked, offset, want);
    } else {
      // Too many to rank: matches in titles and summaries first (ranked, from the small index), then the rest.
      const inTitles = restrict(prominent, viewer, filter.meta);
      const titleCount = countUpTo('search_titles_fts', inTitles, RANK_LIMIT);
      if (titleCount > RANK_LIMIT) {
        rows = newestPage(full, where, params, offset, want);
      } else {
        const first = offset < titleCount ? rankedPage('search_titles_fts', inTitles, where, ranked, offset, want) : [];
        const rest = newestPage(restrict(`(${anywhere}) NOT (${prominent})`, viewer, filter.meta), where, params, Math.max(0, offset - titleCount), want - first.length);
        rows = [...first, ...rest];
      }
    }
    texts = pageTexts(anywhere, rows.slice(0, SEARCH_PAGE_SIZE));
  } else {
    const browse = sqlite
      .prepare(
        `SELECT ${DOC_COLUMNS}, substr(d.summary, 1, 240) AS summary, substr(d.body, 1, 240) AS body
         FROM search_docs d
         WHERE ${where.join(' AND ')}
         ORDER BY d.dated_at IS NULL, d.dated_at DESC, d.id DESC
         LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit: want, offset }) as (DocRow & { summary: string; body: string })[];
    texts = new Map();
    for (const r of browse) {
      const passage = (r.summary.trim() || r.body).replace(/\s+/g, ' ').trim();
      texts.set(r.id, { title: r.title, snippet: passage.length >= 240 ? `${passage.slice(0, 230)}…` : passage });
    }
    rows = browse;
  }
  const hasMore = rows.length > SEARCH_PAGE_SIZE && page < MAX_SEARCH_PAGE;
  return { hits: describeHits(rows.slice(0, SEARCH_PAGE_SIZE), texts), hasMore, page, searched: true };
}

function byId<T extends { id: number }>(rows: T[]): Map<number, T> {
  return new Map(rows.map((r) => [r.id, r]));
}

function lookup<T extends { id: number }>(sql: string, ids: (number | null)[]): Map<number, T> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  if (!wanted.length) return new Map();
  return byId(sqlite.prepare(sql).all(JSON.stringify(wanted)) as T[]);
}

function organisationsById(ids: (number | null)[]) {
  return lookup<{ id: number; name: string; slug: string; kind: OrganisationKind }>(
    'SELECT id, name, slug, kind FROM organisations WHERE id IN (SELECT value FROM json_each(?))',
    ids,
  );
}

function describeHits(rows: DocRow[], texts: Map<number, { title: string; snippet: string }>): SearchHit[] {
  const organisations = organisationsById(rows.map((r) => r.organisationId));
  const threadTitles = lookup<{ id: number; title: string }>(
    'SELECT id, title FROM threads WHERE id IN (SELECT value FROM json_each(?))',
    rows.filter((r) => r.kind === 'post').map((r) => r.parentId),
  );
  const pilotTitles = lookup<{ id: number; title: string }>(
    'SELECT id, title FROM case_studies WHERE id IN (SELECT value FROM json_each(?))',
    rows.filter((r) => r.kind === 'micro_credential').map((r) => r.parentId),
  );
  return rows.map((r) => {
    const text = texts.get(r.id);
    const threadTitle = r.kind === 'post' && r.parentId !== null ? (threadTitles.get(r.parentId)?.title ?? null) : null;
    const pilotTitle = r.kind === 'micro_credential' && r.parentId !== null ? (pilotTitles.get(r.parentId)?.title ?? null) : null;
    const title = text?.title || r.title || (threadTitle ? `Reply in “${threadTitle}”` : SEARCH_KIND_LABELS[r.kind]);
    return {
      kind: r.kind,
      kindLabel: SEARCH_KIND_LABELS[r.kind],
      id: r.itemId,
      title: r.kind === 'post' && threadTitle ? `Reply in “${threadTitle}”` : title,
      url: r.url,
      snippet: text?.snippet ?? '',
      context: threadTitle ? `In the discussion “${threadTitle}”` : pilotTitle ? `Awarded by the pilot “${pilotTitle}”` : null,
      organisation: r.organisationId !== null ? (organisations.get(r.organisationId) ?? null) : null,
      year: r.year,
      membersOnly: r.visibility === 'members',
      agenciesOnly: r.visibility === 'agencies',
      state: r.state,
    };
  });
}

/** From the newest year to the oldest of what the viewer can find (each end one index lookup), for the year filter. */
export function searchYears(viewer: Viewer): number[] {
  const states = viewer ? "d.state = 'live'" : "d.state = 'live' AND d.visibility = 'public'";
  const range = sqlite
    .prepare(
      `SELECT (SELECT min(d.year) FROM search_docs d WHERE ${states} AND d.year IS NOT NULL) AS first,
              (SELECT max(d.year) FROM search_docs d WHERE ${states}) AS last`,
    )
    .get() as { first: number | null; last: number | null };
  if (range.first === null || range.last === null) return [];
  return Array.from({ length: Math.min(100, range.last - range.first + 1) }, (_, i) => range.last! - i);
}

/** Kinds a visitor can never find (discussions and the member directory are for members). */
const MEMBERS_ONLY_KINDS = new Set<SearchKind>(['thread', 'post', 'member']);

/** The choices the search page's filters offer this viewer. */
export function searchFilterOptions(viewer: Viewer) {
  return {
    kinds: SEARCH_KINDS.filter((k) => viewer || !MEMBERS_ONLY_KINDS.has(k)).map((k) => ({ value: k as string, label: SEARCH_KIND_PLURALS[k] })),
    organisations: (sqlite.prepare('SELECT id, name FROM organisations ORDER BY name').all() as { id: number; name: string }[]).map((o) => ({ value: String(o.id), label: o.name })),
    organisationKinds: ORGANISATION_KINDS.map((k) => ({ value: k as string, label: ORGANISATION_KIND_LABELS[k] })),
    years: searchYears(viewer).map((y) => ({ value: String(y), label: String(y) })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The duplication radar

export type LookAlike = {
  kind: RadarKind;
  kindLabel: string;
  id: number;
  title: string;
  url: string;
  organisationName: string | null;
  organisationSlug: string | null;
  /** The significant words it shares with what is being written. */
  sharedWords: string[];
  score: number;
  draft: boolean;
  membersOnly: boolean;
  agenciesOnly: boolean;
};

export type LookAlikeInput = {
  title: string;
  summary: string;
  /** The thing being edited, left out of its own look-alikes (with a pilot, its micro-credentials too). */
  excludeKind?: SearchKind;
  excludeId?: number | null;
};

/** Words beyond these are not compared (the title's come first). */
const RADAR_MAX_WORDS = 24;
/** Below this score nothing is shown: one rare shared word in a title, or a few in the summaries, is enough. */
const RADAR_MIN_SCORE = 1.4;
const RADAR_CANDIDATES = 40;

/** "technology" is searched as "technolog*" so that "technologies" matches too. */
const stem = (w: string) => (w.length > 4 && w.endsWith('y') ? w.slice(0, -1) : w);
/** Whether a word of the candidate counts as the query's word (the same, or a longer form of a long word). */
const sameWord = (docWord: string, w: string) => docWord === w || (w.length >= 5 && docWord.startsWith(stem(w)));

/** How many documents hold a word (or words it begins) in a title or summary (from the titles index's vocabulary). */
function documentFrequency(word: string): number {
  sqlite.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_titles_vocab USING fts5vocab(main, 'search_titles_fts', 'col')`);
  const from = stem(word);
  const row = sqlite
    .prepare(`SELECT coalesce(sum(doc), 0) AS n FROM temp.search_titles_vocab WHERE term >= ? AND term < ? AND col IN ('title', 'summary')`)
    .get(from, `${from}\uffff`) as { n: number };
  return row.n;
}

/**
 * Existing things across the community that look like what someone is writing (a pilot, a resource, a thread, a
 * workshop): the index's titles and summaries are searched for the significant words of the new title and summary
 * (any of them), and each candidate is scored by the words it shares, weighted by rarity (log(1 + N/df), scaled so
 * a word found nowhere else counts 1), doubled for words in the candidate's title and raised by half for words from
 * the new title. Only what the viewer may see; best first.
 */
export function findLookAlikes(input: LookAlikeInput, viewer: Viewer, { limit = 5, kinds = RADAR_KINDS as readonly RadarKind[] } = {}): LookAlike[] {
  const titleWords = new Set(significantWords(input.title.slice(0, 300)));
  const words = [...new Set([...titleWords, ...significantWords(input.summary.slice(0, 5000))])].slice(0, RADAR_MAX_WORDS);
  if (!words.length || !kinds.length) return [];

  const total = Math.max(1, (sqlite.prepare('SELECT count(*) AS n FROM search_docs').get() as { n: number }).n);
  const df = new Map(words.map((w) => [w, documentFrequency(w)]));
  const idf = new Map(words.map((w) => [w, Math.log(1 + total / Math.max(1, df.get(w)!)) / Math.log(1 + total)]));
  // Words most of the community uses find everything and tell nothing: they count, but do not bring candidates.
  const searchable = words.filter((w) => df.get(w)! <= Math.max(50, total * 0.1));
  if (!searchable.length) return [];

  const params: Params = {};
  const terms = searchable.map((w) => `"${stem(w)}"*`);
  const match = restrict(`({title summary} : (${terms.join(' OR ')})) AND ({meta} : (${kinds.map((k) => metaWord('kind', k)).join(' OR ')}))`, viewer);
  const where = [visibleDocCondition(viewer, params), `d.kind IN (${kinds.map((k) => `'${k}'`).join(', ')})`];
  if (input.excludeKind && input.excludeId) {
    params.excludeKind = input.excludeKind;
    params.excludeId = input.excludeId;
    where.push(`NOT (d.kind = @excludeKind AND d.item_id = @excludeId)`);
    if (input.excludeKind === 'case_study') where.push(`NOT (d.kind = 'micro_credential' AND d.parent_id = @excludeId)`);
  }
  const order = countUpTo('search_titles_fts', match, RANK_LIMIT) <= RANK_LIMIT ? 'bm25(search_titles_fts, 10.0, 4.0, 0.0)' : 'search_titles_fts.rowid DESC';
  const candidates = sqlite
    .prepare(
      `SELECT d.kind, d.item_id AS itemId, d.title, substr(d.summary, 1, 5000) AS summary, d.url, d.organisation_id AS organisationId, d.state, d.visibility
       FROM search_titles_fts JOIN search_docs d ON d.id = search_titles_fts.rowid
       WHERE search_titles_fts MATCH @match AND ${where.join(' AND ')}
       ORDER BY ${order}
       LIMIT ${RADAR_CANDIDATES}`,
    )
    .all({ ...params, match }) as { kind: RadarKind; itemId: number; title: string; summary: string; url: string; organisationId: number | null; state: string; visibility: string }[];
  if (!candidates.length) return [];
  const organisations = organisationsById(candidates.map((c) => c.organisationId));

  return candidates
    .map((c) => {
      const inTitle = significantWords(c.title);
      const inSummary = significantWords(c.summary);
      const shared = words.filter((w) => inTitle.some((d) => sameWord(d, w)) || inSummary.some((d) => sameWord(d, w)));
      const score = shared.reduce((sum, w) => sum + idf.get(w)! * (inTitle.some((d) => sameWord(d, w)) ? 2 : 1) * (titleWords.has(w) ? 1.5 : 1), 0);
      const organisation = c.organisationId !== null ? organisations.get(c.organisationId) : undefined;
      return {
        kind: c.kind,
        kindLabel: SEARCH_KIND_LABELS[c.kind],
        id: c.itemId,
        title: c.title,
        url: c.url,
        organisationName: organisation?.name ?? null,
        organisationSlug: organisation?.slug ?? null,
        sharedWords: shared,
        score: Math.round(score * 100) / 100,
        draft: c.state === 'draft',
        membersOnly: c.visibility === 'members',
        agenciesOnly: c.visibility === 'agencies',
      };
    })
    .filter((r) => r.score >= RADAR_MIN_SCORE)
    .sort((a, b) => b.score - a.score || a.title.localeCompare(b.title))
    .slice(0, limit);
}

/** The radar's query string (?title=&summary=&kind=&exclude=) → its input; used by /radar and form actions. */
export function lookAlikeInputFromParams(params: URLSearchParams): LookAlikeInput {
  const kind = params.get('kind') ?? '';
  const exclude = params.get('exclude') ?? '';
  return {
    title: (params.get('title') ?? '').slice(0, 300),
    summary: (params.get('summary') ?? '').slice(0, 5000),
    excludeKind: isSearchKind(kind) ? kind : undefined,
    excludeId: /^[1-9][0-9]{0,9}$/.test(exclude) ? Number(exclude) : null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Maintenance

/** Re-derives the whole index on the app's connection (what `npm run search:rebuild` runs). */
export function rebuildSearchIndex() {
  return rebuildIndexOn(sqlite);
}
