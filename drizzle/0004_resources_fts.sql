-- Full-text index of the resource library: metadata plus the text found inside the current version's file.
-- rowid = resources.id. Kept up to date by app/models/resources.server.ts in the same transaction as each write
-- (the text inside a file arrives later, from the extraction job, which reindexes the resource).
-- remove_diacritics 2 makes "Maori" find "Māori".
CREATE VIRTUAL TABLE `resources_fts` USING fts5(
  `title`, `summary`, `authors`, `tags`, `body`,
  tokenize = 'unicode61 remove_diacritics 2'
);
