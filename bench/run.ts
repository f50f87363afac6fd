// `npm run bench`: the portal's performance on a large synthetic community, measured on this machine.
//   npm run bench                 full size (10,000 members ...), 10 s per measurement; writes bench/results.json
//   npm run bench -- --smoke      1% of the community, 1 s per measurement (CI: keeps the script working, asserts no speed)
// Options: --regenerate (make the database again), --no-build (use the existing build/), --duration <s>,
//          --pages home,thread,... (only these), --profile (server under `node --cpu-prof`; prints the hottest functions),
//          --cpu-only (only the CPU-per-request table), --repeats <n> (rounds of the CPU measurement),
//          --lighthouse (also Lighthouse, mobile, on five pages: `npm install --no-save lighthouse@12` first; Chromium
//          from CHROME_PATH, default /usr/bin/chromium).
//
// 1. Generates the community into bench/data/ (bench/generate.ts), or reuses one made by the same generator version
//    and the same migrations. 2. Builds (`npm run build`). 3. Starts the production server against it (NODE_ENV=
//    production, mail to files) and a bare node:http server answering a fixed page of the same size as the
//    portal's trivial page. 4. Signs in as a generated member through POST /login, then loads every page from a second
//    process (autocannon, bench/load.ts) at 1 and at 50 connections, printing each throughput as a ratio to the
//    framework floor (/bench/floor: a constant through the same server, root loader and layout) and to the bare
//    floor. Before that, the server's CPU time per request (bench/cpu.ts: /proc/<pid>/stat around a fixed number of
//    sequential requests, median of several rounds) for every page, the framework floor and the bare floor.
//    5. Sums the gzipped JavaScript each page references. 6. Floods /login with wrong passwords while timing
//    the home page. 7. In-process: full-text search timings, a digest for every member, 200 concurrent RSVPs at a
//    25-seat workshop. 8. Prints a table and writes the results as JSON.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { metaIsCurrent, readMeta, type BenchMeta } from './generate';
import { cpuMeasurable, median, percentileOf, sampleCpu } from './cpu';
import type { FloodResult, LoadResult } from './load';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

const { values: opts } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    regenerate: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    duration: { type: 'string' },
    pages: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'cpu-only': { type: 'boolean', default: false },
    lighthouse: { type: 'boolean', default: false },
    repeats: { type: 'string' },
  },
});
const smoke = opts.smoke!;
const DURATION = Number(opts.duration ?? (smoke ? 1 : 10));
const WARMUP = smoke ? 1 : 2;
const CONNECTIONS = [1, 50] as const;
const cpuOnly = opts['cpu-only']!;
/** Sequential requests per CPU sample (the bare server gets ten times as many: it costs a tenth of a 10 ms tick each). */
const CPU_REQUESTS = smoke ? 20 : 300;
const CPU_REPEATS = Number(opts.repeats ?? (smoke ? 1 : 5));
const TARGETS = { floorRatio: 0.5, p99At1Ms: 15, searchP95Ms: 50, digestSeconds: 10, jsKb: 130, floorCpuMs: 3.5, cpuRatio: 2 };

const dataDir = path.join(ROOT, 'bench/data');
const name = smoke ? 'smoke' : 'bench';
const dbFile = path.join(dataDir, `${name}.db`);
const serverDataDir = path.join(dataDir, `${name}-data`);
const resultsFile = smoke ? path.join(dataDir, 'results-smoke.json') : path.join(ROOT, 'bench/results.json');
const children = new Set<ChildProcess>();

const log = (s = '') => console.log(s);
const round = (x: number, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : NaN);
const exists = (rel: string) => fs.existsSync(path.join(ROOT, rel));

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; quiet?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: options.env ?? process.env, stdio: ['ignore', options.quiet ? 'pipe' : 'inherit', options.quiet ? 'pipe' : 'inherit'] });
    children.add(child);
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      children.delete(child);
      if (code === 0) resolve(output);
      else reject(new Error(`${path.basename(command)} ${args.join(' ').slice(0, 200)} exited with ${code}\n${output.length > 6000 ? `${output.slice(0, 3000)}\n…\n${output.slice(-2000)}` : output}`));
    });
  });
}

/** Runs a child that prints one line "result <json>" and returns the parsed JSON. */
async function runForResult<T>(args: string[], env?: NodeJS.ProcessEnv): Promise<T> {
  const output = await run(process.execPath, ['--import', 'tsx', ...args], { env, quiet: true });
  const line = output.split('\n').find((l) => l.startsWith('result '));
  if (!line) throw new Error(`No result from ${args[0]}:\n${output.slice(-4000)}`);
  return JSON.parse(line.slice('result '.length)) as T;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(timer);
      children.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const child of children) child.kill('SIGTERM');
    process.exit(130);
  });
}

// ---------------------------------------------------------------------------------------------------------------

