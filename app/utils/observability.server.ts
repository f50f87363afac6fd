// What server.ts adds to every request so operators can see it: an id (X-Request-Id), one JSON log line when the
// response finishes (pino-http: method, route id, status, duration, member id), the request duration histogram, and
// the request scope that lets loaders, actions and models log with the id (app/utils/logger.server.ts). Also the
// /metrics handler, behind a bearer token compared in constant time.
import crypto from 'node:crypto';
import type { ServerBuild } from '@remix-run/node';
import { matchRoutes } from '@remix-run/react';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { pinoHttp } from 'pino-http';
import { logger, runInRequestScope, type RequestScope } from './logger.server';
import { httpRequestDuration, httpRequests, registry } from './metrics.server';

/** An incoming X-Request-Id we pass on (from a trusted proxy): letters, digits and . _ : -, 8 to 128 of them. */
const WELL_FORMED_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

type RouteTree = Parameters<typeof matchRoutes>[0][number];

/**
 * The Remix route id a path belongs to ("routes/workshops.$slug"), for log lines and metric labels: bounded, and
 * free of whatever the URL carries (tokens in reset, invitation, feed and unsubscribe links never reach a log).
 */
export function routeIdFinder(routes: ServerBuild['routes']): (pathname: string) => string {
  const children = (parentId: string | undefined): RouteTree[] =>
    Object.values(routes)
      .filter((route) => route?.parentId === parentId)
      .map((route): RouteTree =>
        route!.index
          ? { id: route!.id, path: route!.path, index: true }
          : { id: route!.id, path: route!.path, caseSensitive: route!.caseSensitive, children: children(route!.id) },
      );
  const tree = children(undefined);
  return (pathname) => {
    if (pathname.startsWith('/assets/')) return 'static';
    // Single-fetch data requests: /workshops/x.data, and /_root.data for "/".
    const page = pathname === '/_root.data' ? '/' : pathname.replace(/\.data$/, '');
    const matches = matchRoutes(tree, page);
    return matches?.at(-1)?.route.id ?? 'no-route';
  };
}

export function observeRequests({ routeIdFor, trustRequestIdHeader }: { routeIdFor: (pathname: string) => string; trustRequestIdHeader: boolean }): RequestHandler {
  const httpLogger = pinoHttp({
    logger,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    genReqId(req, res) {
      const incoming = trustRequestIdHeader ? req.headers['x-request-id'] : undefined;
      const id = typeof incoming === 'string' && WELL_FORMED_ID.test(incoming) ? incoming : crypto.randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Not the URL, headers, cookies or body: the route id says which page, and nothing personal is written.
    customSuccessObject: (req, res, value: { durationMs: number }) => requestLine(req as Request, res as Response, value.durationMs),
    customErrorObject: (req, res, _error, value: { durationMs: number }) => requestLine(req as Request, res as Response, value.durationMs),
    customSuccessMessage: (req, res) => `${req.method} ${scopeOf(res as Response)?.routeId} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${scopeOf(res as Response)?.routeId} ${res.statusCode}`,
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
  });

  return (req: Request, res: Response, next: NextFunction) => {
    httpLogger(req, res, () => {
      const scope: RequestScope = { requestId: String(req.id), log: req.log, routeId: routeIdFor(req.path) };
      res.locals.requestScope = scope;
      const end = httpRequestDuration.startTimer();
      let observed = false;
      const observe = () => {
        if (observed) return;
        observed = true;
        const labels = { route: scope.routeId, method: req.method, status: String(res.statusCode) };
        end(labels);
        httpRequests.inc(labels);
      };
      res.once('finish', observe);
      res.once('close', observe); // a client that hung up early
      runInRequestScope(scope, next);
    });
  };
}

function scopeOf(res: Response): RequestScope | undefined {
  return res.locals.requestScope as RequestScope | undefined;
}

function requestLine(req: Request, res: Response, durationMs: number) {
  const scope = scopeOf(res);
  return { method: req.method, route: scope?.routeId, status: res.statusCode, durationMs, memberId: scope?.memberId };
}

/** GET /metrics: 404 unless METRICS_TOKEN is set; then 401 without `Authorization: Bearer <token>`. */
export function metricsHandler(token: string | undefined): RequestHandler {
  const digest = (value: string) => crypto.createHash('sha256').update(value).digest();
  const expected = token ? digest(`Bearer ${token}`) : null;
  return async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!expected) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    // Equal-length digests, compared in constant time: the response time says nothing about the token.
    if (!crypto.timingSafeEqual(digest(req.get('authorization') ?? ''), expected)) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').type('text/plain').send('A bearer token is required.');
      return;
    }
    res.setHeader('Content-Type', registry.contentType);
    res.end(await registry.metrics());
  };
}
