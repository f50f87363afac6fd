// Recovery codes: ten per person, each works once, stored as SHA-256 hashes; using one emails the person.
import { and, count, eq, isNull } from 'drizzle-orm';
import { db } from '../../../db/client.server';
import { recoveryCodes, users } from '../../../db/schema';
import { recoveryCodeUsedEmail } from '../../../emails';
import { generateToken, hashToken } from '~/utils/auth.server';
import { env } from '~/utils/env.server';
import { queueEmail } from '~/utils/mail.server';
import { formatDateTime } from '~/utils/time';
import { recordAudit } from '../audit.server';
import { normaliseRecoveryCode } from './factors.server';
import { clearSecondStepThrottle, throttleSecondStep, type CodeOutcome } from './totp.server';

/** Spends one recovery code as a second step. Throttled like passwords; a used code is refused. */
export function spendRecoveryCode(userId: number, rawCode: string, clientIp: string, now = Date.now()): CodeOutcome {
  const throttled = throttleSecondStep(userId, clientIp);
  if (throttled) return throttled;
  const code = normaliseRecoveryCode(rawCode);
  if (!/^[a-z2-7]{10}$/.test(code)) return { ok: false, reason: 'invalid', message: 'That is not one of your recovery codes. They look like k3m9x-q2w7p.' };
  const codeHash = hashToken(code);
  const outcome = db.transaction((tx): CodeOutcome => {
    const row = tx
      .select({ id: recoveryCodes.id, usedAt: recoveryCodes.usedAt })
      .from(recoveryCodes)
      .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, codeHash)))
      .get();
    if (!row) return { ok: false, reason: 'invalid', message: 'That is not one of your recovery codes.' };
    // The conditional update is the single-use guarantee: a second use in a race changes nothing.
    const spent = tx.update(recoveryCodes).set({ usedAt: now }).where(and(eq(recoveryCodes.id, row.id), isNull(recoveryCodes.usedAt))).run();
    if (spent.changes !== 1) return { ok: false, reason: 'reused', message: 'That recovery code has already been used. Each code works once; try another.' };
    const remaining = tx.select({ n: count() }).from(recoveryCodes).where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt))).get()!.n;
    const person = tx.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, userId)).get()!;
    recordAudit(tx, { actorId: userId, action: 'account.recovery-code-used', targetType: 'user', targetId: userId, summary: `${person.name}: Signed in with a recovery code (${remaining} left)` });
    queueEmail(tx, {
      to: person.email,
      dedupeKey: `recovery-code-used:${row.id}:${generateToken()}`,
      message: recoveryCodeUsedEmail({ appUrl: env().APP_URL, name: person.name, remaining, when: formatDateTime(now) }),
    });
    return { ok: true };
  });
  if (outcome.ok) clearSecondStepThrottle(userId);
  return outcome;
}
