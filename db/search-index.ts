// The definition of the community-wide search index: one row per searchable thing in `search_docs`, and the FTS5
// table `search_fts` over it (external content: the text lives once, in search_docs). SQLite triggers on every
// source table keep both up to date inside the same statement, so whichever model writes a workshop, a post or a
// stored file's extracted text, the index changes in the same transaction and rolls back with it.
//
// This module is the one place the derivation is written: drizzle/0007_search.sql holds its output at the time
// (tables, backfill and triggers; 0008 re-created search_fts with more prefix indexes), scripts/search-rebuild.ts
// uses it to re-derive everything and to put back any trigger a later migration dropped, and test/integration/search.test.ts checks that the database's triggers are
// exactly these. A migration that rebuilds one of the source tables (drizzle-kit does CREATE __new_x, DROP x,
// RENAME) must drop these triggers first and create them again afterwards: print them with
// `npx tsx db/search-index.ts triggers`. See docs/decisions/006-search.md.
//
// No SQL views: SQLite refuses to rename a table while a view names a table that is momentarily missing, which is
// exactly what drizzle-kit's table rebuilds do.
import { pathToFileURL } from 'node:url';
import type Database from 'better-sqlite3';
import { ORGANISATION_KIND_LABELS, ORGANISATION_KIND_SHORT } from '../app/utils/labels';
import { SEARCH_KINDS, type SearchKind } from '../app/utils/search-labels';
import { ORGANISATION_KINDS } from './schema';

export { SEARCH_KINDS, type SearchKind };

/** Columns a source query yields, in order (everything but the id). */
const DOC_COLUMNS = [
  'kind',
  'item_id',
  'parent_id',
  'title',
  'summary',
  'body',
  'url',
  'organisation_id',
  'organisation_kind',
  'dated_at',
  'year',
  'visibility',
  'state',
  'updated_at',
] as const;

export const CREATE_TABLE_STATEMENTS = [
  `CREATE TABLE \`search_docs\` (
  \`id\` integer PRIMARY KEY NOT NULL,
  \`kind\` text NOT NULL,
  \`item_id\` integer NOT NULL,
  -- The pilot of a micro-credential; the thread of a post.
  \`parent_id\` integer,
  \`title\` text DEFAULT '' NOT NULL,
  -- What the thing is about (a pilot's problem and solution, a resource's summary, a thread's opening post):
  -- the duplication radar compares titles and summaries only.
  \`summary\` text DEFAULT '' NOT NULL,
  -- Everything else worth finding: agenda and record, the story, the text inside a document, a reply.
  \`body\` text DEFAULT '' NOT NULL,
  \`url\` text NOT NULL,
  \`organisation_id\` integer,
  \`organisation_kind\` text,
  -- The thing's own date (a workshop's start, a report's publication): the year filter and the recency boost.
  \`dated_at\` integer,
  \`year\` integer,
  -- 'public' | 'members'
  \`visibility\` text NOT NULL,
  -- 'live' | 'draft' | 'hidden' | 'deleted'
  \`state\` text NOT NULL,
  \`updated_at\` integer NOT NULL,
  -- Words for the index's fourth column, so permission and filters narrow a search inside FTS5 itself (a doclist
  -- intersection) before anything is ranked: casestudy5 kindcasestudy statedraft notlive vispublic org12 okinditp
  -- y2019 pilot5. The first names the document (snippets for one page are fetched with one query); "notlive" is
  -- rare, so excluding it costs little where requiring "statelive" would cost a pass over every document.
  \`meta\` text GENERATED ALWAYS AS (
    replace(\`kind\`, '_', '') || \`item_id\` || ' kind' || replace(\`kind\`, '_', '') || ' state' || \`state\`
    || case when \`state\` <> 'live' then ' notlive' else '' end || ' vis' || \`visibility\`
    || coalesce(' org' || \`organisation_id\`, '') || coalesce(' okind' || replace(\`organisation_kind\`, '_', ''), '')
    || coalesce(' y' || \`year\`, '')
    || case when \`kind\` = 'case_study' then ' pilot' || \`item_id\` when \`kind\` = 'micro_credential' and \`parent_id\` is not null then ' pilot' || \`parent_id\` else '' end
  ) VIRTUAL
)`,
  'CREATE UNIQUE INDEX `search_docs_item_unique` ON `search_docs` (`kind`,`item_id`)',
  'CREATE INDEX `search_docs_parent_idx` ON `search_docs` (`parent_id`)',
  'CREATE INDEX `search_docs_organisation_idx` ON `search_docs` (`organisation_id`)',
  'CREATE INDEX `search_docs_dated_idx` ON `search_docs` (`dated_at`)',
  // The search page's year filter offers the first to the last year of what is live: two index lookups.
  'CREATE INDEX `search_docs_state_year_idx` ON `search_docs` (`state`,`year`)',
  'CREATE INDEX `search_docs_year_idx` ON `search_docs` (`state`,`visibility`,`year`)',
];

