// Coordinators invite people by email: a single-use link that lasts seven days and fixes organisation and role.
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../../db/client.server';
import { ROLES, invitations, organisations, users } from '../../db/schema';
import { invitationEmail } from '../../emails';
import { absoluteUrl, env } from '~/utils/env.server';
import { generateToken, hashToken, type SessionUser } from '~/utils/auth.server';
import { queueEmail } from '~/utils/mail.server';
import { hashPassword, passwordProblem } from '~/utils/password.server';
import { field, type FieldErrors } from '~/utils/validation.server';
import { ROLE_LABELS } from '~/utils/labels';
import { formatDateTime } from '~/utils/time';
import { recordAudit } from './audit.server';

const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const invitationSchema = z.object({
  email: field.email(),
  organisationId: field.id('an organisation'),
  role: z.enum(ROLES, { error: 'Choose a role.' }),
});

export type InvitationOutcome = { ok: true; token: string } | { ok: false; errors: FieldErrors };

export function createInvitation(actor: SessionUser, input: z.infer<typeof invitationSchema>): InvitationOutcome {
  const token = generateToken();
  return db.transaction((tx) => {
    const org = tx.select().from(organisations).where(eq(organisations.id, input.organisationId)).get();
    if (!org) return { ok: false, errors: { organisationId: ['Choose an organisation from the list.'] } };
    if (tx.select({ id: users.id }).from(users).where(eq(users.email, input.email)).get()) {
      return { ok: false, errors: { email: ['Someone with that email address is already a member.'] } };
    }
    const expiresAt = Date.now() + INVITATION_TTL_MS;
    // A new invitation replaces any open one for the same address, so only the latest link works.
    tx.update(invitations).set({ revokedAt: Date.now() }).where(and(eq(invitations.email, input.email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt))).run();
    const row = tx
      .insert(invitations)
      .values({ tokenHash: hashToken(token), email: input.email, organisationId: org.id, role: input.role, invitedById: actor.id, expiresAt })
      .returning({ id: invitations.id })
      .get();
    queueEmail(tx, {
      to: input.email,
      dedupeKey: `invitation:${row.id}`,
      message: invitationEmail({
        appUrl: env().APP_URL,
        inviterName: actor.name,
        organisationName: org.name,
        roleLabel: ROLE_LABELS[input.role].toLowerCase(),
        acceptUrl: absoluteUrl(`/invite/${token}`),
        expiresAtText: formatDateTime(expiresAt),
      }),
    });
    recordAudit(tx, { actorId: actor.id, action: 'invitation.create', targetType: 'invitation', targetId: row.id, summary: `Invited ${input.email} to ${org.name} as ${ROLE_LABELS[input.role]}` });
    return { ok: true, token };
  });
}

export function listInvitations() {
  return db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
      acceptedAt: invitations.acceptedAt,
      revokedAt: invitations.revokedAt,
      organisationName: organisations.name,
    })
    .from(invitations)
    .innerJoin(organisations, eq(organisations.id, invitations.organisationId))
    .orderBy(desc(invitations.id))
    .limit(200)
    .all();
}

export function revokeInvitation(actor: SessionUser, id: number): boolean {
  return db.transaction((tx) => {
    const done = tx.update(invitations).set({ revokedAt: Date.now() }).where(and(eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt))).run();
    if (done.changes) recordAudit(tx, { actorId: actor.id, action: 'invitation.revoke', targetType: 'invitation', targetId: id, summary: `Revoked invitation ${id}` });
    return done.changes === 1;
  });
}

export function findOpenInvitation(token: string) {
  return db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, organisationId: invitations.organisationId, organisationName: organisations.name })
    .from(invitations)
    .innerJoin(organisations, eq(organisations.id, invitations.organisationId))
    .where(and(eq(invitations.tokenHash, hashToken(token)), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, Date.now())))
    .get();
}

export const acceptInvitationSchema = z
  .object({ name: field.text('your name', 120), password: field.password(), confirmPassword: z.string().optional() })
  .refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: 'The two passwords do not match.' });

export type AcceptOutcome = { ok: true; userId: number } | { ok: false; errors: FieldErrors };

/** Creates the account. The conditional update makes the link single-use even when two tabs submit at once. */
export async function acceptInvitation(token: string, input: z.infer<typeof acceptInvitationSchema>): Promise<AcceptOutcome> {
  const invitation = findOpenInvitation(token);
  if (!invitation) return { ok: false, errors: { _form: ['This invitation has expired, been replaced, or already been used. Ask a coordinator for a new one.'] } };
  const problem = passwordProblem(input.password, { email: invitation.email, name: input.name });
  if (problem) return { ok: false, errors: { password: [problem] } };
  const passwordHash = await hashPassword(input.password);
  return db.transaction((tx) => {
    // Checked before the invitation is spent, so a refusal leaves the link usable.
    if (tx.select({ id: users.id }).from(users).where(eq(users.email, invitation.email)).get()) {
      return { ok: false as const, errors: { _form: ['An account with this email address already exists. Sign in instead.'] } };
    }
    const claimed = tx.update(invitations).set({ acceptedAt: Date.now() }).where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt))).run();
    if (claimed.changes !== 1) return { ok: false as const, errors: { _form: ['This invitation has already been used.'] } };
    const user = tx
      .insert(users)
      .values({ email: invitation.email, name: input.name, organisationId: invitation.organisationId, role: invitation.role, roleGivenAt: invitation.role === 'coordinator' ? Date.now() : null, passwordHash, emailVerifiedAt: Date.now() })
      .returning({ id: users.id })
      .get();
    recordAudit(tx, { actorId: user.id, action: 'invitation.accept', targetType: 'user', targetId: user.id, summary: `${input.name} accepted an invitation to ${invitation.organisationName}` });
    return { ok: true as const, userId: user.id };
  });
}
