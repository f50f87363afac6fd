// Fixed-window throttle kept in SQLite so it holds across processes and restarts.
import { sqlite } from '../../db/client.server';

const hitStatement = () =>
  sqlite.prepare<{ key: string; now: number; cutoff: number }, { count: number; window_start: number }>(
    `insert into rate_limits (key, window_start, count) values (@key, @now, 1)
     on conflict(key) do update set
       count = case when window_start <= @cutoff then 1 else count + 1 end,
       window_start = case when window_start <= @cutoff then excluded.window_start else window_start end
     returning count, window_start`,
  );
let hit: ReturnType<typeof hitStatement> | undefined;

/** The longest window any caller uses (join requests, password resets: an hour); older rows are pruned daily. */
export const RATE_LIMIT_LONGEST_WINDOW_MS = 60 * 60 * 1000;

export type RateLimitResult = { allowed: boolean; retryAfterSeconds: number };

/** Counts one attempt against `key` and says whether it is within `limit` per `windowMs`. One statement, so no race. */
export function consumeRateLimit(key: string, limit: number, windowMs: number, now = Date.now()): RateLimitResult {
  hit ??= hitStatement();
  const row = hit.get({ key, now, cutoff: now - windowMs })!;
  const allowed = row.count <= limit;
  return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((row.window_start + windowMs - now) / 1000)) };
}

const refundStatement = () =>
  sqlite.prepare<{ key: string; cutoff: number }>(
    'update rate_limits set count = max(count - 1, 0) where key = @key and window_start > @cutoff',
  );
let refund: ReturnType<typeof refundStatement> | undefined;

/**
 * Gives back one attempt counted by consumeRateLimit in the current window: for budgets that only failures should
 * spend. Counting first and refunding after keeps the check race-free (attempts in flight all count) in one statement.
 */
export function refundRateLimit(key: string, windowMs: number, now = Date.now()): void {
  refund ??= refundStatement();
  refund.run({ key, cutoff: now - windowMs });
}

export function resetRateLimit(key: string): void {
  sqlite.prepare('delete from rate_limits where key = ?').run(key);
}
