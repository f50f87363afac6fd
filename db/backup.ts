// Online backup and restore of the SQLite file, used by `npm run backup` and `npm run restore` (scripts/).
// Backup: SQLite's online backup API through better-sqlite3, copying every page in ONE step, so the copy is one read
// transaction: a consistent snapshot of the last commit, taken while the server keeps writing (WAL readers never
// block writers, and a one-step copy cannot be restarted by another connection's write).
// Restore: check the backup, then move it into place with a rename in the same folder (atomic), after making sure no
// process has the target open. Files are opened directly, never through db/client.server (which would migrate).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** `PRAGMA integrity_check` of a database file: 'ok', or the problems SQLite found. */
export function integrityCheck(file: string): string {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = sqlite.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join('\n');
  } finally {
    sqlite.close();
  }
}

/** Row count of every table (the migration bookkeeping too), by name. */
export function rowCounts(file: string): Record<string, number> {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    // Real tables only: an FTS index's shadow tables (search_fts_data, ...) hold b-tree segments whose number
    // changes as they merge, so their row counts say nothing about the data.
    const tables = sqlite
      .prepare("select name from pragma_table_list where schema = 'main' and type = 'table' and name not like 'sqlite_%' order by name")
      .pluck()
      .all() as string[];
    const counts: Record<string, number> = {};
    for (const name of tables) {
      counts[name] = sqlite.prepare(`select count(*) from "${name.replaceAll('"', '""')}"`).pluck().get() as number;
    }
    return counts;
  } finally {
    sqlite.close();
  }
}

function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z'); // 20240501T031500Z
}

/** Where `npm run backup` writes when not told: backups/ beside the database, named by UTC time. */
export function defaultBackupPath(databaseFile: string, date = new Date()): string {
  const base = path.basename(databaseFile).replace(/\.db$/, '');
  return path.join(path.dirname(databaseFile), 'backups', `${base}-${timestamp(date)}.db`);
}

export type BackupResult = { path: string; pages: number; bytes: number; integrity: string; counts: Record<string, number> };

/**
 * Copies `source` (which may be in use by a running server) to `dest`. The copy is written beside `dest` under a
 * temporary name and renamed when complete and checked, so a half-written backup never carries the final name.
 */
export async function backupDatabase(source: string, dest: string): Promise<BackupResult> {
  if (!fs.existsSync(source)) throw new Error(`No database at ${source}`);
  const target = path.resolve(dest);
  if (fs.existsSync(target)) throw new Error(`${target} already exists; choose another --out`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  fs.rmSync(partial, { force: true });

  const sqlite = new Database(source, { readonly: true, fileMustExist: true });
  let pages = 0;
  try {
    sqlite.pragma('busy_timeout = 5000');
    // The first step reports the size; returning the largest step then copies every page in one go.
    const progress = await sqlite.backup(partial, { progress: () => 0x7fffffff });
    pages = progress.totalPages;
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    sqlite.close();
  }

  try {
    // One self-contained file: no -wal beside it to forget when copying it off the machine.
    const copy = new Database(partial, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    const integrity = integrityCheck(partial);
    if (integrity !== 'ok') throw new Error(`The backup failed its integrity check:\n${integrity}`);
    const counts = rowCounts(partial);
    fs.renameSync(partial, target);
    return { path: target, pages, bytes: fs.statSync(target).size, integrity, counts };
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
}

/** True when another process (a running portal, say) has `file` open. Checked by asking for an exclusive lock. */
export function isInUse(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const sqlite = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    // Leaving WAL mode needs every other connection gone; in rollback mode an exclusive transaction does the same.
    // Either way this also folds any -wal back into the file, so nothing of the old database is left half-applied.
    const mode = sqlite.pragma('journal_mode', { simple: true }) as string;
    if (mode === 'wal') {
      const after = sqlite.pragma('journal_mode = DELETE', { simple: true }) as string;
      return after === 'wal';
    }
    sqlite.exec('begin exclusive');
    sqlite.exec('rollback');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) return true;
    throw error;
  } finally {
    sqlite.close();
  }
}

export type RestoreResult = { path: string; previous: string | null; integrity: string; counts: Record<string, number> };

/**
 * Puts the backup `from` in place of `to`. Refuses a damaged backup, and refuses while another process has `to`
 * open (its connection would keep writing to the replaced file). The database being replaced is kept beside it as
 * `<name>.before-restore-<time>` unless `keepPrevious` is false.
 */
export function restoreDatabase(from: string, to: string, { keepPrevious = true } = {}): RestoreResult {
  const source = path.resolve(from);
  const target = path.resolve(to);
  if (!fs.existsSync(source)) throw new Error(`No backup at ${source}`);
  if (source === target) throw new Error('The backup and the database are the same file.');
  const integrity = integrityCheck(source);
  if (integrity !== 'ok') throw new Error(`The backup failed its integrity check; nothing was changed:\n${integrity}`);
  if (isInUse(target)) {
    throw new Error(`${target} is open in another process. Stop the portal first, then run the restore again.`);
  }

  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.restore-${process.pid}`);
  try {
    fs.copyFileSync(source, temp);
    const copy = new Database(temp, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('integrity_check', { simple: true }) as string;
      if (check !== 'ok') throw new Error(`The copied backup failed its integrity check:\n${check}`);
    } finally {
      copy.close();
    }
    const fd = fs.openSync(temp, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);

    let previous: string | null = null;
    if (keepPrevious && fs.existsSync(target)) {
      previous = `${target}.before-restore-${timestamp()}`;
      fs.copyFileSync(target, previous);
    }
    // A -wal or -shm left by the old database would be replayed over the restored file: remove them first.
    for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(target + suffix, { force: true });
    fs.renameSync(temp, target);
    const counts = rowCounts(target);
    return { path: target, previous, integrity, counts };
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