type PageKey = 'home' | 'workshops' | 'workshop' | 'caseStudy' | 'thread' | 'resources' | 'search' | 'frameworkFloor' | 'bareFloor';
type Page = { key: PageKey; label: string; path: string; url?: string; skipped?: string; htmlBytes?: number; jsKb?: number; jsFiles?: number };
type Measure = LoadResult & { ratioFramework: number; ratioBare: number };
type PageResult = Omit<Page, 'url'> & { at: Partial<Record<(typeof CONNECTIONS)[number], Measure>> };

async function main() {
  const started = Date.now();
  log(`npm run bench${smoke ? ' -- --smoke (small community, short runs; no speed is asserted)' : ''}`);
  log(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  const loadAtStart = os.loadavg()[0]!;
  if (loadAtStart > os.cpus().length / 2) {
    log(`Note: the load average is ${round(loadAtStart)} on ${os.cpus().length} cores: other work is running, so absolute numbers will be low. Compare the ratios.`);
  }

  // 1. The community ------------------------------------------------------------------------------------------------
  let meta = readMeta(dbFile);
  if (opts.regenerate || !metaIsCurrent(meta, smoke)) {
    log(meta ? 'The bench database was made by another generator version or other migrations: making it again.' : 'No bench database yet: generating it.');
    await run(TSX, ['bench/generate.ts', ...(smoke ? ['--smoke'] : []), '--out', dbFile]);
    meta = readMeta(dbFile);
  } else {
    log(`Reusing ${path.relative(ROOT, dbFile)} (generated ${meta!.generatedAt} in ${meta!.seconds} s).`);
  }
  if (!meta) throw new Error('The generator wrote no metadata.');

  // 2. The production build ------------------------------------------------------------------------------------------
  if (!opts['no-build']) {
    const t = performance.now();
    await run('npm', ['run', 'build'], { quiet: true });
    log(`Built in ${round((performance.now() - t) / 1000)} s.`);
  }

  // A fresh start for what earlier runs left behind: throttle counters (the sign-in flood fills them), sessions, mail.
  const setup = new Database(dbFile);
  setup.pragma('journal_mode = WAL');
  setup.exec('delete from rate_limits; delete from sessions; delete from outbox;');
  setup.pragma('wal_checkpoint(TRUNCATE)');
  setup.close();

  // 3. The servers ---------------------------------------------------------------------------------------------------
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  fs.rmSync(serverDataDir, { recursive: true, force: true });
  fs.mkdirSync(serverDataDir, { recursive: true });
  const profileDir = path.join(dataDir, 'profiles');
  if (opts.profile) fs.rmSync(profileDir, { recursive: true, force: true });
  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    APP_URL: origin,
    DATABASE_PATH: dbFile,
    DATA_DIR: serverDataDir,
    MAIL_DIR: path.join(serverDataDir, 'mail'),
    UPLOAD_DIR: path.join(serverDataDir, 'uploads'),
    PORTAL_BENCH: '1',
    SESSION_SECRET: process.env.SESSION_SECRET ?? 'bench-server-secret-bench-server-secret-0123',
  };
  delete serverEnv.SMTP_URL;
  delete serverEnv.DIGEST_AUTOMATIC;
  const serverLog = fs.openSync(path.join(dataDir, `${name}-server.log`), 'w');
  const server = spawn(process.execPath, [...(opts.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), '--import', 'tsx', 'server.ts'], {
    cwd: ROOT,
    env: serverEnv,
    stdio: ['ignore', serverLog, serverLog],
  });
  children.add(server);
  server.on('exit', () => children.delete(server));
  await waitFor(async () => (await fetch(`${origin}/healthz`)).status === 200, 'the portal to answer /healthz');
  log(`Portal (production build) on ${origin}, database ${path.relative(ROOT, dbFile)}.`);

  // Sign in as a generated member, as a browser would.
  const signIn = await fetch(`${origin}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: meta.member.email, password: meta.member.password, redirectTo: '/' }),
  });
  const sessionCookie = (signIn.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]!).find((c) => c.startsWith('__session='));
  if (signIn.status !== 302 || !sessionCookie) throw new Error(`Signing in as ${meta.member.email} failed: ${signIn.status}`);
  log(`Signed in as ${meta.member.email}.`);
  const headers = { Cookie: sessionCookie, 'Accept-Encoding': 'gzip', Accept: 'text/html' };

  const hasSearchRoute = exists('app/routes/search.tsx') || exists('app/routes/search._index.tsx');
  const hasThreadRoute = exists('app/routes/discussions.$id.tsx');
  const searchQuery = meta.words.common;
  const pages: Page[] = [
    { key: 'home', label: 'Home', path: '/' },
    { key: 'workshops', label: 'Workshops list', path: '/workshops' },
    { key: 'workshop', label: 'A workshop', path: `/workshops/${meta.pages.workshopSlug}` },
    { key: 'caseStudy', label: 'A case study', path: `/case-studies/${meta.pages.caseStudySlug}` },
    {
      key: 'thread',
      label: `Thread page (${meta.pages.bigThreadPosts}-post thread, page 2)`,
      path: `/discussions/${meta.pages.bigThreadId}?page=2`,
      skipped: hasThreadRoute ? undefined : 'no discussions route yet',
    },
    { key: 'resources', label: 'Resource list', path: '/resources' },
    hasSearchRoute
      ? { key: 'search', label: `Search (/search?q=${searchQuery})`, path: `/search?q=${encodeURIComponent(searchQuery)}` }
      : { key: 'search', label: `Search (/resources?q=${searchQuery}; no /search yet)`, path: `/resources?q=${encodeURIComponent(searchQuery)}` },
    { key: 'frameworkFloor', label: 'Framework floor (/bench/floor)', path: '/bench/floor' },
    { key: 'bareFloor', label: 'Bare node:http floor', path: '/' },
  ];
  const only = opts.pages ? new Set(opts.pages.split(',')) : null;

  // The framework floor's page, served byte for byte by the bare server: the same size on the wire.
  const floorResponse = await fetch(`${origin}/bench/floor`, { headers: { Cookie: sessionCookie } });
  if (floorResponse.status !== 200) throw new Error(`/bench/floor answered ${floorResponse.status}: is PORTAL_BENCH honoured by the build?`);
  const floorHtml = await floorResponse.text();
  const floorFile = path.join(dataDir, 'floor.html');
  fs.writeFileSync(floorFile, floorHtml);
  const reference = spawn(process.execPath, ['--import', 'tsx', 'bench/reference-server.ts', floorFile, '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(reference);
  const referencePort = await new Promise<number>((resolve, reject) => {
    const lines = readline.createInterface({ input: reference.stdout! });
    lines.on('line', (line) => {
      const m = /^listening (\d+)/.exec(line);
      if (m) resolve(Number(m[1]));
    });
    reference.once('exit', () => reject(new Error('The reference server stopped before listening.')));
  });

  for (const page of pages) {
    page.url = page.key === 'bareFloor' ? `http://127.0.0.1:${referencePort}/` : `${origin}${page.path}`;
    if (page.skipped) continue;
    const response = await fetch(page.url, { headers: { Cookie: sessionCookie }, redirect: 'manual' });
    const html = await response.text();
    if (response.status !== 200) {
      page.skipped = `answered ${response.status}${response.headers.get('location') ? ` → ${response.headers.get('location')}` : ''}`;
      continue;
    }
    page.htmlBytes = Buffer.byteLength(html);
    if (page.key !== 'bareFloor') Object.assign(page, await javascriptOf(html, origin));
  }

  // 4. CPU per request ------------------------------------------------------------------------------------------------
  let cpu: CpuResult[] = [];
  if (cpuMeasurable()) {
    log(`\nServer CPU time per request: ${CPU_REPEATS} × ${CPU_REQUESTS} sequential requests per page (bare floor: ${CPU_REQUESTS * 10}), pages interleaved, median taken...`);
    cpu = await measureCpu(
      pages.filter((p) => !p.skipped && (!only || only.has(p.key) || p.key === 'frameworkFloor' || p.key === 'bareFloor')),
      (page) => (page.key === 'bareFloor' ? reference.pid! : server.pid!),
      headers,
    );
    log('\n' + cpuTable(cpu));
  } else {
    log('\nServer CPU time per request: not measured (needs Linux /proc).');
  }
  let lighthouse: LighthouseResult[] = [];
  if (opts.lighthouse) {
    log('\nLighthouse (mobile, simulated throttling), signed in...');
    lighthouse = await runLighthouse(
      pages.filter((p) => ['home', 'workshop', 'thread', 'search', 'resources'].includes(p.key) && !p.skipped),
      sessionCookie,
    );
  }
  if (cpuOnly) {
    await stopChild(reference);
    await stopChild(server);
    fs.closeSync(serverLog);
    if (opts.profile) printProfile(summariseProfiles(profileDir));
    const file = path.join(dataDir, 'results-cpu.json');
    fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), smoke, loadAverage: [round(loadAtStart, 2), round(os.loadavg()[0]!, 2)], cpu, lighthouse }, null, 2) + '\n');
    log(`\nWrote ${path.relative(ROOT, file)} (--cpu-only: no load, flood or in-process measurements).`);
    return;
  }

  // 5. Load ----------------------------------------------------------------------------------------------------------
  log(`\nLoading each page for ${DURATION} s (after ${WARMUP} s of warm-up) at ${CONNECTIONS.join(' and ')} connections, from a second process...`);
  const measured = new Map<PageKey, Partial<Record<number, LoadResult>>>();
  const frameworkRuns: Record<number, LoadResult[]> = { 1: [], 50: [] };
  const loadOnce = (page: Page, connections: number) =>
    runForResult<LoadResult>([
      'bench/load.ts',
      JSON.stringify({ kind: 'load', url: page.url, connections, duration: DURATION, warmup: WARMUP, headers, drainUrl: page.key === 'bareFloor' ? page.url : `${origin}/healthz` }),
    ]);
  for (const connections of CONNECTIONS) {
    // The framework floor is measured first and last, and its mean is the yardstick: the machine drifts.
    const order = [pages.find((p) => p.key === 'bareFloor')!, pages.find((p) => p.key === 'frameworkFloor')!, ...pages.filter((p) => p.key !== 'bareFloor' && p.key !== 'frameworkFloor'), pages.find((p) => p.key === 'frameworkFloor')!];
    for (const page of order) {
      if (page.skipped || (only && !only.has(page.key) && page.key !== 'frameworkFloor' && page.key !== 'bareFloor')) continue;
      const result = await loadOnce(page, connections);
      if (page.key === 'frameworkFloor') frameworkRuns[connections]!.push(result);
      const entry = measured.get(page.key) ?? {};
      entry[connections] = result;
      measured.set(page.key, entry);
      log(`  ${page.label.padEnd(52)} ${String(connections).padStart(2)} conn  ${String(result.rps).padStart(7)} req/s  p50 ${result.p50} ms  p95 ${result.p95} ms  p99 ${result.p99} ms${result.non2xx || result.errors ? `  (${result.non2xx} non-2xx, ${result.errors} errors)` : ''}`);
    }
  }
  const meanOf = (runs: LoadResult[]): LoadResult => {
    const avg = (f: (r: LoadResult) => number) => round(runs.reduce((a, r) => a + f(r), 0) / runs.length, 2);
    return { ...runs[0]!, requests: avg((r) => r.requests), rps: avg((r) => r.rps), p50: avg((r) => r.p50), p95: avg((r) => r.p95), p99: avg((r) => r.p99), max: Math.max(...runs.map((r) => r.max)) };
  };
  for (const c of CONNECTIONS) if (frameworkRuns[c]!.length) measured.get('frameworkFloor')![c] = meanOf(frameworkRuns[c]!);

  // 6. Sign-in flood while the home page is timed -------------------------------------------------------------------
  log('\nWrong-password flood against /login while the home page is timed at 1 connection...');
  const floodCount = smoke ? 100 : 500;
  const floodSeconds = Math.max(DURATION, 3);
  const [homeDuringFlood, flood] = await Promise.all([
    runForResult<LoadResult>(['bench/load.ts', JSON.stringify({ kind: 'load', url: `${origin}/`, connections: 1, duration: floodSeconds, headers, drainUrl: `${origin}/healthz` })]),
    runForResult<FloodResult>(['bench/load.ts', JSON.stringify({ kind: 'flood', url: `${origin}/login`, origin, accounts: meta.floodAccounts, count: floodCount, concurrency: 10, ratePerSecond: floodCount / (floodSeconds - 0.5) })]),
  ]);
  const hashes = flood.statusCodes['400'] ?? 0;
  log(`  ${flood.sent} wrong passwords in ${flood.seconds} s: ${JSON.stringify(flood.statusCodes)}; argon2 ran ${hashes} times, the throttle refused ${flood.statusCodes['429'] ?? 0} before hashing.`);
  log(`  Home page during the flood: p50 ${homeDuringFlood.p50} ms, p95 ${homeDuringFlood.p95} ms, p99 ${homeDuringFlood.p99} ms (${homeDuringFlood.rps} req/s).`);

  await stopChild(reference);
  await stopChild(server);
  fs.closeSync(serverLog);
  let profile: ProfileSummary[] | null = null;
  if (opts.profile) profile = summariseProfiles(profileDir);

  // 7. In-process measurements -------------------------------------------------------------------------------------
  const modelEnv = (database: string): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', DATABASE_PATH: database, DATA_DIR: serverDataDir, MAIL_DIR: path.join(serverDataDir, 'mail'), APP_URL: origin };
    delete env.SMTP_URL;
    return env;
  };
  log('\nFull-text search, in-process through the search model...');
  const searchQueries = { common: meta.words.common, rare: meta.words.rare, prefix: meta.words.prefix, phrase: meta.words.phrase, macron: meta.words.macron };
  const search = await runForResult<{ model: string; iterations: number; queries: Record<string, { query: string; p50: number; p95: number; max: number; results: number }> }>(
    ['bench/in-process.ts', 'search', JSON.stringify({ queries: searchQueries, iterations: smoke ? 20 : 200, memberEmail: meta.member.email })],
    modelEnv(dbFile),
  );
  for (const [label, q] of Object.entries(search.queries)) log(`  ${label.padEnd(7)} ${q.query.padEnd(26)} p50 ${q.p50} ms  p95 ${q.p95} ms  (${q.results} results on the first page)`);

  // A scratch copy for the measurements that write (one outbox row per member, RSVPs).
  const scratch = path.join(dataDir, `${name}-scratch.db`);
  for (const f of [scratch, `${scratch}-wal`, `${scratch}-shm`]) fs.rmSync(f, { force: true });
  const checkpoint = new Database(dbFile);
  checkpoint.pragma('wal_checkpoint(TRUNCATE)');
  checkpoint.close();
  fs.copyFileSync(dbFile, scratch);

  log('\nComposing and queuing a digest for every member...');
  const digest = await runForResult<Record<string, unknown>>(['bench/in-process.ts', 'digest'], modelEnv(scratch));
  if (digest.skipped) log(`  skipped: ${digest.skipped}`);
  else log(`  ${digest.queued} messages (${digest.items} items) in ${digest.totalSeconds} s (gather ${digest.gatherSeconds} s, compose and queue ${digest.composeAndQueueSeconds} s); peak RSS ${digest.peakRssMb} MB.`);

  log('\nConcurrent RSVPs at a 25-seat workshop...');
  const rsvps = await concurrentRsvps(scratch, modelEnv(scratch), smoke ? 60 : 200);
  log(`  ${rsvps.people} people from ${rsvps.processes} processes in ${rsvps.seconds} s: ${rsvps.confirmed} confirmed, ${rsvps.waitlisted} waitlisted, ${rsvps.failures} failures → ${rsvps.correct ? 'correct' : 'WRONG'}.`);
  for (const f of [scratch, `${scratch}-wal`, `${scratch}-shm`]) fs.rmSync(f, { force: true });

  // 8. Results -------------------------------------------------------------------------------------------------------
  const framework = measured.get('frameworkFloor') ?? {};
  const bare = measured.get('bareFloor') ?? {};
  const pageResults: PageResult[] = pages.map(({ url: _url, ...page }) => {
    const at: PageResult['at'] = {};
    for (const c of CONNECTIONS) {
      const r = measured.get(page.key)?.[c];
      if (r) at[c] = { ...r, ratioFramework: round(r.rps / (framework[c]?.rps ?? NaN), 2), ratioBare: round(r.rps / (bare[c]?.rps ?? NaN), 3) };
    }
    return { ...page, at };
  });
  const realPages = pageResults.filter((p) => p.key !== 'frameworkFloor' && p.key !== 'bareFloor' && !p.skipped && p.at[50]);
  const targets = {
    floorRatio: realPages.map((p) => ({ page: p.key, ratio: p.at[50]!.ratioFramework, measured: p.at[50]!.requests > 0, met: p.at[50]!.ratioFramework >= TARGETS.floorRatio })),
    p99At1: realPages.map((p) => ({ page: p.key, p99: p.at[1]?.p99 ?? NaN, met: (p.at[1]?.p99 ?? Infinity) < TARGETS.p99At1Ms })),
    searchP95: Object.entries(search.queries).map(([label, q]) => ({ query: label, p95: q.p95, met: q.p95 < TARGETS.searchP95Ms })),
    digest: digest.skipped ? null : { seconds: digest.totalSeconds as number, met: (digest.totalSeconds as number) < TARGETS.digestSeconds },
    javascript: pageResults.filter((p) => p.jsKb !== undefined && p.key !== 'bareFloor').map((p) => ({ page: p.key, kb: p.jsKb!, met: p.jsKb! < TARGETS.jsKb })),
    floorCpu: cpu.filter((r) => r.key === 'frameworkFloor').map((r) => ({ cpuMs: r.cpuMs, met: r.cpuMs <= TARGETS.floorCpuMs }))[0] ?? null,
    cpuRatio: cpu.filter((r) => r.key !== 'frameworkFloor' && r.key !== 'bareFloor').map((r) => ({ page: r.key, ratio: r.ratioFramework, met: r.ratioFramework <= TARGETS.cpuRatio })),
    p99Sequential: cpu.filter((r) => r.key !== 'bareFloor').map((r) => ({ page: r.key, p99: r.p99, met: r.p99 < TARGETS.p99At1Ms })),
  };

  const results = {
    date: new Date().toISOString(),
    smoke,
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      ramGb: round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.type()} ${os.release()}`,
      loadAverageAtStart: round(loadAtStart, 2),
      loadAverageAtEnd: round(os.loadavg()[0]!, 2),
    },
    settings: { durationSeconds: DURATION, warmupSeconds: WARMUP, connections: CONNECTIONS, loadGenerator: 'autocannon (bench/load.ts, a separate process on loopback)', acceptEncoding: 'gzip' },
    community: { generatedAt: meta.generatedAt, generatorVersion: meta.generatorVersion, generationSeconds: meta.seconds, counts: meta.counts },
    pages: pageResults,
    cpu,
    lighthouse,
    search,
    digest,
    rsvps,
    signInFlood: { ...flood, argon2Hashes: hashes, refusedBeforeHashing: flood.statusCodes['429'] ?? 0, homeDuringFlood, homeBaselineAt1: measured.get('home')?.[1] ?? null },
    targets: { ...TARGETS, results: targets },
    profile,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');

  log('\n' + table(pageResults));
  if (cpu.length) log('\n' + cpuTable(cpu));
  log('');
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  log(`Targets (issue 9; this machine, load generator on the same box):`);
  log(`  every page ≥ ${TARGETS.floorRatio} × framework floor at 50 connections: ${targets.floorRatio.map((t) => (t.measured ? `${t.page} ${t.ratio} ${verdict(t.met)}` : `${t.page} not measured (no request finished in ${DURATION} s)`)).join(', ')}`);
  if (targets.floorCpu) log(`  framework floor ≤ ${TARGETS.floorCpuMs} ms CPU per request (issue 21): ${targets.floorCpu.cpuMs} ms ${verdict(targets.floorCpu.met)}`);
  if (cpu.length) log(`  every page ≤ ${TARGETS.cpuRatio} × the floor's CPU per request: ${targets.cpuRatio.map((t) => `${t.page} ${t.ratio} ${verdict(t.met)}`).join(', ')}`);
  if (cpu.length) log(`  p99 < ${TARGETS.p99At1Ms} ms, sequential requests: ${targets.p99Sequential.map((t) => `${t.page} ${t.p99} ms ${verdict(t.met)}`).join(', ')}`);
  log(`  p99 < ${TARGETS.p99At1Ms} ms at 1 connection (autocannon): ${targets.p99At1.map((t) => `${t.page} ${t.p99} ms ${verdict(t.met)}`).join(', ')}`);
  log(`  search p95 < ${TARGETS.searchP95Ms} ms: ${targets.searchP95.map((t) => `${t.query} ${t.p95} ms ${verdict(t.met)}`).join(', ')}`);
  log(`  digest for every member < ${TARGETS.digestSeconds} s: ${targets.digest ? `${targets.digest.seconds} s ${verdict(targets.digest.met)}` : 'skipped'}`);
  log(`  JavaScript < ${TARGETS.jsKb} KB gzipped per page: ${targets.javascript.map((t) => `${t.page} ${t.kb} KB ${verdict(t.met)}`).join(', ')}`);
  if (profile) printProfile(profile);
  log(`\nWrote ${path.relative(ROOT, resultsFile)} (${results.seconds} s in all).`);
}

