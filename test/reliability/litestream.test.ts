// Continuous backup with Litestream, lost and restored for real. The portal (production build) serves writes through
// the web while Litestream streams its WAL to a file replica (the same code path as S3, another directory instead of
// a bucket). Then:
//  - the machine is lost: portal and Litestream are SIGKILLed mid-write, the database and its WAL deleted, and
//    `litestream restore` brings back a database that passes integrity_check, holds no half transaction, and holds
//    every write acknowledged before Litestream's last sync (what is newer than one sync interval may be lost);
//  - the portal runs as `npm run serve:replicated` does (`litestream replicate -exec`) and is stopped with SIGTERM:
//    Litestream stops the portal, syncs what is left and exits, and the restore holds every acknowledged write.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrityCheck } from '../../db/backup';
import { startPortal, type Portal } from '../support/server';
import { signInAsCoordinator, webWriter } from '../support/web-writer';

const LITESTREAM = path.resolve('scripts/litestream.mjs');
let dir: string;
const children: ChildProcess[] = [];
const portals: Portal[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-litestream-'));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  for (const portal of portals) await portal.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A Litestream configuration replicating `database` to a folder, syncing every 100 ms. */
function config(name: string, database: string): string {
  const file = path.join(dir, `${name}.yml`);
  fs.writeFileSync(
    file,
    [
      'dbs:',
      `  - path: ${database}`,
      '    monitor-interval: 100ms',
      '    replicas:',
      '      - type: file',
      `        path: ${path.join(dir, `${name}-replica`)}`,
      '        sync-interval: 100ms',
      '',
    ].join('\n'),
  );
  return file;
}

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LITESTREAM, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

async function restore(configFile: string, database: string, to: string): Promise<string> {
  fs.rmSync(to, { force: true });
  const result = await run(['restore', '-config', configFile, '-o', to, database]);
  expect(result.code, result.output).toBe(0);
  return to;
}

function organisationNames(file: string): Set<string> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return new Set(db.prepare("select name from organisations where name like 'Replicated %'").pluck().all() as string[]);
  } finally {
    db.close();
  }
}

/** Organisations missing the audit entry written in the same transaction: a half transaction restored. */
function halfWritten(file: string): unknown[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `select o.name from organisations o where o.name like 'Replicated %'
         and (select count(*) from audit_log a where a.target_type = 'organisation' and a.target_id = o.id) <> 1`,
      )
      .all();
  } finally {
    db.close();
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function deleteDatabase(file: string) {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
  expect(fs.existsSync(file)).toBe(false);
}

describe('Litestream continuous backup', () => {
  it('restores every write acknowledged before its last sync after the machine is lost mid-write', async () => {
    const portal = await startPortal({ launcher: 'node' }); // one process: a SIGKILL leaves nothing behind
    portals.push(portal);
    const configFile = config('lost', portal.databasePath);
    const litestream = spawn(process.execPath, [LITESTREAM, 'replicate', '-config', configFile], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(litestream);
    let litestreamLog = '';
    litestream.stdout!.on('data', (d: Buffer) => (litestreamLog += d.toString()));
    litestream.stderr!.on('data', (d: Buffer) => (litestreamLog += d.toString()));

    const writer = webWriter(portal, await signInAsCoordinator(portal), { prefix: 'Replicated' });
    // Writes keep coming while we wait for the replica to hold the first 30 acknowledged ones (restoring it to see).
    while (writer.made() < 30) await new Promise((resolve) => setImmediate(resolve));
    const confirmed = writer.acknowledged();
    const probe = path.join(dir, 'probe.db');
    for (;;) {
      fs.rmSync(probe, { force: true });
      const result = await run(['restore', '-config', configFile, '-o', probe, portal.databasePath]);
      if (result.code === 0 && confirmed.every((name) => organisationNames(probe).has(name))) break;
    }
    const madeBeforeLoss = writer.made();

    // The machine is lost: everything killed at once, mid-write, then the database and its WAL are gone.
    process.kill(portal.pid, 'SIGKILL');
    process.kill(-litestream.pid!, 'SIGKILL');
    await Promise.all([portal.exited, exited(litestream)]);
    const { acknowledged, failures } = await writer.stop();
    expect(failures.length).toBeGreaterThan(0); // lanes were cut off by the kill, as intended
    deleteDatabase(portal.databasePath);

    const restored = await restore(configFile, portal.databasePath, path.join(dir, 'lost-restored.db'));
    expect(integrityCheck(restored)).toBe('ok');
    expect(halfWritten(restored)).toEqual([]);
    const names = organisationNames(restored);
    expect(confirmed.filter((name) => !names.has(name))).toEqual([]);
    // Nothing that was never written, and at most what was written (acknowledged or in flight at the kill).
    const attempted = new Set(acknowledged);
    const extra = [...names].filter((name) => !attempted.has(name));
    expect(extra.length).toBeLessThanOrEqual(3); // one request in flight per lane
    console.info(
      `litestream (machine lost): ${acknowledged.length} writes acknowledged (${madeBeforeLoss} when the replica was ` +
        `confirmed to hold ${confirmed.length}); restored ${names.size}, integrity ok, no half transaction. ` +
        `Lost in the last sync interval: ${acknowledged.filter((n) => !names.has(n)).length}.`,
    );
    expect(litestreamLog).not.toMatch(/level=ERROR/);
  });

  // What is asserted is the data: every acknowledged write restored, integrity ok. Litestream 0.3.13's own exit code on
  // a stop is reported, not asserted: in full CI runs it exits 1 now and then ("cannot wait for exec process: exit
  // status 143", or "error closing db" over a replica temp file) after the portal has stopped (docs/operations.md).
  it('restores every acknowledged write after the portal ran under `litestream replicate -exec` and stopped', async () => {
    let configFile = '';
    let database = '';
    // As `npm run serve:replicated` does: Litestream starts the portal, and stops it when told to stop.
    const portal = await startPortal({
      wrap: (command, args, env) => {
        database = env.DATABASE_PATH!;
        configFile = config('replicated', database);
        return [process.execPath, [LITESTREAM, 'replicate', '-config', configFile, '-exec', [command, ...args].join(' ')]];
      },
    });
    portals.push(portal);
    const writer = webWriter(portal, await signInAsCoordinator(portal), { prefix: 'Replicated' });
    while (writer.made() < 30) await new Promise((resolve) => setImmediate(resolve));

    // SIGTERM mid-write: the portal finishes the requests it has, Litestream syncs the rest and exits.
    process.kill(portal.pid, 'SIGTERM');
    const exited = await portal.exited;
    expect(exited.signal, portal.output().slice(-3000)).toBeNull();
    const { acknowledged } = await writer.stop();
    expect(portal.output()).toMatch(/subprocess exited|signal received/);
    deleteDatabase(database);

    const restored = await restore(configFile, database, path.join(dir, 'replicated-restored.db'));
    expect(integrityCheck(restored)).toBe('ok');
    expect(halfWritten(restored)).toEqual([]);
    const names = organisationNames(restored);
    expect(acknowledged.filter((name) => !names.has(name))).toEqual([]);
    expect(names.size).toBeGreaterThanOrEqual(acknowledged.length);
    console.info(`litestream (graceful stop): exit ${JSON.stringify(exited)}; ${acknowledged.length} writes acknowledged, all ${names.size} restored, integrity ok.`);
  });
});
