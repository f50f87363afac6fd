-- One search across the community (issue 8). Written by db/search-index.ts (`npx tsx db/search-index.ts migration`):
-- search_docs holds one row per searchable thing (workshop, pilot, micro-credential, resource, thread, reply,
-- organisation, member) with what permission checks need (visibility, state, organisation, year); search_fts is an
-- external-content FTS5 index over its title, summary, body and meta (permission and filter words, so a search is
-- narrowed inside FTS5 before it is ranked). Existing rows are backfilled here; from then on the
-- triggers below keep both in step with every write, in the same transaction. A later migration that rebuilds one of
-- the source tables must drop and re-create these triggers (docs/decisions/006-search.md).
CREATE TABLE `search_docs` (
  `id` integer PRIMARY KEY NOT NULL,
  `kind` text NOT NULL,
  `item_id` integer NOT NULL,
  -- The pilot of a micro-credential; the thread of a post.
  `parent_id` integer,
  `title` text DEFAULT '' NOT NULL,
  -- What the thing is about (a pilot's problem and solution, a resource's summary, a thread's opening post):
  -- the duplication radar compares titles and summaries only.
  `summary` text DEFAULT '' NOT NULL,
  -- Everything else worth finding: agenda and record, the story, the text inside a document, a reply.
  `body` text DEFAULT '' NOT NULL,
  `url` text NOT NULL,
  `organisation_id` integer,
  `organisation_kind` text,
  -- The thing's own date (a workshop's start, a report's publication): the year filter and the recency boost.
  `dated_at` integer,
  `year` integer,
  -- 'public' | 'members'
  `visibility` text NOT NULL,
  -- 'live' | 'draft' | 'hidden' | 'deleted'
  `state` text NOT NULL,
  `updated_at` integer NOT NULL,
  -- Words for the index's fourth column, so permission and filters narrow a search inside FTS5 itself (a doclist
  -- intersection) before anything is ranked: casestudy5 kindcasestudy statedraft notlive vispublic org12 okinditp
  -- y2019 pilot5. The first names the document (snippets for one page are fetched with one query); "notlive" is
  -- rare, so excluding it costs little where requiring "statelive" would cost a pass over every document.
  `meta` text GENERATED ALWAYS AS (
    replace(`kind`, '_', '') || `item_id` || ' kind' || replace(`kind`, '_', '') || ' state' || `state`
    || case when `state` <> 'live' then ' notlive' else '' end || ' vis' || `visibility`
    || coalesce(' org' || `organisation_id`, '') || coalesce(' okind' || replace(`organisation_kind`, '_', ''), '')
    || coalesce(' y' || `year`, '')
    || case when `kind` = 'case_study' then ' pilot' || `item_id` when `kind` = 'micro_credential' and `parent_id` is not null then ' pilot' || `parent_id` else '' end
  ) VIRTUAL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_docs_item_unique` ON `search_docs` (`kind`,`item_id`);
--> statement-breakpoint
CREATE INDEX `search_docs_parent_idx` ON `search_docs` (`parent_id`);
--> statement-breakpoint
CREATE INDEX `search_docs_organisation_idx` ON `search_docs` (`organisation_id`);
--> statement-breakpoint
CREATE INDEX `search_docs_dated_idx` ON `search_docs` (`dated_at`);
--> statement-breakpoint
CREATE INDEX `search_docs_year_idx` ON `search_docs` (`state`,`visibility`,`year`);
--> statement-breakpoint
INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT * FROM (
  SELECT 'workshop', w.id, NULL, replace(replace(w.title, char(57344), ' '), char(57345), ' '), replace(replace(w.summary, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(w.agenda_md, '') || char(10) || coalesce(w.record_notes_md, '') || char(10) || coalesce((select group_concat(d.text, char(10)) from workshop_decisions d where d.workshop_id = w.id), '') || char(10) || coalesce((select group_concat(a.text, char(10)) from workshop_action_items a where a.workshop_id = w.id), ''), char(57344), ' '), char(57345), ' '),
    '/workshops/' || w.slug, NULL, NULL, w.starts_at, cast(strftime('%Y', (w.starts_at) / 1000 + 46800, 'unixepoch') as integer), 'public',
    case w.status when 'draft' then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM workshops w WHERE 1 = 1
  UNION ALL
  SELECT 'case_study', c.id, NULL, replace(replace(c.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(c.problem, '') || char(10) || coalesce(c.solution, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from case_study_tags t where t.case_study_id = c.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(c.target_audience, '') || char(10) || coalesce(c.lessons_learned, '') || char(10) || coalesce(c.body_md, '') || char(10) || coalesce(c.funder, ''), char(57344), ' '), char(57345), ' '),
    '/case-studies/' || c.slug, c.lead_organisation_id, (select o.kind from organisations o where o.id = c.lead_organisation_id),
    coalesce(c.starts_on, c.published_at, c.created_at), cast(strftime('%Y', (coalesce(c.starts_on, c.published_at, c.created_at)) / 1000 + 46800, 'unixepoch') as integer), c.visibility,
    case when c.published_at is null then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM case_studies c WHERE 1 = 1
  UNION ALL
  SELECT 'micro_credential', m.id, m.case_study_id, replace(replace(m.name, char(57344), ' '), char(57345), ' '),
    trim(coalesce('NZQF Level ' || m.nzqf_level, '') || coalesce(case when m.nzqf_level is not null then ', ' else '' end || m.credits || ' credits', '')),
    replace(replace(coalesce(m.nzqa_reference, '') || char(10) || coalesce(c.title, '') || char(10) || coalesce((select group_concat(q.name, char(10)) from micro_credential_stacking s join qualifications q on q.id = s.qualification_id where s.micro_credential_id = m.id), ''), char(57344), ' '), char(57345), ' '),
    case when c.id is null then '/micro-credentials' else '/case-studies/' || c.slug || '#micro-credentials' end,
    m.provider_organisation_id, (select o.kind from organisations o where o.id = m.provider_organisation_id),
    coalesce(c.starts_on, c.published_at, m.created_at), cast(strftime('%Y', (coalesce(c.starts_on, c.published_at, m.created_at)) / 1000 + 46800, 'unixepoch') as integer),
    coalesce(c.visibility, 'public'),
    case when c.id is not null and c.published_at is null then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM micro_credentials m LEFT JOIN case_studies c ON c.id = m.case_study_id WHERE 1 = 1
  UNION ALL
  SELECT 'resource', r.id, NULL, replace(replace(r.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(r.summary, '') || char(10) || coalesce(r.authors, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from resource_tags t where t.resource_id = r.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select f.extracted_text from resource_versions v join stored_files f on f.sha256 = v.sha256 where v.resource_id = r.id order by v.version_number desc limit 1), ''), char(57344), ' '), char(57345), ' '),
    '/resources/' || r.id, r.organisation_id, (select o.kind from organisations o where o.id = r.organisation_id),
    coalesce(r.published_on, r.created_at), cast(strftime('%Y', (coalesce(r.published_on, r.created_at)) / 1000 + 46800, 'unixepoch') as integer), r.visibility, 'live', cast(unixepoch('subsec') * 1000 as integer)
  FROM resources r WHERE 1 = 1
  UNION ALL
  SELECT 'thread', t.id, NULL, replace(replace(t.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select p.body_md from posts p where p.thread_id = t.id and p.number = 1 and p.deleted_at is null and p.hidden_at is null), ''), char(57344), ' '), char(57345), ' '),
    '', '/discussions/' || t.id, u.organisation_id, (select o.kind from organisations o where o.id = u.organisation_id), t.created_at, cast(strftime('%Y', (t.created_at) / 1000 + 46800, 'unixepoch') as integer), 'members',
    case when t.hidden_at is null then 'live' else 'hidden' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM threads t JOIN users u ON u.id = t.author_id WHERE 1 = 1
  UNION ALL
  SELECT 'post', p.id, p.thread_id, '', '',
    case when p.deleted_at is null then replace(replace(p.body_md, char(57344), ' '), char(57345), ' ') else '' end,
    '/discussions/' || p.thread_id || '/posts/' || p.number, u.organisation_id, (select o.kind from organisations o where o.id = u.organisation_id),
    p.created_at, cast(strftime('%Y', (p.created_at) / 1000 + 46800, 'unixepoch') as integer), 'members',
    case when p.deleted_at is not null then 'deleted' when p.hidden_at is not null or t.hidden_at is not null then 'hidden' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM posts p JOIN threads t ON t.id = p.thread_id JOIN users u ON u.id = p.author_id WHERE p.number > 1 AND (1 = 1)
  UNION ALL
  SELECT 'organisation', o.id, NULL, replace(replace(o.name, char(57344), ' '), char(57345), ' '), replace(replace(o.description, char(57344), ' '), char(57345), ' '), case o.kind when 'itp' then 'ITP Institutes of technology and polytechnics (ITPs)' when 'ito' then 'ITO Industry training organisations (ITOs)' when 'professional_body' then 'Professional body Professional bodies' when 'nzbed' then 'NZBED NZ Board of Engineering Diplomas (NZBED)' when 'tec' then 'TEC Tertiary Education Commission (TEC)' when 'nzqa' then 'NZQA NZ Qualifications Authority (NZQA)' when 'industry' then 'Industry Industry and employers' when 'other' then 'Other Other organisations' else '' end,
    '/organisations/' || o.slug, o.id, o.kind, NULL, NULL, 'public', 'live', cast(unixepoch('subsec') * 1000 as integer)
  FROM organisations o WHERE 1 = 1
  UNION ALL
  SELECT 'member', u.id, NULL, replace(replace(u.name, char(57344), ' '), char(57345), ' '),
    case when u.deactivated_at is null then replace(replace(u.job_title, char(57344), ' '), char(57345), ' ') else '' end,
    case when u.deactivated_at is null then replace(replace(coalesce(u.interests, '') || char(10) || coalesce(u.bio, ''), char(57344), ' '), char(57345), ' ') else '' end,
    '/members/' || u.id, u.organisation_id, (select o.kind from organisations o where o.id = u.organisation_id), NULL, NULL, 'members',
    case when u.deactivated_at is null then 'live' else 'deleted' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM users u WHERE 1 = 1
  ) WHERE 1 = 1 ORDER BY 10, 1, 2
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `search_fts` USING fts5(
  `title`, `summary`, `body`, `meta`,
  content='search_docs', content_rowid='id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
--> statement-breakpoint
CREATE VIRTUAL TABLE `search_titles_fts` USING fts5(
  `title`, `summary`, `meta`,
  content='search_docs', content_rowid='id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
--> statement-breakpoint
INSERT INTO search_fts (search_fts) VALUES ('rebuild');
--> statement-breakpoint
INSERT INTO search_titles_fts (search_titles_fts) VALUES ('rebuild');
--> statement-breakpoint
CREATE TRIGGER `search_docs_fts_ai` AFTER INSERT ON `search_docs`
BEGIN
  INSERT INTO search_fts (rowid, title, summary, body, meta) VALUES (new.id, new.title, new.summary, new.body, new.meta);
  INSERT INTO search_titles_fts (rowid, title, summary, meta) VALUES (new.id, new.title, new.summary, new.meta);
END;
--> statement-breakpoint
CREATE TRIGGER `search_docs_fts_ad` AFTER DELETE ON `search_docs`
BEGIN
  INSERT INTO search_fts (search_fts, rowid, title, summary, body, meta) VALUES ('delete', old.id, old.title, old.summary, old.body, old.meta);
  INSERT INTO search_titles_fts (search_titles_fts, rowid, title, summary, meta) VALUES ('delete', old.id, old.title, old.summary, old.meta);
END;
--> statement-breakpoint
CREATE TRIGGER `search_docs_fts_au` AFTER UPDATE OF title, summary, body, kind, item_id, parent_id, organisation_id, organisation_kind, year, visibility, state ON `search_docs` WHEN old.title IS NOT new.title OR old.summary IS NOT new.summary OR old.body IS NOT new.body OR old.meta IS NOT new.meta
BEGIN
  INSERT INTO search_fts (search_fts, rowid, title, summary, body, meta) VALUES ('delete', old.id, old.title, old.summary, old.body, old.meta);
  INSERT INTO search_titles_fts (search_titles_fts, rowid, title, summary, meta) VALUES ('delete', old.id, old.title, old.summary, old.meta);
  INSERT INTO search_fts (rowid, title, summary, body, meta) VALUES (new.id, new.title, new.summary, new.body, new.meta);
  INSERT INTO search_titles_fts (rowid, title, summary, meta) VALUES (new.id, new.title, new.summary, new.meta);
END;
--> statement-breakpoint
CREATE TRIGGER `organisations_search_ai` AFTER INSERT ON `organisations`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'organisation', o.id, NULL, replace(replace(o.name, char(57344), ' '), char(57345), ' '), replace(replace(o.description, char(57344), ' '), char(57345), ' '), case o.kind when 'itp' then 'ITP Institutes of technology and polytechnics (ITPs)' when 'ito' then 'ITO Industry training organisations (ITOs)' when 'professional_body' then 'Professional body Professional bodies' when 'nzbed' then 'NZBED NZ Board of Engineering Diplomas (NZBED)' when 'tec' then 'TEC Tertiary Education Commission (TEC)' when 'nzqa' then 'NZQA NZ Qualifications Authority (NZQA)' when 'industry' then 'Industry Industry and employers' when 'other' then 'Other Other organisations' else '' end,
    '/organisations/' || o.slug, o.id, o.kind, NULL, NULL, 'public', 'live', cast(unixepoch('subsec') * 1000 as integer)
  FROM organisations o WHERE o.id = new.id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `organisations_search_au` AFTER UPDATE OF name, slug, description, kind ON `organisations`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'organisation', o.id, NULL, replace(replace(o.name, char(57344), ' '), char(57345), ' '), replace(replace(o.description, char(57344), ' '), char(57345), ' '), case o.kind when 'itp' then 'ITP Institutes of technology and polytechnics (ITPs)' when 'ito' then 'ITO Industry training organisations (ITOs)' when 'professional_body' then 'Professional body Professional bodies' when 'nzbed' then 'NZBED NZ Board of Engineering Diplomas (NZBED)' when 'tec' then 'TEC Tertiary Education Commission (TEC)' when 'nzqa' then 'NZQA NZ Qualifications Authority (NZQA)' when 'industry' then 'Industry Industry and employers' when 'other' then 'Other Other organisations' else '' end,
    '/organisations/' || o.slug, o.id, o.kind, NULL, NULL, 'public', 'live', cast(unixepoch('subsec') * 1000 as integer)
  FROM organisations o WHERE o.id = new.id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
  UPDATE search_docs SET organisation_kind = new.kind WHERE organisation_id = new.id AND organisation_kind IS NOT new.kind;
END;
--> statement-breakpoint
CREATE TRIGGER `organisations_search_ad` AFTER DELETE ON `organisations`
BEGIN
  DELETE FROM search_docs WHERE kind = 'organisation' AND item_id = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `users_search_ai` AFTER INSERT ON `users`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'member', u.id, NULL, replace(replace(u.name, char(57344), ' '), char(57345), ' '),
    case when u.deactivated_at is null then replace(replace(u.job_title, char(57344), ' '), char(57345), ' ') else '' end,
    case when u.deactivated_at is null then replace(replace(coalesce(u.interests, '') || char(10) || coalesce(u.bio, ''), char(57344), ' '), char(57345), ' ') else '' end,
    '/members/' || u.id, u.organisation_id, (select o.kind from organisations o where o.id = u.organisation_id), NULL, NULL, 'members',
    case when u.deactivated_at is null then 'live' else 'deleted' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM users u WHERE u.id = new.id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `users_search_au` AFTER UPDATE OF name, job_title, bio, interests, organisation_id, deactivated_at ON `users`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'member', u.id, NULL, replace(replace(u.name, char(57344), ' '), char(57345), ' '),
    case when u.deactivated_at is null then replace(replace(u.job_title, char(57344), ' '), char(57345), ' ') else '' end,
    case when u.deactivated_at is null then replace(replace(coalesce(u.interests, '') || char(10) || coalesce(u.bio, ''), char(57344), ' '), char(57345), ' ') else '' end,
    '/members/' || u.id, u.organisation_id, (select o.kind from organisations o where o.id = u.organisation_id), NULL, NULL, 'members',
    case when u.deactivated_at is null then 'live' else 'deleted' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM users u WHERE u.id = new.id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
  UPDATE search_docs SET organisation_id = new.organisation_id, organisation_kind = (select o.kind from organisations o where o.id = new.organisation_id)
     WHERE old.organisation_id IS NOT new.organisation_id AND kind = 'thread' AND item_id IN (select id from threads where author_id = new.id);
  UPDATE search_docs SET organisation_id = new.organisation_id, organisation_kind = (select o.kind from organisations o where o.id = new.organisation_id)
     WHERE old.organisation_id IS NOT new.organisation_id AND kind = 'post' AND item_id IN (select id from posts where author_id = new.id);
END;
--> statement-breakpoint
CREATE TRIGGER `users_search_ad` AFTER DELETE ON `users`
BEGIN
  DELETE FROM search_docs WHERE kind = 'member' AND item_id = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `workshops_search_ai` AFTER INSERT ON `workshops`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'workshop', w.id, NULL, replace(replace(w.title, char(57344), ' '), char(57345), ' '), replace(replace(w.summary, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(w.agenda_md, '') || char(10) || coalesce(w.record_notes_md, '') || char(10) || coalesce((select group_concat(d.text, char(10)) from workshop_decisions d where d.workshop_id = w.id), '') || char(10) || coalesce((select group_concat(a.text, char(10)) from workshop_action_items a where a.workshop_id = w.id), ''), char(57344), ' '), char(57345), ' '),
    '/workshops/' || w.slug, NULL, NULL, w.starts_at, cast(strftime('%Y', (w.starts_at) / 1000 + 46800, 'unixepoch') as integer), 'public',
    case w.status when 'draft' then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM workshops w WHERE w.id = new.id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `workshops_search_au` AFTER UPDATE OF title, slug, summary, agenda_md, record_notes_md, status, starts_at ON `workshops`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'workshop', w.id, NULL, replace(replace(w.title, char(57344), ' '), char(57345), ' '), replace(replace(w.summary, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(w.agenda_md, '') || char(10) || coalesce(w.record_notes_md, '') || char(10) || coalesce((select group_concat(d.text, char(10)) from workshop_decisions d where d.workshop_id = w.id), '') || char(10) || coalesce((select group_concat(a.text, char(10)) from workshop_action_items a where a.workshop_id = w.id), ''), char(57344), ' '), char(57345), ' '),
    '/workshops/' || w.slug, NULL, NULL, w.starts_at, cast(strftime('%Y', (w.starts_at) / 1000 + 46800, 'unixepoch') as integer), 'public',
    case w.status when 'draft' then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM workshops w WHERE w.id = new.id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `workshops_search_ad` AFTER DELETE ON `workshops`
BEGIN
  DELETE FROM search_docs WHERE kind = 'workshop' AND item_id = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `workshop_decisions_search_ai` AFTER INSERT ON `workshop_decisions`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'workshop', w.id, NULL, replace(replace(w.title, char(57344), ' '), char(57345), ' '), replace(replace(w.summary, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(w.agenda_md, '') || char(10) || coalesce(w.record_notes_md, '') || char(10) || coalesce((select group_concat(d.text, char(10)) from workshop_decisions d where d.workshop_id = w.id), '') || char(10) || coalesce((select group_concat(a.text, char(10)) from workshop_action_items a where a.workshop_id = w.id), ''), char(57344), ' '), char(57345), ' '),
    '/workshops/' || w.slug, NULL, NULL, w.starts_at, cast(strftime('%Y', (w.starts_at) / 1000 + 46800, 'unixepoch') as integer), 'public',
    case w.status when 'draft' then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM workshops w WHERE w.id = new.workshop_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `workshop_decisions_search_au` AFTER UPDATE OF text, workshop_id ON `workshop_decisions`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'workshop', w.id, NULL, replace(replace(w.title, char(57344), ' '), char(57345), ' '), replace(replace(w.summary, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(w.agenda_md, '') || char(10) || coalesce(w.record_notes_md, '') || char(10) || coalesce((select group_concat(d.text, char(10)) from workshop_decisions d where d.workshop_id = w.id), '') || char(10) || coalesce((select group_concat(a.text, char(10)) from workshop_action_items a where a.workshop_id = w.id), ''), char(57344), ' '), char(57345), ' '),
    '/workshops/' || w.slug, NULL, NULL, w.starts_at, cast(strftime('%Y', (w.starts_at) / 1000 + 46800, 'unixepoch') as integer), 'public',
    case w.status when 'draft' then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM workshops w WHERE w.id = old.workshop_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'workshop', w.id, NULL, replace(replace(w.title, char(57344), ' '), char(57345), ' '), replace(replace(w.summary, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(w.agenda_md, '') || char(10) || coalesce(w.record_notes_md, '') || char(10) || coalesce((select group_concat(d.text, char(10)) from workshop_decisions d where d.workshop_id = w.id), '') || char(10) || coalesce((select group_concat(a.text, char(10)) from workshop_action_items a where a.workshop_id = w.id), ''), char(57344), ' '), char(57345), ' '),
    '/workshops/' || w.slug, NULL, NULL, w.starts_at, cast(strftime('%Y', (w.starts_at) / 1000 + 46800, 'unixepoch') as integer), 'public',
    case w.status when 'draft' then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM workshops w WHERE w.id = new.workshop_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `workshop_decisions_search_ad` AFTER DELETE ON `workshop_decisions`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'workshop', w.id, NULL, replace(replace(w.title, char(57344), ' '), char(57345), ' '), replace(replace(w.summary, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(w.agenda_md, '') || char(10) || coalesce(w.record_notes_md, '') || char(10) || coalesce((select group_concat(d.text, char(10)) from workshop_decisions d where d.workshop_id = w.id), '') || char(10) || coalesce((select group_concat(a.text, char(10)) from workshop_action_items a where a.workshop_id = w.id), ''), char(57344), ' '), char(57345), ' '),
    '/workshops/' || w.slug, NULL, NULL, w.starts_at, cast(strftime('%Y', (w.starts_at) / 1000 + 46800, 'unixepoch') as integer), 'public',
    case w.status when 'draft' then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM workshops w WHERE w.id = old.workshop_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `workshop_action_items_search_ai` AFTER INSERT ON `workshop_action_items`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'workshop', w.id, NULL, replace(replace(w.title, char(57344), ' '), char(57345), ' '), replace(replace(w.summary, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(w.agenda_md, '') || char(10) || coalesce(w.record_notes_md, '') || char(10) || coalesce((select group_concat(d.text, char(10)) from workshop_decisions d where d.workshop_id = w.id), '') || char(10) || coalesce((select group_concat(a.text, char(10)) from workshop_action_items a where a.workshop_id = w.id), ''), char(57344), ' '), char(57345), ' '),
    '/workshops/' || w.slug, NULL, NULL, w.starts_at, cast(strftime('%Y', (w.starts_at) / 1000 + 46800, 'unixepoch') as integer), 'public',
    case w.status when 'draft' then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM workshops w WHERE w.id = new.workshop_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `workshop_action_items_search_au` AFTER UPDATE OF text, workshop_id ON `workshop_action_items`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'workshop', w.id, NULL, replace(replace(w.title, char(57344), ' '), char(57345), ' '), replace(replace(w.summary, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(w.agenda_md, '') || char(10) || coalesce(w.record_notes_md, '') || char(10) || coalesce((select group_concat(d.text, char(10)) from workshop_decisions d where d.workshop_id = w.id), '') || char(10) || coalesce((select group_concat(a.text, char(10)) from workshop_action_items a where a.workshop_id = w.id), ''), char(57344), ' '), char(57345), ' '),
    '/workshops/' || w.slug, NULL, NULL, w.starts_at, cast(strftime('%Y', (w.starts_at) / 1000 + 46800, 'unixepoch') as integer), 'public',
    case w.status when 'draft' then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM workshops w WHERE w.id = old.workshop_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'workshop', w.id, NULL, replace(replace(w.title, char(57344), ' '), char(57345), ' '), replace(replace(w.summary, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(w.agenda_md, '') || char(10) || coalesce(w.record_notes_md, '') || char(10) || coalesce((select group_concat(d.text, char(10)) from workshop_decisions d where d.workshop_id = w.id), '') || char(10) || coalesce((select group_concat(a.text, char(10)) from workshop_action_items a where a.workshop_id = w.id), ''), char(57344), ' '), char(57345), ' '),
    '/workshops/' || w.slug, NULL, NULL, w.starts_at, cast(strftime('%Y', (w.starts_at) / 1000 + 46800, 'unixepoch') as integer), 'public',
    case w.status when 'draft' then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM workshops w WHERE w.id = new.workshop_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `workshop_action_items_search_ad` AFTER DELETE ON `workshop_action_items`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'workshop', w.id, NULL, replace(replace(w.title, char(57344), ' '), char(57345), ' '), replace(replace(w.summary, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(w.agenda_md, '') || char(10) || coalesce(w.record_notes_md, '') || char(10) || coalesce((select group_concat(d.text, char(10)) from workshop_decisions d where d.workshop_id = w.id), '') || char(10) || coalesce((select group_concat(a.text, char(10)) from workshop_action_items a where a.workshop_id = w.id), ''), char(57344), ' '), char(57345), ' '),
    '/workshops/' || w.slug, NULL, NULL, w.starts_at, cast(strftime('%Y', (w.starts_at) / 1000 + 46800, 'unixepoch') as integer), 'public',
    case w.status when 'draft' then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM workshops w WHERE w.id = old.workshop_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `case_studies_search_ai` AFTER INSERT ON `case_studies`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'case_study', c.id, NULL, replace(replace(c.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(c.problem, '') || char(10) || coalesce(c.solution, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from case_study_tags t where t.case_study_id = c.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(c.target_audience, '') || char(10) || coalesce(c.lessons_learned, '') || char(10) || coalesce(c.body_md, '') || char(10) || coalesce(c.funder, ''), char(57344), ' '), char(57345), ' '),
    '/case-studies/' || c.slug, c.lead_organisation_id, (select o.kind from organisations o where o.id = c.lead_organisation_id),
    coalesce(c.starts_on, c.published_at, c.created_at), cast(strftime('%Y', (coalesce(c.starts_on, c.published_at, c.created_at)) / 1000 + 46800, 'unixepoch') as integer), c.visibility,
    case when c.published_at is null then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM case_studies c WHERE c.id = new.id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `case_studies_search_au` AFTER UPDATE OF title, slug, problem, solution, target_audience, lessons_learned, body_md, funder, lead_organisation_id, visibility, published_at, starts_on ON `case_studies`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'case_study', c.id, NULL, replace(replace(c.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(c.problem, '') || char(10) || coalesce(c.solution, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from case_study_tags t where t.case_study_id = c.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(c.target_audience, '') || char(10) || coalesce(c.lessons_learned, '') || char(10) || coalesce(c.body_md, '') || char(10) || coalesce(c.funder, ''), char(57344), ' '), char(57345), ' '),
    '/case-studies/' || c.slug, c.lead_organisation_id, (select o.kind from organisations o where o.id = c.lead_organisation_id),
    coalesce(c.starts_on, c.published_at, c.created_at), cast(strftime('%Y', (coalesce(c.starts_on, c.published_at, c.created_at)) / 1000 + 46800, 'unixepoch') as integer), c.visibility,
    case when c.published_at is null then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM case_studies c WHERE c.id = new.id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'micro_credential', m.id, m.case_study_id, replace(replace(m.name, char(57344), ' '), char(57345), ' '),
    trim(coalesce('NZQF Level ' || m.nzqf_level, '') || coalesce(case when m.nzqf_level is not null then ', ' else '' end || m.credits || ' credits', '')),
    replace(replace(coalesce(m.nzqa_reference, '') || char(10) || coalesce(c.title, '') || char(10) || coalesce((select group_concat(q.name, char(10)) from micro_credential_stacking s join qualifications q on q.id = s.qualification_id where s.micro_credential_id = m.id), ''), char(57344), ' '), char(57345), ' '),
    case when c.id is null then '/micro-credentials' else '/case-studies/' || c.slug || '#micro-credentials' end,
    m.provider_organisation_id, (select o.kind from organisations o where o.id = m.provider_organisation_id),
    coalesce(c.starts_on, c.published_at, m.created_at), cast(strftime('%Y', (coalesce(c.starts_on, c.published_at, m.created_at)) / 1000 + 46800, 'unixepoch') as integer),
    coalesce(c.visibility, 'public'),
    case when c.id is not null and c.published_at is null then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM micro_credentials m LEFT JOIN case_studies c ON c.id = m.case_study_id WHERE m.case_study_id = new.id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `case_studies_search_ad` AFTER DELETE ON `case_studies`
BEGIN
  DELETE FROM search_docs WHERE kind = 'case_study' AND item_id = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `case_study_tags_search_ai` AFTER INSERT ON `case_study_tags`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'case_study', c.id, NULL, replace(replace(c.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(c.problem, '') || char(10) || coalesce(c.solution, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from case_study_tags t where t.case_study_id = c.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(c.target_audience, '') || char(10) || coalesce(c.lessons_learned, '') || char(10) || coalesce(c.body_md, '') || char(10) || coalesce(c.funder, ''), char(57344), ' '), char(57345), ' '),
    '/case-studies/' || c.slug, c.lead_organisation_id, (select o.kind from organisations o where o.id = c.lead_organisation_id),
    coalesce(c.starts_on, c.published_at, c.created_at), cast(strftime('%Y', (coalesce(c.starts_on, c.published_at, c.created_at)) / 1000 + 46800, 'unixepoch') as integer), c.visibility,
    case when c.published_at is null then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM case_studies c WHERE c.id = new.case_study_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `case_study_tags_search_au` AFTER UPDATE OF tag, case_study_id ON `case_study_tags`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'case_study', c.id, NULL, replace(replace(c.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(c.problem, '') || char(10) || coalesce(c.solution, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from case_study_tags t where t.case_study_id = c.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(c.target_audience, '') || char(10) || coalesce(c.lessons_learned, '') || char(10) || coalesce(c.body_md, '') || char(10) || coalesce(c.funder, ''), char(57344), ' '), char(57345), ' '),
    '/case-studies/' || c.slug, c.lead_organisation_id, (select o.kind from organisations o where o.id = c.lead_organisation_id),
    coalesce(c.starts_on, c.published_at, c.created_at), cast(strftime('%Y', (coalesce(c.starts_on, c.published_at, c.created_at)) / 1000 + 46800, 'unixepoch') as integer), c.visibility,
    case when c.published_at is null then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM case_studies c WHERE c.id = old.case_study_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'case_study', c.id, NULL, replace(replace(c.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(c.problem, '') || char(10) || coalesce(c.solution, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from case_study_tags t where t.case_study_id = c.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(c.target_audience, '') || char(10) || coalesce(c.lessons_learned, '') || char(10) || coalesce(c.body_md, '') || char(10) || coalesce(c.funder, ''), char(57344), ' '), char(57345), ' '),
    '/case-studies/' || c.slug, c.lead_organisation_id, (select o.kind from organisations o where o.id = c.lead_organisation_id),
    coalesce(c.starts_on, c.published_at, c.created_at), cast(strftime('%Y', (coalesce(c.starts_on, c.published_at, c.created_at)) / 1000 + 46800, 'unixepoch') as integer), c.visibility,
    case when c.published_at is null then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM case_studies c WHERE c.id = new.case_study_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `case_study_tags_search_ad` AFTER DELETE ON `case_study_tags`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'case_study', c.id, NULL, replace(replace(c.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(c.problem, '') || char(10) || coalesce(c.solution, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from case_study_tags t where t.case_study_id = c.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(c.target_audience, '') || char(10) || coalesce(c.lessons_learned, '') || char(10) || coalesce(c.body_md, '') || char(10) || coalesce(c.funder, ''), char(57344), ' '), char(57345), ' '),
    '/case-studies/' || c.slug, c.lead_organisation_id, (select o.kind from organisations o where o.id = c.lead_organisation_id),
    coalesce(c.starts_on, c.published_at, c.created_at), cast(strftime('%Y', (coalesce(c.starts_on, c.published_at, c.created_at)) / 1000 + 46800, 'unixepoch') as integer), c.visibility,
    case when c.published_at is null then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM case_studies c WHERE c.id = old.case_study_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `micro_credentials_search_ai` AFTER INSERT ON `micro_credentials`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'micro_credential', m.id, m.case_study_id, replace(replace(m.name, char(57344), ' '), char(57345), ' '),
    trim(coalesce('NZQF Level ' || m.nzqf_level, '') || coalesce(case when m.nzqf_level is not null then ', ' else '' end || m.credits || ' credits', '')),
    replace(replace(coalesce(m.nzqa_reference, '') || char(10) || coalesce(c.title, '') || char(10) || coalesce((select group_concat(q.name, char(10)) from micro_credential_stacking s join qualifications q on q.id = s.qualification_id where s.micro_credential_id = m.id), ''), char(57344), ' '), char(57345), ' '),
    case when c.id is null then '/micro-credentials' else '/case-studies/' || c.slug || '#micro-credentials' end,
    m.provider_organisation_id, (select o.kind from organisations o where o.id = m.provider_organisation_id),
    coalesce(c.starts_on, c.published_at, m.created_at), cast(strftime('%Y', (coalesce(c.starts_on, c.published_at, m.created_at)) / 1000 + 46800, 'unixepoch') as integer),
    coalesce(c.visibility, 'public'),
    case when c.id is not null and c.published_at is null then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM micro_credentials m LEFT JOIN case_studies c ON c.id = m.case_study_id WHERE m.id = new.id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `micro_credentials_search_au` AFTER UPDATE OF name, case_study_id, provider_organisation_id, credits, nzqf_level, nzqa_reference ON `micro_credentials`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'micro_credential', m.id, m.case_study_id, replace(replace(m.name, char(57344), ' '), char(57345), ' '),
    trim(coalesce('NZQF Level ' || m.nzqf_level, '') || coalesce(case when m.nzqf_level is not null then ', ' else '' end || m.credits || ' credits', '')),
    replace(replace(coalesce(m.nzqa_reference, '') || char(10) || coalesce(c.title, '') || char(10) || coalesce((select group_concat(q.name, char(10)) from micro_credential_stacking s join qualifications q on q.id = s.qualification_id where s.micro_credential_id = m.id), ''), char(57344), ' '), char(57345), ' '),
    case when c.id is null then '/micro-credentials' else '/case-studies/' || c.slug || '#micro-credentials' end,
    m.provider_organisation_id, (select o.kind from organisations o where o.id = m.provider_organisation_id),
    coalesce(c.starts_on, c.published_at, m.created_at), cast(strftime('%Y', (coalesce(c.starts_on, c.published_at, m.created_at)) / 1000 + 46800, 'unixepoch') as integer),
    coalesce(c.visibility, 'public'),
    case when c.id is not null and c.published_at is null then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM micro_credentials m LEFT JOIN case_studies c ON c.id = m.case_study_id WHERE m.id = new.id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `micro_credentials_search_ad` AFTER DELETE ON `micro_credentials`
BEGIN
  DELETE FROM search_docs WHERE kind = 'micro_credential' AND item_id = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `micro_credential_stacking_search_ai` AFTER INSERT ON `micro_credential_stacking`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'micro_credential', m.id, m.case_study_id, replace(replace(m.name, char(57344), ' '), char(57345), ' '),
    trim(coalesce('NZQF Level ' || m.nzqf_level, '') || coalesce(case when m.nzqf_level is not null then ', ' else '' end || m.credits || ' credits', '')),
    replace(replace(coalesce(m.nzqa_reference, '') || char(10) || coalesce(c.title, '') || char(10) || coalesce((select group_concat(q.name, char(10)) from micro_credential_stacking s join qualifications q on q.id = s.qualification_id where s.micro_credential_id = m.id), ''), char(57344), ' '), char(57345), ' '),
    case when c.id is null then '/micro-credentials' else '/case-studies/' || c.slug || '#micro-credentials' end,
    m.provider_organisation_id, (select o.kind from organisations o where o.id = m.provider_organisation_id),
    coalesce(c.starts_on, c.published_at, m.created_at), cast(strftime('%Y', (coalesce(c.starts_on, c.published_at, m.created_at)) / 1000 + 46800, 'unixepoch') as integer),
    coalesce(c.visibility, 'public'),
    case when c.id is not null and c.published_at is null then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM micro_credentials m LEFT JOIN case_studies c ON c.id = m.case_study_id WHERE m.id = new.micro_credential_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `micro_credential_stacking_search_au` AFTER UPDATE OF qualification_id, micro_credential_id ON `micro_credential_stacking`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'micro_credential', m.id, m.case_study_id, replace(replace(m.name, char(57344), ' '), char(57345), ' '),
    trim(coalesce('NZQF Level ' || m.nzqf_level, '') || coalesce(case when m.nzqf_level is not null then ', ' else '' end || m.credits || ' credits', '')),
    replace(replace(coalesce(m.nzqa_reference, '') || char(10) || coalesce(c.title, '') || char(10) || coalesce((select group_concat(q.name, char(10)) from micro_credential_stacking s join qualifications q on q.id = s.qualification_id where s.micro_credential_id = m.id), ''), char(57344), ' '), char(57345), ' '),
    case when c.id is null then '/micro-credentials' else '/case-studies/' || c.slug || '#micro-credentials' end,
    m.provider_organisation_id, (select o.kind from organisations o where o.id = m.provider_organisation_id),
    coalesce(c.starts_on, c.published_at, m.created_at), cast(strftime('%Y', (coalesce(c.starts_on, c.published_at, m.created_at)) / 1000 + 46800, 'unixepoch') as integer),
    coalesce(c.visibility, 'public'),
    case when c.id is not null and c.published_at is null then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM micro_credentials m LEFT JOIN case_studies c ON c.id = m.case_study_id WHERE m.id = old.micro_credential_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'micro_credential', m.id, m.case_study_id, replace(replace(m.name, char(57344), ' '), char(57345), ' '),
    trim(coalesce('NZQF Level ' || m.nzqf_level, '') || coalesce(case when m.nzqf_level is not null then ', ' else '' end || m.credits || ' credits', '')),
    replace(replace(coalesce(m.nzqa_reference, '') || char(10) || coalesce(c.title, '') || char(10) || coalesce((select group_concat(q.name, char(10)) from micro_credential_stacking s join qualifications q on q.id = s.qualification_id where s.micro_credential_id = m.id), ''), char(57344), ' '), char(57345), ' '),
    case when c.id is null then '/micro-credentials' else '/case-studies/' || c.slug || '#micro-credentials' end,
    m.provider_organisation_id, (select o.kind from organisations o where o.id = m.provider_organisation_id),
    coalesce(c.starts_on, c.published_at, m.created_at), cast(strftime('%Y', (coalesce(c.starts_on, c.published_at, m.created_at)) / 1000 + 46800, 'unixepoch') as integer),
    coalesce(c.visibility, 'public'),
    case when c.id is not null and c.published_at is null then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM micro_credentials m LEFT JOIN case_studies c ON c.id = m.case_study_id WHERE m.id = new.micro_credential_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `micro_credential_stacking_search_ad` AFTER DELETE ON `micro_credential_stacking`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'micro_credential', m.id, m.case_study_id, replace(replace(m.name, char(57344), ' '), char(57345), ' '),
    trim(coalesce('NZQF Level ' || m.nzqf_level, '') || coalesce(case when m.nzqf_level is not null then ', ' else '' end || m.credits || ' credits', '')),
    replace(replace(coalesce(m.nzqa_reference, '') || char(10) || coalesce(c.title, '') || char(10) || coalesce((select group_concat(q.name, char(10)) from micro_credential_stacking s join qualifications q on q.id = s.qualification_id where s.micro_credential_id = m.id), ''), char(57344), ' '), char(57345), ' '),
    case when c.id is null then '/micro-credentials' else '/case-studies/' || c.slug || '#micro-credentials' end,
    m.provider_organisation_id, (select o.kind from organisations o where o.id = m.provider_organisation_id),
    coalesce(c.starts_on, c.published_at, m.created_at), cast(strftime('%Y', (coalesce(c.starts_on, c.published_at, m.created_at)) / 1000 + 46800, 'unixepoch') as integer),
    coalesce(c.visibility, 'public'),
    case when c.id is not null and c.published_at is null then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM micro_credentials m LEFT JOIN case_studies c ON c.id = m.case_study_id WHERE m.id = old.micro_credential_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `qualifications_search_au` AFTER UPDATE OF name ON `qualifications`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'micro_credential', m.id, m.case_study_id, replace(replace(m.name, char(57344), ' '), char(57345), ' '),
    trim(coalesce('NZQF Level ' || m.nzqf_level, '') || coalesce(case when m.nzqf_level is not null then ', ' else '' end || m.credits || ' credits', '')),
    replace(replace(coalesce(m.nzqa_reference, '') || char(10) || coalesce(c.title, '') || char(10) || coalesce((select group_concat(q.name, char(10)) from micro_credential_stacking s join qualifications q on q.id = s.qualification_id where s.micro_credential_id = m.id), ''), char(57344), ' '), char(57345), ' '),
    case when c.id is null then '/micro-credentials' else '/case-studies/' || c.slug || '#micro-credentials' end,
    m.provider_organisation_id, (select o.kind from organisations o where o.id = m.provider_organisation_id),
    coalesce(c.starts_on, c.published_at, m.created_at), cast(strftime('%Y', (coalesce(c.starts_on, c.published_at, m.created_at)) / 1000 + 46800, 'unixepoch') as integer),
    coalesce(c.visibility, 'public'),
    case when c.id is not null and c.published_at is null then 'draft' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM micro_credentials m LEFT JOIN case_studies c ON c.id = m.case_study_id WHERE m.id IN (select s.micro_credential_id from micro_credential_stacking s where s.qualification_id = new.id)
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `resources_search_ai` AFTER INSERT ON `resources`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'resource', r.id, NULL, replace(replace(r.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(r.summary, '') || char(10) || coalesce(r.authors, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from resource_tags t where t.resource_id = r.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select f.extracted_text from resource_versions v join stored_files f on f.sha256 = v.sha256 where v.resource_id = r.id order by v.version_number desc limit 1), ''), char(57344), ' '), char(57345), ' '),
    '/resources/' || r.id, r.organisation_id, (select o.kind from organisations o where o.id = r.organisation_id),
    coalesce(r.published_on, r.created_at), cast(strftime('%Y', (coalesce(r.published_on, r.created_at)) / 1000 + 46800, 'unixepoch') as integer), r.visibility, 'live', cast(unixepoch('subsec') * 1000 as integer)
  FROM resources r WHERE r.id = new.id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `resources_search_au` AFTER UPDATE OF title, summary, authors, organisation_id, published_on, visibility ON `resources`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'resource', r.id, NULL, replace(replace(r.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(r.summary, '') || char(10) || coalesce(r.authors, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from resource_tags t where t.resource_id = r.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select f.extracted_text from resource_versions v join stored_files f on f.sha256 = v.sha256 where v.resource_id = r.id order by v.version_number desc limit 1), ''), char(57344), ' '), char(57345), ' '),
    '/resources/' || r.id, r.organisation_id, (select o.kind from organisations o where o.id = r.organisation_id),
    coalesce(r.published_on, r.created_at), cast(strftime('%Y', (coalesce(r.published_on, r.created_at)) / 1000 + 46800, 'unixepoch') as integer), r.visibility, 'live', cast(unixepoch('subsec') * 1000 as integer)
  FROM resources r WHERE r.id = new.id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `resources_search_ad` AFTER DELETE ON `resources`
BEGIN
  DELETE FROM search_docs WHERE kind = 'resource' AND item_id = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `resource_tags_search_ai` AFTER INSERT ON `resource_tags`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'resource', r.id, NULL, replace(replace(r.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(r.summary, '') || char(10) || coalesce(r.authors, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from resource_tags t where t.resource_id = r.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select f.extracted_text from resource_versions v join stored_files f on f.sha256 = v.sha256 where v.resource_id = r.id order by v.version_number desc limit 1), ''), char(57344), ' '), char(57345), ' '),
    '/resources/' || r.id, r.organisation_id, (select o.kind from organisations o where o.id = r.organisation_id),
    coalesce(r.published_on, r.created_at), cast(strftime('%Y', (coalesce(r.published_on, r.created_at)) / 1000 + 46800, 'unixepoch') as integer), r.visibility, 'live', cast(unixepoch('subsec') * 1000 as integer)
  FROM resources r WHERE r.id = new.resource_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `resource_tags_search_au` AFTER UPDATE OF tag, resource_id ON `resource_tags`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'resource', r.id, NULL, replace(replace(r.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(r.summary, '') || char(10) || coalesce(r.authors, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from resource_tags t where t.resource_id = r.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select f.extracted_text from resource_versions v join stored_files f on f.sha256 = v.sha256 where v.resource_id = r.id order by v.version_number desc limit 1), ''), char(57344), ' '), char(57345), ' '),
    '/resources/' || r.id, r.organisation_id, (select o.kind from organisations o where o.id = r.organisation_id),
    coalesce(r.published_on, r.created_at), cast(strftime('%Y', (coalesce(r.published_on, r.created_at)) / 1000 + 46800, 'unixepoch') as integer), r.visibility, 'live', cast(unixepoch('subsec') * 1000 as integer)
  FROM resources r WHERE r.id = old.resource_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'resource', r.id, NULL, replace(replace(r.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(r.summary, '') || char(10) || coalesce(r.authors, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from resource_tags t where t.resource_id = r.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select f.extracted_text from resource_versions v join stored_files f on f.sha256 = v.sha256 where v.resource_id = r.id order by v.version_number desc limit 1), ''), char(57344), ' '), char(57345), ' '),
    '/resources/' || r.id, r.organisation_id, (select o.kind from organisations o where o.id = r.organisation_id),
    coalesce(r.published_on, r.created_at), cast(strftime('%Y', (coalesce(r.published_on, r.created_at)) / 1000 + 46800, 'unixepoch') as integer), r.visibility, 'live', cast(unixepoch('subsec') * 1000 as integer)
  FROM resources r WHERE r.id = new.resource_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `resource_tags_search_ad` AFTER DELETE ON `resource_tags`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'resource', r.id, NULL, replace(replace(r.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(r.summary, '') || char(10) || coalesce(r.authors, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from resource_tags t where t.resource_id = r.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select f.extracted_text from resource_versions v join stored_files f on f.sha256 = v.sha256 where v.resource_id = r.id order by v.version_number desc limit 1), ''), char(57344), ' '), char(57345), ' '),
    '/resources/' || r.id, r.organisation_id, (select o.kind from organisations o where o.id = r.organisation_id),
    coalesce(r.published_on, r.created_at), cast(strftime('%Y', (coalesce(r.published_on, r.created_at)) / 1000 + 46800, 'unixepoch') as integer), r.visibility, 'live', cast(unixepoch('subsec') * 1000 as integer)
  FROM resources r WHERE r.id = old.resource_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `resource_versions_search_ai` AFTER INSERT ON `resource_versions`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'resource', r.id, NULL, replace(replace(r.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(r.summary, '') || char(10) || coalesce(r.authors, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from resource_tags t where t.resource_id = r.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select f.extracted_text from resource_versions v join stored_files f on f.sha256 = v.sha256 where v.resource_id = r.id order by v.version_number desc limit 1), ''), char(57344), ' '), char(57345), ' '),
    '/resources/' || r.id, r.organisation_id, (select o.kind from organisations o where o.id = r.organisation_id),
    coalesce(r.published_on, r.created_at), cast(strftime('%Y', (coalesce(r.published_on, r.created_at)) / 1000 + 46800, 'unixepoch') as integer), r.visibility, 'live', cast(unixepoch('subsec') * 1000 as integer)
  FROM resources r WHERE r.id = new.resource_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `resource_versions_search_au` AFTER UPDATE OF sha256, version_number, resource_id ON `resource_versions`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'resource', r.id, NULL, replace(replace(r.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(r.summary, '') || char(10) || coalesce(r.authors, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from resource_tags t where t.resource_id = r.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select f.extracted_text from resource_versions v join stored_files f on f.sha256 = v.sha256 where v.resource_id = r.id order by v.version_number desc limit 1), ''), char(57344), ' '), char(57345), ' '),
    '/resources/' || r.id, r.organisation_id, (select o.kind from organisations o where o.id = r.organisation_id),
    coalesce(r.published_on, r.created_at), cast(strftime('%Y', (coalesce(r.published_on, r.created_at)) / 1000 + 46800, 'unixepoch') as integer), r.visibility, 'live', cast(unixepoch('subsec') * 1000 as integer)
  FROM resources r WHERE r.id = old.resource_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'resource', r.id, NULL, replace(replace(r.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(r.summary, '') || char(10) || coalesce(r.authors, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from resource_tags t where t.resource_id = r.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select f.extracted_text from resource_versions v join stored_files f on f.sha256 = v.sha256 where v.resource_id = r.id order by v.version_number desc limit 1), ''), char(57344), ' '), char(57345), ' '),
    '/resources/' || r.id, r.organisation_id, (select o.kind from organisations o where o.id = r.organisation_id),
    coalesce(r.published_on, r.created_at), cast(strftime('%Y', (coalesce(r.published_on, r.created_at)) / 1000 + 46800, 'unixepoch') as integer), r.visibility, 'live', cast(unixepoch('subsec') * 1000 as integer)
  FROM resources r WHERE r.id = new.resource_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `resource_versions_search_ad` AFTER DELETE ON `resource_versions`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'resource', r.id, NULL, replace(replace(r.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(r.summary, '') || char(10) || coalesce(r.authors, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from resource_tags t where t.resource_id = r.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select f.extracted_text from resource_versions v join stored_files f on f.sha256 = v.sha256 where v.resource_id = r.id order by v.version_number desc limit 1), ''), char(57344), ' '), char(57345), ' '),
    '/resources/' || r.id, r.organisation_id, (select o.kind from organisations o where o.id = r.organisation_id),
    coalesce(r.published_on, r.created_at), cast(strftime('%Y', (coalesce(r.published_on, r.created_at)) / 1000 + 46800, 'unixepoch') as integer), r.visibility, 'live', cast(unixepoch('subsec') * 1000 as integer)
  FROM resources r WHERE r.id = old.resource_id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `stored_files_search_au` AFTER UPDATE OF extracted_text ON `stored_files`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'resource', r.id, NULL, replace(replace(r.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce(r.summary, '') || char(10) || coalesce(r.authors, '') || char(10) || coalesce((select group_concat(t.tag, ', ') from resource_tags t where t.resource_id = r.id), ''), char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select f.extracted_text from resource_versions v join stored_files f on f.sha256 = v.sha256 where v.resource_id = r.id order by v.version_number desc limit 1), ''), char(57344), ' '), char(57345), ' '),
    '/resources/' || r.id, r.organisation_id, (select o.kind from organisations o where o.id = r.organisation_id),
    coalesce(r.published_on, r.created_at), cast(strftime('%Y', (coalesce(r.published_on, r.created_at)) / 1000 + 46800, 'unixepoch') as integer), r.visibility, 'live', cast(unixepoch('subsec') * 1000 as integer)
  FROM resources r WHERE r.id IN (select v.resource_id from resource_versions v where v.sha256 = new.sha256)
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `threads_search_ai` AFTER INSERT ON `threads`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'thread', t.id, NULL, replace(replace(t.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select p.body_md from posts p where p.thread_id = t.id and p.number = 1 and p.deleted_at is null and p.hidden_at is null), ''), char(57344), ' '), char(57345), ' '),
    '', '/discussions/' || t.id, u.organisation_id, (select o.kind from organisations o where o.id = u.organisation_id), t.created_at, cast(strftime('%Y', (t.created_at) / 1000 + 46800, 'unixepoch') as integer), 'members',
    case when t.hidden_at is null then 'live' else 'hidden' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM threads t JOIN users u ON u.id = t.author_id WHERE t.id = new.id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `threads_search_au` AFTER UPDATE OF title, hidden_at, author_id ON `threads`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'thread', t.id, NULL, replace(replace(t.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select p.body_md from posts p where p.thread_id = t.id and p.number = 1 and p.deleted_at is null and p.hidden_at is null), ''), char(57344), ' '), char(57345), ' '),
    '', '/discussions/' || t.id, u.organisation_id, (select o.kind from organisations o where o.id = u.organisation_id), t.created_at, cast(strftime('%Y', (t.created_at) / 1000 + 46800, 'unixepoch') as integer), 'members',
    case when t.hidden_at is null then 'live' else 'hidden' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM threads t JOIN users u ON u.id = t.author_id WHERE t.id = new.id
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'post', p.id, p.thread_id, '', '',
    case when p.deleted_at is null then replace(replace(p.body_md, char(57344), ' '), char(57345), ' ') else '' end,
    '/discussions/' || p.thread_id || '/posts/' || p.number, u.organisation_id, (select o.kind from organisations o where o.id = u.organisation_id),
    p.created_at, cast(strftime('%Y', (p.created_at) / 1000 + 46800, 'unixepoch') as integer), 'members',
    case when p.deleted_at is not null then 'deleted' when p.hidden_at is not null or t.hidden_at is not null then 'hidden' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM posts p JOIN threads t ON t.id = p.thread_id JOIN users u ON u.id = p.author_id WHERE p.number > 1 AND (p.thread_id = new.id AND old.hidden_at IS NOT new.hidden_at)
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `threads_search_ad` AFTER DELETE ON `threads`
BEGIN
  DELETE FROM search_docs WHERE kind = 'thread' AND item_id = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `posts_search_ai` AFTER INSERT ON `posts`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'post', p.id, p.thread_id, '', '',
    case when p.deleted_at is null then replace(replace(p.body_md, char(57344), ' '), char(57345), ' ') else '' end,
    '/discussions/' || p.thread_id || '/posts/' || p.number, u.organisation_id, (select o.kind from organisations o where o.id = u.organisation_id),
    p.created_at, cast(strftime('%Y', (p.created_at) / 1000 + 46800, 'unixepoch') as integer), 'members',
    case when p.deleted_at is not null then 'deleted' when p.hidden_at is not null or t.hidden_at is not null then 'hidden' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM posts p JOIN threads t ON t.id = p.thread_id JOIN users u ON u.id = p.author_id WHERE p.number > 1 AND (p.id = new.id)
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'thread', t.id, NULL, replace(replace(t.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select p.body_md from posts p where p.thread_id = t.id and p.number = 1 and p.deleted_at is null and p.hidden_at is null), ''), char(57344), ' '), char(57345), ' '),
    '', '/discussions/' || t.id, u.organisation_id, (select o.kind from organisations o where o.id = u.organisation_id), t.created_at, cast(strftime('%Y', (t.created_at) / 1000 + 46800, 'unixepoch') as integer), 'members',
    case when t.hidden_at is null then 'live' else 'hidden' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM threads t JOIN users u ON u.id = t.author_id WHERE t.id = new.thread_id AND new.number = 1
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `posts_search_au` AFTER UPDATE OF body_md, hidden_at, deleted_at, number, thread_id ON `posts`
BEGIN
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'post', p.id, p.thread_id, '', '',
    case when p.deleted_at is null then replace(replace(p.body_md, char(57344), ' '), char(57345), ' ') else '' end,
    '/discussions/' || p.thread_id || '/posts/' || p.number, u.organisation_id, (select o.kind from organisations o where o.id = u.organisation_id),
    p.created_at, cast(strftime('%Y', (p.created_at) / 1000 + 46800, 'unixepoch') as integer), 'members',
    case when p.deleted_at is not null then 'deleted' when p.hidden_at is not null or t.hidden_at is not null then 'hidden' else 'live' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM posts p JOIN threads t ON t.id = p.thread_id JOIN users u ON u.id = p.author_id WHERE p.number > 1 AND (p.id = new.id)
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'thread', t.id, NULL, replace(replace(t.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select p.body_md from posts p where p.thread_id = t.id and p.number = 1 and p.deleted_at is null and p.hidden_at is null), ''), char(57344), ' '), char(57345), ' '),
    '', '/discussions/' || t.id, u.organisation_id, (select o.kind from organisations o where o.id = u.organisation_id), t.created_at, cast(strftime('%Y', (t.created_at) / 1000 + 46800, 'unixepoch') as integer), 'members',
    case when t.hidden_at is null then 'live' else 'hidden' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM threads t JOIN users u ON u.id = t.author_id WHERE t.id = new.thread_id AND new.number = 1
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
--> statement-breakpoint
CREATE TRIGGER `posts_search_ad` AFTER DELETE ON `posts`
BEGIN
  DELETE FROM search_docs WHERE kind = 'post' AND item_id = old.id;
  INSERT INTO search_docs (`kind`, `item_id`, `parent_id`, `title`, `summary`, `body`, `url`, `organisation_id`, `organisation_kind`, `dated_at`, `year`, `visibility`, `state`, `updated_at`)
  SELECT 'thread', t.id, NULL, replace(replace(t.title, char(57344), ' '), char(57345), ' '),
    replace(replace(coalesce((select p.body_md from posts p where p.thread_id = t.id and p.number = 1 and p.deleted_at is null and p.hidden_at is null), ''), char(57344), ' '), char(57345), ' '),
    '', '/discussions/' || t.id, u.organisation_id, (select o.kind from organisations o where o.id = u.organisation_id), t.created_at, cast(strftime('%Y', (t.created_at) / 1000 + 46800, 'unixepoch') as integer), 'members',
    case when t.hidden_at is null then 'live' else 'hidden' end, cast(unixepoch('subsec') * 1000 as integer)
  FROM threads t JOIN users u ON u.id = t.author_id WHERE t.id = old.thread_id AND old.number = 1
  ON CONFLICT (`kind`, `item_id`) DO UPDATE SET `parent_id` = excluded.`parent_id`, `title` = excluded.`title`, `summary` = excluded.`summary`, `body` = excluded.`body`, `url` = excluded.`url`, `organisation_id` = excluded.`organisation_id`, `organisation_kind` = excluded.`organisation_kind`, `dated_at` = excluded.`dated_at`, `year` = excluded.`year`, `visibility` = excluded.`visibility`, `state` = excluded.`state`, `updated_at` = excluded.`updated_at`;
END;
