// Single sign-on against a real OpenID Provider (oidc-provider on a loopback port): the linking rules, the join
// requests a first sign-in makes, and every refusal, each a message on the sign-in page and no session.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '../../db/client.server';
import { auditLog, joinRequests, organisations, outbox, rateLimits, sessions, ssoIdentities, ssoLogins, users } from '../../db/schema';
import { createOrganisation, updateOrganisationSso } from '~/models/organisations.server';
import { decideJoinRequest } from '~/models/join-requests.server';
import { createSession, generateToken, hashToken, validateSessionToken, type SessionUser } from '~/utils/auth.server';
import { env, resetEnvCacheForTests } from '~/utils/env.server';
import { forgetProviderConfigurationsForTests } from '~/utils/oidc.server';
import { consumeRateLimit, resetRateLimit } from '~/utils/rate-limit.server';
import * as login from '~/routes/login';
import * as start from '~/routes/auth.$provider';
import * as callback from '~/routes/auth.$provider_.callback';
import * as unlink from '~/routes/auth.$provider_.unlink';
import * as security from '~/routes/settings.security';
import * as loginVerify from '~/routes/login_.verify';
import { generateHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { confirmTotpSetup, pendingTotpSetup, startTotpSetup } from '~/models/second-factors/totp.server';
import { signInAtProvider, startOpenIdProvider, type TestOpenIdProvider } from '../support/oidc-provider';

const APP = 'http://localhost:3000';
const TENANT = '0f3c2b8e-4a5d-4e6f-9a1b-2c3d4e5f6a7b';
let op: TestOpenIdProvider;
let entra: TestOpenIdProvider;
let orgId: number;
let otherOrgId: number;
let coordinator: SessionUser;

type Handler = (args: any) => Promise<unknown>;
type Answer = { status: number; location: string | null; cookies: string[]; data: any };

async function call(handler: Handler, path: string, { form, cookie, params = {} }: { form?: Record<string, string>; cookie?: string; params?: Record<string, string> } = {}): Promise<Answer> {
  const headers = new Headers();
  if (cookie) headers.set('Cookie', cookie);
  const request = new Request(`${APP}${path}`, form ? { method: 'POST', body: new URLSearchParams(form), headers } : { headers });
  let out: unknown;
  try {
    out = await handler({ request, params, context: { clientIp: '127.0.0.1', cspNonce: '' } });
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    out = thrown;
  }
  if (out instanceof Response) return { status: out.status, location: out.headers.get('Location'), cookies: out.headers.getSetCookie(), data: null };
  if (out && typeof out === 'object' && (out as { type?: string }).type === 'DataWithResponseInit') {
    const { data, init } = out as { data: unknown; init: ResponseInit | null };
    return { status: init?.status ?? 200, location: null, cookies: [], data };
  }
  return { status: 200, location: null, cookies: [], data: out };
}

function cookieValue(cookies: string[], name: string): string | null {
  for (const c of cookies) if (c.startsWith(`${name}=`)) return c.slice(name.length + 1, c.indexOf(';')) || null;
  return null;
}

/** Presses "Sign in with …": the portal's redirect to the provider, and the browser-binding cookie it set. */
async function begin(provider: 'oidc' | 'microsoft', options: { redirectTo?: string; session?: string; intent?: 'link' } = {}) {
  const form: Record<string, string> = { redirectTo: options.redirectTo ?? '/' };
  if (options.intent) form.intent = options.intent;
  const answer = await call(start.action, `/auth/${provider}`, { form, params: { provider }, cookie: options.session ? `__session=${options.session}` : undefined });
  expect(answer.status).toBe(302);
  const browser = cookieValue(answer.cookies, '__sso');
  return { url: answer.location!, browser, answer };
}

/** Comes back to the portal's callback as the browser would, with its cookies. */
async function back(provider: 'oidc' | 'microsoft', url: URL, cookies: { browser?: string | null; session?: string } = {}) {
  const cookie = [cookies.browser ? `__sso=${cookies.browser}` : '', cookies.session ? `__session=${cookies.session}` : ''].filter(Boolean).join('; ');
  expect(url.origin + url.pathname).toBe(`${APP}/auth/${provider}/callback`);
  return call(callback.loader, url.pathname + url.search, { cookie: cookie || undefined, params: { provider } });
}

/** The whole round trip: start, sign in at the provider as `login`, come back. */
async function signInAs(login: string, options: { provider?: 'oidc' | 'microsoft'; redirectTo?: string; session?: string; intent?: 'link' } = {}) {
  const provider = options.provider ?? 'oidc';
  const started = await begin(provider, options);
  const returned = await signInAtProvider(started.url, login);
  const answer = await back(provider, returned, { browser: started.browser, session: options.session });
  return { ...answer, session: cookieValue(answer.cookies, '__session'), returned, browser: started.browser };
}

function addMember(email: string, organisationId = orgId, extra: Partial<typeof users.$inferInsert> = {}) {
  return db.insert(users).values({ email, name: email.split('@')[0], organisationId, passwordHash: 'argon2-placeholder', emailVerifiedAt: Date.now(), ...extra }).returning({ id: users.id }).get().id;
}

function sessionCountFor(userId: number) {
  return db.select().from(sessions).where(eq(sessions.userId, userId)).all().length;
}

function identitiesOf(userId: number) {
  return db.select().from(ssoIdentities).where(eq(ssoIdentities.userId, userId)).all();
}

function configure(env: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCacheForTests();
  forgetProviderConfigurationsForTests();
}

beforeAll(async () => {
  const org = createOrganisation(null, { name: 'Northern Polytechnic', kind: 'itp', description: '', website: '' });
  const other = createOrganisation(null, { name: 'Southern Training', kind: 'ito', description: '', website: '' });
  if (!org.ok || !other.ok) throw new Error('fixture');
  orgId = org.id;
  otherOrgId = other.id;
  const coordinatorId = addMember('coord@northern.example.nz', orgId, { role: 'coordinator' });
  coordinator = { id: coordinatorId, email: 'coord@northern.example.nz', name: 'coord', role: 'coordinator', organisationId: orgId, organisationName: 'Northern Polytechnic', organisationSlug: 'northern-polytechnic' };
  expect(updateOrganisationSso(coordinator, orgId, { emailDomains: ['northern.example.nz'], entraTenantId: TENANT, ssoAutoApprove: false }).ok).toBe(true);
  expect(updateOrganisationSso(coordinator, otherOrgId, { emailDomains: ['southern.example.nz'], entraTenantId: '', ssoAutoApprove: true }).ok).toBe(true);

  op = await startOpenIdProvider({ redirectUris: [`${APP}/auth/oidc/callback`] });
  entra = await startOpenIdProvider({ redirectUris: [`${APP}/auth/microsoft/callback`], path: `/${TENANT}/v2.0` });
  configure({
    OIDC_ISSUER: op.issuer,
    OIDC_CLIENT_ID: op.clientId,
    OIDC_CLIENT_SECRET: op.clientSecret,
    OIDC_LABEL: 'Sign in with Tuakiri',
    MICROSOFT_CLIENT_ID: entra.clientId,
    MICROSOFT_CLIENT_SECRET: entra.clientSecret,
    MICROSOFT_AUTHORITY: entra.issuer.slice(0, entra.issuer.indexOf(`/${TENANT}`)),
    MICROSOFT_TENANT: TENANT,
  });
});

afterAll(async () => {
  configure({ OIDC_ISSUER: undefined, OIDC_CLIENT_ID: undefined, OIDC_CLIENT_SECRET: undefined, OIDC_LABEL: undefined, MICROSOFT_CLIENT_ID: undefined, MICROSOFT_CLIENT_SECRET: undefined, MICROSOFT_AUTHORITY: undefined, MICROSOFT_TENANT: undefined });
  await op?.stop();
  await entra?.stop();
});

describe('configuration', () => {
  it('shows one button per configured provider on the sign-in page', async () => {
    const page = await call(login.loader, '/login');
    expect(page.data.sso.providers).toEqual([
      { id: 'microsoft', label: 'Sign in with Microsoft' },
      { id: 'oidc', label: 'Sign in with Tuakiri' },
    ]);
  });

  it('shows no buttons, and knows no /auth/<provider>, when nothing is configured', async () => {
    const saved = { ...process.env };
    configure({ OIDC_ISSUER: undefined, MICROSOFT_CLIENT_ID: undefined });
    try {
      expect((await call(login.loader, '/login')).data.sso.providers).toEqual([]);
      expect((await call(start.action, '/auth/oidc', { form: {}, params: { provider: 'oidc' } })).status).toBe(404);
    } finally {
      configure({ OIDC_ISSUER: saved.OIDC_ISSUER, MICROSOFT_CLIENT_ID: saved.MICROSOFT_CLIENT_ID });
    }
  });

  it('refuses an http:// issuer that is not on this machine', () => {
    configure({ OIDC_ISSUER: 'http://idp.example.nz' });
    try {
      expect(() => env()).toThrow(/OIDC_ISSUER: must start with https:\/\//);
    } finally {
      configure({ OIDC_ISSUER: op.issuer });
    }
    expect(env().OIDC_ISSUER).toBe(op.issuer);
  });

  it('starts the authorization code flow with PKCE (S256), state and nonce, bound to this browser', async () => {
    const { url, browser } = await begin('oidc');
    const auth = new URL(url);
    expect(auth.origin).toBe(new URL(op.issuer).origin);
    expect(auth.searchParams.get('response_type')).toBe('code');
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth.searchParams.get('redirect_uri')).toBe(`${APP}/auth/oidc/callback`);
    const state = auth.searchParams.get('state')!;
    expect(auth.searchParams.get('nonce')).toBeTruthy();
    expect(browser).toMatch(/^[a-z2-7]{32}$/);
    const row = db.select().from(ssoLogins).where(eq(ssoLogins.stateHash, hashToken(state))).get();
    expect(row?.browserHash).toBe(hashToken(browser!));
    expect(row!.expiresAt - row!.createdAt).toBe(10 * 60 * 1000);
  });
});

describe('who the person is', () => {
  it('links a member whose address the provider verified, emails them and records it, and signs them in by SSO', async () => {
    const id = addMember('aroha@northern.example.nz');
    op.account('aroha-sub', { email: 'Aroha@northern.example.nz', email_verified: true, name: 'Aroha Ngata' });
    const answer = await signInAs('aroha-sub', { redirectTo: '/workshops' });
    expect(answer.location).toBe('/workshops');
    const session = validateSessionToken(answer.session!);
    expect(session?.user.id).toBe(id);
    expect(session?.session).toMatchObject({ signInMethod: 'sso', signInProvider: 'oidc', providerMfa: false });
    expect(identitiesOf(id)).toMatchObject([{ provider: 'oidc', subject: 'aroha-sub', email: 'aroha@northern.example.nz' }]);
    expect(db.select().from(outbox).where(eq(outbox.toAddress, 'aroha@northern.example.nz')).all().map((m) => m.subject)).toEqual(['New sign-in method: Tuakiri']);
    expect(db.select().from(auditLog).where(and(eq(auditLog.action, 'sso.link'), eq(auditLog.targetId, id))).all()).toHaveLength(1);
    expect(answer.cookies.some((c) => c.startsWith('__sso=;') && c.includes('Max-Age=0'))).toBe(true);
  });

  it('knows a linked identity by provider and subject, whatever address it now has', async () => {
    op.account('aroha-sub', { email: 'aroha.ngata@elsewhere.example', email_verified: false });
    const answer = await signInAs('aroha-sub');
    expect(validateSessionToken(answer.session!)?.user.email).toBe('aroha@northern.example.nz');
  });

  it('records whether the provider asserted multi-factor authentication (amr)', async () => {
    op.tamperNextIdToken({ claims: { amr: ['pwd', 'mfa'] } });
    const answer = await signInAs('aroha-sub');
    expect(validateSessionToken(answer.session!)?.session.providerMfa).toBe(true);
  });

  it('never links on an address the provider has not verified', async () => {
    const id = addMember('hemi@northern.example.nz');
    op.account('hemi-sub', { email: 'hemi@northern.example.nz', email_verified: false });
    const answer = await signInAs('hemi-sub');
    expect(answer.location).toBe('/login?sso_error=unverified-email&provider=oidc');
    expect(answer.session).toBeNull();
    expect(identitiesOf(id)).toEqual([]);
    const page = await call(login.loader, answer.location!);
    expect(page.data.sso.error).toMatch(/has not confirmed that this email address is yours/);
  });

  it('keeps a deactivated member out, by address and by a linked identity', async () => {
    const id = addMember('gone@northern.example.nz', orgId, { deactivatedAt: Date.now() });
    op.account('gone-sub', { email: 'gone@northern.example.nz', email_verified: true });
    const first = await signInAs('gone-sub');
    expect(first.location).toBe('/login?sso_error=deactivated&provider=oidc');
    expect(identitiesOf(id)).toEqual([]);
    db.insert(ssoIdentities).values({ provider: 'oidc', subject: 'gone-sub', userId: id }).run();
    const second = await signInAs('gone-sub');
    expect(second.location).toBe('/login?sso_error=deactivated&provider=oidc');
    expect(sessionCountFor(id)).toBe(0);
  });

  it('turns a first sign-in from a known domain into a verified join request, which approval makes a member with that sign-in', async () => {
    op.account('mere-sub', { email: 'mere@northern.example.nz', email_verified: true, name: 'Mere Tane' });
    const answer = await signInAs('mere-sub');
    expect(answer.location).toBe('/join/sso?outcome=requested&organisation=Northern+Polytechnic');
    expect(answer.session).toBeNull();
    const request = db.select().from(joinRequests).where(eq(joinRequests.email, 'mere@northern.example.nz')).get()!;
    expect(request).toMatchObject({ name: 'Mere Tane', organisationId: orgId, status: 'pending', passwordHash: null, ssoProvider: 'oidc', ssoSubject: 'mere-sub' });
    expect(request.verifiedAt).not.toBeNull();
    expect(decideJoinRequest(coordinator, request.id, { decision: 'approve', note: '' }).ok).toBe(true);
    const member = db.select().from(users).where(eq(users.email, 'mere@northern.example.nz')).get()!;
    expect(member.passwordHash).toBeNull();
    const again = await signInAs('mere-sub');
    expect(validateSessionToken(again.session!)?.user.id).toBe(member.id);
  });

  it('makes a member at once when the organisation approves its own staff automatically', async () => {
    op.account('tama-sub', { email: 'tama@southern.example.nz', email_verified: true, name: 'Tama Rewi' });
    const answer = await signInAs('tama-sub');
    expect(answer.location).toBe('/');
    const user = validateSessionToken(answer.session!)?.user;
    expect(user).toMatchObject({ email: 'tama@southern.example.nz', name: 'Tama Rewi', organisationId: otherOrgId, role: 'member' });
    expect(db.select().from(auditLog).where(eq(auditLog.action, 'join-request.auto-approve')).all()).toHaveLength(1);
  });

  it('sends someone from an unknown domain to a page that explains how to ask to join, storing nothing', async () => {
    op.account('stranger-sub', { email: 'someone@unknown.example.com', email_verified: true });
    const answer = await signInAs('stranger-sub');
    expect(answer.location).toBe('/join/sso?outcome=unknown&provider=oidc&domain=unknown.example.com');
    expect(db.select().from(joinRequests).where(eq(joinRequests.email, 'someone@unknown.example.com')).all()).toEqual([]);
  });

  it('sends the person on only to a path on this site (the same check as the password form)', async () => {
    const answer = await signInAs('aroha-sub', { redirectTo: '//evil.example/steal' });
    expect(answer.location).toBe('/');
  });
});

describe('Microsoft Entra ID', () => {
  it('trusts the address only when the token comes from the tenant the member’s organisation registered', async () => {
    const id = addMember('wiremu@northern.example.nz');
    entra.account('entra-wiremu', { email: 'wiremu@northern.example.nz', tid: TENANT, name: 'Wiremu' });
    const answer = await signInAs('entra-wiremu', { provider: 'microsoft' });
    expect(validateSessionToken(answer.session!)?.user.id).toBe(id);
    expect(identitiesOf(id)).toMatchObject([{ provider: 'microsoft', subject: 'entra-wiremu' }]);
  });

  it('does not link an address from a tenant that is not the member’s organisation’s', async () => {
    const id = addMember('ana@southern.example.nz', otherOrgId);
    entra.account('entra-ana', { email: 'ana@southern.example.nz', tid: TENANT, email_verified: true });
    const answer = await signInAs('entra-ana', { provider: 'microsoft' });
    expect(answer.location).toBe('/login?sso_error=unverified-email&provider=microsoft');
    expect(identitiesOf(id)).toEqual([]);
  });

  it('makes a first sign-in from a registered tenant a join request for that organisation', async () => {
    entra.account('entra-newcomer', { email: 'newcomer@northern.example.nz', tid: TENANT, name: 'New Comer' });
    const answer = await signInAs('entra-newcomer', { provider: 'microsoft' });
    expect(answer.location).toBe('/join/sso?outcome=requested&organisation=Northern+Polytechnic');
    expect(db.select().from(joinRequests).where(eq(joinRequests.email, 'newcomer@northern.example.nz')).get()).toMatchObject({ status: 'pending', ssoProvider: 'microsoft' });
  });
});

describe('refusals: a message on the sign-in page and no session', () => {
  const before = () => db.select().from(sessions).all().length;

  it('refuses a tampered state', async () => {
    const count = before();
    const started = await begin('oidc');
    const returned = await signInAtProvider(started.url, 'aroha-sub');
    returned.searchParams.set('state', 'x' + returned.searchParams.get('state')!.slice(1));
    const answer = await back('oidc', returned, { browser: started.browser });
    expect(answer.location).toBe('/login?sso_error=state&provider=oidc');
    expect(before()).toBe(count);
  });

  it('refuses an answer brought back by another browser (login CSRF)', async () => {
    const started = await begin('oidc');
    const returned = await signInAtProvider(started.url, 'aroha-sub');
    const answer = await back('oidc', returned, { browser: generateToken() });
    expect(answer.location).toBe('/login?sso_error=state&provider=oidc');
  });

  it('refuses the same answer twice', async () => {
    const started = await begin('oidc');
    const returned = await signInAtProvider(started.url, 'aroha-sub');
    expect((await back('oidc', returned, { browser: started.browser })).location).toBe('/');
    const count = before();
    expect((await back('oidc', returned, { browser: started.browser })).location).toBe('/login?sso_error=state&provider=oidc');
    expect(before()).toBe(count);
  });

  it('refuses a replayed code at the provider', async () => {
    const started = await begin('oidc');
    const returned = await signInAtProvider(started.url, 'aroha-sub');
    expect((await back('oidc', returned, { browser: started.browser })).location).toBe('/');
    // Even were our own record of the state to be used again, the provider refuses the spent code.
    db.update(ssoLogins).set({ usedAt: null }).where(eq(ssoLogins.stateHash, hashToken(returned.searchParams.get('state')!))).run();
    const answer = await back('oidc', returned, { browser: started.browser });
    expect(answer.location).toBe('/login?sso_error=code-rejected&provider=oidc');
  });

  it('refuses an ID token with the wrong nonce', async () => {
    const started = await begin('oidc');
    const returned = await signInAtProvider(started.url, 'aroha-sub');
    db.update(ssoLogins).set({ nonce: 'another-nonce' }).where(eq(ssoLogins.stateHash, hashToken(returned.searchParams.get('state')!))).run();
    expect((await back('oidc', returned, { browser: started.browser })).location).toBe('/login?sso_error=token-mismatch&provider=oidc');
  });

  it('refuses an ID token for another audience', async () => {
    op.tamperNextIdToken({ claims: { aud: 'some-other-client' } });
    const answer = await signInAs('aroha-sub');
    expect(answer.location).toBe('/login?sso_error=token-mismatch&provider=oidc');
    expect(answer.session).toBeNull();
  });

  it('refuses an ID token from another issuer', async () => {
    op.tamperNextIdToken({ claims: { iss: 'https://impostor.example' } });
    expect((await signInAs('aroha-sub')).location).toBe('/login?sso_error=token-mismatch&provider=oidc');
  });

  it('refuses an expired ID token', async () => {
    const now = Math.floor(Date.now() / 1000);
    op.tamperNextIdToken({ claims: { iat: now - 7200, exp: now - 3600 } });
    const answer = await signInAs('aroha-sub');
    expect(answer.location).toBe('/login?sso_error=token-expired&provider=oidc');
  });

  it('refuses an ID token signed by a key the provider never published', async () => {
    op.tamperNextIdToken({ signWith: 'unknown-key' });
    const answer = await signInAs('aroha-sub');
    expect(answer.location).toBe('/login?sso_error=token-signature&provider=oidc');
    expect(answer.session).toBeNull();
  });

  it('refuses a token signed by a key it has not seen, then follows the provider once its published keys are re-read', async () => {
    await op.rotateKeys();
    // The keys were read less than a minute ago: openid-client does not refetch them yet, so the new key is unknown.
    const refused = await signInAs('aroha-sub');
    expect(refused.location).toBe('/login?sso_error=token-signature&provider=oidc');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      const answer = await signInAs('aroha-sub');
      expect(answer.location).toBe('/');
    } finally {
      vi.useRealTimers();
    }
  });

  it('says the person cancelled at the provider (error=access_denied)', async () => {
    const started = await begin('oidc');
    const returned = await signInAtProvider(started.url, 'aroha-sub', { cancel: true });
    expect(returned.searchParams.get('error')).toBe('access_denied');
    const answer = await back('oidc', returned, { browser: started.browser });
    expect(answer.location).toBe('/login?sso_error=cancelled&provider=oidc');
    expect((await call(login.loader, answer.location!)).data.sso.error).toBe('Signing in with Tuakiri was cancelled. You have not been signed in.');
  });

  it('says a provider is down, and stays up itself', async () => {
    configure({ OIDC_ISSUER: 'http://127.0.0.1:9/' });
    try {
      const answer = await call(start.action, '/auth/oidc', { form: { redirectTo: '/' }, params: { provider: 'oidc' } });
      expect(answer.location).toBe('/login?sso_error=unavailable&provider=oidc');
      expect((await call(login.loader, answer.location!)).data.sso.error).toMatch(/Tuakiri is not answering/);
    } finally {
      configure({ OIDC_ISSUER: op.issuer });
    }
  });

  it('counts failed sign-ins against the same per-address budget as the password form', async () => {
    for (let i = 0; i < 50; i++) consumeRateLimit('signin:ip:127.0.0.1', 50, 15 * 60 * 1000);
    try {
      const answer = await signInAs('aroha-sub');
      expect(answer.location).toBe('/login?sso_error=throttled&provider=oidc');
      expect(answer.session).toBeNull();
    } finally {
      resetRateLimit('signin:ip:127.0.0.1');
    }
    // A successful sign-in gives its attempt back.
    expect((await signInAs('aroha-sub')).location).toBe('/');
    expect(db.select().from(rateLimits).where(eq(rateLimits.key, 'signin:ip:127.0.0.1')).get()?.count ?? 0).toBe(0);
  });

  it('refuses a sign-in that expired before the person came back', async () => {
    const started = await begin('oidc');
    const returned = await signInAtProvider(started.url, 'aroha-sub');
    db.update(ssoLogins).set({ expiresAt: Date.now() - 1 }).where(eq(ssoLogins.stateHash, hashToken(returned.searchParams.get('state')!))).run();
    expect((await back('oidc', returned, { browser: started.browser })).location).toBe('/login?sso_error=expired&provider=oidc');
  });
});

