// Migrate one base database per test run; every integration test file copies it (faster than migrating each).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';

export default function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-test-'));
  const base = path.join(dir, 'base.db');
  const sqlite = new Database(base);
  migrate(drizzle(sqlite), { migrationsFolder: path.resolve('drizzle') });
  sqlite.pragma('journal_mode = DELETE'); // a single file, safe to copy
  sqlite.close();
  project.provide('baseDatabase', base);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseDatabase: string;
  }
}
