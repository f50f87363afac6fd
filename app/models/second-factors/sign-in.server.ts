// The step between a right password and a session, for people with a second factor: a pending sign-in. It is not a
// session (it opens nothing but the second-step page), lives ten minutes, and is deleted when the step succeeds.
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import { db } from '../../../db/client.server';
import { pendingSignIns, users } from '../../../db/schema';
import { generateToken, hashToken } from '~/utils/auth.server';

export const PENDING_SIGN_IN_TTL_MS = 10 * 60_000;

export function createPendingSignIn(userId: number, firstFactor: string, redirectTo: string, now = Date.now()): string {
  const token = generateToken();
  db.transaction((tx) => {
    tx.delete(pendingSignIns).where(lt(pendingSignIns.expiresAt, now)).run();
    tx.insert(pendingSignIns).values({ id: hashToken(token), userId, firstFactor, redirectTo, expiresAt: now + PENDING_SIGN_IN_TTL_MS, createdAt: now }).run();
  });
  return token;
}

export type PendingSignIn = { id: string; userId: number; firstFactor: string; redirectTo: string; email: string };

/** The pending sign-in a cookie token names, while it lasts and its person is active. */
export function findPendingSignIn(token: string, now = Date.now()): PendingSignIn | null {
  return (
    db
      .select({ id: pendingSignIns.id, userId: pendingSignIns.userId, firstFactor: pendingSignIns.firstFactor, redirectTo: pendingSignIns.redirectTo, email: users.email })
      .from(pendingSignIns)
      .innerJoin(users, eq(users.id, pendingSignIns.userId))
      .where(and(eq(pendingSignIns.id, hashToken(token)), gt(pendingSignIns.expiresAt, now), isNull(users.deactivatedAt)))
      .get() ?? null
  );
}

/** Spends the pending sign-in; false when it was already spent (a second tab, a replay). */
export function consumePendingSignIn(id: string): boolean {
  return db.delete(pendingSignIns).where(eq(pendingSignIns.id, id)).run().changes === 1;
}

/** The grace period counts from when the role was given; before that was recorded, from the account's creation. */
export function roleGivenAt(userId: number): number {
  const row = db.select({ roleGivenAt: users.roleGivenAt, createdAt: users.createdAt }).from(users).where(eq(users.id, userId)).get();
  return row?.roleGivenAt ?? row?.createdAt ?? 0;
}
