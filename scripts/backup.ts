// `npm run backup [-- --out path]`: a consistent copy of the database while the portal keeps serving (SQLite's
// online backup API; see db/backup.ts). Without --out it writes backups/<name>-<UTC time>.db beside the database.
// Prints where the copy went, its integrity check and its row counts; exits 1 if anything is wrong.
import { parseArgs } from 'node:util';
import { backupDatabase, defaultBackupPath } from '../db/backup';
import { databasePath } from '../db/path';

const { values } = parseArgs({ options: { out: { type: 'string' }, quiet: { type: 'boolean', default: false } } });
const source = databasePath();
const dest = values.out ?? defaultBackupPath(source);

try {
  const started = Date.now();
  const result = await backupDatabase(source, dest);
  const rows = Object.values(result.counts).reduce((a, b) => a + b, 0);
  console.log(`Backed up ${source}`);
  console.log(`       to ${result.path}`);
  console.log(`${result.pages} pages, ${(result.bytes / 1024).toFixed(0)} KiB, ${rows} rows in ${Object.keys(result.counts).length} tables, ${Date.now() - started} ms`);
  console.log(`integrity_check: ${result.integrity}`);
  if (!values.quiet) console.log(`counts: ${JSON.stringify(result.counts)}`);
} catch (error) {
  console.error(`Backup failed: ${(error as Error).message}`);
  process.exit(1);
}
