// Prometheus metrics (prom-client), served at /metrics when METRICS_TOKEN is set (server.ts). Everything lives in
// one registry of its own: the process's default metrics (memory, CPU, event-loop lag, handles), request durations
// by route id and status, the outbox (depth and the age of the oldest message that is due), mail sent and failed,
// background job durations, and the size of the SQLite database and its WAL. Gauges that read the database or the
// disk are computed when Prometheus scrapes, so nothing runs between scrapes.
import fs from 'node:fs';
import client from 'prom-client';
import { databasePath, sqlite } from '../../db/client.server';

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

type OutboxStats = { pending: number; due: number; oldestDueAt: number | null };
function outboxStats(): OutboxStats {
  // Both halves use the (status, next_attempt_at) index.
  return sqlite
    .prepare(
      `select count(*) as pending,
              coalesce(sum(next_attempt_at <= :now), 0) as due,
              min(case when next_attempt_at <= :now then next_attempt_at end) as oldestDueAt
       from outbox where status in ('pending', 'sending')`,
    )
    .get({ now: Date.now() }) as OutboxStats;
}

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const registers = [registry];

  new client.Gauge({
    name: 'portal_sqlite_database_bytes',
    help: 'Size of the SQLite database file.',
    registers,
    collect() {
      this.set(fileSize(databasePath()));
    },
  });
  new client.Gauge({
    name: 'portal_sqlite_wal_bytes',
    help: 'Size of the SQLite write-ahead log (it grows when checkpoints cannot finish, e.g. a long-running reader).',
    registers,
    collect() {
      this.set(fileSize(`${databasePath()}-wal`));
    },
  });
  new client.Gauge({
    name: 'portal_outbox_pending',
    help: 'Messages in the outbox not yet sent or given up: state="due" should go now, state="scheduled" waits for a later time (reminders, scheduled digests, retries in backoff).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const stats = outboxStats();
      this.set({ state: 'due' }, stats.due);
      this.set({ state: 'scheduled' }, stats.pending - stats.due);
    },
  });
  new client.Gauge({
    name: 'portal_outbox_oldest_due_age_seconds',
    help: 'How long the oldest message that is due has been waiting (0 when none is): a stuck outbox keeps rising.',
    registers,
    collect() {
      const { oldestDueAt } = outboxStats();
      this.set(oldestDueAt === null ? 0 : Math.max(0, (Date.now() - oldestDueAt) / 1000));
    },
  });

  return {
    registry,
    httpRequestDuration: new client.Histogram({
      name: 'portal_http_request_duration_seconds',
      help: 'Time from a request arriving to its response finishing, by route id (Remix route, "static" or "no-route"), method and status.',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    // The histogram's _count says the same, but a plain counter reads better in alert rules (5xx rate).
    httpRequests: new client.Counter({
      name: 'portal_http_requests_total',
      help: 'Requests answered, by route id, method and status.',
      labelNames: ['route', 'method', 'status'] as const,
      registers,
    }),
    mailSent: new client.Counter({
      name: 'portal_mail_sent_total',
      help: 'Messages the outbox worker handed to the SMTP server (or wrote to MAIL_DIR).',
      registers,
    }),
    mailFailed: new client.Counter({
      name: 'portal_mail_failed_total',
      help: 'Delivery attempts that failed: outcome="retry" will be tried again later, outcome="failed" was given up on.',
      labelNames: ['outcome'] as const,
      registers,
    }),
    jobDuration: new client.Histogram({
      name: 'portal_job_duration_seconds',
      help: 'How long each background job run took (mail batches, reminders, thread notifications, digests, text extraction, upload cleanup).',
      labelNames: ['job'] as const,
      buckets: [0.001, 0.005, 0.025, 0.1, 0.5, 1, 5, 30, 120],
      registers,
    }),
  };
}

// One set per process: server.ts runs this module through tsx, and the production build bundles its own copy.
const globalForMetrics = globalThis as unknown as { __portalMetrics?: ReturnType<typeof createMetrics> };
const metrics = (globalForMetrics.__portalMetrics ??= createMetrics());

export const { registry, httpRequestDuration, httpRequests, mailSent, mailFailed } = metrics;
const { jobDuration } = metrics;

/** Runs a job and records how long it took, whether it threw or not; a synchronous job stays synchronous. */
export function timeJob<T>(job: string, run: () => T): T {
  const end = jobDuration.startTimer({ job });
  let result: T;
  try {
    result = run();
  } catch (error) {
    end();
    throw error;
  }
  if (result instanceof Promise) return result.finally(end) as T;
  end();
  return result;
}
