// People: signing in, passwords, profiles, and the coordinator's changes to roles and access.
import { and, asc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../../db/client.server';
import { ROLES, organisations, passwordResets, users, type Role } from '../../db/schema';
import { passwordResetEmail } from '../../emails';
import { absoluteUrl, env } from '~/utils/env.server';
import { generateToken, hashToken, invalidateUserSessions, type SessionUser } from '~/utils/auth.server';
import { queueEmail } from '~/utils/mail.server';
import { burnPasswordCheck, hashPassword, passwordProblem, verifyPassword } from '~/utils/password.server';
import { consumeRateLimit, refundRateLimit, resetRateLimit } from '~/utils/rate-limit.server';
import { field, type FieldErrors } from '~/utils/validation.server';
import { ROLE_LABELS, slugify } from '~/utils/labels';
import { recordAudit } from './audit.server';
import { recordSecurityChange } from './second-factors/factors.server';
import { LANGUAGES, type Language } from '~/i18n/languages';

const MINUTE = 60_000;
export const SIGN_IN_LIMITS = { perAccount: 10, perIp: 50, windowMs: 15 * MINUTE };
export const RESET_LIMITS = { perAccount: 3, perIp: 20, windowMs: 60 * MINUTE };
const RESET_TTL_MS = 60 * MINUTE;

export type SignInOutcome =
  | { ok: true; userId: number }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/**
 * Checks an email and password. The throttle runs before any hashing, and every failure reads the same.
 * Both budgets count every attempt as it starts (so guesses in flight at once cannot slip past); a correct sign-in
 * then gives its attempt back to the address (an office behind one address signs in all morning) and clears the
 * account's count. Only failures spend the per-address budget.
 */
export async function signIn(email: string, password: string, clientIp: string): Promise<SignInOutcome> {
  const ipKey = `signin:ip:${clientIp}`;
  const byIp = consumeRateLimit(ipKey, SIGN_IN_LIMITS.perIp, SIGN_IN_LIMITS.windowMs);
  const byAccount = consumeRateLimit(`signin:email:${email}`, SIGN_IN_LIMITS.perAccount, SIGN_IN_LIMITS.windowMs);
  if (!byIp.allowed || !byAccount.allowed) {
    return { ok: false, reason: 'throttled', retryAfterSeconds: Math.max(byIp.retryAfterSeconds, byAccount.retryAfterSeconds) };
  }
  const user = db
    .select({ id: users.id, passwordHash: users.passwordHash, deactivatedAt: users.deactivatedAt })
    .from(users)
    .where(eq(users.email, email))
    .get();
  if (!user?.passwordHash) {
    await burnPasswordCheck(password);
    return { ok: false, reason: 'invalid' };
  }
  const valid = await verifyPassword(user.passwordHash, password);
  if (!valid || user.deactivatedAt !== null) return { ok: false, reason: 'invalid' };
  resetRateLimit(`signin:email:${email}`);
  refundRateLimit(ipKey, SIGN_IN_LIMITS.windowMs);
  return { ok: true, userId: user.id };
}

export const changePasswordSchema = z
  .object({ currentPassword: field.password(), newPassword: field.password(), confirmPassword: z.string().optional() })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'The two new passwords do not match.' });

export type PasswordChangeOutcome = { ok: true } | { ok: false; errors: FieldErrors };

/** Changing a password ends every other session of this person. */
export async function changePassword(
  user: SessionUser,
  currentSessionId: string,
  input: z.infer<typeof changePasswordSchema>,
): Promise<PasswordChangeOutcome> {
  // A stolen session must not become an unlimited password-guessing oracle.
  const limit = consumeRateLimit(`password-change:${user.id}`, 10, 15 * MINUTE);
  if (!limit.allowed) return { ok: false, errors: { currentPassword: ['Too many attempts. Wait a few minutes and try again.'] } };
  const row = db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id)).get();
  if (!row?.passwordHash || !(await verifyPassword(row.passwordHash, input.currentPassword))) {
    return { ok: false, errors: { currentPassword: ['That is not your current password.'] } };
  }
  const problem = passwordProblem(input.newPassword, { email: user.email, name: user.name });
  if (problem) return { ok: false, errors: { newPassword: [problem] } };
  const passwordHash = await hashPassword(input.newPassword);
  db.transaction((tx) => {
    tx.update(users).set({ passwordHash }).where(eq(users.id, user.id)).run();
    invalidateUserSessions(user.id, currentSessionId);
    recordSecurityChange(tx, user.id, { kind: 'password-changed' });
  });
  return { ok: true };
}

