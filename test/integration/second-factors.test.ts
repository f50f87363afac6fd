// Second factors against a real database: TOTP windows and replay, recovery codes used once, the sign-in that
// waits for its second step, passkey refusals, and the coordinator policy with step-up, through the real routes.
import { generateHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, sqlite } from '../../db/client.server';
import { passkeys, recoveryCodes, sessions, totpCredentials, users, webauthnChallenges } from '../../db/schema';
import { createOrganisation } from '~/models/organisations.server';
import { hasSecondFactor, secondFactorSummary } from '~/models/second-factors/factors.server';
import { passkeyAuthenticationOptions, verifyPasskey } from '~/models/second-factors/passkeys.server';
import { spendRecoveryCode } from '~/models/second-factors/recovery-codes.server';
import { confirmTotpSetup, pendingTotpSetup, startTotpSetup, totpStep, verifyTotpCode } from '~/models/second-factors/totp.server';
import { createSession, generateToken, hashToken, recordSecondFactor, validateSessionToken } from '~/utils/auth.server';
import { hashPassword } from '~/utils/password.server';
import { openSecret } from '~/utils/secret-box.server';
import * as login from '~/routes/login';
import * as loginVerify from '~/routes/login_.verify';
import * as reauthenticate from '~/routes/reauthenticate';
import * as adminMembers from '~/routes/admin.members';
import * as security from '~/routes/settings.security';

const BASE = 'http://localhost:3000';
const PASSWORD = 'correct horse battery staple';
const DAY = 24 * 60 * 60 * 1000;
let orgId: number;
let counter = 0;

beforeAll(() => {
  const org = createOrganisation(null, { name: 'Second Factor Polytechnic', kind: 'itp', description: '', website: '' });
  if (!org.ok) throw new Error('fixture');
  orgId = org.id;
});

async function person(role: 'member' | 'coordinator' = 'member', extra: Partial<typeof users.$inferInsert> = {}) {
  counter += 1;
  const email = `person${counter}@second-factor.example.nz`;
  const passwordHash = await hashPassword(PASSWORD);
  const id = db.insert(users).values({ email, name: `Person ${counter}`, organisationId: orgId, role, passwordHash, emailVerifiedAt: Date.now(), ...extra }).returning({ id: users.id }).get().id;
  return { id, email };
}

/** The app's key, read back as its owner's app would have it (from the set-up page's written-out key). */
function appKey(userId: number): Uint8Array {
  const setup = pendingTotpSetup(userId);
  if (!setup) throw new Error('no set-up');
  return decodeBase32IgnorePadding(setup.secretGroups.replace(/ /g, ''));
}

function codeAt(key: Uint8Array, time: number): string {
  return generateHOTP(key, BigInt(totpStep(time)), 6);
}

/** Sets up an authenticator app for the person; returns its key and the ten recovery codes. */
function withApp(userId: number, now = Date.now()) {
  startTotpSetup(userId);
  const key = appKey(userId);
  const outcome = confirmTotpSetup(userId, codeAt(key, now), `10.0.0.${userId % 250}`, now);
  if (!outcome.ok || !('recoveryCodes' in outcome) || !outcome.recoveryCodes) throw new Error('set-up failed');
  return { key, recoveryCodes: outcome.recoveryCodes, setUpAt: now };
}

const context = { clientIp: '127.0.0.1', cspNonce: '' };
type Outcome = { status: number; body: any; headers: Headers };

async function call(handler: (args: any) => Promise<unknown>, request: Request): Promise<Outcome> {
  try {
    return toOutcome(await handler({ request, params: {}, context }));
  } catch (thrown) {
    if (thrown instanceof Response) return toOutcome(thrown);
    throw thrown;
  }
}

function toOutcome(result: unknown): Outcome {
  if (result instanceof Response) return { status: result.status, headers: result.headers, body: null };
  if (result && typeof result === 'object' && (result as { type?: string }).type === 'DataWithResponseInit') {
    const d = result as { data: unknown; init: ResponseInit | null };
    return { status: d.init?.status ?? 200, headers: new Headers(d.init?.headers), body: d.data };
  }
  return { status: 200, headers: new Headers(), body: result };
}

function post(path: string, fields: Record<string, string>, cookie?: string) {
  return new Request(BASE + path, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
  });
}

