// Structured logs: one JSON object a line on stdout (pino), for journald, Docker or a log shipper to collect.
// Each request runs inside an AsyncLocalStorage scope holding its id and a child logger (server.ts sets it up), so
// loaders, actions and models log with the request id through `requestLog()` without passing anything around, and
// the request's line can carry the signed-in member's id. Personal data never goes in a log: request lines hold the
// route id, not the URL (URLs carry tokens: reset links, invitations, calendar feeds, unsubscribe links), and the
// redaction below censors any property named like a secret or an address that a caller logs by mistake.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Property names whose values never reach a log line, at the top level or one or two objects down. */
const SECRET_KEYS = ['password', 'newPassword', 'currentPassword', 'token', 'secret', 'cookie', 'authorization', 'email', 'to', 'toAddress', 'set-cookie'];
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [`["${key}"]`, `*["${key}"]`, `*.*["${key}"]`]);

function level(): string {
  const wanted = process.env.LOG_LEVEL;
  if (wanted && (LEVELS as readonly string[]).includes(wanted)) return wanted;
  return process.env.NODE_ENV === 'test' ? 'silent' : 'info';
}

/** Human-readable output in development when pino-pretty (a dev dependency) is installed; JSON everywhere else. */
function prettyInDevelopment(): pino.TransportSingleOptions | undefined {
  if (process.env.NODE_ENV !== 'development' || process.env.LOG_FORMAT === 'json') return undefined;
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } };
  } catch {
    return undefined;
  }
}

export function createLogger(destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: level(),
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  const transport = destination ? undefined : prettyInDevelopment();
  if (transport) return pino({ ...options, transport });
  // "level":"info" rather than pino's number, for people reading the JSON and for log shippers' severity fields.
  options.formatters = { level: (label) => ({ level: label }) };
  return destination ? pino(options, destination) : pino(options);
}

const globalForLog = globalThis as unknown as { __portalLogger?: Logger };
/** The process's logger (one, even when Vite's dev server reloads this module). */
export const logger: Logger = (globalForLog.__portalLogger ??= createLogger());

export type RequestScope = {
  requestId: string;
  log: Logger;
  /** Filled in while the request runs; read when its line is written. */
  routeId?: string;
  memberId?: number;
};

// On globalThis: server.ts runs this module through tsx, and the production build bundles its own copy of it.
const globalForScopes = globalThis as unknown as { __portalRequestScopes?: AsyncLocalStorage<RequestScope> };
const scopes = (globalForScopes.__portalRequestScopes ??= new AsyncLocalStorage<RequestScope>());

export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/** The logger for whatever is running now: the request's (with its id) inside a request, the process's otherwise. */
export function requestLog(): Logger {
  return scopes.getStore()?.log ?? logger;
}

/** Called by the session check: the request's log line names the member (by id only). */
export function noteMember(memberId: number): void {
  const scope = scopes.getStore();
  if (scope) scope.memberId = memberId;
}