// remove_diacritics 2: "Maori" finds "Māori" and the other way round; case never matters. The prefix indexes make
// a prefix of two to six letters (typed while searching, or "assess*") one lookup that reads only the documents it
// needs; without them a prefix merges the whole document list of every completion first (~35 ms of CPU for a
// common word at 100,000 replies, against ~4 ms). They double the size of search_fts. Searches put people's words in
// {title summary body} and the permission and filter words in {meta}, so one never matches the other.
// search_titles_fts indexes the titles and summaries alone: the duplication radar and the "matches in titles" tier
// of a search that matches too much to rank read it, so their cost follows the number of pilots, resources,
// workshops and threads, never the number of replies.
export const CREATE_FTS_STATEMENTS = [
  `CREATE VIRTUAL TABLE \`search_fts\` USING fts5(
  \`title\`, \`summary\`, \`body\`, \`meta\`,
  content='search_docs', content_rowid='id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3 4 5 6'
)`,
  `CREATE VIRTUAL TABLE \`search_titles_fts\` USING fts5(
  \`title\`, \`summary\`, \`meta\`,
  content='search_docs', content_rowid='id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
)`,
];

export const REBUILD_FTS_STATEMENTS = [
  `INSERT INTO search_fts (search_fts) VALUES ('rebuild')`,
  `INSERT INTO search_titles_fts (search_titles_fts) VALUES ('rebuild')`,
];

// ---------------------------------------------------------------------------------------------------------------
// How each kind of thing becomes a row. `where` narrows the source to the rows a trigger concerns.

const NOW = `cast(unixepoch('subsec') * 1000 as integer)`;
/** The two private-use characters that mark matches in snippets must never come from the text itself. */
const clean = (expr: string) => `replace(replace(${expr}, char(57344), ' '), char(57345), ' ')`;
/** The year in New Zealand. NZ is on daylight time (UTC+13) at every new year, so +13 h is exact at the boundary. */
const yearOf = (ms: string) => `cast(strftime('%Y', (${ms}) / 1000 + 46800, 'unixepoch') as integer)`;
const lines = (...parts: string[]) => parts.map((p) => `coalesce(${p}, '')`).join(` || char(10) || `);
const orgKind = (id: string) => `(select o.kind from organisations o where o.id = ${id})`;
const kindLabel = (col: string) =>
  `case ${col} ${ORGANISATION_KINDS.map((k) => `when '${k}' then '${`${ORGANISATION_KIND_SHORT[k]} ${ORGANISATION_KIND_LABELS[k]}`.replace(/'/g, "''")}'`).join(' ')} else '' end`;

type Source = (where: string) => string;

