// The production (and dev) server: configuration checked first, security headers, compression, request logs and
// metrics, the Remix handler, the mail worker, and a graceful stop on SIGTERM. `--demo` seeds the demo community into
// an empty database and prints its sign-ins.
import crypto from 'node:crypto';
import path from 'node:path';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import compression from 'compression';
import express, { type NextFunction, type Request, type Response } from 'express';
import expressStaticGzip from 'express-static-gzip';

const args = new Set(process.argv.slice(2));
const isDev = args.has('--dev');
if (!process.env.NODE_ENV) process.env.NODE_ENV = isDev ? 'development' : 'production';

const { ConfigError, env, startupProblems } = await import('./app/utils/env.server');
const config = (() => {
  try {
    const checked = env();
    const problems = startupProblems(checked, { demo: args.has('--demo') });
    if (problems.length > 0) throw new ConfigError(problems);
    return checked;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message); // a message naming each variable, not a stack
    process.exit(1);
  }
})();
const { logger } = await import('./app/utils/logger.server');
const { sqlite, databasePath, isDatabaseReachable, pendingMigrations } = await import('./db/client.server');
const { metricsHandler, observeRequests, routeIdFinder } = await import('./app/utils/observability.server');
const { startBackgroundJobs } = await import('./app/utils/jobs.server');
const { isAllowedOrigin, isTokenAuthenticatedPath } = await import('./app/utils/origin.server');
const { securityHeaders } = await import('./app/utils/security-headers.server');
// Browsers apply form-action to a form's redirect too: the sign-in buttons' answer goes to the provider's origin.
const ssoOrigins = (await import('./app/utils/oidc.server')).configuredProviders().map((p) => p.issuer.origin);
const { prefersLinkedData } = await import('./app/utils/negotiation.server');

if (args.has('--demo')) {
  const { seedIfEmpty, printDemoSignIns } = await import('./db/seed');
  await seedIfEmpty();
  printDemoSignIns();
}

const viteDevServer = isDev
  ? await import('vite').then((vite) => vite.createServer({ server: { middlewareMode: true } }))
  : undefined;

const app = express();
app.disable('x-powered-by');
app.set('trust proxy', process.env.TRUST_PROXY === 'true' ? 1 : false);

// Liveness: the process answers and its database does. Readiness adds: every migration applied, not stopping.
let stopping = false;
app.get('/healthz', (_req, res) => {
  if (isDatabaseReachable()) res.status(200).type('text/plain').send('ok');
  else res.status(503).type('text/plain').send('database unreachable');
});
app.get('/readyz', (_req, res) => {
  const problems = [
    ...(isDatabaseReachable() ? [] : ['database unreachable']),
    ...(isDatabaseReachable() && pendingMigrations(sqlite) > 0 ? ['migrations pending'] : []),
    ...(stopping ? ['shutting down'] : []),
  ];
  res.setHeader('Cache-Control', 'no-store');
  res.status(problems.length ? 503 : 200).type('text/plain').send(problems.length ? problems.join('\n') : 'ready');
});
app.get('/metrics', metricsHandler(process.env.METRICS_TOKEN || undefined));

const routeIdFor = routeIdFinder(
  (viteDevServer ? ((await viteDevServer.ssrLoadModule('virtual:remix/server-build')) as ServerBuild) : await serverBuild()).routes,
);
app.use(observeRequests({ routeIdFor, trustRequestIdHeader: process.env.TRUST_PROXY === 'true' }));
// Responses over 1 KB: Brotli (the library's quality 4) when the browser takes it, else gzip at level 1 (11-14% larger
// than level 6 on the bench's pages, for far less CPU). Off when a reverse proxy compresses (COMPRESSION=off).
if (config.COMPRESSION === 'on') app.use(compression({ level: 1 }));

app.use((req: Request, res: Response, next: NextFunction) => {
  const nonce = crypto.randomBytes(16).toString('base64');
  res.locals.cspNonce = nonce;
  const headers = securityHeaders({ path: req.path, nonce, dev: isDev, https: req.secure || config.APP_URL.startsWith('https:'), formActionOrigins: ssoOrigins });
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  next();
});

// Cross-site request forgery: a browser's non-GET request must come from our own origin.
app.use((req: Request, res: Response, next: NextFunction) => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  if (isTokenAuthenticatedPath(req.path)) {
    // The token decides (a mail provider's one-click POST has no Origin; a browser's cross-site one has). Remix runs
    // its own Origin-against-Host check before every action and answers a mismatch with a bare 500, so the Origin
    // is not passed on here: a valid token unsubscribes, a bad one gets the page's 400, wherever the POST came from.
    delete req.headers.origin;
    return next();
  }
  const verdict = isAllowedOrigin({
    path: req.path,
    origin: req.get('origin') ?? null,
    secFetchSite: req.get('sec-fetch-site') ?? null,
    ownOrigins: [config.APP_URL, `${req.protocol}://${req.get('host')}`],
  });
  if (verdict) return next();
  res.status(403).type('text/plain').send('Cross-site request refused.');
});

// Every form in the portal posts url-encoded or multipart bodies; anything else is refused plainly, not as a 500.
const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;
app.use((req: Request, res: Response, next: NextFunction) => {
  if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH' && req.method !== 'DELETE') return next();
  // Remix's own data requests (single fetch, `*.data`) carry form bodies too, so the same rule applies.
  if (FORM_TYPES.test(req.get('content-type') ?? '')) return next();
  res.status(415).type('text/plain').send('Send this as a form (application/x-www-form-urlencoded or multipart/form-data).');
});

// Content negotiation: a register entry asked for as JSON-LD answers with its Open Badges achievement (the .json twin).
app.get(/^\/micro-credentials\/[1-9][0-9]{0,15}$/, (req: Request, _res: Response, next: NextFunction) => {
  // The Remix adapter builds its Request from originalUrl, so both are rewritten (an internal rewrite, not a redirect).
  if (prefersLinkedData((types) => req.accepts(types))) req.url = req.originalUrl = `${req.path}.json`;
  next();
});

if (viteDevServer) {
  app.use(viteDevServer.middlewares);
} else {
  // Hashed file names: cached for a year, never revalidated; sent as the .br/.gz made at build (scripts/precompress.ts).
  app.use(
    '/assets',
    expressStaticGzip('build/client/assets', { enableBrotli: true, orderPreference: ['br', 'gz'], index: false, serveStatic: { immutable: true, maxAge: '1y' } }),
  );
  app.use(express.static('build/client', { maxAge: '1h', index: false }));
}

const build = viteDevServer
  ? () => viteDevServer.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>
  : await serverBuild();

app.all(
  '*',
  createRequestHandler({
    build,
    mode: isDev ? 'development' : 'production',
    getLoadContext: (req, res) => ({
      cspNonce: res.locals.cspNonce as string,
      clientIp: req.ip ?? 'unknown',
      requestId: String(req.id),
      log: req.log,
    }),
  }),
);

const jobs = startBackgroundJobs();
const server = app.listen(config.PORT, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port, database: databasePath(), node: process.versions.node }, `Portal listening on http://localhost:${port}`);
});

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, `${signal}: finishing requests in flight and stopping`);
  const forced = setTimeout(() => process.exit(1), 15_000);
  forced.unref();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await jobs.stop();
  await viteDevServer?.close();
  sqlite.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

async function serverBuild(): Promise<ServerBuild> {
  return (await import(path.resolve('build/server/index.js'))) as ServerBuild;
}
