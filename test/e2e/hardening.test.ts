// Faults an outside probe found (issue 14), checked against the production server as a browser or mail provider
// would meet them: the sign-in redirect with a line break in its target, and a cross-site one-click unsubscribe.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/server';

const DEMO_PASSWORD = 'stack-the-credentials';
// The server signs unsubscribe links with this; the test signs one the same way (app/utils/unsubscribe.server.ts).
const SECRET = 'hardening-secret-hardening-secret-0123456789';

let portal: Portal;
let database: Database.Database;

beforeAll(async () => {
  portal = await startPortal({ env: { SESSION_SECRET: SECRET } });
  database = new Database(portal.databasePath);
  database.pragma('busy_timeout = 5000');
});

afterAll(async () => {
  database?.close();
  await portal?.stop();
});

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${portal.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

describe('sign-in redirects through the production server', () => {
  it.each(['/%0A/evil.example', '/%0D/evil.example', '/%09/evil.example', '/\n/evil.example', '/\t/evil.example'])(
    'a correct sign-in with redirectTo %j lands on / with a session',
    async (target) => {
      const body = new URLSearchParams({ email: 'member@demo.example', password: DEMO_PASSWORD, redirectTo: target }).toString();
      const res = await post('/login', body, { Origin: portal.url });
      expect(res.status).toBe(302);
      expect(res.headers.get('Location')).toBe('/');
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__session='))!;
      expect(cookie).toBeDefined();
      const home = await fetch(`${portal.url}/settings/profile`, { redirect: 'manual', headers: { Cookie: cookie.split(';')[0]! } });
      expect(home.status).toBe(200);
    },
  );
});

describe('one-click unsubscribe from another site', () => {
  const evil = { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' };

  it('answers a bad token with the page’s 400, not a 500', async () => {
    const res = await post('/unsubscribe/not-a-token', 'List-Unsubscribe=One-Click', evil);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('This unsubscribe link does not work');
  });

  it('unsubscribes with a valid token, as the mail provider’s POST would', async () => {
    process.env.SESSION_SECRET = SECRET;
    const { signUnsubscribeToken } = await import('~/utils/unsubscribe.server');
    const member = database.prepare("select id from users where email = 'member@demo.example'").get() as { id: number };
    const frequency = () => (database.prepare('select digest_frequency as f from users where id = ?').get(member.id) as { f: string }).f;
    expect(frequency()).not.toBe('off');
    const res = await post(`/unsubscribe/${signUnsubscribeToken(member.id)}`, 'List-Unsubscribe=One-Click', evil);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are unsubscribed');
    expect(frequency()).toBe('off');
  });

  it('still refuses a cross-site post anywhere else with 403', async () => {
    const res = await post('/login', 'email=member%40demo.example&password=x', evil);
    expect(res.status).toBe(403);
  });
});