const SOURCES: Record<SearchKind, Source> = {
  organisation: (where) => `SELECT 'organisation', o.id, NULL, ${clean('o.name')}, ${clean('o.description')}, ${kindLabel('o.kind')},
    '/organisations/' || o.slug, o.id, o.kind, NULL, NULL, 'public', 'live', ${NOW}
  FROM organisations o WHERE ${where}`,

  // Members are for signed-in people only (the directory is); a deactivated member is never found.
  member: (where) => `SELECT 'member', u.id, NULL, ${clean('u.name')},
    case when u.deactivated_at is null then ${clean('u.job_title')} else '' end,
    case when u.deactivated_at is null then ${clean(lines('u.interests', 'u.bio'))} else '' end,
    '/members/' || u.id, u.organisation_id, ${orgKind('u.organisation_id')}, NULL, NULL, 'members',
    case when u.deactivated_at is null then 'live' else 'deleted' end, ${NOW}
  FROM users u WHERE ${where}`,

  // Drafts are for coordinators; the record (notes, decisions, action items) is part of the workshop.
  workshop: (where) => `SELECT 'workshop', w.id, NULL, ${clean('w.title')}, ${clean('w.summary')},
    ${clean(
      lines(
        'w.agenda_md',
        'w.record_notes_md',
        `(select group_concat(d.text, char(10)) from workshop_decisions d where d.workshop_id = w.id)`,
        `(select group_concat(a.text, char(10)) from workshop_action_items a where a.workshop_id = w.id)`,
      ),
    )},
    '/workshops/' || w.slug, NULL, NULL, w.starts_at, ${yearOf('w.starts_at')}, 'public',
    case w.status when 'draft' then 'draft' else 'live' end, ${NOW}
  FROM workshops w WHERE ${where}`,

  case_study: (where) => `SELECT 'case_study', c.id, NULL, ${clean('c.title')},
    ${clean(lines('c.problem', 'c.solution', `(select group_concat(t.tag, ', ') from case_study_tags t where t.case_study_id = c.id)`))},
    ${clean(lines('c.target_audience', 'c.lessons_learned', 'c.body_md', 'c.funder'))},
    '/case-studies/' || c.slug, c.lead_organisation_id, ${orgKind('c.lead_organisation_id')},
    coalesce(c.starts_on, c.published_at, c.created_at), ${yearOf('coalesce(c.starts_on, c.published_at, c.created_at)')}, c.visibility,
    case when c.published_at is null then 'draft' else 'live' end, ${NOW}
  FROM case_studies c WHERE ${where}`,

  // A micro-credential is seen wherever its pilot is (a draft pilot's only by the pilot's editors).
  micro_credential: (where) => `SELECT 'micro_credential', m.id, m.case_study_id, ${clean('m.name')},
    trim(coalesce('NZQF Level ' || m.nzqf_level, '') || coalesce(case when m.nzqf_level is not null then ', ' else '' end || m.credits || ' credits', '')),
    ${clean(
      lines(
        'm.nzqa_reference',
        'c.title',
        `(select group_concat(q.name, char(10)) from micro_credential_stacking s join qualifications q on q.id = s.qualification_id where s.micro_credential_id = m.id)`,
      ),
    )},
    case when c.id is null then '/micro-credentials' else '/case-studies/' || c.slug || '#micro-credentials' end,
    m.provider_organisation_id, ${orgKind('m.provider_organisation_id')},
    coalesce(c.starts_on, c.published_at, m.created_at), ${yearOf('coalesce(c.starts_on, c.published_at, m.created_at)')},
    coalesce(c.visibility, 'public'),
    case when c.id is not null and c.published_at is null then 'draft' else 'live' end, ${NOW}
  FROM micro_credentials m LEFT JOIN case_studies c ON c.id = m.case_study_id WHERE ${where}`,

  // The body is the text inside the current version's file (null until the extraction job has read it).
  resource: (where) => `SELECT 'resource', r.id, NULL, ${clean('r.title')},
    ${clean(lines('r.summary', 'r.authors', `(select group_concat(t.tag, ', ') from resource_tags t where t.resource_id = r.id)`))},
    ${clean(
      `coalesce((select f.extracted_text from resource_versions v join stored_files f on f.sha256 = v.sha256 where v.resource_id = r.id order by v.version_number desc limit 1), '')`,
    )},
    '/resources/' || r.id, r.organisation_id, ${orgKind('r.organisation_id')},
    coalesce(r.published_on, r.created_at), ${yearOf('coalesce(r.published_on, r.created_at)')}, r.visibility, 'live', ${NOW}
  FROM resources r WHERE ${where}`,

  // A thread is its title and its opening post (unless that post is removed or hidden); replies are posts.
  thread: (where) => `SELECT 'thread', t.id, NULL, ${clean('t.title')},
    ${clean(`coalesce((select p.body_md from posts p where p.thread_id = t.id and p.number = 1 and p.deleted_at is null and p.hidden_at is null), '')`)},
    '', '/discussions/' || t.id, u.organisation_id, ${orgKind('u.organisation_id')}, t.created_at, ${yearOf('t.created_at')}, 'members',
    case when t.hidden_at is null then 'live' else 'hidden' end, ${NOW}
  FROM threads t JOIN users u ON u.id = t.author_id WHERE ${where}`,

  post: (where) => `SELECT 'post', p.id, p.thread_id, '', '',
    case when p.deleted_at is null then ${clean('p.body_md')} else '' end,
    '/discussions/' || p.thread_id || '/posts/' || p.number, u.organisation_id, ${orgKind('u.organisation_id')},
    p.created_at, ${yearOf('p.created_at')}, 'members',
    case when p.deleted_at is not null then 'deleted' when p.hidden_at is not null or t.hidden_at is not null then 'hidden' else 'live' end, ${NOW}
  FROM posts p JOIN threads t ON t.id = p.thread_id JOIN users u ON u.id = p.author_id WHERE p.number > 1 AND (${where})`,
};

