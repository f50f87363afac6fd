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

export type RateLimitResult = { allowed: boolean; retryAfterSeconds: number };

/** Counts one attempt against `key` and says whether it is within `limit` per `windowMs`. One statement, so no race. */
export function consumeRateLimit(key: string, limit: number, windowMs: number, now = Date.now()): RateLimitResult {
  hit ??= hitStatement();
  const row = hit.get({ key, now, cutoff: now - windowMs })!;
  const allowed = row.count <= limit;
  return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((row.window_start + windowMs - now) / 1000)) };
}

export function resetRateLimit(key: string): void {
  sqlite.prepare('delete from rate_limits where key = ?').run(key);
}
