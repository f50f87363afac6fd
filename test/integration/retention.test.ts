// The daily retention job (issue 18): each rule removes what is past its period and keeps what is not, the run is
// recorded with its counts, and /privacy shows the same periods the job applies.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqlite } from '../../db/client.server';
import { applyRetention, lastRetentionRun, runRetentionIfDue } from '~/models/retention.server';
import { exportDir } from '~/models/data-export.server';
import { env, resetEnvCacheForTests } from '~/utils/env.server';
import { addMember, addOrganisation, DAY } from '../support/digest-fixtures';
import { callRoute, VISITOR } from '../support/routes';

const NOW = Date.now();
let userId: number;

function count(table: string, where = '1 = 1', ...params: unknown[]): number {
  return (sqlite.prepare(`select count(*) as n from ${table} where ${where}`).get(...params) as { n: number }).n;
}

function outbox(key: string, status: string, sentAt: number | null, createdAt: number): number {
  return Number(
    sqlite
      .prepare(`insert into outbox (dedupe_key, to_address, subject, html, text, status, sent_at, created_at) values (?, 'a@x.nz', 's', '', '', ?, ?, ?)`)
      .run(key, status, sentAt, createdAt).lastInsertRowid,
  );
}

beforeAll(() => {
  const org = addOrganisation('Retention Polytechnic', 'itp', NOW - 900 * DAY);
  userId = addMember('keeper@retention.example', 'Kerry Keeper', org);
  const oldId = outbox('old-sent', 'sent', NOW - 91 * DAY, NOW - 91 * DAY);
  outbox('old-failed', 'failed', null, NOW - 95 * DAY);
  const recentId = outbox('recent-sent', 'sent', NOW - 89 * DAY, NOW - 89 * DAY);
  outbox('old-pending', 'pending', null, NOW - 120 * DAY); // never sent: not "sent mail", kept for the worker
  fs.mkdirSync(env().MAIL_DIR, { recursive: true });
  for (const id of [oldId, recentId]) fs.writeFileSync(path.join(env().MAIL_DIR, `${String(id).padStart(6, '0')}.eml`), 'x');
  const ins = sqlite.prepare('insert into sessions (id, user_id, created_at, expires_at, absolute_expires_at) values (?, ?, ?, ?, ?)');
  ins.run('expired-idle', userId, NOW - 20 * DAY, NOW - 1, NOW + DAY);
  ins.run('expired-absolute', userId, NOW - 31 * DAY, NOW + DAY, NOW - 1);
  ins.run('live', userId, NOW - DAY, NOW + DAY, NOW + 2 * DAY);
  const rl = sqlite.prepare('insert into rate_limits (key, window_start, count) values (?, ?, 1)');
  rl.run('signin:ip:old', NOW - 2 * 60 * 60 * 1000);
  rl.run('signin:ip:now', NOW - 60_000);
  const jr = sqlite.prepare(
    `insert into join_requests (name, email, organisation_id, password_hash, verify_token_hash, status, decided_at, created_at) values (?, ?, ?, 'h', ?, ?, ?, ?)`,
  );
  jr.run('Old Declined', 'od@x.nz', org, 't1', 'declined', NOW - 91 * DAY, NOW - 100 * DAY);
  jr.run('New Declined', 'nd@x.nz', org, 't2', 'declined', NOW - 10 * DAY, NOW - 100 * DAY);
  jr.run('Old Unverified', 'ou@x.nz', org, 't3', 'unverified', null, NOW - 91 * DAY);
  jr.run('Old Pending', 'op@x.nz', org, 't4', 'pending', null, NOW - 200 * DAY);
  const audit = sqlite.prepare(`insert into audit_log (action, target_type, summary, created_at) values (?, 'user', 's', ?)`);
  audit.run('ancient', NOW - 8 * 365 * DAY);
  audit.run('recent', NOW - 6 * 365 * DAY);
  fs.mkdirSync(exportDir(), { recursive: true });
  fs.writeFileSync(path.join(exportDir(), 'export-old.zip'), 'zip');
  fs.writeFileSync(path.join(exportDir(), 'export-live.zip'), 'zip');
  const ex = sqlite.prepare(`insert into data_exports (user_id, status, token_hash, file_name, expires_at) values (?, 'ready', ?, ?, ?)`);
  ex.run(userId, 'old-token', 'export-old.zip', NOW - 1);
  ex.run(userId, 'live-token', 'export-live.zip', NOW + DAY);
});

describe('retention', () => {
  it('removes what is past its period, keeps the rest, and records the run with counts', async () => {
    const counts = await applyRetention(NOW);
    expect(counts).toEqual({ outboxRows: 2, mailFiles: 1, sessions: 2, rateLimits: 1, joinRequests: 2, auditEntries: 1, exports: 1 });
    expect(sqlite.prepare('select dedupe_key from outbox order by id').pluck().all()).toEqual(['recent-sent', 'old-pending']);
    expect(fs.readdirSync(env().MAIL_DIR)).toHaveLength(1);
    expect(sqlite.prepare('select id from sessions where user_id = ?').pluck().all(userId)).toEqual(['live']);
    expect(sqlite.prepare('select key from rate_limits').pluck().all()).toEqual(['signin:ip:now']);
    expect(sqlite.prepare('select name from join_requests order by id').pluck().all()).toEqual(['New Declined', 'Old Pending']);
    expect(count('audit_log', "action = 'ancient'")).toBe(0);
    expect(count('audit_log', "action = 'recent'")).toBe(1);
    expect(fs.readdirSync(exportDir())).toEqual(['export-live.zip']);
    expect(sqlite.prepare('select status from data_exports order by id').pluck().all()).toEqual(['expired', 'ready']);
    const last = lastRetentionRun()!;
    expect(last.finishedAt).not.toBeNull();
    expect(last.counts.outboxRows).toBe(2);
  });

  it('runs daily: a second check within the day does nothing, a day later it runs again', async () => {
    const runs = count('retention_runs');
    expect(await runRetentionIfDue(NOW + 60 * 60 * 1000)).toBeNull();
    expect(count('retention_runs')).toBe(runs);
    expect(await runRetentionIfDue(NOW + DAY)).not.toBeNull();
    expect(count('retention_runs')).toBe(runs + 1);
  });

  it('the privacy page shows the periods the job uses', async () => {
    process.env.RETENTION_MAIL_DAYS = '30';
    process.env.RETENTION_AUDIT_YEARS = '5';
    resetEnvCacheForTests();
    try {
      const page = await callRoute('GET', '/privacy', VISITOR);
      expect(page.status).toBe(200);
      expect(page.data).toMatchObject({ settings: { mailDays: 30, auditYears: 5, joinRequestDays: 90, exportHours: 24 } });
    } finally {
      delete process.env.RETENTION_MAIL_DAYS;
      delete process.env.RETENTION_AUDIT_YEARS;
      resetEnvCacheForTests();
    }
  });
});