const UPDATE_SET = DOC_COLUMNS.filter((c) => c !== 'kind' && c !== 'item_id')
  .map((c) => `\`${c}\` = excluded.\`${c}\``)
  .join(', ');

/** INSERT ... SELECT ... ON CONFLICT DO UPDATE: writes the rows of `kind` whose source matches `where`. */
export function upsertStatement(kind: SearchKind, where: string): string {
  return `INSERT INTO search_docs (${DOC_COLUMNS.map((c) => `\`${c}\``).join(', ')})
  ${SOURCES[kind](where)}
  ON CONFLICT (\`kind\`, \`item_id\`) DO UPDATE SET ${UPDATE_SET}`;
}

const remove = (kind: SearchKind, id: string) => `DELETE FROM search_docs WHERE kind = '${kind}' AND item_id = ${id}`;

/**
 * Every document, derived from the tables, in one statement (the migration's backfill and the rebuild script).
 * Rows go in oldest first, so ids follow time as they do for everything written later: a search that matches too
 * much to rank lists the rest newest first by id (app/models/search.server.ts).
 */
export function backfillStatements(): string[] {
  const all = SEARCH_KINDS.map((kind) => SOURCES[kind]('1 = 1')).join('\n  UNION ALL\n  ');
  return [
    `INSERT INTO search_docs (${DOC_COLUMNS.map((c) => `\`${c}\``).join(', ')})
  SELECT * FROM (
  ${all}
  ) WHERE 1 = 1 ORDER BY ${DOC_COLUMNS.indexOf('dated_at') + 1}, 1, 2
  ON CONFLICT (\`kind\`, \`item_id\`) DO UPDATE SET ${UPDATE_SET}`,
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Triggers

type Trigger = { name: string; on: string; event: string; when?: string; body: string[] };

function triggers(): Trigger[] {
  const list: Trigger[] = [];
  const add = (name: string, on: string, event: string, body: string[], when?: string) => list.push({ name, on, event, body, when });
  /** Insert, update (of the listed columns) and delete triggers that refresh the doc(s) the row belongs to. */
  const refreshOn = (table: string, columns: string[], refresh: (row: 'new' | 'old') => string[]) => {
    add(`${table}_search_ai`, table, 'AFTER INSERT', refresh('new'));
    add(`${table}_search_au`, table, `AFTER UPDATE OF ${columns.join(', ')}`, [...refresh('old'), ...refresh('new')]);
    add(`${table}_search_ad`, table, 'AFTER DELETE', refresh('old'));
  };

  // Both FTS indexes follow search_docs (the external-content pattern: 'delete' with the old values, then insert).
  const ftsInsert = [
    'INSERT INTO search_fts (rowid, title, summary, body, meta) VALUES (new.id, new.title, new.summary, new.body, new.meta)',
    'INSERT INTO search_titles_fts (rowid, title, summary, meta) VALUES (new.id, new.title, new.summary, new.meta)',
  ];
  const ftsDelete = [
    `INSERT INTO search_fts (search_fts, rowid, title, summary, body, meta) VALUES ('delete', old.id, old.title, old.summary, old.body, old.meta)`,
    `INSERT INTO search_titles_fts (search_titles_fts, rowid, title, summary, meta) VALUES ('delete', old.id, old.title, old.summary, old.meta)`,
  ];
  add('search_docs_fts_ai', 'search_docs', 'AFTER INSERT', ftsInsert);
  add('search_docs_fts_ad', 'search_docs', 'AFTER DELETE', ftsDelete);
  add(
    'search_docs_fts_au',
    'search_docs',
    'AFTER UPDATE OF title, summary, body, kind, item_id, parent_id, organisation_id, organisation_kind, year, visibility, state',
    [...ftsDelete, ...ftsInsert],
    'old.title IS NOT new.title OR old.summary IS NOT new.summary OR old.body IS NOT new.body OR old.meta IS NOT new.meta',
  );

  // Organisations: their own doc, and the organisation kind copied onto everything they own.
  add('organisations_search_ai', 'organisations', 'AFTER INSERT', [upsertStatement('organisation', 'o.id = new.id')]);
  add('organisations_search_au', 'organisations', 'AFTER UPDATE OF name, slug, description, kind', [
    upsertStatement('organisation', 'o.id = new.id'),
    'UPDATE search_docs SET organisation_kind = new.kind WHERE organisation_id = new.id AND organisation_kind IS NOT new.kind',
  ]);
  add('organisations_search_ad', 'organisations', 'AFTER DELETE', [remove('organisation', 'old.id')]);

  // Members, and (when someone moves organisation) the organisation of what they wrote.
  add('users_search_ai', 'users', 'AFTER INSERT', [upsertStatement('member', 'u.id = new.id')]);
  add('users_search_au', 'users', 'AFTER UPDATE OF name, job_title, bio, interests, organisation_id, deactivated_at', [
    upsertStatement('member', 'u.id = new.id'),
    `UPDATE search_docs SET organisation_id = new.organisation_id, organisation_kind = ${orgKind('new.organisation_id')}
     WHERE old.organisation_id IS NOT new.organisation_id AND kind = 'thread' AND item_id IN (select id from threads where author_id = new.id)`,
    `UPDATE search_docs SET organisation_id = new.organisation_id, organisation_kind = ${orgKind('new.organisation_id')}
     WHERE old.organisation_id IS NOT new.organisation_id AND kind = 'post' AND item_id IN (select id from posts where author_id = new.id)`,
  ]);
  add('users_search_ad', 'users', 'AFTER DELETE', [remove('member', 'old.id')]);

  // Workshops and their records.
  add('workshops_search_ai', 'workshops', 'AFTER INSERT', [upsertStatement('workshop', 'w.id = new.id')]);
  add('workshops_search_au', 'workshops', 'AFTER UPDATE OF title, slug, summary, agenda_md, record_notes_md, status, starts_at', [
    upsertStatement('workshop', 'w.id = new.id'),
  ]);
  add('workshops_search_ad', 'workshops', 'AFTER DELETE', [remove('workshop', 'old.id')]);
  for (const table of ['workshop_decisions', 'workshop_action_items']) {
    refreshOn(table, ['text', 'workshop_id'], (row) => [upsertStatement('workshop', `w.id = ${row}.workshop_id`)]);
  }

  // Pilot case studies (their micro-credentials follow their state, visibility and address), tags.
  add('case_studies_search_ai', 'case_studies', 'AFTER INSERT', [upsertStatement('case_study', 'c.id = new.id')]);
  add(
    'case_studies_search_au',
    'case_studies',
    'AFTER UPDATE OF title, slug, problem, solution, target_audience, lessons_learned, body_md, funder, lead_organisation_id, visibility, published_at, starts_on',
    [upsertStatement('case_study', 'c.id = new.id'), upsertStatement('micro_credential', 'm.case_study_id = new.id')],
  );
  add('case_studies_search_ad', 'case_studies', 'AFTER DELETE', [remove('case_study', 'old.id')]);
  refreshOn('case_study_tags', ['tag', 'case_study_id'], (row) => [upsertStatement('case_study', `c.id = ${row}.case_study_id`)]);

  // Micro-credentials and what they stack into.
  add('micro_credentials_search_ai', 'micro_credentials', 'AFTER INSERT', [upsertStatement('micro_credential', 'm.id = new.id')]);
  add('micro_credentials_search_au', 'micro_credentials', 'AFTER UPDATE OF name, case_study_id, provider_organisation_id, credits, nzqf_level, nzqa_reference', [
    upsertStatement('micro_credential', 'm.id = new.id'),
  ]);
  add('micro_credentials_search_ad', 'micro_credentials', 'AFTER DELETE', [remove('micro_credential', 'old.id')]);
  refreshOn('micro_credential_stacking', ['qualification_id', 'micro_credential_id'], (row) => [
    upsertStatement('micro_credential', `m.id = ${row}.micro_credential_id`),
  ]);
  add('qualifications_search_au', 'qualifications', 'AFTER UPDATE OF name', [
    upsertStatement('micro_credential', 'm.id IN (select s.micro_credential_id from micro_credential_stacking s where s.qualification_id = new.id)'),
  ]);

  // Resources: metadata, tags, the current version, and the text read from its file later on.
  add('resources_search_ai', 'resources', 'AFTER INSERT', [upsertStatement('resource', 'r.id = new.id')]);
  add('resources_search_au', 'resources', 'AFTER UPDATE OF title, summary, authors, organisation_id, published_on, visibility', [
    upsertStatement('resource', 'r.id = new.id'),
  ]);
  add('resources_search_ad', 'resources', 'AFTER DELETE', [remove('resource', 'old.id')]);
  refreshOn('resource_tags', ['tag', 'resource_id'], (row) => [upsertStatement('resource', `r.id = ${row}.resource_id`)]);
  refreshOn('resource_versions', ['sha256', 'version_number', 'resource_id'], (row) => [upsertStatement('resource', `r.id = ${row}.resource_id`)]);
  add('stored_files_search_au', 'stored_files', 'AFTER UPDATE OF extracted_text', [
    upsertStatement('resource', 'r.id IN (select v.resource_id from resource_versions v where v.sha256 = new.sha256)'),
  ]);

  // Discussions: threads (hiding one hides its replies), posts (the opening post is part of its thread's doc).
  add('threads_search_ai', 'threads', 'AFTER INSERT', [upsertStatement('thread', 't.id = new.id')]);
  add('threads_search_au', 'threads', 'AFTER UPDATE OF title, hidden_at, author_id', [
    upsertStatement('thread', 't.id = new.id'),
    upsertStatement('post', 'p.thread_id = new.id AND old.hidden_at IS NOT new.hidden_at'),
  ]);
  add('threads_search_ad', 'threads', 'AFTER DELETE', [remove('thread', 'old.id')]);
  const postRefresh = (row: 'new' | 'old') => [
    upsertStatement('post', `p.id = ${row}.id`),
    upsertStatement('thread', `t.id = ${row}.thread_id AND ${row}.number = 1`),
  ];
  add('posts_search_ai', 'posts', 'AFTER INSERT', postRefresh('new'));
  add('posts_search_au', 'posts', 'AFTER UPDATE OF body_md, hidden_at, deleted_at, number, thread_id', postRefresh('new'));
  add('posts_search_ad', 'posts', 'AFTER DELETE', [remove('post', 'old.id'), upsertStatement('thread', 't.id = old.thread_id AND old.number = 1')]);

  return list;
}

/** The names of every trigger the index relies on. */
export function searchTriggerNames(): string[] {
  return triggers().map((t) => t.name);
}

export function triggerStatements({ ifNotExists = false } = {}): string[] {
  return triggers().map(
    (t) =>
      `CREATE TRIGGER ${ifNotExists ? 'IF NOT EXISTS ' : ''}\`${t.name}\` ${t.event} ON \`${t.on}\`${t.when ? ` WHEN ${t.when}` : ''}\nBEGIN\n  ${t.body.join(';\n  ')};\nEND`,
  );
}

/** Everything the migration runs, in order: tables, backfill from existing rows, the FTS index, triggers. */
export function migrationStatements(): string[] {
  return [...CREATE_TABLE_STATEMENTS, ...backfillStatements(), ...CREATE_FTS_STATEMENTS, ...REBUILD_FTS_STATEMENTS, ...triggerStatements()];
}

/**
 * Re-derives the whole index from the tables in one transaction: the triggers are dropped, search_docs is emptied
 * and filled again, search_fts is rebuilt from it, and the triggers are created again (so a trigger that a later
 * migration dropped by accident comes back). Returns the number of documents and the triggers that were missing.
 */
export function rebuildSearchIndex(database: Database.Database): { documents: number; restoredTriggers: string[] } {
  const names = searchTriggerNames();
  const run = database.transaction(() => {
    const existing = new Set((database.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).all() as { name: string }[]).map((r) => r.name));
    const restoredTriggers = names.filter((name) => !existing.has(name));
    for (const name of names) database.exec(`DROP TRIGGER IF EXISTS \`${name}\``);
    database.exec('DELETE FROM search_docs');
    for (const statement of backfillStatements()) database.exec(statement);
    for (const statement of REBUILD_FTS_STATEMENTS) database.exec(statement);
    for (const statement of triggerStatements()) database.exec(statement);
    const { n } = database.prepare('SELECT count(*) AS n FROM search_docs').get() as { n: number };
    return { documents: n, restoredTriggers };
  });
  return run.immediate();
}

// `npx tsx db/search-index.ts migration|triggers`: prints the SQL (drizzle statement breakpoints between statements).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const what = process.argv[2] ?? 'migration';
  const statements = what === 'triggers' ? triggerStatements() : migrationStatements();
  process.stdout.write(`${statements.join(';\n--> statement-breakpoint\n')};\n`);
}