// ---------------------------------------------------------------------------------------------------------------

type CpuResult = { key: PageKey; label: string; requests: number; samples: number[]; cpuMs: number; ratioFramework: number; ratioBare: number; p50: number; p99: number; htmlKb: number };

/**
 * The server's CPU time per request for every page: CPU_REPEATS rounds, each loading every page CPU_REQUESTS times in
 * a row on one keep-alive connection (pages interleaved within a round, so a busy spell on the machine is shared out);
 * the median round counts. Latencies (p50/p99 at one connection) are taken over every round.
 */
async function measureCpu(pages: Page[], pidOf: (page: Page) => number, headers: Record<string, string>): Promise<CpuResult[]> {
  const count = (page: Page) => (page.key === 'bareFloor' ? CPU_REQUESTS * 10 : CPU_REQUESTS);
  for (const page of pages) await sampleCpu(pidOf(page), page.url!, headers, Math.ceil(count(page) / 10)); // warm-up
  const samples = new Map<PageKey, { cpu: number[]; latencies: number[] }>(pages.map((p) => [p.key, { cpu: [], latencies: [] }]));
  for (let round = 0; round < CPU_REPEATS; round++) {
    for (const page of pages) {
      const sample = await sampleCpu(pidOf(page), page.url!, headers, count(page));
      samples.get(page.key)!.cpu.push(sample.cpuMsPerRequest);
      samples.get(page.key)!.latencies.push(...sample.latencies);
    }
  }
  const cpuOf = (key: PageKey) => median(samples.get(key)?.cpu ?? [NaN]);
  const framework = cpuOf('frameworkFloor');
  const bare = cpuOf('bareFloor');
  return pages.map((page) => {
    const s = samples.get(page.key)!;
    const cpuMs = cpuOf(page.key);
    return {
      key: page.key,
      label: page.label,
      requests: count(page),
      samples: s.cpu.map((x) => round(x, 3)),
      cpuMs: round(cpuMs, 2),
      ratioFramework: round(cpuMs / framework, 2),
      ratioBare: round(cpuMs / bare, 1),
      p50: round(percentileOf(s.latencies, 50), 2),
      p99: round(percentileOf(s.latencies, 99), 2),
      htmlKb: round((page.htmlBytes ?? 0) / 1024),
    };
  });
}

