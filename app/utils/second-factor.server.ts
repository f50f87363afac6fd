// Second factors at the request level: the coordinator policy on admin pages, and sign-in in two steps through a
// pending sign-in cookie (docs/decisions/011-second-factors.md).
import { redirect } from '@remix-run/node';
import { hasSecondFactor } from '~/models/second-factors/factors.server';
import { verifyPasskey } from '~/models/second-factors/passkeys.server';
import { adminAccess } from '~/models/second-factors/policy';
import { spendRecoveryCode } from '~/models/second-factors/recovery-codes.server';
import { verifyTotpCode } from '~/models/second-factors/totp.server';
import { consumePendingSignIn, createPendingSignIn, findPendingSignIn, PENDING_SIGN_IN_TTL_MS, roleGivenAt, type PendingSignIn } from '~/models/second-factors/sign-in.server';
import { readCookie } from './cookies.server';
import { createSession, generateToken, sessionCookie, type Session, type SessionAuth, type SessionUser, type SignInMethod } from './auth.server';
import { safeRedirectPath } from './http.server';
import { env } from './env.server';

const PENDING_COOKIE = '__signin';

function here(request: Request): string {
  const url = new URL(request.url);
  url.searchParams.delete('index');
  return url.pathname + url.search;
}

/** Throws the redirect a coordinator's admin request gets when the policy says enrol or step up. */
export function requireAdminSecondFactor(request: Request, user: SessionUser, session: Session, now = Date.now()): void {
  const access = adminAccess({
    hasSecondFactor: hasSecondFactor(user.id),
    roleGivenAt: roleGivenAt(user.id),
    secondFactorAt: session.secondFactorAt,
    graceDays: env().MFA_GRACE_DAYS,
    now,
  });
  const back = encodeURIComponent(here(request));
  if (access === 'enrol') throw redirect(`/settings/security?setup=required&redirectTo=${back}`);
  if (access === 'step-up') throw redirect(`/reauthenticate?redirectTo=${back}`);
}

function secure(): string {
  return env().APP_URL.startsWith('https:') ? '; Secure' : '';
}

function clearPendingCookie(): string {
  return `${PENDING_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure()}`;
}

/** The sign-in waiting for its second step in this browser, if any. */
export function getPendingSignIn(request: Request): PendingSignIn | null {
  const token = readCookie(request, PENDING_COOKIE);
  return token && /^[a-z2-7]{32}$/.test(token) ? findPendingSignIn(token) : null;
}

/**
 * After a first factor (a password, or an SSO sign-in whose provider did not assert MFA): someone with a second
 * factor is asked for it through a pending sign-in; anyone else is signed in. `method` says how (password, or which
 * provider); an SSO sign-in that asserted MFA counts as both factors (docs/decisions/011-second-factors.md).
 */
export function afterFirstFactor(request: Request, userId: number, method: SignInMethod, redirectTo: string, headers = new Headers()): Response {
  const to = safeRedirectPath(redirectTo);
  if (!method.providerMfa && hasSecondFactor(userId)) {
    const firstFactor = method.signInMethod === 'sso' ? `sso:${method.signInProvider ?? ''}` : 'password';
    const token = createPendingSignIn(userId, firstFactor, to);
    headers.append('Set-Cookie', `${PENDING_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${PENDING_SIGN_IN_TTL_MS / 1000}${secure()}`);
    return redirect('/login/verify', { headers });
  }
  return signedIn(request, userId, method, undefined, to, Date.now(), headers);
}

/** Spends the pending sign-in and opens a session that records both steps. Null when it was already spent. */
export function completePendingSignIn(request: Request, pending: PendingSignIn, secondFactor: string, now = Date.now()): Response | null {
  if (!consumePendingSignIn(pending.id)) return null;
  const [first, provider] = pending.firstFactor.split(':');
  const method: SignInMethod = first === 'sso' ? { signInMethod: 'sso', signInProvider: provider || null, providerMfa: false } : PASSWORD;
  return signedIn(request, pending.userId, method, { methods: [first, secondFactor], secondFactorAt: now }, pending.redirectTo, now);
}

const PASSWORD: SignInMethod = { signInMethod: 'password', signInProvider: null, providerMfa: false };

/** A passkey alone: possession and user verification, two factors at once. */
export function signedInWithPasskey(request: Request, userId: number, redirectTo: string, now = Date.now()): Response {
  return signedIn(request, userId, PASSWORD, { methods: ['passkey'], secondFactorAt: now }, redirectTo, now);
}

/** A new session for this person, its cookie set, any pending sign-in cookie cleared, and on to `to`. */
function signedIn(request: Request, userId: number, method: SignInMethod, auth: SessionAuth | undefined, to: string, now = Date.now(), headers = new Headers()): Response {
  const token = generateToken();
  const session = createSession(token, userId, request.headers.get('User-Agent') ?? '', now, method, auth);
  headers.append('Set-Cookie', sessionCookie(token, session));
  if (readCookie(request, PENDING_COOKIE)) headers.append('Set-Cookie', clearPendingCookie());
  return redirect(safeRedirectPath(to), { headers });
}

type SecondStepResult = { ok: true; method: 'totp' | 'recovery-code' | 'passkey' } | { ok: false; errors: Record<string, string[]>; status: number; retryAfterSeconds?: number };

/**
 * Checks the second step a form sent (intent totp, recovery or passkey) for this person: the same for signing in and
 * for a step-up. Codes are throttled like passwords; a used code or a spent challenge is refused.
 */
export async function checkSecondStep(formData: FormData, userId: number, clientIp: string): Promise<SecondStepResult> {
  const intent = formData.get('intent');
  const text = (name: string) => {
    const value = formData.get(name);
    return typeof value === 'string' ? value.slice(0, 5000) : '';
  };
  if (intent === 'totp' || intent === 'recovery') {
    const field = intent === 'totp' ? 'code' : 'recoveryCode';
    const code = text(field).trim();
    if (!code) return { ok: false, status: 400, errors: { [field]: [intent === 'totp' ? 'Enter the six-digit code from your authenticator app.' : 'Enter one of your recovery codes.'] } };
    const outcome = intent === 'totp' ? verifyTotpCode(userId, code, clientIp) : spendRecoveryCode(userId, code, clientIp);
    if (outcome.ok) return { ok: true, method: intent === 'totp' ? 'totp' : 'recovery-code' };
    if (outcome.reason === 'throttled') return { ok: false, status: 429, retryAfterSeconds: outcome.retryAfterSeconds, errors: { [field]: [outcome.message] } };
    return { ok: false, status: 400, errors: { [field]: [outcome.message] } };
  }
  if (intent === 'passkey') {
    const response = text('response');
    if (!response) return { ok: false, status: 400, errors: { passkey: ['Passkeys need JavaScript in your browser. Use a code from your authenticator app or a recovery code instead.'] } };
    const outcome = await verifyPasskey('verify', userId, response);
    if (outcome.ok) return { ok: true, method: 'passkey' };
    return { ok: false, status: 400, errors: { passkey: [outcome.message] } };
  }
  return { ok: false, status: 400, errors: { _form: ['Choose a way to confirm it is you.'] } };
}
