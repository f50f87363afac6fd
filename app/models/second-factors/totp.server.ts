// Authenticator apps (TOTP, RFC 6238: SHA-1, six digits, 30-second steps) with @oslojs/otp. A code from the step
// before or after the current one is accepted (clocks drift), and the step of each accepted code is kept, so a code
// (or an older one) is never accepted twice.
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { and, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import { renderSVG } from 'uqr';
import { db } from '../../../db/client.server';
import { totpCredentials, users } from '../../../db/schema';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { openSecret, sealSecret } from '~/utils/secret-box.server';
import { consumeRateLimit, resetRateLimit } from '~/utils/rate-limit.server';
import { afterFactorAdded, afterFactorRemoved, SECOND_STEP_LIMITS } from './factors.server';

const TOTP_PERIOD_SECONDS = 30;
const TOTP_DIGITS = 6;
const ISSUER = 'Micro-credentials CoP';

export function totpStep(now: number): number {
  return Math.floor(now / 1000 / TOTP_PERIOD_SECONDS);
}

/** The time step a code belongs to, if it is the code of the previous, current or next step; else null. */
function matchTotpStep(key: Uint8Array, code: string, now = Date.now()): number | null {
  if (!/^[0-9]{6}$/.test(code)) return null;
  const current = totpStep(now);
  let matched: number | null = null;
  for (const step of [current - 1, current, current + 1]) {
    const expected = generateHOTP(key, BigInt(step), TOTP_DIGITS);
    // Every candidate is compared, so the time taken says nothing about which one matched.
    if (constantTimeEqual(new TextEncoder().encode(expected), new TextEncoder().encode(code))) matched = step;
  }
  return matched;
}

/** What a person types: digits, perhaps with spaces ("123 456"). */
function normaliseTotpCode(code: string): string {
  return code.replace(/\s/g, '');
}

const context = (userId: number) => `totp:${userId}`;

function readKey(userId: number, confirmed: boolean) {
  const row = db
    .select()
    .from(totpCredentials)
    .where(and(eq(totpCredentials.userId, userId), confirmed ? isNotNull(totpCredentials.confirmedAt) : isNull(totpCredentials.confirmedAt)))
    .get();
  if (!row) return null;
  const key = openSecret(row.secretEncrypted, context(userId));
  return key ? { row, key } : null;
}

/** Starts setting up an app: a new secret, not yet trusted until a first code confirms it. */
export function startTotpSetup(userId: number): { ok: true } | { ok: false; message: string } {
  const key = new Uint8Array(20);
  crypto.getRandomValues(key);
  const secretEncrypted = sealSecret(key, context(userId));
  return db.transaction((tx) => {
    const existing = tx.select({ confirmedAt: totpCredentials.confirmedAt }).from(totpCredentials).where(eq(totpCredentials.userId, userId)).get();
    if (existing?.confirmedAt) return { ok: false as const, message: 'An authenticator app is already set up. Remove it first to set up another.' };
    tx.insert(totpCredentials)
      .values({ userId, secretEncrypted })
      .onConflictDoUpdate({ target: totpCredentials.userId, set: { secretEncrypted, createdAt: Date.now(), lastUsedStep: null } })
      .run();
    return { ok: true as const };
  });
}

export function cancelTotpSetup(userId: number): void {
  db.delete(totpCredentials).where(and(eq(totpCredentials.userId, userId), isNull(totpCredentials.confirmedAt))).run();
}

/** For the set-up page: the secret written out, and the otpauth:// address as a QR code (an SVG data URL). */
export function pendingTotpSetup(userId: number) {
  const pending = readKey(userId, false);
  if (!pending) return null;
  const email = db.select({ email: users.email }).from(users).where(eq(users.id, userId)).get()?.email ?? '';
  const uri = createTOTPKeyURI(ISSUER, email, pending.key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
  const svg = renderSVG(uri, { border: 2, pixelSize: 4 });
  const secret = encodeBase32UpperCaseNoPadding(pending.key);
  return {
    // Groups of four, as most apps show them, easier to type.
    secretGroups: secret.match(/.{1,4}/g)!.join(' '),
    qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
  };
}

export type CodeOutcome =
  | { ok: true }
  | { ok: false; reason: 'invalid' | 'reused'; message: string }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number; message: string };

/** Counts an attempt at a second-step code (any kind); call before checking one. Null when it may go ahead. */
export function throttleSecondStep(userId: number, clientIp: string): CodeOutcome | null {
  const byIp = consumeRateLimit(`second-step:ip:${clientIp}`, SECOND_STEP_LIMITS.perIp, SECOND_STEP_LIMITS.windowMs);
  const byAccount = consumeRateLimit(`second-step:user:${userId}`, SECOND_STEP_LIMITS.perAccount, SECOND_STEP_LIMITS.windowMs);
  if (byIp.allowed && byAccount.allowed) return null;
  const retryAfterSeconds = Math.max(byIp.retryAfterSeconds, byAccount.retryAfterSeconds);
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return { ok: false, reason: 'throttled', retryAfterSeconds, message: `Too many attempts. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.` };
}

export function clearSecondStepThrottle(userId: number): void {
  resetRateLimit(`second-step:user:${userId}`);
}

/** Spends a code's step: one conditional update, so two requests with the same code cannot both pass. */
function spendStep(userId: number, step: number, tx: Pick<typeof db, 'update'> = db): boolean {
  return (
    tx
      .update(totpCredentials)
      .set({ lastUsedStep: step })
      .where(and(eq(totpCredentials.userId, userId), or(isNull(totpCredentials.lastUsedStep), lt(totpCredentials.lastUsedStep, step))))
      .run().changes === 1
  );
}

const WRONG: CodeOutcome = { ok: false, reason: 'invalid', message: 'That code is not right. Check your authenticator app and enter the code it shows now.' };
const REUSED: CodeOutcome = { ok: false, reason: 'reused', message: 'That code has already been used. Wait for your app to show a new one.' };

/** Confirms a pending set-up with a first code. The first factor brings recovery codes, returned to show once. */
export function confirmTotpSetup(userId: number, rawCode: string, clientIp: string, now = Date.now()): CodeOutcome | { ok: true; recoveryCodes: string[] | null } {
  const throttled = throttleSecondStep(userId, clientIp);
  if (throttled) return throttled;
  const pending = readKey(userId, false);
  if (!pending) return { ok: false, reason: 'invalid', message: 'Start setting up the app again: this set-up has ended.' };
  const step = matchTotpStep(pending.key, normaliseTotpCode(rawCode), now);
  if (step === null) return WRONG;
  const confirmed = db.transaction((tx) => {
    const changed = tx
      .update(totpCredentials)
      .set({ confirmedAt: now, lastUsedStep: step })
      .where(and(eq(totpCredentials.userId, userId), isNull(totpCredentials.confirmedAt), eq(totpCredentials.secretEncrypted, pending.row.secretEncrypted)))
      .run();
    if (changed.changes !== 1) return null;
    return { recoveryCodes: afterFactorAdded(tx, userId, { kind: 'totp-added' }, now) };
  });
  if (!confirmed) return { ok: false, reason: 'invalid', message: 'Start setting up the app again: this set-up has ended.' };
  clearSecondStepThrottle(userId);
  return { ok: true, recoveryCodes: confirmed.recoveryCodes };
}

/** Checks a code from the person's app as a second step. Throttled; a code is accepted once. */
export function verifyTotpCode(userId: number, rawCode: string, clientIp: string, now = Date.now()): CodeOutcome {
  const throttled = throttleSecondStep(userId, clientIp);
  if (throttled) return throttled;
  const credential = readKey(userId, true);
  if (!credential) return WRONG;
  const step = matchTotpStep(credential.key, normaliseTotpCode(rawCode), now);
  if (step === null) return WRONG;
  if (!spendStep(userId, step)) return REUSED;
  clearSecondStepThrottle(userId);
  return { ok: true };
}

/** Removes the app. Whether the person may (the last factor needs a recent second step) is the caller's check. */
export function removeTotp(userId: number): boolean {
  return db.transaction((tx) => {
    const removed = tx.delete(totpCredentials).where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.confirmedAt))).run();
    if (removed.changes !== 1) return false;
    afterFactorRemoved(tx, userId, { kind: 'totp-removed' });
    return true;
  });
}
