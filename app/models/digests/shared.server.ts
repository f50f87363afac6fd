import type { Statement } from 'better-sqlite3';
import { sqlite } from '../../../db/client.server';
import { DIGEST_FREQUENCIES } from '../../../db/schema';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** A first digest (or one with no earlier sent digest) covers this long. */
export const DEFAULT_PERIOD_MS = 7 * DAY_MS;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];
export const FREQUENCY_DAYS: Record<Exclude<DigestFrequency, 'off'>, number> = { weekly: 7, fortnightly: 14, monthly: 30 };
export const FREQUENCY_LABELS: Record<DigestFrequency, string> = {
  weekly: 'Weekly (the default)',
  fortnightly: 'Fortnightly',
  monthly: 'Monthly',
  off: 'Off: no digests',
};
export const DIGEST_STATUS_LABELS = { draft: 'Draft', scheduled: 'Scheduled', sending: 'Sending', sent: 'Sent' } as const;
export type DigestStatus = keyof typeof DIGEST_STATUS_LABELS;

/** How many items of each kind a digest gathers at most (the most recent or most active first). */
export const LIMITS = { workshops: 6, caseStudies: 10, updates: 8, microCredentials: 10, resources: 10, records: 5, recordLines: 6, discussions: 5, organisations: 8, members: 12 };

// Prepared statements, made once per SQL text on the shared connection.
const statements = new Map<string, Statement>();
export function stmt(sql: string): Statement {
  let s = statements.get(sql);
  if (!s) {
    s = sqlite.prepare(sql);
    statements.set(sql, s);
  }
  return s;
}
export function all<T>(sql: string, ...params: unknown[]): T[] {
  return stmt(sql).all(...params) as T[];
}
export function get<T>(sql: string, ...params: unknown[]): T | undefined {
  return stmt(sql).get(...params) as T | undefined;
}
export function run(sql: string, ...params: unknown[]) {
  return stmt(sql).run(...params);
}

// ---------------------------------------------------------------------------------------------------------------
