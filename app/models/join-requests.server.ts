// Anyone may ask to join: they confirm their email address first, then a coordinator approves or declines.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../../db/client.server';
import { joinRequests, organisations, ssoIdentities, users } from '../../db/schema';
import { joinRequestDecidedEmail, verifyEmailEmail } from '../../emails';
import { absoluteUrl, env } from '~/utils/env.server';
import { generateToken, hashToken, type SessionUser } from '~/utils/auth.server';
import { queueEmail } from '~/utils/mail.server';
import { hashPassword, passwordProblem } from '~/utils/password.server';
import { consumeRateLimit } from '~/utils/rate-limit.server';
import { field, type FieldErrors } from '~/utils/validation.server';
import { recordAudit } from './audit.server';

export const joinRequestSchema = z
  .object({
    name: field.text('your name', 120),
    email: field.email(),
    organisationId: field.id('your organisation'),
    reason: field.optionalText('your reason', 2000),
    password: field.password(),
    confirmPassword: z.string().optional(),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: 'The two passwords do not match.' });

export type JoinRequestOutcome =
  | { ok: true }
  | { ok: false; errors: FieldErrors }
  | { ok: false; throttled: true; retryAfterSeconds: number };

/**
 * Records the request and emails a confirmation link. If the address already has an account we say the same
 * thing on screen (no enumeration) and simply send nothing.
 */
export async function requestToJoin(input: z.infer<typeof joinRequestSchema>, clientIp: string): Promise<JoinRequestOutcome> {
  const limit = consumeRateLimit(`join:ip:${clientIp}`, 10, 60 * 60 * 1000);
  if (!limit.allowed) return { ok: false, throttled: true, retryAfterSeconds: limit.retryAfterSeconds };
  const org = db.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, input.organisationId)).get();
  if (!org) return { ok: false, errors: { organisationId: ['Choose your organisation from the list.'] } };
  const problem = passwordProblem(input.password, { email: input.email, name: input.name });
  if (problem) return { ok: false, errors: { password: [problem] } };
  // Hash before looking the address up, so the answer takes as long whether or not the account exists.
  const passwordHash = await hashPassword(input.password);
  if (db.select({ id: users.id }).from(users).where(eq(users.email, input.email)).get()) return { ok: true };
  const token = generateToken();
  db.transaction((tx) => {
    // A repeated request replaces the earlier undecided one, so the newest link and details win.
    tx.delete(joinRequests).where(and(eq(joinRequests.email, input.email), inArray(joinRequests.status, ['unverified', 'pending']))).run();
    const row = tx
      .insert(joinRequests)
      .values({ name: input.name, email: input.email, organisationId: org.id, reason: input.reason, passwordHash, verifyTokenHash: hashToken(token) })
      .returning({ id: joinRequests.id })
      .get();
    queueEmail(tx, {
      to: input.email,
      dedupeKey: `join-verify:${row.id}`,
      message: verifyEmailEmail({ appUrl: env().APP_URL, name: input.name, verifyUrl: absoluteUrl(`/join/verify/${token}`) }),
    });
  });
  return { ok: true };
}

/** Confirms the address behind a join request; the request then waits for a coordinator. */
const VERIFY_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function verifyJoinRequest(
  token: string,
  now = Date.now(),
): { ok: true; name: string; status: (typeof joinRequests.$inferSelect)['status'] } | { ok: false } {
  const row = db.select().from(joinRequests).where(eq(joinRequests.verifyTokenHash, hashToken(token))).get();
  if (!row) return { ok: false };
  if (row.status === 'unverified') {
    if (now - row.createdAt > VERIFY_TTL_MS) return { ok: false };
    db.update(joinRequests).set({ status: 'pending', verifiedAt: now }).where(and(eq(joinRequests.id, row.id), eq(joinRequests.status, 'unverified'))).run();
    return { ok: true, name: row.name, status: 'pending' };
  }
  return { ok: true, name: row.name, status: row.status };
}

export function listJoinRequests() {
  return db
    .select({
      id: joinRequests.id,
      name: joinRequests.name,
      email: joinRequests.email,
      reason: joinRequests.reason,
      status: joinRequests.status,
      createdAt: joinRequests.createdAt,
      verifiedAt: joinRequests.verifiedAt,
      decidedAt: joinRequests.decidedAt,
      organisationName: organisations.name,
    })
    .from(joinRequests)
    .innerJoin(organisations, eq(organisations.id, joinRequests.organisationId))
    .orderBy(desc(joinRequests.id))
    .limit(200)
    .all();
}

export function countPendingJoinRequests(): number {
  return db.select({ n: sql<number>`count(*)` }).from(joinRequests).where(eq(joinRequests.status, 'pending')).get()!.n;
}

export const decisionSchema = z.object({
  decision: z.enum(['approve', 'decline'], { error: 'Choose approve or decline.' }),
  note: field.optionalText('the note', 1000),
});

export type DecisionOutcome = { ok: true; message: string } | { ok: false; message: string };

/** Approving creates the member with the password they chose; either way they are told by email. */
export function decideJoinRequest(actor: SessionUser, requestId: number, input: z.infer<typeof decisionSchema>): DecisionOutcome {
  return db.transaction((tx) => {
    const request = tx.select().from(joinRequests).where(eq(joinRequests.id, requestId)).get();
    if (!request) return { ok: false, message: 'That request no longer exists.' };
    if (request.status === 'unverified') return { ok: false, message: `${request.name} has not confirmed their email address yet.` };
    if (request.status !== 'pending') return { ok: false, message: `That request was already ${request.status}.` };
    const approved = input.decision === 'approve';
    if (approved && tx.select({ id: users.id }).from(users).where(eq(users.email, request.email)).get()) {
      return { ok: false, message: 'Someone with that email address is already a member.' };
    }
    const now = Date.now();
    const claimed = tx
      .update(joinRequests)
      .set({ status: approved ? 'approved' : 'declined', decidedById: actor.id, decidedAt: now, decisionNote: input.note })
      .where(and(eq(joinRequests.id, requestId), eq(joinRequests.status, 'pending')))
      .run();
    if (claimed.changes !== 1) return { ok: false, message: 'That request was decided by someone else a moment ago.' };
    let userId: number | null = null;
    if (approved) {
      userId = tx
        .insert(users)
        .values({ email: request.email, name: request.name, organisationId: request.organisationId, role: 'member', passwordHash: request.passwordHash, emailVerifiedAt: request.verifiedAt })
        .returning({ id: users.id })
        .get().id;
      // A request made by single sign-on: the provider's account becomes the way this member signs in.
      if (request.ssoProvider && request.ssoSubject) {
        tx.insert(ssoIdentities)
          .values({ provider: request.ssoProvider, subject: request.ssoSubject, userId, email: request.email })
          .onConflictDoNothing()
          .run();
      }
    }
    queueEmail(tx, {
      to: request.email,
      dedupeKey: `join-decided:${request.id}`,
      message: joinRequestDecidedEmail({ appUrl: env().APP_URL, name: request.name, approved, loginUrl: absoluteUrl('/login'), note: input.note || undefined }),
    });
    recordAudit(tx, {
      actorId: actor.id,
      action: approved ? 'join-request.approve' : 'join-request.decline',
      targetType: approved ? 'user' : 'join_request',
      targetId: userId ?? request.id,
      summary: `${approved ? 'Approved' : 'Declined'} the join request from ${request.name} (${request.email})`,
    });
    return { ok: true, message: approved ? `${request.name} is now a member and has been emailed.` : `Declined; ${request.name} has been emailed.` };
  });
}