export type ResetRequestOutcome = { ok: true } | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/** Emails a one-hour, single-use reset link if the account exists; the caller says the same thing either way. */
export function requestPasswordReset(email: string, clientIp: string): ResetRequestOutcome {
  const byIp = consumeRateLimit(`reset:ip:${clientIp}`, RESET_LIMITS.perIp, RESET_LIMITS.windowMs);
  const byAccount = consumeRateLimit(`reset:email:${email}`, RESET_LIMITS.perAccount, RESET_LIMITS.windowMs);
  if (!byIp.allowed || !byAccount.allowed) {
    return { ok: false, reason: 'throttled', retryAfterSeconds: Math.max(byIp.retryAfterSeconds, byAccount.retryAfterSeconds) };
  }
  const user = db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.email, email), isNull(users.deactivatedAt)))
    .get();
  if (!user) return { ok: true };
  const token = generateToken();
  const tokenHash = hashToken(token);
  db.transaction((tx) => {
    const reset = tx
      .insert(passwordResets)
      .values({ tokenHash, userId: user.id, expiresAt: Date.now() + RESET_TTL_MS })
      .returning({ id: passwordResets.id })
      .get();
    queueEmail(tx, {
      to: user.email,
      dedupeKey: `password-reset:${reset.id}`,
      message: passwordResetEmail({ appUrl: env().APP_URL, name: user.name, resetUrl: absoluteUrl(`/reset-password/${token}`) }),
    });
  });
  return { ok: true };
}

export function findValidPasswordReset(token: string) {
  return db
    .select({ id: passwordResets.id, userId: passwordResets.userId, email: users.email, name: users.name })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(and(eq(passwordResets.tokenHash, hashToken(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, Date.now()), isNull(users.deactivatedAt)))
    .get();
}

export const newPasswordSchema = z
  .object({ password: field.password(), confirmPassword: z.string().optional() })
  .refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: 'The two passwords do not match.' });

export type ResetOutcome = { ok: true; userId: number } | { ok: false; errors: FieldErrors };

