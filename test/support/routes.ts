// Calls the portal's route modules (app/routes/*.tsx) directly, as Remix would for one URL, for the reliability
// suite's access matrix and hostile-input walk. A URL is matched to its module by the flat-routes file names
// (the same convention app/routes.ts uses), and the outcome of a loader or action, returned or thrown, is reduced
// to what a browser would see: a status, and where a redirect goes.
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { db } from '../../db/client.server';
import { users } from '../../db/schema';
import { createSession, generateToken } from '~/utils/auth.server';

const ROUTES_DIR = path.resolve('app/routes');
export const BASE_URL = 'http://localhost:3000';
export const CONTEXT = { clientIp: '127.0.0.1', cspNonce: '' };

type RouteFn = (args: { request: Request; params: Record<string, string>; context: typeof CONTEXT }) => Promise<unknown>;
export type RouteModule = { loader?: RouteFn; action?: RouteFn };

type Segment = { literal: string } | { param: string; suffix: string };
export type RouteFile = { file: string; id: string; segments: Segment[]; isIndex: boolean; depth: number };

/** Splits a flat-routes file name on dots, keeping [escaped] characters. */
function nameParts(id: string): string[] {
  const parts: string[] = [];
  let current = '';
  let escaped = false;
  for (const ch of id) {
    if (ch === '[') escaped = true;
    else if (ch === ']') escaped = false;
    else if (ch === '.' && !escaped) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** Every route module, with the URL pattern its file name gives it. */
export function routeFiles(): RouteFile[] {
  return fs
    .readdirSync(ROUTES_DIR)
    .filter((f) => /\.tsx?$/.test(f) && !/\.(server|test)\./.test(f) && !f.startsWith('.'))
    .map((file) => {
      const id = file.replace(/\.tsx?$/, '');
      const parts = nameParts(id);
      const isIndex = parts.at(-1) === '_index';
      const segments: Segment[] = [];
      for (let part of parts) {
        if (part === '_index' || (part.startsWith('_') && !part.startsWith('__'))) continue; // index or pathless layout
        if (part.endsWith('_')) part = part.slice(0, -1); // opts out of nesting, same URL
        // A parameter may carry a literal suffix: `$token[.]ics` is ":token" followed by ".ics".
        const param = /^\$([A-Za-z0-9_]+)(.*)$/.exec(part);
        segments.push(param ? { param: param[1], suffix: param[2] } : { literal: part });
      }
      return { file, id, segments, isIndex, depth: parts.length };
    });
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** The route module a URL path reaches (the most specific match: static segments beat parameters, index beats layout). */
export function matchRoute(pathname: string): { route: RouteFile; params: Record<string, string> } {
  const wanted = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let best: { route: RouteFile; params: Record<string, string>; score: number[] } | null = null;
  for (const route of routeFiles()) {
    if (route.segments.length !== wanted.length) continue;
    const params: Record<string, string> = {};
    const score: number[] = [];
    let ok = true;
    route.segments.forEach((segment, i) => {
      const actual = wanted[i];
      if ('literal' in segment) {
        if (segment.literal !== actual) ok = false;
        score.push(2);
      } else {
        const m = new RegExp(`^(.+?)${escapeRegExp(segment.suffix)}$`).exec(actual);
        if (!m) ok = false;
        else params[segment.param] = m[1];
        score.push(segment.suffix ? 1.5 : 1);
      }
    });
    if (!ok) continue;
    score.push(route.isIndex ? 1 : 0, route.depth);
    if (!best || compareScores(score, best.score) > 0) best = { route, params, score };
  }
  if (!best) throw new Error(`No route module matches ${pathname}`);
  return { route: best.route, params: best.params };
}

const modules = new Map<string, Promise<RouteModule>>();
export function loadRoute(route: RouteFile): Promise<RouteModule> {
  if (!modules.has(route.file)) modules.set(route.file, import(path.join(ROUTES_DIR, route.file)) as Promise<RouteModule>);
  return modules.get(route.file)!;
}

/** What a browser would get: the status, and for a redirect its target. `data` is the loader's or action's value. */
export type Outcome = { status: number; location: string | null; data: unknown; thrown: boolean; error?: unknown };

function isDataWithInit(value: unknown): value is { type: 'DataWithResponseInit'; data: unknown; init: ResponseInit | null } {
  return typeof value === 'object' && value !== null && (value as { type?: string }).type === 'DataWithResponseInit';
}

export function outcomeOf(value: unknown, thrown: boolean): Outcome {
  if (value instanceof Response) {
    return { status: value.status, location: value.headers.get('Location'), data: value, thrown };
  }
  if (isDataWithInit(value)) {
    const status = value.init?.status ?? 200;
    const location = new Headers(value.init?.headers).get('Location');
    return { status, location, data: value.data, thrown };
  }
  // Anything else thrown (an Error, a TypeError from a bad body) is what Remix answers with a 500.
  if (thrown) return { status: 500, location: null, data: null, thrown, error: value };
  return { status: 200, location: null, data: value, thrown };
}

export type Visitor = { label: string; cookie: string; userId: number | null };

/** A signed-in person: a fresh session for the user with this email. */
export function signedIn(label: string, email: string): Visitor {
  const user = db.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
  if (!user) throw new Error(`No user ${email}: seed first`);
  const token = generateToken();
  createSession(token, user.id);
  return { label, cookie: `__session=${token}`, userId: user.id };
}

export const VISITOR: Visitor = { label: 'visitor', cookie: '', userId: null };

export type Body = URLSearchParams | FormData | { raw: string | Uint8Array; contentType: string };

/** Calls the loader (GET) or action (anything else) of the module that `url` reaches, as `who`. */
export async function callRoute(method: string, url: string, who: Visitor, body?: Body): Promise<Outcome & { route: string }> {
  const { route, params } = matchRoute(new URL(url, BASE_URL).pathname);
  const mod = await loadRoute(route);
  const fn = method === 'GET' ? mod.loader : mod.action;
  if (!fn) return { ...outcomeOf(new Response(null, { status: 405 }), false), route: route.id };
  const headers = new Headers();
  if (who.cookie) headers.set('Cookie', who.cookie);
  let requestBody: BodyInit | undefined;
  if (body instanceof URLSearchParams || body instanceof FormData) requestBody = body;
  else if (body) {
    requestBody = body.raw as BodyInit;
    headers.set('Content-Type', body.contentType);
  }
  const request = new Request(new URL(url, BASE_URL), { method, headers, body: method === 'GET' ? undefined : requestBody });
  try {
    return { ...outcomeOf(await fn({ request, params, context: CONTEXT }), false), route: route.id };
  } catch (thrown) {
    return { ...outcomeOf(thrown, true), route: route.id };
  }
}

/** A status reduced to what the matrix compares: 'login' for a redirect to sign in, 'redirect' for any other. */
export function statusClass(outcome: Outcome): number | 'login' | 'redirect' {
  if (outcome.status >= 300 && outcome.status < 400) {
    return outcome.location?.startsWith('/login') ? 'login' : 'redirect';
  }
  return outcome.status;
}