function cpuTable(rows: CpuResult[]): string {
  const head = ['Page', 'CPU ms/req', 'spread', '× floor', '× bare', 'p50 ms', 'p99 ms', 'HTML KB'];
  const cells = rows.map((r) => [r.label, String(r.cpuMs), `${round(Math.min(...r.samples), 2)}–${round(Math.max(...r.samples), 2)}`, String(r.ratioFramework), String(r.ratioBare), String(r.p50), String(r.p99), String(r.htmlKb)]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ')} |`;
  return [
    'Server CPU time per request (median of the rounds; spread = lowest–highest round); p50/p99 sequential, one connection.',
    line(head),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...cells.map(line),
  ].join('\n');
}

type LighthouseResult = { key: PageKey; label: string; performance: number; seo: number; accessibility: number; tbtMs: number; lcpMs: number; failedSeo: string[] };

/**
 * Lighthouse 12 (its CLI, if installed) against each page as a signed-in member, mobile preset: the scores and the
 * numbers behind the performance one. Not part of CI: it needs Chromium and takes a minute.
 */
async function runLighthouse(pages: Page[], sessionCookie: string): Promise<LighthouseResult[]> {
  const cli = path.join(ROOT, 'node_modules/.bin/lighthouse');
  if (!fs.existsSync(cli)) {
    log('  not installed: `npm install --no-save lighthouse@12`, then run again.');
    return [];
  }
  const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  const results: LighthouseResult[] = [];
  for (const page of pages) {
    const out = path.join(dataDir, `lighthouse-${page.key}.json`);
    await run(cli, [page.url!, '--quiet', '--output=json', `--output-path=${out}`, '--only-categories=performance,seo,accessibility',
      `--extra-headers=${JSON.stringify({ Cookie: sessionCookie })}`, '--chrome-flags=--headless=new --no-sandbox'], { env: { ...process.env, CHROME_PATH: chrome }, quiet: true });
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      categories: Record<string, { score: number; auditRefs: { id: string; weight: number }[] }>;
      audits: Record<string, { score: number | null; numericValue?: number }>;
    };
    const score = (c: string) => Math.round((report.categories[c]?.score ?? 0) * 100);
    const result: LighthouseResult = {
      key: page.key,
      label: page.label,
      performance: score('performance'),
      seo: score('seo'),
      accessibility: score('accessibility'),
      tbtMs: Math.round(report.audits['total-blocking-time']?.numericValue ?? NaN),
      lcpMs: Math.round(report.audits['largest-contentful-paint']?.numericValue ?? NaN),
      failedSeo: (report.categories.seo?.auditRefs ?? []).filter((a) => a.weight > 0 && report.audits[a.id]?.score === 0).map((a) => a.id),
    };
    results.push(result);
    log(`  ${page.label.padEnd(52)} performance ${result.performance}, SEO ${result.seo}, accessibility ${result.accessibility}; TBT ${result.tbtMs} ms, LCP ${result.lcpMs} ms${result.failedSeo.length ? `; SEO failed: ${result.failedSeo.join(', ')}` : ''}`);
  }
  return results;
}

