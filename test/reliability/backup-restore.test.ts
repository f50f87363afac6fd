// Backup and restore while the portal is busy: `npm run backup` copies the database of a running production server
// while organisations are being created through the web (POST /admin/organisations) and by a second process writing
// through the models as fast as it can; `npm run restore` brings the copy back into a fresh place. The copy must be
// whole (integrity_check), consistent (no transaction half in it), at least as new as the moment the backup began,
// and restored exactly. A restore over a database that a running portal has open, or from a damaged file, is refused.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrityCheck, rowCounts } from '../../db/backup';
import { startPortal, type Portal } from '../support/server';
import { signInAsCoordinator, webWriter } from '../support/web-writer';

const TSX = path.resolve('node_modules/.bin/tsx');
let portal: Portal;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-backup-'));
  portal = await startPortal();
});

afterAll(async () => {
  await portal?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, args, { cwd: process.cwd(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** The crash-writer child (test/support/crash-writer.ts) writing straight into the portal's file. */
function processWriter(databasePath: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/support/crash-writer.ts'), 'backup'], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_PATH: databasePath },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let commits = 0;
  let stderr = '';
  let onCommit: (() => void) | null = null;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (chunk.includes('ready\n')) child.stdin.write('go\n');
    commits += (chunk.match(/^committed \d+$/gm) ?? []).length;
    onCommit?.();
  });
  return {
    commits: () => commits,
    /** Resolves once the writer has committed at least `n` transactions. */
    atLeast(n: number) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (commits >= n) {
            onCommit = null;
            resolve();
          }
        };
        onCommit = check;
        child.once('exit', (code) => reject(new Error(`writer exited (${code}):\n${stderr}`)));
        check();
      });
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      return { commits, stderr };
    },
  };
}

function readOnly<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Organisations the writers made that are missing part of their own transaction (their audit entries). */
function halfWritten(file: string) {
  return readOnly(file, (db) =>
    db
      .prepare(
        `select o.name,
           (select count(*) from audit_log a where a.target_type = 'organisation' and a.target_id = o.id) as audits
         from organisations o
         where (o.name like 'Crash test %' and audits <> 4) or (o.name like 'Backup web %' and audits <> 1)`,
      )
      .all(),
  );
}

describe('npm run backup while the portal serves writes, then npm run restore', () => {
  it('copies a consistent database online and restores it exactly', async () => {
    const cookie = await signInAsCoordinator(portal);
    const web = webWriter(portal, cookie);
    const writer = processWriter(portal.databasePath);
    // Both writers are going before the backup starts.
    await writer.atLeast(20);
    const webBefore = web.made();
    const before = rowCounts(portal.databasePath);

    const backupPath = path.join(dir, 'backups', 'portal-online.db');
    const started = Date.now();
    const backup = await run(['scripts/backup.ts', '--out', backupPath], { DATABASE_PATH: portal.databasePath });
    const backupMs = Date.now() - started;
    const commitsDuring = writer.commits();
    const webDuring = web.made() - webBefore;

    const { stderr } = await writer.stop();
    const { made, failures } = await web.stop();
    const after = rowCounts(portal.databasePath);
    expect(stderr).toBe('');
    expect(failures).toEqual([]);

    expect(backup.code, backup.output).toBe(0);
    expect(backup.output).toContain(backupPath);
    expect(backup.output).toMatch(/integrity_check: ok/);
    expect(integrityCheck(backupPath)).toBe('ok');
    // Nothing beside it: one self-contained file, ready to copy off the machine.
    expect(fs.readdirSync(path.dirname(backupPath))).toEqual(['portal-online.db']);

    const copied = rowCounts(backupPath);
    for (const table of ['organisations', 'users', 'audit_log', 'workshops', 'case_studies', 'resources']) {
      expect(copied[table], table).toBeGreaterThan(0);
    }
    for (const [table, n] of Object.entries(before)) {
      expect(copied[table], `${table}: the backup is older than the moment it started`).toBeGreaterThanOrEqual(n);
      expect(copied[table], `${table}: the backup holds rows that never existed`).toBeLessThanOrEqual(after[table]);
    }
    // A snapshot of one moment: every organisation in it has its audit entries, written in the same transaction.
    expect(halfWritten(backupPath)).toEqual([]);
    expect(halfWritten(portal.databasePath)).toEqual([]);

    // Restore into a fresh place; the restored file is the backup, row for row.
    const restoredPath = path.join(dir, 'restored', 'portal.db');
    const restore = await run(['scripts/restore.ts', '--from', backupPath, '--to', restoredPath]);
    expect(restore.code, restore.output).toBe(0);
    expect(restore.output).toMatch(/integrity_check: ok/);
    expect(restore.output).toMatch(/restart|start the portal/i);
    expect(integrityCheck(restoredPath)).toBe('ok');
    expect(rowCounts(restoredPath)).toEqual(copied);
    expect(fs.readdirSync(path.dirname(restoredPath)).sort()).toEqual(['portal.db']);

    console.info(
      `backup-restore: backup took ${backupMs} ms while ${commitsDuring} model transactions and ${webDuring} web POSTs ` +
        `had been made (${made} web organisations in all); organisations before/backup/after: ` +
        `${before.organisations}/${copied.organisations}/${after.organisations}; audit_log: ` +
        `${before.audit_log}/${copied.audit_log}/${after.audit_log}; restored copy identical.`,
    );

    // Restoring over the database the running portal has open is refused, and changes nothing.
    const live = rowCounts(portal.databasePath);
    const refused = await run(['scripts/restore.ts', '--from', backupPath, '--to', portal.databasePath]);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/open in another process/);
    expect(rowCounts(portal.databasePath)).toEqual(live);
    expect((await fetch(`${portal.url}/healthz`)).status).toBe(200);

    // A damaged backup is refused before anything is touched.
    const damaged = path.join(dir, 'damaged.db');
    const bytes = fs.readFileSync(backupPath);
    bytes.fill(0x5a, 4096 * 2, 4096 * 6);
    fs.writeFileSync(damaged, bytes);
    const target = path.join(dir, 'restored', 'portal.db');
    const beforeDamaged = fs.readFileSync(target);
    const refusedDamaged = await run(['scripts/restore.ts', '--from', damaged, '--to', target]);
    expect(refusedDamaged.code).toBe(1);
    expect(refusedDamaged.output).toMatch(/integrity|malformed|not a database/i);
    expect(fs.readFileSync(target).equals(beforeDamaged)).toBe(true);
  });
});