function get(path: string, cookie?: string) {
  return new Request(BASE + path, { headers: cookie ? { Cookie: cookie } : {} });
}

/** The cookies a response sets, as a Cookie header for the next request (empty values dropped). */
function cookiesFrom(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .filter((c) => !c.endsWith('='))
    .join('; ');
}

function sessionFor(userId: number, auth?: { methods: string[]; secondFactorAt: number | null }) {
  const token = generateToken();
  createSession(token, userId, '', Date.now(), undefined, auth);
  return { cookie: `__session=${token}`, token };
}

describe('authenticator app (TOTP)', () => {
  it('keeps the secret encrypted, bound to its owner', async () => {
    const { id } = await person();
    startTotpSetup(id);
    const row = db.select().from(totpCredentials).where(eq(totpCredentials.userId, id)).get()!;
    const written = pendingTotpSetup(id)!.secretGroups.replace(/ /g, '');
    expect(row.secretEncrypted).not.toContain(written);
    expect(openSecret(row.secretEncrypted, `totp:${id}`)).not.toBeNull();
    expect(openSecret(row.secretEncrypted, `totp:${id + 1}`)).toBeNull();
    expect(pendingTotpSetup(id)!.qrDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
  });

  it('is not trusted until a first code confirms it, and a wrong first code changes nothing', async () => {
    const { id } = await person();
    startTotpSetup(id);
    expect(hasSecondFactor(id)).toBe(false);
    const wrong = confirmTotpSetup(id, '000000', '10.1.0.1');
    expect(wrong.ok).toBe(false);
    expect(hasSecondFactor(id)).toBe(false);
    expect(db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, id)).all()).toHaveLength(0);
  });

  it('accepts the codes of the step before and after now, and refuses those two steps away', async () => {
    const { id } = await person();
    const now = Date.now();
    const { key } = withApp(id, now - 10 * 60_000); // set up ten minutes ago, so its step is long spent
    const step = 30_000;
    expect(verifyTotpCode(id, codeAt(key, now - 2 * step), '10.1.0.2', now).ok).toBe(false);
    expect(verifyTotpCode(id, codeAt(key, now - step), '10.1.0.2', now).ok).toBe(true);
    expect(verifyTotpCode(id, codeAt(key, now + step), '10.1.0.2', now).ok).toBe(true);
    expect(verifyTotpCode(id, codeAt(key, now + 2 * step), '10.1.0.2', now).ok).toBe(false);
  });

  it('accepts a code once: the same code again, or an older one, is refused as used', async () => {
    const { id } = await person();
    const now = Date.now();
    const { key } = withApp(id, now - 10 * 60_000);
    const code = codeAt(key, now);
    expect(verifyTotpCode(id, code, '10.1.0.3', now)).toEqual({ ok: true });
    const again = verifyTotpCode(id, code, '10.1.0.3', now + 1000);
    expect(again).toMatchObject({ ok: false, reason: 'reused' });
    expect(verifyTotpCode(id, codeAt(key, now - 30_000), '10.1.0.3', now)).toMatchObject({ ok: false, reason: 'reused' });
    // The next step's code still works.
    expect(verifyTotpCode(id, codeAt(key, now + 30_000), '10.1.0.3', now + 30_000).ok).toBe(true);
  });

  it('throttles wrong codes like passwords: after ten, even the right code waits', async () => {
    const { id } = await person();
    const now = Date.now();
    const { key } = withApp(id, now - 10 * 60_000);
    for (let i = 0; i < 10; i++) expect(verifyTotpCode(id, '000000', '10.1.0.4', now)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(verifyTotpCode(id, codeAt(key, now), '10.1.0.4', now)).toMatchObject({ ok: false, reason: 'throttled' });
  });
});

