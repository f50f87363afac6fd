import path from 'node:path';

/** Where the database lives; a module of its own so scripts can find the file without opening it. */
export function databasePath(): string {
  return path.resolve(process.env.DATABASE_PATH ?? 'data/portal.db');
}
