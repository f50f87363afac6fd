CREATE INDEX `resources_newest_idx` ON `resources` (coalesce(`published_on`, `created_at`),`id`);--> statement-breakpoint
CREATE INDEX `resources_published_idx` ON `resources` (`published_on`);--> statement-breakpoint
CREATE INDEX `workshops_start_idx` ON `workshops` (`starts_at`,`id`);--> statement-breakpoint
-- Hand-written (db/search-index.ts): the search page's year filter reads the first and last year in two lookups.
CREATE INDEX `search_docs_state_year_idx` ON `search_docs` (`state`,`year`);--> statement-breakpoint
-- Hand-written below (db/search-index.ts): search_fts gains prefix indexes for four to six letters, so "assess*"
-- and a word being typed are one lookup. An FTS5 table's options cannot be altered: drop it, create it, rebuild it
-- from search_docs. The triggers name search_fts only inside their bodies, so they stay.
DROP TABLE `search_fts`;--> statement-breakpoint
CREATE VIRTUAL TABLE `search_fts` USING fts5(
  `title`, `summary`, `body`, `meta`,
  content='search_docs', content_rowid='id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3 4 5 6'
);--> statement-breakpoint
INSERT INTO search_fts (search_fts) VALUES ('rebuild');