describe('recovery codes', () => {
  it('gives ten codes with the first factor, stored only as hashes', async () => {
    const { id } = await person();
    const { recoveryCodes: codes } = withApp(id);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const rows = db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, id)).all();
    expect(rows).toHaveLength(10);
    for (const code of codes) expect(rows.some((r) => r.codeHash === code || r.codeHash.includes(code))).toBe(false);
  });

  it('accepts each code once, in any case or spacing, and emails the person each time', async () => {
    const { id, email } = await person();
    const { recoveryCodes: codes } = withApp(id);
    expect(spendRecoveryCode(id, ` ${codes[0].toUpperCase()} `, '10.2.0.1')).toEqual({ ok: true });
    expect(spendRecoveryCode(id, codes[0], '10.2.0.1')).toMatchObject({ ok: false, reason: 'reused' });
    expect(spendRecoveryCode(id, codes[1].replace('-', ''), '10.2.0.1')).toEqual({ ok: true });
    expect(secondFactorSummary(id).recoveryCodesLeft).toBe(8);
    const mail = sqlite.prepare("select subject, text from outbox where to_address = ? and dedupe_key like 'recovery-code-used:%'").all(email) as { subject: string; text: string }[];
    expect(mail).toHaveLength(2);
    expect(mail[1].text).toContain('8 recovery codes are left');
  });

  it('refuses another person’s code', async () => {
    const a = await person();
    const b = await person();
    const { recoveryCodes: codesOfA } = withApp(a.id);
    withApp(b.id);
    expect(spendRecoveryCode(b.id, codesOfA[0], '10.2.0.2')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(spendRecoveryCode(a.id, codesOfA[0], '10.2.0.2')).toEqual({ ok: true });
  });
});

describe('signing in with a second factor', () => {
  it('a right password gives a pending sign-in, not a session; the right code then signs in once', async () => {
    const { id, email } = await person();
    const now = Date.now();
    const { key } = withApp(id, now - 10 * 60_000);
    const first = await call(login.action, post('/login', { email, password: PASSWORD, redirectTo: '/workshops' }));
    expect(first.status).toBe(302);
    expect(first.headers.get('Location')).toBe('/login/verify');
    const pendingCookie = cookiesFrom(first.headers);
    expect(pendingCookie).toMatch(/^__signin=/);
    expect(pendingCookie).not.toContain('__session');
    // The pending sign-in opens no page that needs a session.
    expect(validateSessionToken(pendingCookie.split('=')[1])).toBeNull();

    const wrong = await call(loginVerify.action, post('/login/verify', { intent: 'totp', code: '000000' }, pendingCookie));
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors.code[0]).toMatch(/not right/);
    expect(wrong.headers.getSetCookie().join()).not.toContain('__session=');

    const right = await call(loginVerify.action, post('/login/verify', { intent: 'totp', code: codeAt(key, Date.now()) }, pendingCookie));
    expect(right.status).toBe(302);
    expect(right.headers.get('Location')).toBe('/workshops');
    const sessionToken = /__session=([a-z2-7]+)/.exec(right.headers.getSetCookie().join())![1];
    const session = db.select().from(sessions).where(eq(sessions.id, hashToken(sessionToken))).get()!;
    expect(session.authMethods).toBe('password,totp');
    expect(session.secondFactorAt).not.toBeNull();

    // The pending sign-in was spent: the same cookie cannot finish a second sign-in.
    const replay = await call(loginVerify.action, post('/login/verify', { intent: 'totp', code: codeAt(key, Date.now() + 30_000) }, pendingCookie));
    expect(replay.status).toBe(400);
    expect(replay.body.errors._form[0]).toMatch(/sign in again/);
  });

  it('a recovery code finishes the sign-in; the same code a second time does not', async () => {
    const { id, email } = await person();
    const { recoveryCodes: codes } = withApp(id);
    const pending = cookiesFrom((await call(login.action, post('/login', { email, password: PASSWORD }))).headers);
    const used = await call(loginVerify.action, post('/login/verify', { intent: 'recovery', recoveryCode: codes[3] }, pending));
    expect(used.status).toBe(302);
    const pendingAgain = cookiesFrom((await call(login.action, post('/login', { email, password: PASSWORD }))).headers);
    const reused = await call(loginVerify.action, post('/login/verify', { intent: 'recovery', recoveryCode: codes[3] }, pendingAgain));
    expect(reused.status).toBe(400);
    expect(reused.body.errors.recoveryCode[0]).toMatch(/already been used/);
  });

  it('someone without a second factor is signed in by the password, as before', async () => {
    const { email } = await person();
    const outcome = await call(login.action, post('/login', { email, password: PASSWORD }));
    expect(outcome.headers.get('Location')).toBe('/');
    expect(outcome.headers.getSetCookie().join()).toContain('__session=');
  });

  it('without a pending sign-in, /login/verify sends the browser to /login', async () => {
    const outcome = await call(loginVerify.loader, get('/login/verify', '__signin=abcdefghijklmnopqrstuvwxyz234567'));
    expect(outcome.status).toBe(302);
    expect(outcome.headers.get('Location')).toBe('/login');
  });
});

