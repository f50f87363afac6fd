// The load generator of `npm run bench`, run as its own process so it never shares an event loop with the server.
//   npx tsx bench/load.ts '<json job>'
// Jobs:
//   { "kind": "load", "url": ..., "connections": 50, "duration": 10, "warmup": 2, "headers": {...} }
//     autocannon for `duration` seconds after a short warm-up; prints one line "result <json>" with requests/s and
//     exact p50/p95/p99 latencies taken from every response (autocannon's own summary has no p95). Before the
//     warm-up and before the run it waits for `drainUrl` (the portal's /healthz) to answer quickly again.
//   { "kind": "flood", "url": ".../login", "origin": ..., "accounts": [...], "count": 500, "concurrency": 10 }
//     wrong-password sign-ins spread over the accounts, at most `concurrency` at a time (paced to `ratePerSecond`
//     when given); prints the status counts.
import autocannon from 'autocannon';

type LoadJob = { kind: 'load'; url: string; connections: number; duration: number; warmup?: number; headers?: Record<string, string>; drainUrl?: string };
type FloodJob = { kind: 'flood'; url: string; origin: string; accounts: string[]; count: number; concurrency: number; ratePerSecond?: number };

export type LoadResult = {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
};
export type FloodResult = { sent: number; seconds: number; statusCodes: Record<string, number>; errors: number };

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i]! * 100) / 100;
}

/**
 * Waits until the server has finished what an earlier run left queued (a server keeps working on requests whose
 * connections autocannon has closed): a backlog would otherwise be charged to the next measurement.
 */
async function drain(url: string) {
  // At most 10 s: on a machine busy with other work the server may never answer that quickly.
  const deadline = performance.now() + 10_000;
  let quick = 0;
  while (performance.now() < deadline && quick < 3) {
    const t = performance.now();
    await fetch(url, { redirect: 'manual' }).then((r) => r.arrayBuffer()).catch(() => undefined);
    quick = performance.now() - t < 50 ? quick + 1 : 0;
  }
}

async function load(job: LoadJob): Promise<LoadResult> {
  const base = { url: job.url, connections: job.connections, headers: job.headers ?? {}, timeout: 30 };
  const healthUrl = job.drainUrl ?? job.url;
  await drain(healthUrl);
  if (job.warmup) {
    await autocannon({ ...base, duration: job.warmup });
    await drain(healthUrl);
  }
  const latencies: number[] = [];
  const instance = autocannon({ ...base, duration: job.duration });
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    latencies.push(responseTime);
  });
  const result = await instance;
  const sorted = Float64Array.from(latencies).sort();
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
  return {
    requests: sorted.length,
    seconds: result.duration,
    rps: Math.round((sorted.length / result.duration) * 10) / 10,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: percentile(sorted, 100),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statusCodes,
  };
}

async function flood(job: FloodJob): Promise<FloodResult> {
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < job.count) {
      const i = next++;
      // Paced so the flood covers the whole window in which the home page is timed.
      const due = job.ratePerSecond ? started + (i * 1000) / job.ratePerSecond : 0;
      if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
      const body = new URLSearchParams({ email: job.accounts[i % job.accounts.length]!, password: `wrong-password-${i}-nope` });
      try {
        const response = await fetch(job.url, {
          method: 'POST',
          body,
          redirect: 'manual',
          headers: { Origin: job.origin, 'Content-Type': 'application/x-www-form-urlencoded' },
        });
        await response.arrayBuffer();
        statusCodes[response.status] = (statusCodes[response.status] ?? 0) + 1;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  return { sent: job.count, seconds: Math.round(performance.now() - started) / 1000, statusCodes, errors };
}

const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob | FloodJob;
const result = job.kind === 'load' ? await load(job) : job.kind === 'flood' ? await flood(job) : null;
if (!result) {
  console.error('usage: load.ts \'{"kind":"load"|"flood", ...}\'');
  process.exit(2);
}
process.stdout.write(`result ${JSON.stringify(result)}\n`);