/** Uses a reset link once: sets the password, ends every session, and spends every other open link. */
export async function resetPassword(token: string, password: string): Promise<ResetOutcome> {
  const reset = findValidPasswordReset(token);
  if (!reset) return { ok: false, errors: { _form: ['This reset link has expired or has already been used. Ask for a new one.'] } };
  const problem = passwordProblem(password, { email: reset.email, name: reset.name });
  if (problem) return { ok: false, errors: { password: [problem] } };
  const passwordHash = await hashPassword(password);
  return db.transaction((tx) => {
    // The conditional update is the single-use guarantee: a second use in a race updates nothing.
    const spent = tx
      .update(passwordResets)
      .set({ usedAt: Date.now() })
      .where(and(eq(passwordResets.id, reset.id), isNull(passwordResets.usedAt)))
      .run();
    if (spent.changes !== 1) return { ok: false as const, errors: { _form: ['This reset link has already been used.'] } };
    tx.update(passwordResets).set({ usedAt: Date.now() }).where(and(eq(passwordResets.userId, reset.userId), isNull(passwordResets.usedAt))).run();
    tx.update(users).set({ passwordHash, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${Date.now()})` }).where(eq(users.id, reset.userId)).run();
    invalidateUserSessions(reset.userId);
    return { ok: true as const, userId: reset.userId };
  });
}

export const profileSchema = z.object({
  name: field.text('your name', 120),
  jobTitle: field.optionalText('your job title', 120),
  bio: field.optionalText('your bio', 2000),
  interests: field.optionalText('your interests', 500),
  // '' follows the browser.
  language: z.enum(['', ...LANGUAGES.map((l) => l.code)], { error: 'Choose a language from the list.' }).default(''),
});

export function updateProfile(user: SessionUser, input: z.infer<typeof profileSchema>) {
  const interests = input.interests
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .join(', ');
  db.update(users)
    .set({ ...input, interests, language: input.language || null })
    .where(eq(users.id, user.id))
    .run();
}

/** The member's interface and email language (from the language switch). */
export function setLanguage(user: SessionUser, language: Language | null) {
  db.update(users).set({ language }).where(eq(users.id, user.id)).run();
}

export function getProfile(userId: number) {
  return db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      jobTitle: users.jobTitle,
      bio: users.bio,
      interests: users.interests,
      language: users.language,
      createdAt: users.createdAt,
      deactivatedAt: users.deactivatedAt,
      organisationId: users.organisationId,
      organisationName: organisations.name,
      organisationSlug: organisations.slug,
      organisationKind: organisations.kind,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, userId))
    .get();
}

const PAGE_SIZE = 50;

/** The member directory: active people, searchable by name, organisation or interest. */
export function searchMembers({ q = '', page = 1, includeDeactivated = false }: { q?: string; page?: number; includeDeactivated?: boolean }) {
  const term = q.trim().slice(0, 100);
  const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const where = and(
    includeDeactivated ? undefined : isNull(users.deactivatedAt),
    term
      ? or(
          sql`${users.name} like ${pattern} escape '\\'`,
          sql`${organisations.name} like ${pattern} escape '\\'`,
          sql`${users.interests} like ${pattern} escape '\\'`,
          sql`${users.jobTitle} like ${pattern} escape '\\'`,
        )
      : undefined,
  );
  const rows = db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      jobTitle: users.jobTitle,
      interests: users.interests,
      deactivatedAt: users.deactivatedAt,
      organisationName: organisations.name,
      organisationSlug: organisations.slug,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(where)
    .orderBy(asc(users.name), asc(users.id))
    .limit(PAGE_SIZE + 1)
    .offset((Math.max(1, page) - 1) * PAGE_SIZE)
    .all();
  return { members: rows.slice(0, PAGE_SIZE), hasMore: rows.length > PAGE_SIZE };
}

export const roleSchema = z.object({ role: z.enum(ROLES, { error: 'Choose a role.' }) });

export type AdminOutcome = { ok: true; message: string } | { ok: false; message: string };

export function changeRole(actor: SessionUser, userId: number, role: Role): AdminOutcome {
  return db.transaction((tx) => {
    const target = tx.select({ id: users.id, name: users.name, role: users.role }).from(users).where(eq(users.id, userId)).get();
    if (!target) return { ok: false, message: 'That person no longer exists.' };
    if (target.id === actor.id && role !== 'coordinator') return { ok: false, message: 'You cannot remove your own coordinator role; ask another coordinator.' };
    if (target.role === role) return { ok: true, message: `${target.name} is already a ${ROLE_LABELS[role].toLowerCase()}.` };
    // The second-factor grace period of a new coordinator counts from now.
    tx.update(users).set({ role, roleGivenAt: role === 'coordinator' ? Date.now() : null }).where(eq(users.id, userId)).run();
    recordAudit(tx, { actorId: actor.id, action: 'member.role', targetType: 'user', targetId: userId, summary: `Changed ${target.name} from ${ROLE_LABELS[target.role]} to ${ROLE_LABELS[role]}` });
    return { ok: true, message: `${target.name} is now a ${ROLE_LABELS[role].toLowerCase()}.` };
  });
}

/** Deactivated people cannot sign in and lose their sessions; what they wrote stays. */
export function setDeactivated(actor: SessionUser, userId: number, deactivated: boolean): AdminOutcome {
  return db.transaction((tx) => {
    const target = tx.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, userId)).get();
    if (!target) return { ok: false, message: 'That person no longer exists.' };
    if (target.id === actor.id) return { ok: false, message: 'You cannot deactivate yourself.' };
    tx.update(users).set({ deactivatedAt: deactivated ? Date.now() : null }).where(eq(users.id, userId)).run();
    if (deactivated) invalidateUserSessions(userId);
    recordAudit(tx, {
      actorId: actor.id,
      action: deactivated ? 'member.deactivate' : 'member.reactivate',
      targetType: 'user',
      targetId: userId,
      summary: `${deactivated ? 'Deactivated' : 'Reactivated'} ${target.name}`,
    });
    return { ok: true, message: `${target.name} has been ${deactivated ? 'deactivated' : 'reactivated'}.` };
  });
}

export function emailInUse(email: string): boolean {
  return db.select({ id: users.id }).from(users).where(eq(users.email, email)).get() !== undefined;
}

/**
 * For `npm run create-coordinator`: makes the person a coordinator (creating them and, if needed, their
 * organisation) and emails a password link, so no password ever passes through a shell history.
 */
export function createFirstCoordinator(input: { email: string; name: string; organisation: string }): { message: string } {
  const token = generateToken();
  return db.transaction((tx) => {
    let org = tx.select({ id: organisations.id }).from(organisations).where(sql`lower(${organisations.name}) = lower(${input.organisation})`).get();
    org ??= tx
      .insert(organisations)
      .values({ name: input.organisation, slug: slugify(input.organisation), kind: 'other' })
      .returning({ id: organisations.id })
      .get();
    const existing = tx.select({ id: users.id }).from(users).where(eq(users.email, input.email)).get();
    const userId = existing
      ? (tx.update(users).set({ role: 'coordinator', roleGivenAt: Date.now(), deactivatedAt: null }).where(eq(users.id, existing.id)).run(), existing.id)
      : tx.insert(users).values({ email: input.email, name: input.name, organisationId: org.id, role: 'coordinator', roleGivenAt: Date.now(), emailVerifiedAt: Date.now() }).returning({ id: users.id }).get().id;
    const reset = tx
      .insert(passwordResets)
      .values({ tokenHash: hashToken(token), userId, expiresAt: Date.now() + 24 * RESET_TTL_MS })
      .returning({ id: passwordResets.id })
      .get();
    const resetUrl = absoluteUrl(`/reset-password/${token}`);
    queueEmail(tx, {
      to: input.email,
      dedupeKey: `password-reset:${reset.id}`,
      message: passwordResetEmail({ appUrl: env().APP_URL, name: input.name, resetUrl }),
    });
    recordAudit(tx, { actorId: null, action: 'member.create-coordinator', targetType: 'user', targetId: userId, summary: `${input.email} made a coordinator from the command line` });
    return { message: `${input.email} is a coordinator. A link to set a password was emailed (valid 24 hours):\n${resetUrl}` };
  });
}
