// Signing in, password reset, and the signed-in member's own settings, driven through the route handlers.
import { eq } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '../../db/client.server';
import { sessions, users } from '../../db/schema';
import { DEMO_PASSWORD, seed } from '../../db/seed';
import { getProfile, setDeactivated, signIn } from '~/models/accounts.server';
import { createSession, generateToken, hashToken, validateSessionToken } from '~/utils/auth.server';
import { listOutbox } from '~/utils/mail.server';
import * as passwords from '~/utils/password.server';
import * as forgotPassword from '~/routes/forgot-password';
import * as login from '~/routes/login';
import * as resetPasswordRoute from '~/routes/reset-password.$token';
import * as securitySettings from '~/routes/settings.security';
import * as profileSettings from '~/routes/settings.profile';

// Call through to the real argon2 functions, but count the calls: the throttle must answer before any hashing.
vi.mock('~/utils/password.server', async (importOriginal) => {
  const original = await importOriginal<typeof import('~/utils/password.server')>();
  return {
    ...original,
    verifyPassword: vi.fn(original.verifyPassword),
    burnPasswordCheck: vi.fn(original.burnPasswordCheck),
    hashPassword: vi.fn(original.hashPassword),
  };
});

type Handler = (args: any) => Promise<unknown>;
type Outcome = { status: number; data: any; headers: Headers };

/** Calls a loader or action the way Remix would and flattens whatever it returns or throws. */
async function call(
  handler: Handler,
  { path, form, cookie, params = {}, ip = '127.0.0.1' }: { path: string; form?: Record<string, string>; cookie?: string; params?: Record<string, string>; ip?: string },
): Promise<Outcome> {
  const headers = new Headers();
  if (cookie) headers.set('Cookie', cookie);
  const request = new Request(`http://localhost:3000${path}`, form ? { method: 'POST', body: new URLSearchParams(form), headers } : { headers });
  let out: unknown;
  try {
    out = await handler({ request, params, context: { clientIp: ip, cspNonce: '' } });
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    out = thrown;
  }
  if (out instanceof Response) return { status: out.status, data: null, headers: out.headers };
  if (out && typeof out === 'object' && (out as { type?: string }).type === 'DataWithResponseInit') {
    const { data, init } = out as { data: unknown; init: ResponseInit | null };
    return { status: init?.status ?? 200, data, headers: new Headers(init?.headers) };
  }
  return { status: 200, data: out, headers: new Headers() };
}

function userId(email: string): number {
  return db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id;
}

/** A signed-in browser for `email`: the cookie to send and the session's id in the database. */
function signedIn(email: string, now?: number) {
  const token = generateToken();
  createSession(token, userId(email), 'vitest', now);
  return { token, cookie: `__session=${token}`, sessionId: hashToken(token) };
}

function sessionCount(email: string): number {
  return db.select().from(sessions).where(eq(sessions.userId, userId(email))).all().length;
}

function sessionTokenFrom(headers: Headers): string | null {
  for (const cookie of headers.getSetCookie()) {
    const match = /^__session=([a-z2-7]+);/.exec(cookie);
    if (match) return match[1]!;
  }
  return null;
}

function resetLinksTo(email: string): string[] {
  return listOutbox(1000)
    .filter((m) => m.toAddress === email)
    .map((m) => /\/reset-password\/([a-z2-7]+)/.exec(m.text)?.[1])
    .filter((t): t is string => Boolean(t));
}

const NEW_PASSWORD = 'harakeke weaves the kete';

beforeAll(async () => {
  await seed();
});

afterEach(() => {
  vi.useRealTimers();
  vi.mocked(passwords.verifyPassword).mockClear();
  vi.mocked(passwords.burnPasswordCheck).mockClear();
});

