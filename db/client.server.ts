// Opens the SQLite file, sets the pragmas every connection needs, applies pending migrations, exports `db`.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { logger } from '../app/utils/logger.server';
import { defaultBackupPath } from './backup';
import * as schema from './schema';
import { databasePath } from './path';

export { databasePath };

export type DB = BetterSQLite3Database<typeof schema> & { $client: Database.Database };


export function migrationsFolder(): string {
  return path.resolve(process.env.MIGRATIONS_DIR ?? 'drizzle');
}

export function openDatabase(file = databasePath(), { runMigrations = true } = {}): DB {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  cacheStatements(sqlite);
  const database = drizzle(sqlite, { schema }) as DB;
  if (runMigrations) {
    if (file !== ':memory:') copyBeforeMigrating(sqlite, file);
    migrate(database, { migrationsFolder: migrationsFolder() });
  }
  // No ANALYZE (PRAGMA optimize) here: statistics taken while a database is small tell the planner that scans are
  // cheap, and stay wrong as it grows (the bench generator ran ten times slower with them); without statistics
  // SQLite assumes large tables and uses the indexes.
  return database;
}

/**
 * better-sqlite3 compiles the SQL on every prepare(), and drizzle prepares every query it runs: keeping compiled
 * statements by their text saves that on each request (about a sixth of a page's query time on the benchmark). A
 * statement is handed out again only when no .iterate() is using it, and in its default mode (drizzle switches
 * reads to raw mode; a caller may pluck). Text that varies (IN lists of different lengths) ages out, oldest first.
 */
function cacheStatements(sqlite: Database.Database, max = 1000) {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      if (cached.reader) cached.pluck(false).expand(false).raw(false);
      return cached;
    }
    const statement = prepare(source);
    if (!cached) {
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof sqlite.prepare;
}

/** Migrations in drizzle/ that this database has not had yet (drizzle applies those newer than its last one). */
export function pendingMigrations(sqlite: Database.Database): number {
  const known = readMigrationFiles({ migrationsFolder: migrationsFolder() });
  const hasTable = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  if (!hasTable) return known.length;
  const last = (sqlite.prepare('select max(created_at) from __drizzle_migrations').pluck().get() as number | null) ?? 0;
  return known.filter((m) => m.folderMillis > last).length;
}

/**
 * Before migrations change a database that holds anything, a copy of it as it was goes to backups/ beside it
 * (`VACUUM INTO`: one consistent, compact file), so an upgrade that goes wrong can be undone with `npm run restore`.
 */
function copyBeforeMigrating(sqlite: Database.Database, file: string): string | null {
  const tables = sqlite.prepare("select count(*) from sqlite_master where type = 'table' and name not like 'sqlite_%'").pluck().get() as number;
  if (tables === 0) return null;
  const pending = pendingMigrations(sqlite);
  if (pending === 0) return null;
  const copy = defaultBackupPath(file).replace(/\.db$/, '-before-migration.db');
  fs.mkdirSync(path.dirname(copy), { recursive: true });
  sqlite.prepare('vacuum into ?').run(copy);
  logger.info({ pending, copy }, `${pending} migration(s) to apply: a copy of the database as it was is at ${copy}`);
  return copy;
}

// One connection per process: better-sqlite3 is synchronous, so sharing it is safe and fastest.
const globalForDb = globalThis as unknown as { __portalDb?: DB };
export const db: DB = (globalForDb.__portalDb ??= openDatabase());
export const sqlite = db.$client;

export function isDatabaseReachable(): boolean {
  try {
    return sqlite.prepare('select 1 as ok').get() !== undefined;
  } catch {
    return false;
  }
}
