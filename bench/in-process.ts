// Measurements `npm run bench` takes inside a process of their own, through the portal's models, against the
// database named by DATABASE_PATH (set by bench/run.ts before this starts):
//   npx tsx bench/in-process.ts search '<json {queries, iterations, memberEmail}>'
//     full-text search p50/p95 per query through the unified search model (app/models/search.server.ts) when it
//     exists, else the resource library's searchResources.
//   npx tsx bench/in-process.ts digest
//     composing and queuing one digest for every member (createDigest + sendDigest), with the time and the
//     process's peak RSS. Run it on a copy of the bench database: it queues one outbox row per member.
// Prints one line "result <json>".
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const task = process.argv[2];
const args = JSON.parse(process.argv[3] ?? '{}') as Record<string, unknown>;

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i]! * 100) / 100;
}

async function sessionUserFor(email: string) {
  const { sqlite } = await import('../db/client.server');
  return sqlite
    .prepare(
      `select u.id, u.email, u.name, u.role, u.organisation_id as organisationId, o.name as organisationName, o.slug as organisationSlug
       from users u join organisations o on o.id = u.organisation_id where u.email = ?`,
    )
    .get(email) as import('../app/utils/auth.server').SessionUser;
}

type SearchFn = (query: string) => { count: number };

async function searchFunction(viewer: Awaited<ReturnType<typeof sessionUserFor>>): Promise<{ name: string; run: SearchFn }> {
  const unified = path.join(ROOT, 'app/models/search.server.ts');
  if (fs.existsSync(unified)) {
    const { search } = await import('../app/models/search.server');
    return { name: 'app/models/search.server.ts search()', run: (q) => ({ count: search(viewer, { q }).hits.length }) };
  }
  const { searchResources } = await import('../app/models/resources.server');
  return { name: 'app/models/resources.server.ts searchResources()', run: (query) => ({ count: searchResources(query, viewer).items.length }) };
}

async function search() {
  const queries = args.queries as Record<string, string>;
  const iterations = Number(args.iterations ?? 200);
  const viewer = await sessionUserFor(String(args.memberEmail));
  const fn = await searchFunction(viewer);
  const out: Record<string, { query: string; runs: number; p50: number; p95: number; max: number; results: number }> = {};
  for (const [label, query] of Object.entries(queries)) {
    for (let i = 0; i < 5; i++) fn.run(query);
    const times: number[] = [];
    let results = 0;
    // At most `iterations` runs, and no more than about 10 s a query once 20 runs are in.
    const until = performance.now() + 10_000;
    for (let i = 0; i < iterations && (i < 20 || performance.now() < until); i++) {
      const t = performance.now();
      results = fn.run(query).count;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    out[label] = { query, runs: times.length, p50: percentile(times, 50), p95: percentile(times, 95), max: percentile(times, 100), results };
  }
  return { model: fn.name, iterations, queries: out };
}

async function digest() {
  const digestModule = path.join(ROOT, 'app/models/digests.server.ts');
  if (!fs.existsSync(digestModule)) return { skipped: 'app/models/digests.server.ts does not exist yet' };
  const { createDigest, sendDigest, listDigestItems } = await import('../app/models/digests.server');
  const { sqlite } = await import('../db/client.server');
  const rssBefore = process.memoryUsage().rss;
  const now = Date.now();
  const t0 = performance.now();
  const id = createDigest(null, now);
  const t1 = performance.now();
  const items = listDigestItems(id).length;
  const outcome = sendDigest(null, id, now);
  const t2 = performance.now();
  const outboxRows = (sqlite.prepare(`select count(*) as n from outbox where dedupe_key like ?`).get(`digest:${id}:%`) as { n: number }).n;
  const bytes = (sqlite.prepare(`select sum(length(html) + length(text)) as b from outbox where dedupe_key like ?`).get(`digest:${id}:%`) as { b: number | null }).b ?? 0;
  return {
    items,
    ok: outcome.ok,
    message: outcome.message,
    queued: outcome.ok ? outcome.queued : 0,
    outboxRows,
    averageMessageKb: outboxRows ? Math.round(bytes / outboxRows / 102.4) / 10 : 0,
    gatherSeconds: Math.round(t1 - t0) / 1000,
    composeAndQueueSeconds: Math.round(t2 - t1) / 1000,
    totalSeconds: Math.round(t2 - t0) / 1000,
    rssBeforeMb: Math.round(rssBefore / 1e5) / 10,
    peakRssMb: Math.round((process.resourceUsage().maxRSS * 1024) / 1e5) / 10,
  };
}

const result = task === 'search' ? await search() : task === 'digest' ? await digest() : null;
if (!result) {
  console.error('usage: in-process.ts search|digest [json]');
  process.exit(2);
}
process.stdout.write(`result ${JSON.stringify(result)}\n`);
