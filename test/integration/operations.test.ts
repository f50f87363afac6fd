// What an operator relies on without a browser: configuration refused at start with a message per variable (and no
// stack), a copy of the database before migrations change it, /metrics hidden without a token, log redaction,
// errors logged once with their stack and request id, and the mail worker logging counts rather than addresses.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handleError } from '~/entry.server';
import { createLogger, logger, runInRequestScope } from '~/utils/logger.server';
import { processOutbox, queueEmail } from '~/utils/mail.server';
import { metricsHandler } from '~/utils/observability.server';
import { db, openDatabase, pendingMigrations } from '../../db/client.server';

const TSX = path.resolve('node_modules/.bin/tsx');
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-ops-'));

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.MIGRATIONS_DIR;
});

/** A logger writing JSON lines into an array. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ write: (line: string) => void lines.push(JSON.parse(line)) });
  log.level = 'info';
  return { log, lines };
}

function startServer(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['server.ts'], {
      env: { ...process.env, NODE_ENV: 'production', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('start-up checks', () => {
  it('refuses bad configuration with one message per variable, exit 1 and no stack', async () => {
    const file = path.join(temp, 'not-a-folder');
    fs.writeFileSync(file, '');
    const smtpPassword = 'hunter2-smtp-password';
    const result = await startServer({
      APP_URL: 'cop.example.nz',
      UPLOAD_DIR: path.join(file, 'uploads'),
      SMTP_URL: `smtp//user:${smtpPassword}@`,
      SESSION_SECRET: '',
      DATABASE_PATH: path.join(temp, 'never-created.db'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ {2}APP_URL: must be the public address/m);
    expect(result.stderr).toMatch(/^ {2}SMTP_URL: does not parse/m);
    expect(result.stderr).not.toContain(smtpPassword);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(path.join(temp, 'never-created.db'))).toBe(false);

    // With the shape right, the folders and the production secret are checked.
    const second = await startServer({
      APP_URL: 'https://cop.example.nz',
      UPLOAD_DIR: path.join(file, 'uploads'),
      SESSION_SECRET: '',
      DATABASE_PATH: path.join(temp, 'never-created.db'),
    });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^ {2}UPLOAD_DIR: .*not-a-folder\/uploads must be a folder this process can read and write \(ENOTDIR\)/m);
    expect(second.stderr).toMatch(/^ {2}SESSION_SECRET: must be set in production/m);
    expect(second.stderr).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(path.join(temp, 'never-created.db'))).toBe(false);
  });
});

describe('migrations', () => {
  function migrationsWithoutTheLast(): string {
    const folder = path.join(temp, 'older-migrations');
    fs.cpSync(path.resolve('drizzle'), folder, { recursive: true });
    const journalFile = path.join(folder, 'meta/_journal.json');
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as { entries: unknown[] };
    journal.entries.pop();
    fs.writeFileSync(journalFile, JSON.stringify(journal));
    return folder;
  }

  it('copies a database that holds data before applying pending migrations, and an empty or current one not', () => {
    const file = path.join(temp, 'upgrade', 'portal.db');
    process.env.MIGRATIONS_DIR = migrationsWithoutTheLast();
    const older = openDatabase(file);
    older.$client.prepare("insert into organisations (name, slug, kind) values ('Before the upgrade', 'before-the-upgrade', 'itp')").run();
    expect(fs.existsSync(path.join(temp, 'upgrade', 'backups'))).toBe(false); // it was empty
    older.$client.close();

    delete process.env.MIGRATIONS_DIR;
    const upgraded = openDatabase(file);
    expect(pendingMigrations(upgraded.$client)).toBe(0);
    upgraded.$client.close();
    const copies = fs.readdirSync(path.join(temp, 'upgrade', 'backups'));
    expect(copies).toEqual([expect.stringMatching(/^portal-\d{8}T\d{6}Z-before-migration\.db$/)]);
    const copy = new Database(path.join(temp, 'upgrade', 'backups', copies[0]), { readonly: true });
    expect(copy.prepare("select name from organisations where slug = 'before-the-upgrade'").pluck().get()).toBe('Before the upgrade');
    expect(copy.prepare('select count(*) from __drizzle_migrations').pluck().get()).toBe(
      (JSON.parse(fs.readFileSync('drizzle/meta/_journal.json', 'utf8')).entries as unknown[]).length - 1,
    );
    copy.close();

    openDatabase(file).$client.close(); // nothing pending: no second copy
    expect(fs.readdirSync(path.join(temp, 'upgrade', 'backups'))).toHaveLength(1);
  });
});

describe('/metrics without METRICS_TOKEN', () => {
  it('answers 404', async () => {
    const app = express().get('/metrics', metricsHandler(undefined));
    const server = app.listen(0);
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: 'Bearer anything-at-all-here' } });
      expect(response.status).toBe(404);
    } finally {
      server.close();
    }
  });
});

describe('logs', () => {
  it('censors passwords, tokens, cookies and addresses however deep a caller puts them', () => {
    const { log, lines } = capturingLogger();
    log.info(
      {
        password: 'p4ssword-value',
        token: 'token-value',
        member: { id: 7, email: 'someone@example.nz' },
        req: { headers: { cookie: '__session=cookie-value', authorization: 'Bearer auth-value' } },
        res: { headers: { 'set-cookie': 'set-cookie-value' } },
      },
      'something happened',
    );
    const text = JSON.stringify(lines);
    for (const secret of ['p4ssword-value', 'token-value', 'someone@example.nz', 'cookie-value', 'auth-value', 'set-cookie-value']) {
      expect(text).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({ level: 'info', member: { id: 7, email: '[redacted]' }, msg: 'something happened' });
  });

  it('logs an unhandled error once, with its stack and the request id', () => {
    const { log, lines } = capturingLogger();
    const error = new Error('the model fell over');
    const request = new Request('http://localhost/workshops');
    runInRequestScope({ requestId: 'req-0001', log: log.child({ requestId: 'req-0001' }) }, () =>
      handleError(error, { request, params: {}, context: { cspNonce: '', clientIp: '127.0.0.1' } }),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', requestId: 'req-0001', err: { message: 'the model fell over' } });
    expect((lines[0].err as { stack: string }).stack).toContain('operations.test.ts');

    // A request the client abandoned is not logged.
    const aborted = new AbortController();
    aborted.abort();
    runInRequestScope({ requestId: 'req-0002', log }, () =>
      handleError(error, { request: new Request('http://localhost/', { signal: aborted.signal }), params: {}, context: { cspNonce: '', clientIp: '127.0.0.1' } }),
    );
    expect(lines).toHaveLength(1);
  });

  it('the mail worker logs how many it sent, without addresses', async () => {
    const info = vi.spyOn(logger, 'info');
    queueEmail(db, { to: 'reader@example.nz', dedupeKey: 'ops-log-test', message: { subject: 'Hello', html: '<p>Hi</p>', text: 'Hi' } });
    expect(await processOutbox()).toBe(1);
    const batch = info.mock.calls.find(([fields]) => (fields as { job?: string }).job === 'mail');
    expect(batch?.[0]).toEqual({ job: 'mail', sent: 1, retry: 0, failed: 0 });
    expect(JSON.stringify(info.mock.calls)).not.toContain('reader@example.nz');
  });
});
