// What second factors a person has, and what happens whenever one is added or removed: the first one brings ten
// recovery codes, every change is in the audit log and emailed to the person (docs/decisions/011-second-factors.md).
import { and, count, eq, isNotNull, isNull } from 'drizzle-orm';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { db } from '../../../db/client.server';
import { passkeys, recoveryCodes, totpCredentials, users } from '../../../db/schema';
import { securityChangeEmail, type SecurityChange } from '../../../emails';
import { generateToken, hashToken } from '~/utils/auth.server';
import { env } from '~/utils/env.server';
import { queueEmail } from '~/utils/mail.server';
import { formatDateTime } from '~/utils/time';
import { recordAudit } from '../audit.server';

export type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];

const RECOVERY_CODE_COUNT = 10;
const MINUTE = 60_000;
/** Wrong second-step codes are throttled as wrong passwords are (SIGN_IN_LIMITS). */
export const SECOND_STEP_LIMITS = { perAccount: 10, perIp: 50, windowMs: 15 * MINUTE };

type SecondFactorSummary = { passkeys: number; totp: boolean; recoveryCodesLeft: number };

export function secondFactorSummary(userId: number, tx: Pick<typeof db, 'select'> = db): SecondFactorSummary {
  const keys = tx.select({ n: count() }).from(passkeys).where(eq(passkeys.userId, userId)).get()!.n;
  const totp = tx
    .select({ userId: totpCredentials.userId })
    .from(totpCredentials)
    .where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.confirmedAt)))
    .get();
  const codes = tx
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
    .get()!.n;
  return { passkeys: keys, totp: totp !== undefined, recoveryCodesLeft: codes };
}

export function hasSecondFactor(userId: number, tx: Pick<typeof db, 'select'> = db): boolean {
  const summary = secondFactorSummary(userId, tx);
  return summary.passkeys > 0 || summary.totp;
}

/** A recovery code as shown: ten letters and digits in two groups of five, e.g. "k3m9x-q2w7p". */
function newRecoveryCode(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  const chars = encodeBase32LowerCaseNoPadding(bytes).slice(0, 10);
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** How a typed code is compared: case, spaces and hyphens do not matter. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

/** Replaces this person's recovery codes with ten new ones; the plain codes are returned once, only hashes stay. */
function replaceRecoveryCodes(tx: Tx, userId: number): string[] {
  tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run();
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  tx.insert(recoveryCodes)
    .values(codes.map((code) => ({ userId, codeHash: hashToken(normaliseRecoveryCode(code)) })))
    .run();
  return codes;
}

/** Emails the person about a change to how they sign in, and records it in the audit log. */
export function recordSecurityChange(tx: Tx, userId: number, change: SecurityChange, now = Date.now()): void {
  const person = tx.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, userId)).get();
  if (!person) return;
  const summaries: Record<SecurityChange['kind'], string> = {
    'passkey-added': 'Added a passkey',
    'passkey-removed': 'Removed a passkey',
    'totp-added': 'Set up an authenticator app',
    'totp-removed': 'Removed the authenticator app',
    'recovery-codes-regenerated': 'Made new recovery codes',
    'password-changed': 'Changed their password',
  };
  const label = 'label' in change ? ` “${change.label}”` : '';
  recordAudit(tx, { actorId: userId, action: `account.${change.kind}`, targetType: 'user', targetId: userId, summary: `${person.name}: ${summaries[change.kind]}${label}` });
  queueEmail(tx, {
    to: person.email,
    dedupeKey: `security:${userId}:${change.kind}:${generateToken()}`,
    message: securityChangeEmail({ appUrl: env().APP_URL, name: person.name, change, when: formatDateTime(now) }),
  });
}

/**
 * Call inside the transaction that saved a new factor. When it is the person's first, they get ten recovery codes,
 * returned here to be shown once.
 */
export function afterFactorAdded(tx: Tx, userId: number, change: SecurityChange, now = Date.now()): string[] | null {
  const summary = secondFactorSummary(userId, tx);
  const first = summary.passkeys + (summary.totp ? 1 : 0) === 1;
  recordSecurityChange(tx, userId, change, now);
  return first || summary.recoveryCodesLeft === 0 ? replaceRecoveryCodes(tx, userId) : null;
}

/** Call inside the transaction that removed a factor: with none left, the recovery codes go too. */
export function afterFactorRemoved(tx: Tx, userId: number, change: SecurityChange, now = Date.now()): void {
  if (!hasSecondFactor(userId, tx)) tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run();
  recordSecurityChange(tx, userId, change, now);
}

/** New recovery codes on request (the old ones stop working); only for someone with a second factor. */
export function regenerateRecoveryCodes(userId: number): string[] | null {
  return db.transaction((tx) => {
    if (!hasSecondFactor(userId, tx)) return null;
    const codes = replaceRecoveryCodes(tx, userId);
    recordSecurityChange(tx, userId, { kind: 'recovery-codes-regenerated' });
    return codes;
  });
}
