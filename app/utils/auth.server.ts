// Sessions as the Lucia guide describes them: a random token in the cookie, only its SHA-256 in the database,
// an idle expiry that slides while the member is active, and an absolute lifetime that never moves.
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { redirect } from '@remix-run/node';
import { and, eq, gt, ne, sql } from 'drizzle-orm';
import { db } from '../../db/client.server';
import { sessions, users, organisations, type Role } from '../../db/schema';
import { env } from './env.server';
import { noteMember } from './logger.server';
import { once } from './prepared.server';
import { readCookie } from './cookies.server';
import { requireAdminSecondFactor } from './second-factor.server';

export const SESSION_COOKIE = '__session';
const DAY = 24 * 60 * 60 * 1000;

export type SessionUser = {
  id: number;
  email: string;
  name: string;
  role: Role;
  organisationId: number;
  organisationName: string;
  organisationSlug: string;
  /** Chosen interface language, or null to follow the browser (app/i18n). */
  language?: string | null;
};
export type Session = {
  id: string;
  userId: number;
  expiresAt: number;
  absoluteExpiresAt: number;
  /** The factors used ("password", "password,totp", "passkey", "sso" ...), and when a second factor last was. */
  authMethods: string;
  secondFactorAt: number | null;
} & SignInMethod;
/** How this session began: by password, or by single sign-on (which provider, and whether it asserted MFA). */
export type SignInMethod = { signInMethod: 'password' | 'sso'; signInProvider: string | null; providerMfa: boolean };
const PASSWORD_SIGN_IN: SignInMethod = { signInMethod: 'password', signInProvider: null, providerMfa: false };
/**
 * The factors of a sign-in (docs/decisions/011-second-factors.md). By default the first step alone, except that an
 * SSO provider asserting MFA counts as a second factor verified now.
 */
export type SessionAuth = { methods: string[]; secondFactorAt: number | null };

export function generateToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/** SHA-256 of a token, hex: what we store for sessions and for every single-use email link. */
export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export function createSession(
  token: string,
  userId: number,
  userAgent = '',
  now = Date.now(),
  method: SignInMethod = PASSWORD_SIGN_IN,
  auth: SessionAuth = { methods: [method.signInMethod], secondFactorAt: method.providerMfa ? now : null },
): Session {
  const { SESSION_IDLE_DAYS, SESSION_MAX_DAYS } = env();
  const session = {
    id: hashToken(token),
    userId,
    createdAt: now,
    expiresAt: now + SESSION_IDLE_DAYS * DAY,
    absoluteExpiresAt: now + SESSION_MAX_DAYS * DAY,
    userAgent: userAgent.slice(0, 300),
    ...method,
    authMethods: auth.methods.join(','),
    secondFactorAt: auth.secondFactorAt,
  };
  db.insert(sessions).values(session).run();
  return session;
}

// validateSessionToken runs on every request: its statements are built once (drizzle building the SQL cost more than
// running it) and run with the token's hash as a placeholder.
const sessionQueries = once(() => ({
  find: db
    .select({
      session: sessions,
      user: {
        id: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        organisationId: users.organisationId,
        organisationName: organisations.name,
        organisationSlug: organisations.slug,
        language: users.language,
        deactivatedAt: users.deactivatedAt,
      },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare(),
  remove: db.delete(sessions).where(eq(sessions.id, sql.placeholder('id'))).prepare(),
  slide: db
    .update(sessions)
    .set({ expiresAt: sql`${sql.placeholder('expiresAt')}` })
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare(),
}));

export function validateSessionToken(token: string, now = Date.now()): { session: Session; user: SessionUser } | null {
  const id = hashToken(token);
  const queries = sessionQueries();
  const row = queries.find.get({ id });
  if (!row) return null;
  const { session, user } = row;
  if (now >= session.expiresAt || now >= session.absoluteExpiresAt || user.deactivatedAt !== null) {
    queries.remove.run({ id });
    return null;
  }
  const idleMs = env().SESSION_IDLE_DAYS * DAY;
  // Slide the idle expiry at most once per half-window, so most requests do not write.
  if (now >= session.expiresAt - idleMs / 2) {
    session.expiresAt = Math.min(now + idleMs, session.absoluteExpiresAt);
    queries.slide.run({ id, expiresAt: session.expiresAt });
  }
  const { deactivatedAt: _ignored, ...sessionUser } = user;
  return { session, user: sessionUser };
}

/** A second factor was verified again in this session (step-up): admin pages open for the next twelve hours. */
export function recordSecondFactor(session: Session, method: string, now = Date.now()): void {
  const methods = [...new Set([...session.authMethods.split(','), method])].filter(Boolean).join(',');
  db.update(sessions).set({ secondFactorAt: now, authMethods: methods }).where(eq(sessions.id, session.id)).run();
  session.secondFactorAt = now;
  session.authMethods = methods;
}

export function invalidateSession(sessionId: string): void {
  sessionQueries().remove.run({ id: sessionId });
}

export function invalidateUserSessions(userId: number, exceptSessionId?: string): void {
  db.delete(sessions)
    .where(exceptSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, exceptSessionId)) : eq(sessions.userId, userId))
    .run();
}

/** How many live sessions this person has besides the current one (for "sign out of all other sessions"). */
export function countOtherSessions(userId: number, exceptSessionId: string, now = Date.now()): number {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.id, exceptSessionId), gt(sessions.expiresAt, now), gt(sessions.absoluteExpiresAt, now)))
    .get()!.n;
}

function secureCookies(): boolean {
  return env().APP_URL.startsWith('https:');
}

export function sessionCookie(token: string, session: Session): string {
  const maxAge = Math.floor((session.absoluteExpiresAt - Date.now()) / 1000);
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secureCookies() ? '; Secure' : ''}`;
}

export function blankSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secureCookies() ? '; Secure' : ''}`;
}


// A request is validated once however many loaders ask (root and the route both do).
const perRequest = new WeakMap<Request, { session: Session; user: SessionUser } | null>();

export function getAuth(request: Request): { session: Session; user: SessionUser } | null {
  if (perRequest.has(request)) return perRequest.get(request)!;
  const token = readCookie(request, SESSION_COOKIE);
  const result = token && /^[a-z2-7]{32}$/.test(token) ? validateSessionToken(token) : null;
  perRequest.set(request, result);
  if (result) noteMember(result.user.id);
  return result;
}

export function getUser(request: Request): SessionUser | null {
  return getAuth(request)?.user ?? null;
}

export function requireUser(request: Request): SessionUser {
  const user = getUser(request);
  if (!user) {
    const url = new URL(request.url);
    const redirectTo = url.pathname + url.search;
    throw redirect(`/login?redirectTo=${encodeURIComponent(redirectTo)}`);
  }
  return user;
}

export function requireCoordinator(request: Request): SessionUser {
  const user = requireUser(request);
  if (user.role !== 'coordinator') throw new Response('Only coordinators can do this.', { status: 403 });
  // A second factor, or the grace period; a step-up after twelve hours (docs/decisions/011-second-factors.md).
  requireAdminSecondFactor(request, user, getAuth(request)!.session);
  return user;
}