describe('signing in', () => {
  it('signs in with the right password and sets an HttpOnly, SameSite=Lax session cookie', async () => {
    const res = await call(login.action, { path: '/login', form: { email: 'Member@Demo.Example ', password: DEMO_PASSWORD, redirectTo: '/members' }, ip: '10.0.0.1' });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/members');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const token = sessionTokenFrom(res.headers)!;
    expect(validateSessionToken(token)?.user.email).toBe('member@demo.example');
    // Only the hash of the token is stored.
    expect(db.select().from(sessions).where(eq(sessions.id, token)).get()).toBeUndefined();
  });

  it('never redirects off-site after signing in', async () => {
    const res = await call(login.action, { path: '/login', form: { email: 'member@demo.example', password: DEMO_PASSWORD, redirectTo: '//evil.example/' }, ip: '10.0.0.1' });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/');
  });

  it('answers a wrong password and an unknown email with the same status and message', async () => {
    const wrong = await call(login.action, { path: '/login', form: { email: 'member@demo.example', password: 'not the right password' }, ip: '10.0.0.2' });
    const unknown = await call(login.action, { path: '/login', form: { email: 'nobody@demo.example', password: 'not the right password' }, ip: '10.0.0.2' });
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.data.errors).toEqual(wrong.data.errors);
    expect(wrong.data.errors._form).toEqual(['That email and password do not match an active account.']);
    expect(sessionTokenFrom(wrong.headers)).toBeNull();
    // The unknown address still costs a hash, so timing does not tell the two apart either.
    expect(passwords.burnPasswordCheck).toHaveBeenCalledTimes(1);
  });

  it('refuses a deactivated account with the same message, even with the right password', async () => {
    const coordinator = validateSessionToken(signedIn('coordinator@demo.example').token)!.user;
    const browser = signedIn('terry.shubkin@demo.example');
    expect(setDeactivated(coordinator, userId('terry.shubkin@demo.example'), true).ok).toBe(true);
    expect(validateSessionToken(browser.token)).toBeNull();

    const res = await call(login.action, { path: '/login', form: { email: 'terry.shubkin@demo.example', password: DEMO_PASSWORD }, ip: '10.0.0.3' });
    expect(res.status).toBe(400);
    expect(res.data.errors._form).toEqual(['That email and password do not match an active account.']);
    expect(sessionTokenFrom(res.headers)).toBeNull();
  });

  it('after 10 attempts on one account answers 429 before any hashing, even with the right password', async () => {
    const email = 'bill.sole@demo.example';
    for (let i = 0; i < 10; i++) {
      const res = await call(login.action, { path: '/login', form: { email, password: `wrong guess ${i}` }, ip: '10.0.1.1' });
      expect(res.status).toBe(400);
    }
    expect(passwords.verifyPassword).toHaveBeenCalledTimes(10);
    vi.mocked(passwords.verifyPassword).mockClear();

    const throttled = await call(login.action, { path: '/login', form: { email, password: DEMO_PASSWORD }, ip: '10.0.1.2' });
    expect(throttled.status).toBe(429);
    expect(throttled.data.errors._form[0]).toMatch(/Too many sign-in attempts/);
    expect(Number(throttled.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(sessionTokenFrom(throttled.headers)).toBeNull();
    expect(passwords.verifyPassword).not.toHaveBeenCalled();
    expect(passwords.burnPasswordCheck).not.toHaveBeenCalled();

    // The limit is per account: someone else on the same network still signs in.
    const other = await call(login.action, { path: '/login', form: { email: 'jo.brady@demo.example', password: DEMO_PASSWORD }, ip: '10.0.1.1' });
    expect(other.status).toBe(302);
  });

  it('sends signed-in people away from the sign-in page', async () => {
    const res = await call(login.loader, { path: '/login', cookie: signedIn('member@demo.example').cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/');
  });
});

describe('password reset', () => {
  it('emails a link for a known address and gives an unknown address the identical answer, sending nothing', async () => {
    const before = listOutbox(1000).length;
    const known = await call(forgotPassword.action, { path: '/forgot-password', form: { email: 'Jo.Brady@demo.example' }, ip: '10.0.2.1' });
    const unknown = await call(forgotPassword.action, { path: '/forgot-password', form: { email: 'nobody@demo.example' }, ip: '10.0.2.1' });
    expect(known.status).toBe(200);
    expect(unknown).toEqual(known);
    expect(known.data.message).toMatch(/^If an account exists for that address, we have emailed a link/);

    const queued = listOutbox(1000).slice(0, listOutbox(1000).length - before);
    expect(queued.map((m) => m.toAddress)).toEqual(['jo.brady@demo.example']);
    expect(queued[0]!.text).toMatch(/http:\/\/localhost:3000\/reset-password\/[a-z2-7]{32}/);
    expect(queued[0]!.html).toContain('/reset-password/');
  });

  it('a bad email address is a 400 with the input kept', async () => {
    const res = await call(forgotPassword.action, { path: '/forgot-password', form: { email: 'not-an-email' }, ip: '10.0.2.2' });
    expect(res.status).toBe(400);
    expect(res.data.errors.email).toEqual(['Enter an email address like name@example.nz.']);
    expect(res.data.values.email).toBe('not-an-email');
  });

  it('a reset link sets the new password, ends every session, and works only once', async () => {
    const email = 'brenden.mischewski@demo.example';
    await call(forgotPassword.action, { path: '/forgot-password', form: { email }, ip: '10.0.3.1' });
    const [token] = resetLinksTo(email);
    expect(token).toBeDefined();
    const laptop = signedIn(email);
    const phone = signedIn(email);
    expect(sessionCount(email)).toBe(2);

    const page = await call(resetPasswordRoute.loader, { path: `/reset-password/${token}`, params: { token: token! } });
    expect(page.status).toBe(200);
    expect(page.data.email).toBe(email);

    const res = await call(resetPasswordRoute.action, {
      path: `/reset-password/${token}`,
      params: { token: token! },
      form: { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      cookie: laptop.cookie,
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/login');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('__flash='))).toBe(true);
    expect(sessionCount(email)).toBe(0);
    expect(validateSessionToken(phone.token)).toBeNull();

    expect((await signIn(email, NEW_PASSWORD, '10.0.3.2')).ok).toBe(true);
    expect((await signIn(email, DEMO_PASSWORD, '10.0.3.2')).ok).toBe(false);

    const again = await call(resetPasswordRoute.loader, { path: `/reset-password/${token}`, params: { token: token! } });
    expect(again.status).toBe(404);
    expect(again.data.email).toBeNull();
    const reuse = await call(resetPasswordRoute.action, {
      path: `/reset-password/${token}`,
      params: { token: token! },
      form: { password: 'another fine passphrase', confirmPassword: 'another fine passphrase' },
    });
    expect(reuse.status).toBe(404);
    expect(reuse.data.errors._form[0]).toMatch(/expired or has already been used/);
    expect((await signIn(email, NEW_PASSWORD, '10.0.3.2')).ok).toBe(true);
  });

  it('a reset link stops working after one hour', async () => {
    const email = 'jo.brady@demo.example';
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: start });
    await call(forgotPassword.action, { path: '/forgot-password', form: { email }, ip: '10.0.4.1' });
    const token = resetLinksTo(email)[0]!;

    vi.setSystemTime(start + 59 * 60_000);
    expect((await call(resetPasswordRoute.loader, { path: `/reset-password/${token}`, params: { token } })).status).toBe(200);

    vi.setSystemTime(start + 61 * 60_000);
    expect((await call(resetPasswordRoute.loader, { path: `/reset-password/${token}`, params: { token } })).status).toBe(404);
    const late = await call(resetPasswordRoute.action, {
      path: `/reset-password/${token}`,
      params: { token },
      form: { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
    });
    expect(late.status).toBe(404);
    expect((await signIn(email, DEMO_PASSWORD, '10.0.4.2')).ok).toBe(true);
  });

  it('refuses a common or mismatched new password with a field message and keeps the link usable', async () => {
    const email = 'member@demo.example';
    await call(forgotPassword.action, { path: '/forgot-password', form: { email }, ip: '10.0.5.1' });
    const token = resetLinksTo(email)[0]!;
    const common = await call(resetPasswordRoute.action, {
      path: `/reset-password/${token}`,
      params: { token },
      form: { password: 'password123', confirmPassword: 'password123' },
    });
    expect(common.status).toBe(400);
    expect(common.data.errors.password).toEqual(['That password is too common. Choose something less guessable.']);

    const mismatch = await call(resetPasswordRoute.action, {
      path: `/reset-password/${token}`,
      params: { token },
      form: { password: NEW_PASSWORD, confirmPassword: 'something else entirely' },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.data.errors.confirmPassword).toEqual(['The two passwords do not match.']);

    expect((await call(resetPasswordRoute.loader, { path: `/reset-password/${token}`, params: { token } })).status).toBe(200);
  });

  it('throttles reset requests for one address with a 429 and sends no more mail', async () => {
    const email = 'project.manager@demo.example';
    for (let i = 0; i < 3; i++) {
      expect((await call(forgotPassword.action, { path: '/forgot-password', form: { email }, ip: `10.0.6.${i}` })).status).toBe(200);
    }
    const throttled = await call(forgotPassword.action, { path: '/forgot-password', form: { email }, ip: '10.0.6.9' });
    expect(throttled.status).toBe(429);
    expect(throttled.data.errors._form[0]).toMatch(/Too many reset requests/);
    expect(throttled.headers.get('Retry-After')).toMatch(/^\d+$/);
    expect(resetLinksTo(email)).toHaveLength(3);
  });
});

describe('security settings', () => {
  it('send a signed-out visitor to sign in and back', async () => {
    const res = await call(securitySettings.loader, { path: '/settings/security' });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/login?redirectTo=%2Fsettings%2Fsecurity');
    const post = await call(securitySettings.action, { path: '/settings/security', form: { intent: 'sign-out-others' } });
    expect(post.status).toBe(302);
  });

  it('changing the password ends every other session but keeps this one', async () => {
    const email = 'project.manager@demo.example';
    const here = signedIn(email);
    const elsewhere = signedIn(email);

    const wrong = await call(securitySettings.action, {
      path: '/settings/security',
      cookie: here.cookie,
      form: { intent: 'change-password', currentPassword: 'not my password', newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.data.errors.currentPassword).toEqual(['That is not your current password.']);
    expect(validateSessionToken(elsewhere.token)).not.toBeNull();

    const res = await call(securitySettings.action, {
      path: '/settings/security',
      cookie: here.cookie,
      form: { intent: 'change-password', currentPassword: DEMO_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/settings/security');
    expect(validateSessionToken(here.token)?.user.email).toBe(email);
    expect(validateSessionToken(elsewhere.token)).toBeNull();
    expect((await signIn(email, NEW_PASSWORD, '10.0.7.1')).ok).toBe(true);
  });

  it('refuses a common new password with a field message', async () => {
    const here = signedIn('coordinator@demo.example');
    const res = await call(securitySettings.action, {
      path: '/settings/security',
      cookie: here.cookie,
      form: { intent: 'change-password', currentPassword: DEMO_PASSWORD, newPassword: 'qwertyuiop', confirmPassword: 'qwertyuiop' },
    });
    expect(res.status).toBe(400);
    expect(res.data.errors.newPassword).toEqual(['That password is too common. Choose something less guessable.']);
  });

  it('shows how many other live sessions there are and signs out of all of them', async () => {
    const email = 'coordinator@demo.example';
    db.delete(sessions).where(eq(sessions.userId, userId(email))).run();
    const here = signedIn(email);
    const other1 = signedIn(email);
    const other2 = signedIn(email);
    signedIn(email, Date.now() - 60 * 24 * 60 * 60 * 1000); // long expired: not counted

    const page = await call(securitySettings.loader, { path: '/settings/security', cookie: here.cookie });
    expect(page.status).toBe(200);
    expect(page.data.otherSessions).toBe(2);
    expect(page.data.idleDays).toBe(14);
    expect(page.data.maxDays).toBe(30);

    const res = await call(securitySettings.action, { path: '/settings/security', cookie: here.cookie, form: { intent: 'sign-out-others' } });
    expect(res.status).toBe(302);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('__flash='))).toBe(true);
    expect(validateSessionToken(here.token)).not.toBeNull();
    expect(validateSessionToken(other1.token)).toBeNull();
    expect(validateSessionToken(other2.token)).toBeNull();
    expect((await call(securitySettings.loader, { path: '/settings/security', cookie: here.cookie })).data.otherSessions).toBe(0);
  });

  it('an unknown intent is a 400', async () => {
    const here = signedIn('coordinator@demo.example');
    const res = await call(securitySettings.action, { path: '/settings/security', cookie: here.cookie, form: { intent: 'delete-everything' } });
    expect(res.status).toBe(400);
  });
});

describe('profile settings', () => {
  it('saves name, job title, bio and tidied interests, and ignores an attempt to change the email', async () => {
    const email = 'member@demo.example';
    const here = signedIn(email);
    const res = await call(profileSettings.action, {
      path: '/settings/profile',
      cookie: here.cookie,
      form: { name: 'Aroha Member', jobTitle: 'Training adviser', bio: 'Works with employers.', interests: ' carpentry,, site safety ,NZDE ', email: 'evil@example.nz' },
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/settings/profile');
    const profile = getProfile(userId(email))!;
    expect(profile).toMatchObject({ name: 'Aroha Member', jobTitle: 'Training adviser', bio: 'Works with employers.', interests: 'carpentry, site safety, NZDE', email });

    const page = await call(profileSettings.loader, { path: '/settings/profile', cookie: here.cookie });
    expect(page.data.profile).toMatchObject({ name: 'Aroha Member', email, organisationName: 'BCITO', roleLabel: 'Member' });
  });

  it('an empty name is a 400 with a field message and the input kept', async () => {
    const here = signedIn('jo.brady@demo.example');
    const res = await call(profileSettings.action, { path: '/settings/profile', cookie: here.cookie, form: { name: '  ', jobTitle: 'Kept title', bio: '', interests: '' } });
    expect(res.status).toBe(400);
    expect(res.data.errors.name).toEqual(['Enter your name.']);
    expect(res.data.values.jobTitle).toBe('Kept title');
    expect(getProfile(userId('jo.brady@demo.example'))!.name).toBe('Jo Brady');
  });

  it('send a signed-out visitor to sign in', async () => {
    const res = await call(profileSettings.action, { path: '/settings/profile', form: { name: 'Anyone' } });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toMatch(/^\/login\?redirectTo=/);
  });
});
