// Single sign-on: who a provider's account is here. The rules (docs/decisions/010-single-sign-on.md):
// 1. an identity already linked (provider + subject) is that member;
// 2. else an address the provider vouches for (Google and OpenID: `email_verified`; Entra ID: only when the token's
//    tenant is the one the member's organisation registered) that belongs to a member is linked to them;
// 3. else a known domain or tenant makes a join request, already verified (or a member at once, if the organisation
//    approves its own staff automatically); 4. else the person is told how to ask to join.
// Never on an unverified address; a deactivated member stays out whatever the provider says.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { db } from '../../db/client.server';
import { joinRequests, organisationEmailDomains, organisations, ssoIdentities, users } from '../../db/schema';
import { signInMethodLinkedEmail } from '../../emails';
import { generateToken, hashToken, type SessionUser } from '~/utils/auth.server';
import { absoluteUrl, env } from '~/utils/env.server';
import { queueEmail } from '~/utils/mail.server';
import { configuredProviders, providerName, type Provider, type SsoClaims } from '~/utils/oidc.server';
import { formatDateTime } from '~/utils/time';
import type { LinkedSignInsData } from '~/components/linked-sign-ins';
import { consumeRateLimit, refundRateLimit } from '~/utils/rate-limit.server';
import { SIGN_IN_LIMITS } from './accounts.server';
import { recordAudit } from './audit.server';

type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];

type SsoSignIn =
  | { kind: 'member'; userId: number; joined: boolean }
  | { kind: 'join-requested'; organisationName: string }
  | { kind: 'unknown-organisation'; domain: string | null }
  | { kind: 'refused'; reason: 'deactivated' | 'no-email' | 'unverified-email' };

/**
 * The same per-address throttle as password sign-in, counted when a provider sends someone back; as there, only a
 * failed sign-in keeps its place in the budget (the caller refunds a successful one).
 */
export function consumeSsoSignInAttempt(clientIp: string): { allowed: boolean; retryAfterSeconds: number } {
  return consumeRateLimit(`signin:ip:${clientIp}`, SIGN_IN_LIMITS.perIp, SIGN_IN_LIMITS.windowMs);
}

export function refundSsoSignInAttempt(clientIp: string): void {
  refundRateLimit(`signin:ip:${clientIp}`, SIGN_IN_LIMITS.windowMs);
}

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

function insertIdentity(tx: Tx, userId: number, provider: Provider, claims: SsoClaims, now: number) {
  tx.insert(ssoIdentities)
    .values({ provider: provider.id, subject: claims.subject, userId, email: claims.email ?? '', createdAt: now, lastUsedAt: now })
    .run();
}

function announceLink(tx: Tx, user: { id: number; name: string; email: string }, provider: Provider, claims: SsoClaims, actorId: number) {
  recordAudit(tx, {
    actorId,
    action: 'sso.link',
    targetType: 'user',
    targetId: user.id,
    summary: `Linked ${provider.name} sign-in${claims.email ? ` (${claims.email})` : ''} to ${user.name}`,
  });
  queueEmail(tx, {
    to: user.email,
    dedupeKey: `sso-linked:${provider.id}:${claims.subject}:${user.id}:${Date.now()}`,
    message: signInMethodLinkedEmail({
      appUrl: env().APP_URL,
      name: user.name,
      providerName: provider.name,
      accountEmail: claims.email ?? '',
      securityUrl: absoluteUrl('/settings/security'),
    }),
  });
}