describe('managing sign-ins in settings', () => {
  it('links a provider while signed in, whatever its address, and unlinks it, but never the last way to sign in', async () => {
    const id = addMember('rangi@northern.example.nz', orgId, { passwordHash: null });
    // Rangi has no password: their first sign-in method is a linked identity.
    db.insert(ssoIdentities).values({ provider: 'microsoft', subject: 'entra-rangi', userId: id, email: 'rangi@northern.example.nz' }).run();
    const token = generateToken();
    createSession(token, id);
    op.account('rangi-personal', { email: 'rangi@personal.example', email_verified: false });
    const linked = await signInAs('rangi-personal', { session: token, intent: 'link' });
    expect(linked.location).toBe('/settings/security');
    expect(identitiesOf(id).map((i) => i.provider).sort()).toEqual(['microsoft', 'oidc']);
    expect(db.select().from(outbox).where(eq(outbox.toAddress, 'rangi@northern.example.nz')).all()).toHaveLength(1);

    const page = await call(security.loader, '/settings/security', { cookie: `__session=${token}` });
    expect(page.data.signIns.canRemove).toBe(true);
    expect(page.data.signIns.identities.map((i: { providerName: string }) => i.providerName)).toEqual(['Microsoft', 'Tuakiri']);

    const [first, second] = identitiesOf(id);
    expect((await call(unlink.action, '/auth/oidc/unlink', { form: { identityId: String(second.id) }, cookie: `__session=${token}`, params: { provider: 'oidc' } })).location).toBe(
      '/settings/security',
    );
    expect(identitiesOf(id)).toHaveLength(1);
    // The last one stays.
    await call(unlink.action, '/auth/microsoft/unlink', { form: { identityId: String(first.id) }, cookie: `__session=${token}`, params: { provider: 'microsoft' } });
    expect(identitiesOf(id)).toHaveLength(1);
    expect((await call(security.loader, '/settings/security', { cookie: `__session=${token}` })).data.signIns.canRemove).toBe(false);
    expect(db.select().from(auditLog).where(and(eq(auditLog.action, 'sso.unlink'), eq(auditLog.targetId, id))).all()).toHaveLength(1);
  });

  it('does not link an account already linked to someone else, nor unlink another member’s', async () => {
    const id = addMember('kahu@northern.example.nz');
    const token = generateToken();
    createSession(token, id);
    const answer = await signInAs('aroha-sub', { session: token, intent: 'link' });
    expect(answer.location).toBe('/settings/security');
    expect(identitiesOf(id)).toEqual([]);
    const aroha = db.select().from(ssoIdentities).where(eq(ssoIdentities.subject, 'aroha-sub')).get()!;
    await call(unlink.action, '/auth/oidc/unlink', { form: { identityId: String(aroha.id) }, cookie: `__session=${token}`, params: { provider: 'oidc' } });
    expect(db.select().from(ssoIdentities).where(eq(ssoIdentities.id, aroha.id)).get()).toBeDefined();
  });

  it('coordinators record domains and a tenant; a domain belongs to one organisation', () => {
    const outcome = updateOrganisationSso(coordinator, otherOrgId, { emailDomains: ['northern.example.nz'], entraTenantId: '', ssoAutoApprove: false });
    expect(outcome).toEqual({ ok: false, errors: { emailDomains: ['northern.example.nz already belongs to Northern Polytechnic.'] } });
    expect(db.select({ t: organisations.entraTenantId }).from(organisations).where(eq(organisations.id, orgId)).get()?.t).toBe(TENANT);
  });
});

