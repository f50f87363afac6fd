// `npm run search:rebuild`: re-derives the community-wide search index (search_docs and search_fts) from the tables
// and puts back any of its triggers a migration dropped. Safe to run at any time; the app keeps serving meanwhile
// (searches wait for the one write transaction). See docs/decisions/006-search.md.
import { databasePath, sqlite } from '../db/client.server';
import { rebuildSearchIndex } from '../db/search-index';

const started = Date.now();
const { documents, restoredTriggers } = rebuildSearchIndex(sqlite);
sqlite.close();
console.log(`Search index rebuilt for ${databasePath()}: ${documents} documents in ${Date.now() - started} ms.`);
if (restoredTriggers.length) console.log(`Triggers that were missing and are back: ${restoredTriggers.join(', ')}.`);