function printProfile(profile: ProfileSummary[]) {
  log('\nHottest functions in the server (self time, all profiles):');
  for (const p of profile.slice(0, 25)) log(`  ${String(p.selfMs).padStart(8)} ms  ${p.fn}  ${p.where}`);
}

/** The JavaScript a page makes the browser fetch: the modules it preloads and imports, gzipped. */
async function javascriptOf(html: string, origin: string): Promise<{ jsKb: number; jsFiles: number }> {
  const urls = new Set<string>();
  for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)) urls.add(m[1]!);
  for (const m of html.matchAll(/<link[^>]+href="([^"]+)"[^>]+rel="modulepreload"/g)) urls.add(m[1]!);
  for (const m of html.matchAll(/(?:import\s*\(?\s*|from\s*)["'](\/[^"']+\.js)["']/g)) urls.add(m[1]!);
  let bytes = 0;
  for (const url of urls) {
    const response = await fetch(new URL(url, origin));
    bytes += zlib.gzipSync(Buffer.from(await response.arrayBuffer())).length;
  }
  return { jsKb: round(bytes / 1024), jsFiles: urls.size };
}

async function concurrentRsvps(database: string, env: NodeJS.ProcessEnv, people: number) {
  const sqlite = new Database(database);
  const now = Date.now();
  const workshopId = Number(
    sqlite
      .prepare(
        `insert into workshops (slug, title, summary, starts_at, ends_at, mode, venue, capacity, audience, status, reminders_queued_for, created_at, updated_at)
         values ('bench-rsvp-race', 'RSVP race', '', ?, ?, 'in_person', 'Wellington', 25, 'all', 'scheduled', ?, ?, ?)`,
      )
      .run(now + 30 * 86_400_000, now + 30 * 86_400_000 + 3 * 3_600_000, now + 30 * 86_400_000, now, now).lastInsertRowid,
  );
  const userIds = (sqlite.prepare('select id from users where deactivated_at is null order by id desc limit ?').all(people) as { id: number }[]).map((r) => r.id);
  sqlite.close();
  const processes = 4;
  const groups = Array.from({ length: processes }, (_, i) => userIds.filter((_, j) => j % processes === i));
  const spawned = groups.map((ids) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/rsvp-child.ts', JSON.stringify({ workshopId, userIds: ids })], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'inherit'] });
    children.add(child);
    const lines = readline.createInterface({ input: child.stdout! });
    const ready = new Promise<void>((resolve) => lines.on('line', (l) => l === 'ready' && resolve()));
    const result = new Promise<{ startedAt: number; finishedAt: number; outcomes: { ok: boolean; status?: string }[] }>((resolve, reject) => {
      lines.on('line', (l) => l.startsWith('result ') && resolve(JSON.parse(l.slice(7))));
      child.once('exit', (code) => {
        children.delete(child);
        if (code !== 0) reject(new Error(`rsvp child exited with ${code}`));
      });
    });
    return { child, ready, result };
  });
  await Promise.all(spawned.map((s) => s.ready));
  for (const s of spawned) s.child.stdin!.write('go\n');
  const results = await Promise.all(spawned.map((s) => s.result));
  for (const s of spawned) s.child.stdin!.end();
  const check = new Database(database, { readonly: true });
  const counts = check.prepare(`select seat_status as s, count(*) as n from rsvps where workshop_id = ? group by seat_status`).all(workshopId) as { s: string; n: number }[];
  check.close();
  const confirmed = counts.find((c) => c.s === 'confirmed')?.n ?? 0;
  const waitlisted = counts.find((c) => c.s === 'waitlisted')?.n ?? 0;
  const failures = results.flatMap((r) => r.outcomes).filter((o) => !o.ok).length;
  const seconds = round((Math.max(...results.map((r) => r.finishedAt)) - Math.min(...results.map((r) => r.startedAt))) / 1000, 3);
  return { people: userIds.length, processes, capacity: 25, seconds, confirmed, waitlisted, failures, correct: confirmed === Math.min(25, userIds.length) && confirmed + waitlisted === userIds.length && failures === 0 };
}