describe('passkeys: refusals', () => {
  function fakeAssertion(credentialId: string, challenge: string) {
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin: BASE })).toString('base64url');
    return JSON.stringify({
      id: credentialId,
      rawId: credentialId,
      type: 'public-key',
      clientExtensionResults: {},
      response: { clientDataJSON, authenticatorData: Buffer.alloc(37).toString('base64url'), signature: Buffer.alloc(64).toString('base64url') },
    });
  }

  async function passkeyOf(userId: number) {
    const credentialId = Buffer.from(`cred-${userId}-${generateToken()}`).toString('base64url');
    db.insert(passkeys).values({ userId, credentialId, publicKey: Buffer.alloc(77), userHandle: `handle${userId}`, name: 'Laptop' }).run();
    return credentialId;
  }

  it('refuses another person’s passkey as a second step, and spends the challenge', async () => {
    const a = await person();
    const b = await person();
    await passkeyOf(a.id);
    const credentialOfB = await passkeyOf(b.id);
    const options = await passkeyAuthenticationOptions('verify', a.id);
    const outcome = await verifyPasskey('verify', a.id, fakeAssertion(credentialOfB, options.challenge));
    expect(outcome).toMatchObject({ ok: false, message: expect.stringMatching(/another account/) });
    expect(db.select().from(webauthnChallenges).where(eq(webauthnChallenges.challenge, options.challenge)).get()).toBeUndefined();
  });

  it('refuses an altered assertion, and the challenge cannot be used again', async () => {
    const a = await person();
    const credential = await passkeyOf(a.id);
    const options = await passkeyAuthenticationOptions('sign-in', null);
    const first = await verifyPasskey('sign-in', null, fakeAssertion(credential, options.challenge));
    expect(first.ok).toBe(false);
    const again = await verifyPasskey('sign-in', null, fakeAssertion(credential, options.challenge));
    expect(again).toMatchObject({ ok: false, message: expect.stringMatching(/expired|already used|altered/) });
    const counter = db.select({ counter: passkeys.counter, lastUsedAt: passkeys.lastUsedAt }).from(passkeys).where(eq(passkeys.credentialId, credential)).get()!;
    expect(counter).toEqual({ counter: 0, lastUsedAt: null });
  });

  it('refuses nonsense without an error page', async () => {
    expect(await verifyPasskey('sign-in', null, 'not json')).toMatchObject({ ok: false });
    expect(await verifyPasskey('sign-in', null, '{"id":5}')).toMatchObject({ ok: false });
    expect(await verifyPasskey('sign-in', null, JSON.stringify({ id: 'nobody', response: { clientDataJSON: '!!' } }))).toMatchObject({ ok: false });
  });
});

