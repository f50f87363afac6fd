// Retention (issue 18, IPP 9: nothing kept longer than needed). One set of settings, read by the daily job and shown
// on /privacy, so the page can never disagree with what the code does. Each run is logged and kept with its counts.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { desc, eq } from 'drizzle-orm';
import { db, sqlite } from '../../db/client.server';
import { retentionRuns } from '../../db/schema';
import { env } from '~/utils/env.server';
import { RATE_LIMIT_LONGEST_WINDOW_MS } from '~/utils/rate-limit.server';
import { exportDir } from './data-export.server';

const DAY = 24 * 60 * 60 * 1000;
const YEAR = 365.25 * DAY;

export type RetentionSettings = {
  mailDays: number;
  joinRequestDays: number;
  auditYears: number;
  exportHours: number;
  sessionIdleDays: number;
  sessionMaxDays: number;
  rateLimitMinutes: number;
};

export function retentionSettings(): RetentionSettings {
  const e = env();
  return {
    mailDays: e.RETENTION_MAIL_DAYS,
    joinRequestDays: e.RETENTION_JOIN_REQUEST_DAYS,
    auditYears: e.RETENTION_AUDIT_YEARS,
    exportHours: e.EXPORT_LINK_HOURS,
    sessionIdleDays: e.SESSION_IDLE_DAYS,
    sessionMaxDays: e.SESSION_MAX_DAYS,
    rateLimitMinutes: RATE_LIMIT_LONGEST_WINDOW_MS / 60_000,
  };
}

export type RetentionCounts = {
  outboxRows: number;
  mailFiles: number;
  sessions: number;
  rateLimits: number;
  joinRequests: number;
  auditEntries: number;
  exports: number;
};

function mailFileName(id: number): string {
  return `${String(id).padStart(6, '0')}.eml`;
}

/** Applies every retention rule once. Database deletions are one transaction; files are removed after it. */
export async function applyRetention(now = Date.now()): Promise<RetentionCounts> {
  const s = retentionSettings();
  const mailCutoff = now - s.mailDays * DAY;
  const run = db.insert(retentionRuns).values({ startedAt: now }).returning({ id: retentionRuns.id }).get();
  const { counts, mailIds, exportFiles } = db.transaction(() => {
    // Sent (or finally failed) mail older than the limit; a digest's recipient row keeps the fact, not the message.
    const old = sqlite
      .prepare<[number], { id: number }>(
        `select id from outbox where status in ('sent', 'failed') and coalesce(sent_at, created_at) < ?`,
      )
      .all(mailCutoff)
      .map((r) => r.id);
    for (let i = 0; i < old.length; i += 500) {
      const ids = old.slice(i, i + 500);
      const marks = ids.map(() => '?').join(',');
      sqlite.prepare(`update digest_recipients set outbox_id = null where outbox_id in (${marks})`).run(...ids);
      sqlite.prepare(`delete from outbox where id in (${marks})`).run(...ids);
    }
    const sessions = sqlite.prepare('delete from sessions where expires_at <= ? or absolute_expires_at <= ?').run(now, now).changes;
    const rateLimits = sqlite.prepare('delete from rate_limits where window_start <= ?').run(now - RATE_LIMIT_LONGEST_WINDOW_MS).changes;
    const joinCutoff = now - s.joinRequestDays * DAY;
    const joinRequests = sqlite
      .prepare(
        `delete from join_requests where (status = 'declined' and coalesce(decided_at, created_at) < @cutoff)
           or (status = 'unverified' and created_at < @cutoff)`,
      )
      .run({ cutoff: joinCutoff }).changes;
    const auditEntries = sqlite.prepare('delete from audit_log where created_at < ?').run(now - s.auditYears * YEAR).changes;
    // Export ZIPs: past their link's expiry, or already downloaded: the file goes, the row remains as a fact.
    const exportRows = sqlite
      .prepare<[number], { id: number; file_name: string | null; status: string }>(
        `select id, file_name, status from data_exports
         where file_name is not null and (status in ('downloaded', 'failed') or (status = 'ready' and expires_at <= ?))`,
      )
      .all(now);
    const markExpired = sqlite.prepare(
      `update data_exports set status = case status when 'ready' then 'expired' else status end, file_name = null where id = ?`,
    );
    for (const row of exportRows) markExpired.run(row.id);
    return {
      counts: { outboxRows: old.length, mailFiles: 0, sessions, rateLimits, joinRequests, auditEntries, exports: exportRows.length },
      mailIds: old,
      exportFiles: exportRows.map((r) => r.file_name!),
    };
  });
  counts.mailFiles = await removeMailFiles(mailIds, mailCutoff);
  for (const name of exportFiles) await fsp.rm(path.join(exportDir(), path.basename(name)), { force: true });
  db.update(retentionRuns)
    .set({ finishedAt: Date.now(), counts: JSON.stringify(counts) })
    .where(eq(retentionRuns.id, run.id))
    .run();
  // The background job logs these counts (app/utils/jobs.server.ts).
  return counts;
}

/** The .eml copies of removed outbox rows, and any other .eml older than the limit (rows removed by hand). */
async function removeMailFiles(ids: number[], cutoff: number): Promise<number> {
  const dir = env().MAIL_DIR;
  if (!fs.existsSync(dir)) return 0;
  const wanted = new Set(ids.map(mailFileName));
  let removed = 0;
  for (const name of await fsp.readdir(dir)) {
    if (!name.endsWith('.eml')) continue;
    const file = path.join(dir, name);
    const stat = await fsp.stat(file).catch(() => null);
    if (!stat) continue;
    if (wanted.has(name) || stat.mtimeMs < cutoff) {
      await fsp.rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}

export function lastRetentionRun() {
  const row = db.select().from(retentionRuns).orderBy(desc(retentionRuns.id)).limit(1).get();
  return row ? { ...row, counts: JSON.parse(row.counts) as Partial<RetentionCounts> } : null;
}

/** The daily job: runs when no run started in the last 23 hours (the timer checks hourly; restarts do not repeat it). */
export async function runRetentionIfDue(now = Date.now()): Promise<RetentionCounts | null> {
  const last = lastRetentionRun();
  if (last && now - last.startedAt < 23 * 60 * 60 * 1000) return null;
  return applyRetention(now);
}