type ProfileSummary = { fn: string; where: string; selfMs: number };

/** Self time per function over every .cpuprofile the server wrote (node --cpu-prof), hottest first. */
function summariseProfiles(dir: string): ProfileSummary[] {
  const totals = new Map<string, ProfileSummary>();
  for (const file of fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : []) {
    const p = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
      nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
      samples: number[];
      timeDeltas: number[];
    };
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    p.samples.forEach((id, i) => {
      const frame = byId.get(id)!.callFrame;
      const where = `${frame.url.replace(`file://${ROOT}/`, '')}:${frame.lineNumber + 1}`;
      const key = `${frame.functionName}@${where}`;
      const entry = totals.get(key) ?? { fn: frame.functionName || '(anonymous)', where, selfMs: 0 };
      entry.selfMs += (p.timeDeltas[i] ?? 0) / 1000;
      totals.set(key, entry);
    });
  }
  return [...totals.values()].map((e) => ({ ...e, selfMs: Math.round(e.selfMs) })).sort((a, b) => b.selfMs - a.selfMs).slice(0, 60);
}

function table(pages: PageResult[]): string {
  const head = ['Page', 'req/s @1', 'p50', 'p95', 'p99', 'req/s @50', 'p50', 'p95', 'p99', '× fw @50', '× bare @50', 'JS KB gz'];
  const rows = pages.map((p) => {
    if (p.skipped) return [p.label, `skipped: ${p.skipped}`, '', '', '', '', '', '', '', '', '', ''];
    // A run too short for any request to finish (the smoke run at 50 connections, on the slower pages) measured nothing.
    const a = p.at[1]?.requests ? p.at[1] : undefined;
    const b = p.at[50]?.requests ? p.at[50] : undefined;
    const f = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : String(x));
    return [p.label, f(a?.rps), f(a?.p50), f(a?.p95), f(a?.p99), f(b?.rps), f(b?.p50), f(b?.p95), f(b?.p99), f(b?.ratioFramework), f(b?.ratioBare), f(p.jsKb)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i]!.startsWith('skipped') ? 0 : r[i]!.length))));
  const line = (cells: string[]) =>
    cells[1]?.startsWith('skipped') ? `| ${cells[0]!.padEnd(widths[0]!)} | ${cells[1]} |` : `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [
    'Latencies in ms; @1 and @50 are concurrent connections; × fw and × bare are throughput ratios to the framework and bare floors.',
    line(head),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

main().catch(async (error) => {
  console.error(error);
  for (const child of children) child.kill('SIGTERM');
  process.exit(1);
});