/** Signing in (not signed in yet): decides who the provider's account is, linking or asking to join as the rules say. */
export function signInWithSso(provider: Provider, claims: SsoClaims, now = Date.now()): SsoSignIn {
  return db.transaction(
    (tx): SsoSignIn => {
      const linked = tx
        .select({ id: ssoIdentities.id, userId: users.id, deactivatedAt: users.deactivatedAt })
        .from(ssoIdentities)
        .innerJoin(users, eq(users.id, ssoIdentities.userId))
        .where(and(eq(ssoIdentities.provider, provider.id), eq(ssoIdentities.subject, claims.subject)))
        .get();
      if (linked) {
        if (linked.deactivatedAt !== null) return { kind: 'refused', reason: 'deactivated' };
        tx.update(ssoIdentities).set({ lastUsedAt: now }).where(eq(ssoIdentities.id, linked.id)).run();
        return { kind: 'member', userId: linked.userId, joined: false };
      }
      if (!claims.email) return { kind: 'refused', reason: 'no-email' };

      const existing = tx
        .select({ id: users.id, name: users.name, email: users.email, deactivatedAt: users.deactivatedAt, tenantId: organisations.entraTenantId })
        .from(users)
        .innerJoin(organisations, eq(organisations.id, users.organisationId))
        .where(eq(users.email, claims.email))
        .get();
      if (existing) {
        const vouched = provider.id === 'microsoft' ? !!claims.tenantId && existing.tenantId === claims.tenantId : claims.emailVerified;
        if (!vouched) return { kind: 'refused', reason: 'unverified-email' };
        if (existing.deactivatedAt !== null) return { kind: 'refused', reason: 'deactivated' };
        insertIdentity(tx, existing.id, provider, claims, now);
        tx.update(users).set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now})` }).where(eq(users.id, existing.id)).run();
        announceLink(tx, existing, provider, claims, existing.id);
        return { kind: 'member', userId: existing.id, joined: false };
      }

      // A newcomer: their organisation is known by Entra tenant, or by the domain of an address the provider verified.
      let organisation: { id: number; name: string; ssoAutoApprove: boolean } | undefined;
      const orgColumns = { id: organisations.id, name: organisations.name, ssoAutoApprove: organisations.ssoAutoApprove };
      if (provider.id === 'microsoft') {
        if (claims.tenantId) organisation = tx.select(orgColumns).from(organisations).where(eq(organisations.entraTenantId, claims.tenantId)).get();
      } else if (claims.emailVerified) {
        organisation = tx
          .select(orgColumns)
          .from(organisationEmailDomains)
          .innerJoin(organisations, eq(organisations.id, organisationEmailDomains.organisationId))
          .where(eq(organisationEmailDomains.domain, domainOf(claims.email)))
          .get();
      } else {
        return { kind: 'refused', reason: 'unverified-email' };
      }
      if (!organisation) return { kind: 'unknown-organisation', domain: domainOf(claims.email) };

      const name = claims.name || claims.email.slice(0, claims.email.indexOf('@'));
      // A repeated first sign-in replaces the earlier undecided request, as the join form does.
      tx.delete(joinRequests).where(and(eq(joinRequests.email, claims.email), inArray(joinRequests.status, ['unverified', 'pending']))).run();
      const request = tx
        .insert(joinRequests)
        .values({
          name,
          email: claims.email,
          organisationId: organisation.id,
          reason: `Signed in with ${provider.name} for the first time.`,
          passwordHash: null,
          verifyTokenHash: hashToken(generateToken()),
          status: organisation.ssoAutoApprove ? 'approved' : 'pending',
          verifiedAt: now,
          decidedAt: organisation.ssoAutoApprove ? now : null,
          decisionNote: organisation.ssoAutoApprove ? `${organisation.name} approves its own staff automatically.` : '',
          ssoProvider: provider.id,
          ssoSubject: claims.subject,
        })
        .returning({ id: joinRequests.id })
        .get();
      if (!organisation.ssoAutoApprove) return { kind: 'join-requested', organisationName: organisation.name };
      const userId = tx
        .insert(users)
        .values({ email: claims.email, name, organisationId: organisation.id, role: 'member', passwordHash: null, emailVerifiedAt: now })
        .returning({ id: users.id })
        .get().id;
      insertIdentity(tx, userId, provider, claims, now);
      recordAudit(tx, {
        actorId: null,
        action: 'join-request.auto-approve',
        targetType: 'user',
        targetId: userId,
        summary: `${name} (${claims.email}) joined ${organisation.name} by signing in with ${provider.name} (join request ${request.id}, approved automatically)`,
      });
      return { kind: 'member', userId, joined: true };
    },
    { behavior: 'immediate' },
  );
}

type LinkOutcome = { ok: true; message: string } | { ok: false; message: string };

/** A signed-in member adds a provider account: they proved control of both, so no address needs to match. */
export function linkSsoIdentity(userId: number, provider: Provider, claims: SsoClaims, now = Date.now()): LinkOutcome {
  return db.transaction(
    (tx): LinkOutcome => {
      const user = tx.select({ id: users.id, name: users.name, email: users.email, deactivatedAt: users.deactivatedAt }).from(users).where(eq(users.id, userId)).get();
      if (!user || user.deactivatedAt !== null) return { ok: false, message: 'Your account is not active.' };
      const linked = tx
        .select({ userId: ssoIdentities.userId })
        .from(ssoIdentities)
        .where(and(eq(ssoIdentities.provider, provider.id), eq(ssoIdentities.subject, claims.subject)))
        .get();
      if (linked?.userId === userId) return { ok: true, message: `That ${provider.name} account was already linked; nothing changed.` };
      if (linked) return { ok: false, message: `That ${provider.name} account is already linked to another member, so it was not linked to yours.` };
      insertIdentity(tx, userId, provider, claims, now);
      announceLink(tx, user, provider, claims, userId);
      return { ok: true, message: `You can now sign in with ${provider.name}${claims.email ? ` (${claims.email})` : ''}.` };
    },
    { behavior: 'immediate' },
  );
}

/** What the security settings show: linked accounts, the providers one can link, and whether removal is allowed. */
export function linkedSignIns(userId: number): LinkedSignInsData {
  const identities = db
    .select({ id: ssoIdentities.id, provider: ssoIdentities.provider, email: ssoIdentities.email, createdAt: ssoIdentities.createdAt, lastUsedAt: ssoIdentities.lastUsedAt })
    .from(ssoIdentities)
    .where(eq(ssoIdentities.userId, userId))
    .orderBy(asc(ssoIdentities.createdAt), asc(ssoIdentities.id))
    .all();
  return {
    providers: configuredProviders().map((p) => ({ id: p.id, label: p.label, name: p.name })),
    identities: identities.map((i) => ({
      id: i.id,
      provider: i.provider,
      providerName: providerName(i.provider),
      email: i.email,
      linkedAt: formatDateTime(i.createdAt),
      lastUsedAt: i.lastUsedAt ? formatDateTime(i.lastUsedAt) : null,
    })),
    canRemove: signInMethodCount(db, userId) > 1,
  };
}

/** How many ways this person has to sign in: a password, and each linked provider account. */
function signInMethodCount(tx: Pick<typeof db, 'select'>, userId: number): number {
  const row = tx
    .select({
      // Qualified by hand: in a one-table select drizzle would render ${users.id} as a bare "id" (i.id here).
      password: sql<number>`("users"."password_hash" is not null)`,
      identities: sql<number>`(select count(*) from sso_identities i where i.user_id = "users"."id")`,
    })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  return row ? Number(row.password) + Number(row.identities) : 0;
}

/** Removes a linked provider account, never the last way to sign in. */
export function unlinkSsoIdentity(user: SessionUser, identityId: number, providerName: (id: string) => string): LinkOutcome {
  return db.transaction(
    (tx): LinkOutcome => {
      const identity = tx
        .select()
        .from(ssoIdentities)
        .where(and(eq(ssoIdentities.id, identityId), eq(ssoIdentities.userId, user.id)))
        .get();
      if (!identity) return { ok: false, message: 'That sign-in is not linked to your account (any more).' };
      if (signInMethodCount(tx, user.id) <= 1) {
        return {
          ok: false,
          message: `This is your only way to sign in, so it stays. Set a password first ("Forgotten your password?" on the sign-in page emails you a link), then remove it.`,
        };
      }
      tx.delete(ssoIdentities).where(eq(ssoIdentities.id, identity.id)).run();
      const name = providerName(identity.provider);
      recordAudit(tx, {
        actorId: user.id,
        action: 'sso.unlink',
        targetType: 'user',
        targetId: user.id,
        summary: `Removed ${name} sign-in${identity.email ? ` (${identity.email})` : ''} from ${user.name}`,
      });
      return { ok: true, message: `You can no longer sign in with ${name}${identity.email ? ` (${identity.email})` : ''}.` };
    },
    { behavior: 'immediate' },
  );
}