describe('the coordinator policy', () => {
  it('lets a new coordinator without a second factor use admin pages during the grace period', async () => {
    const { id } = await person('coordinator', { roleGivenAt: Date.now() - 6 * DAY });
    const { cookie } = sessionFor(id);
    expect((await call(adminMembers.loader, get('/admin/members', cookie))).status).toBe(200);
  });

  it('sends a coordinator past the grace period to set one up, then back', async () => {
    const { id } = await person('coordinator', { roleGivenAt: Date.now() - 8 * DAY });
    const { cookie } = sessionFor(id);
    const outcome = await call(adminMembers.loader, get('/admin/members?q=x', cookie));
    expect(outcome.status).toBe(302);
    expect(outcome.headers.get('Location')).toBe(`/settings/security?setup=required&redirectTo=${encodeURIComponent('/admin/members?q=x')}`);
    // Admin actions are refused the same way.
    const act = await call(adminMembers.action, post('/admin/members', { intent: 'role', userId: String(id), role: 'member' }, cookie));
    expect(act.headers.get('Location')).toMatch(/^\/settings\/security\?setup=required/);
  });

  it('asks a coordinator with a factor to confirm it again after twelve hours (step-up), then lets them through', async () => {
    const { id } = await person('coordinator', { roleGivenAt: Date.now() - 30 * DAY });
    const { key } = withApp(id, Date.now() - 10 * 60_000);
    const stale = sessionFor(id, { methods: ['password', 'totp'], secondFactorAt: Date.now() - 13 * 60 * 60 * 1000 });
    const refused = await call(adminMembers.loader, get('/admin/members', stale.cookie));
    expect(refused.headers.get('Location')).toBe(`/reauthenticate?redirectTo=${encodeURIComponent('/admin/members')}`);

    const wrong = await call(reauthenticate.action, post(`/reauthenticate?redirectTo=%2Fadmin%2Fmembers`, { intent: 'totp', code: '000000' }, stale.cookie));
    expect(wrong.status).toBe(400);
    const stepUp = await call(reauthenticate.action, post(`/reauthenticate?redirectTo=%2Fadmin%2Fmembers`, { intent: 'totp', code: codeAt(key, Date.now()) }, stale.cookie));
    expect(stepUp.headers.get('Location')).toBe('/admin/members');
    expect((await call(adminMembers.loader, get('/admin/members', stale.cookie))).status).toBe(200);
  });

  it('never lets a step-up send the browser off the site', async () => {
    const { id } = await person('coordinator');
    const { key } = withApp(id, Date.now() - 10 * 60_000);
    const { cookie } = sessionFor(id);
    const outcome = await call(reauthenticate.action, post(`/reauthenticate?redirectTo=${encodeURIComponent('//evil.example/')}`, { intent: 'totp', code: codeAt(key, Date.now()) }, cookie));
    expect(outcome.headers.get('Location')).toBe('/');
  });

  it('a member is not asked for anything on their own pages', async () => {
    const { id } = await person('member', { roleGivenAt: null });
    const { cookie } = sessionFor(id);
    expect((await call(security.loader, get('/settings/security', cookie))).status).toBe(200);
  });
});

describe('changes that need the current second factor', () => {
  it('refuses to remove the last factor or change the password without a recent confirmation, and allows it after', async () => {
    const { id, email } = await person();
    const { key } = withApp(id, Date.now() - 10 * 60_000);
    const { cookie, token } = sessionFor(id, { methods: ['password', 'totp'], secondFactorAt: Date.now() - 60 * 60_000 });
    const remove = await call(security.action, post('/settings/security', { intent: 'totp-remove' }, cookie));
    expect(remove.status).toBe(400);
    expect(remove.body.errors.totp[0]).toMatch(/Confirm it is you/);
    expect(hasSecondFactor(id)).toBe(true);
    const change = await call(security.action, post('/settings/security', { intent: 'change-password', currentPassword: PASSWORD, newPassword: 'a whole new passphrase here', confirmPassword: 'a whole new passphrase here' }, cookie));
    expect(change.status).toBe(403);

    const stepUp = await call(reauthenticate.action, post('/reauthenticate?redirectTo=%2Fsettings%2Fsecurity', { intent: 'totp', code: codeAt(key, Date.now()) }, cookie));
    expect(stepUp.headers.get('Location')).toBe('/settings/security');
    expect(validateSessionToken(token)!.session.authMethods).toBe('password,totp');
    const removed = await call(security.action, post('/settings/security', { intent: 'totp-remove' }, cookie));
    expect(removed.status).toBe(302);
    expect(hasSecondFactor(id)).toBe(false);
    // With no factor left, the recovery codes go too; the change is audited and emailed.
    expect(db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, id)).all()).toHaveLength(0);
    expect(sqlite.prepare("select count(*) as n from audit_log where action = 'account.totp-removed' and target_id = ?").get(id)).toEqual({ n: 1 });
    const mail = sqlite.prepare('select subject from outbox where to_address = ? order by id').all(email) as { subject: string }[];
    expect(mail.map((m) => m.subject)).toEqual(['An authenticator app was set up for your account', 'Your authenticator app was removed']);
  });

  it('recordSecondFactor marks the session as confirmed now', async () => {
    const { id } = await person();
    const { token } = sessionFor(id);
    const auth = validateSessionToken(token)!;
    recordSecondFactor(auth.session, 'passkey');
    const row = db.select().from(sessions).where(and(eq(sessions.id, hashToken(token)))).get()!;
    expect(row.authMethods).toBe('password,passkey');
    expect(row.secondFactorAt).not.toBeNull();
  });
});