describe('with a second factor (docs/decisions/011-second-factors.md)', () => {
  async function memberWithApp(email: string, subject: string) {
    const id = addMember(email);
    op.account(subject, { email, email_verified: true, name: 'Tama Factor' });
    expect((await signInAs(subject)).session).not.toBeNull(); // linked, no factor yet: signed in at once
    startTotpSetup(id);
    const setup = pendingTotpSetup(id)!;
    const key = decodeBase32IgnorePadding(setup.secretGroups.replace(/ /g, ''));
    const step = Math.floor(Date.now() / 30_000);
    expect(confirmTotpSetup(id, generateHOTP(key, BigInt(step - 1), 6), '10.9.0.1').ok).toBe(true);
    return { id, key, step };
  }

  it('counts a sign-in by a provider that did not assert MFA as one factor: the app is asked for next', async () => {
    const { id, key, step } = await memberWithApp('factor.tama@northern.example.nz', 'factor-tama-sub');
    const answer = await signInAs('factor-tama-sub', { redirectTo: '/workshops' });
    expect(answer.location).toBe('/login/verify');
    expect(answer.session).toBeNull();
    const pending = cookieValue(answer.cookies, '__signin');
    expect(pending).toMatch(/^[a-z2-7]{32}$/);
    const done = await call(loginVerify.action, '/login/verify', { form: { intent: 'totp', code: generateHOTP(key, BigInt(step), 6) }, cookie: `__signin=${pending}` });
    expect(done.location).toBe('/workshops');
    const session = validateSessionToken(cookieValue(done.cookies, '__session')!)!;
    expect(session.user.id).toBe(id);
    expect(session.session).toMatchObject({ signInMethod: 'sso', signInProvider: 'oidc', providerMfa: false, authMethods: 'sso,totp' });
    expect(session.session.secondFactorAt).not.toBeNull();
  });

  it('counts a sign-in by a provider that asserted MFA (amr) as both factors', async () => {
    await memberWithApp('factor.rua@northern.example.nz', 'factor-rua-sub');
    op.tamperNextIdToken({ claims: { amr: ['pwd', 'otp'] } });
    const answer = await signInAs('factor-rua-sub');
    const session = validateSessionToken(answer.session!)!;
    expect(session.session).toMatchObject({ signInMethod: 'sso', providerMfa: true, authMethods: 'sso' });
    expect(session.session.secondFactorAt).not.toBeNull();
  });
});
