// `npm run restore -- --from backups/portal-20240501T031500Z.db [--to path] [--discard-previous]`
// Puts a backup in place of the database (DATABASE_PATH unless --to): checks the backup's integrity, refuses while
// a portal has the database open, keeps the replaced file as <name>.before-restore-<time>, copies the backup to a
// temporary file in the same folder and renames it into place, and removes any stale -wal/-shm. See db/backup.ts.
import { parseArgs } from 'node:util';
import { restoreDatabase } from '../db/backup';
import { databasePath } from '../db/path';

const { values } = parseArgs({
  options: { from: { type: 'string' }, to: { type: 'string' }, 'discard-previous': { type: 'boolean', default: false } },
});
if (!values.from) {
  console.error('Usage: npm run restore -- --from path/to/backup.db [--to path/to/portal.db] [--discard-previous]');
  process.exit(2);
}
const target = values.to ?? databasePath();

try {
  const result = restoreDatabase(values.from, target, { keepPrevious: !values['discard-previous'] });
  const rows = Object.values(result.counts).reduce((a, b) => a + b, 0);
  console.log(`Restored ${values.from}`);
  console.log(`    into ${result.path} (${rows} rows in ${Object.keys(result.counts).length} tables)`);
  console.log(`integrity_check: ${result.integrity}`);
  if (result.previous) console.log(`The database it replaced is kept at ${result.previous}`);
  console.log('Start the portal again (npm run serve) to use the restored database.');
} catch (error) {
  console.error(`Restore failed: ${(error as Error).message}`);
  process.exit(1);
}
