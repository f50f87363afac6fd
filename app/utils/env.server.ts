// Validated configuration, read once. Every setting is documented in the README's configuration table.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().default('data'),
  APP_URL: z
    .string()
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
      message: 'must be the public address of the portal, starting with https:// (or http://), e.g. https://cop.example.nz',
    })
    .optional(),
  // Checked for shape only; never echoed, since it holds the SMTP password.
  SMTP_URL: z
    .string()
    .refine((value) => URL.canParse(value) && /^smtps?:$/.test(new URL(value).protocol) && new URL(value).hostname !== '', {
      message: 'does not parse: expected smtp://user:password@host:587 or smtps://user:password@host:465 (percent-encode @ : / in the password)',
    })
    .optional(),
  MAIL_FROM: z.string().default('Micro-credentials CoP <noreply@microcredentials.localhost>'),
  MAIL_DIR: z.string().optional(),
  UPLOAD_DIR: z.string().optional(),
  // Largest file the resource library accepts, in megabytes (decimals allowed, so tests can set a tiny limit).
  UPLOAD_MAX_MB: z.coerce.number().positive().max(2048).default(25),
  SESSION_SECRET: z.string().min(32, { message: 'must be at least 32 characters (e.g. `openssl rand -hex 32`)' }).optional(),
  SESSION_IDLE_DAYS: z.coerce.number().positive().default(14),
  SESSION_MAX_DAYS: z.coerce.number().positive().default(30),
  COMPRESSION: z.enum(['on', 'off']).default('on'),
  // Days a new coordinator may use admin pages before setting up a second factor (0: at once).
  MFA_GRACE_DAYS: z.coerce.number().min(0).default(7),
  MAIL_WORKER_INTERVAL_MS: z.coerce.number().int().positive().default(2000),
  // Read by the discussions model (notifyBatchMinutes); listed here so a bad value is reported at start.
  NOTIFY_BATCH_MINUTES: z.coerce.number().positive().default(15),
  // Single sign-on (app/utils/oidc.server.ts): a provider is on when its client id and secret are set.
  MICROSOFT_CLIENT_ID: z.string().optional(),
  MICROSOFT_CLIENT_SECRET: z.string().optional(),
  MICROSOFT_TENANT: z.string().regex(/^[A-Za-z0-9.-]+$/, 'a tenant id, a domain, or organisations/common').default('organizations'),
  // Where Entra ID lives: another cloud (https://login.microsoftonline.us), or a local test provider.
  MICROSOFT_AUTHORITY: z.string().url().default('https://login.microsoftonline.com'),
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_LABEL: z.string().max(60).default('Sign in with single sign-on'),
  // Retention (issue 18): read by app/models/retention.server.ts and shown on /privacy.
  RETENTION_MAIL_DAYS: z.coerce.number().positive().default(90),
  RETENTION_JOIN_REQUEST_DAYS: z.coerce.number().positive().default(90),
  RETENTION_AUDIT_YEARS: z.coerce.number().positive().default(7),
  EXPORT_LINK_HOURS: z.coerce.number().positive().max(24 * 14).default(24),
  // Read by app/utils/logger.server.ts; listed here so a bad value is reported at start.
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  LOG_FORMAT: z.enum(['json']).optional(),
  // /metrics answers 404 without it; with it, only requests carrying `Authorization: Bearer <token>`.
  METRICS_TOKEN: z.string().min(16, { message: 'must be at least 16 characters (e.g. `openssl rand -hex 24`)' }).optional(),
}).superRefine((e, ctx) => {
  // Tokens and keys must come over TLS; plain http only for a provider on this machine (local testing).
  for (const key of ['OIDC_ISSUER', 'MICROSOFT_AUTHORITY'] as const) {
    const value = e[key];
    if (value && !isSecureOrLoopback(new URL(value))) ctx.addIssue({ code: 'custom', path: [key], message: 'must start with https:// (http:// only for 127.0.0.1 or localhost)' });
  }
});

/** https, or http to this machine (127.0.0.1, ::1, localhost): the only issuers single sign-on accepts. */
export function isSecureOrLoopback(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

export type Env = z.infer<typeof schema> & {
  APP_URL: string;
  MAIL_DIR: string;
  UPLOAD_DIR: string;
  SESSION_SECRET: string;
  isProduction: boolean;
};

function secretFromDataDir(dataDir: string): string {
  // Without SESSION_SECRET we keep a random one beside the database, so a restart keeps signed cookies valid.
  const file = path.resolve(dataDir, '.session-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const secret = crypto.randomBytes(32).toString('hex');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

/** Configuration the portal cannot start with; server.ts prints the message (one line per variable) and exits 1. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The portal cannot start with this configuration:\n  ${problems.join('\n  ')}\nSee "Configuration" in README.md.`);
    this.name = 'ConfigError';
  }
}

function loadEnv(): Env {
  // Empty variables (`SMTP_URL=` in a unit file) count as unset.
  const given = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(given);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  return {
    ...e,
    APP_URL: (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    MAIL_DIR: path.resolve(e.MAIL_DIR ?? path.join(e.DATA_DIR, 'mail')),
    UPLOAD_DIR: path.resolve(e.UPLOAD_DIR ?? path.join(e.DATA_DIR, 'uploads')),
    SESSION_SECRET: e.SESSION_SECRET ?? secretFromDataDir(e.DATA_DIR),
    isProduction: e.NODE_ENV === 'production',
  };
}

function writableDirectory(variable: string, dir: string): string | null {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
    return null;
  } catch (error) {
    return `${variable}: ${dir} must be a folder this process can read and write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
}

/**
 * What the server checks at start, beyond the shape of each variable: the folders it writes to, and in production
 * an explicit SESSION_SECRET (a secret generated into DATA_DIR differs per machine, so a second server would reject
 * the first one's signed links). `npm start` (the demo, `--demo`) keeps the generated secret.
 */
export function startupProblems(config: Env, { demo = false } = {}): string[] {
  const problems: string[] = [];
  const uploads = writableDirectory('UPLOAD_DIR', config.UPLOAD_DIR);
  if (uploads) problems.push(uploads);
  if (!config.SMTP_URL) {
    const mail = writableDirectory('MAIL_DIR', config.MAIL_DIR);
    if (mail) problems.push(mail);
  }
  if (config.isProduction && !demo && !process.env.SESSION_SECRET) {
    problems.push('SESSION_SECRET: must be set in production: 32 or more random characters, the same on every server (e.g. `openssl rand -hex 32`)');
  }
  return problems;
}

let cached: Env | undefined;
export function env(): Env {
  return (cached ??= loadEnv());
}

/** Tests change process.env (SMTP_URL ...) and call this so the next env() reads it again. */
export function resetEnvCacheForTests(): void {
  cached = undefined;
}

export function absoluteUrl(pathname: string): string {
  return new URL(pathname, env().APP_URL + '/').toString();
}
