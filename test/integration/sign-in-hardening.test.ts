// What an outside probe found at the sign-in page (issue 14): off-site and malformed redirect targets, and a
// per-address throttle that correct sign-ins used up.
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client.server';
import { sessions, users } from '../../db/schema';
import { DEMO_PASSWORD, seed } from '../../db/seed';
import { SIGN_IN_LIMITS } from '~/models/accounts.server';
import { validateSessionToken } from '~/utils/auth.server';
import { safeRedirectPath } from '~/utils/http.server';
import * as login from '~/routes/login';
import { callRoute, signIn } from '../support/digest-fixtures';

/** Targets a browser could be sent off-site by, or that Node refuses in a header. Each must become the fallback. */
const HOSTILE_TARGETS = [
  '//evil.example/',
  '///evil.example',
  '/\t/evil.example',
  '/%09/evil.example',
  '/\n/evil.example',
  '/%0A/evil.example',
  '/\r/evil.example',
  '/%0D/evil.example',
  '/%0D%0ASet-Cookie:%20x=1',
  '/\r\nSet-Cookie: x=1',
  '/\\evil.example',
  '/%5Cevil.example',
  '\\\\evil.example',
  '/%2F/evil.example',
  '/%2f%2fevil.example',
  '/\u0000/evil.example',
  '/%00',
  '/\u0085/evil.example',
  'https://evil.example/',
  'http://localhost:3000.evil.example/',
  'javascript:alert(1)',
  ' /members',
  'members',
  '',
  '/%E0%A4%A',
];

const SAFE_TARGETS: [string, string][] = [
  ['/members', '/members'],
  ['/search?q=kete%20harakeke', '/search?q=kete%20harakeke'],
  ['/search?q=https%3A%2F%2Fexample.nz', '/search?q=https%3A%2F%2Fexample.nz'],
  ['/workshops/intro#rsvp', '/workshops/intro#rsvp'],
  ['/organisations/tū-ara', '/organisations/t%C5%AB-ara'],
  ['/a/../members', '/members'],
];

function userId(email: string): number {
  return db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id;
}

function sessionTokenFrom(headers: Headers): string | null {
  for (const cookie of headers.getSetCookie()) {
    const match = /^__session=([a-z2-7]+);/.exec(cookie);
    if (match) return match[1]!;
  }
  return null;
}

beforeAll(async () => {
  await seed();
});

describe('safe redirect targets', () => {
  it.each(HOSTILE_TARGETS)('sends %j to the fallback', (target) => {
    expect(safeRedirectPath(target)).toBe('/');
    expect(safeRedirectPath(target, '/settings')).toBe('/settings');
  });

  it.each(SAFE_TARGETS)('keeps the same-site path %j as %j', (target, expected) => {
    expect(safeRedirectPath(target)).toBe(expected);
  });

  it('falls back for anything that is not a string', () => {
    expect(safeRedirectPath(null)).toBe('/');
    expect(safeRedirectPath(undefined)).toBe('/');
  });
});

describe('signing in with a hostile redirectTo', () => {
  it.each(HOSTILE_TARGETS)('a correct sign-in with %j lands on / with the session kept', async (target) => {
    const email = 'member@demo.example';
    const before = db.select().from(sessions).where(eq(sessions.userId, userId(email))).all().length;
    const res = await callRoute(login.action, { path: '/login', form: { email, password: DEMO_PASSWORD, redirectTo: target }, ip: '10.9.0.1' });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/');
    const token = sessionTokenFrom(res.headers);
    expect(token).not.toBeNull();
    expect(validateSessionToken(token!)?.user.email).toBe(email);
    // Exactly one new session, and it is the one the browser holds.
    expect(db.select().from(sessions).where(eq(sessions.userId, userId(email))).all().length).toBe(before + 1);
  });

  it.each(HOSTILE_TARGETS)('GET /login while signed in with %j goes to /', async (target) => {
    const res = await callRoute(login.loader, { path: `/login?redirectTo=${encodeURIComponent(target)}`, cookie: signIn(userId('member@demo.example')) });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/');
  });

  it('still goes where it was asked when that is a page of ours', async () => {
    const res = await callRoute(login.action, {
      path: '/login',
      form: { email: 'member@demo.example', password: DEMO_PASSWORD, redirectTo: '/search?q=kete' },
      ip: '10.9.0.2',
    });
    expect(res.headers.get('Location')).toBe('/search?q=kete');
  });
});

describe('the per-address sign-in throttle', () => {
  it('lets 60 correct sign-ins from one address through (an office behind one address)', async () => {
    expect(60).toBeGreaterThan(SIGN_IN_LIMITS.perIp);
    for (let i = 0; i < 60; i++) {
      const res = await callRoute(login.action, { path: '/login', form: { email: 'member@demo.example', password: DEMO_PASSWORD }, ip: '10.9.1.1' });
      expect(res.status, `sign-in ${i + 1}`).toBe(302);
    }
  });

  it('still stops an address after its budget of failures, whichever accounts they were against', async () => {
    const emails = db.select({ email: users.email }).from(users).limit(10).all().map((u) => u.email);
    for (let i = 0; i < SIGN_IN_LIMITS.perIp; i++) {
      const res = await callRoute(login.action, { path: '/login', form: { email: emails[i % emails.length]!, password: `wrong ${i}` }, ip: '10.9.2.1' });
      expect(res.status, `attempt ${i + 1}`).toBe(400);
    }
    const refused = await callRoute(login.action, { path: '/login', form: { email: 'member@demo.example', password: DEMO_PASSWORD }, ip: '10.9.2.1' });
    expect(refused.status).toBe(429);
    // Another address is not affected.
    const elsewhere = await callRoute(login.action, { path: '/login', form: { email: 'member@demo.example', password: DEMO_PASSWORD }, ip: '10.9.2.2' });
    expect(elsewhere.status).toBe(302);
  });

  it('counts correct sign-ins between failures as nothing', async () => {
    const ip = '10.9.3.1';
    for (let i = 0; i < SIGN_IN_LIMITS.perIp - 1; i++) {
      await callRoute(login.action, { path: '/login', form: { email: `nobody${i}@demo.example`, password: 'wrong guess' }, ip });
      await callRoute(login.action, { path: '/login', form: { email: 'member@demo.example', password: DEMO_PASSWORD }, ip });
    }
    const last = await callRoute(login.action, { path: '/login', form: { email: 'nobody@demo.example', password: 'wrong guess' }, ip });
    expect(last.status).toBe(400);
    const over = await callRoute(login.action, { path: '/login', form: { email: 'nobody@demo.example', password: 'wrong guess' }, ip });
    expect(over.status).toBe(429);
  });
});
