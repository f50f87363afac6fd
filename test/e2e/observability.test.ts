// What an operator sees of a running production build: one JSON log line per request with its id, route, status,
// duration and member id, and nothing personal (no email, password, token or cookie); X-Request-Id round-trips from
// a trusted proxy; /metrics needs the bearer token and then parses as Prometheus text whose counters move.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMetrics, sampleValue } from '../support/prometheus';
import { startPortal, type Portal } from '../support/server';

const TOKEN = 'metrics-token-for-tests-0123456789';
const PASSWORD = 'stack-the-credentials';
const EMAIL = 'member@demo.example';
let portal: Portal;

beforeAll(async () => {
  portal = await startPortal({ env: { METRICS_TOKEN: TOKEN, TRUST_PROXY: 'true', LOG_LEVEL: 'info' } });
});

afterAll(async () => {
  await portal?.stop();
});

type LogLine = Record<string, unknown> & { msg: string; level: string };

/** Every line the server printed, each parsed as JSON (a line that is not JSON fails the test). */
function logLines(): LogLine[] {
  return portal
    .output()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`Not a JSON log line: ${line}`);
      }
    });
}

/** The request's log line is written when its response finishes; wait for it. */
async function lineFor(requestId: string): Promise<LogLine> {
  for (;;) {
    const line = logLines().find((l) => l.requestId === requestId && typeof l.status === 'number');
    if (line) return line;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function signIn(): Promise<string> {
  const response = await fetch(`${portal.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: portal.url, 'Content-Type': 'application/x-www-form-urlencoded', 'X-Request-Id': 'sign-in-request-0001' },
    body: new URLSearchParams({ email: EMAIL, password: PASSWORD, redirectTo: '/' }),
  });
  expect(response.status).toBe(302);
  return response.headers.get('set-cookie')!.split(';')[0];
}

describe('request logs', () => {
  it('writes one JSON line per request with id, route, status, duration and member id, and nothing personal', async () => {
    const cookie = await signIn();
    const sessionToken = cookie.split('=')[1];
    const page = await fetch(`${portal.url}/workshops`, { headers: { Cookie: cookie, 'X-Request-Id': 'workshops-page-0001' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('x-request-id')).toBe('workshops-page-0001');
    // A link carrying a token (a password reset) and a failed sign-in with a password in the body.
    const resetToken = 'abcdefghijklmnopqrstuvwxyz234567';
    await (await fetch(`${portal.url}/reset-password/${resetToken}?token=${resetToken}`, { headers: { 'X-Request-Id': 'reset-link-0001' } })).arrayBuffer();
    const wrongPassword = 'wrong-password-never-logged';
    await (
      await fetch(`${portal.url}/login`, {
        method: 'POST',
        headers: { Origin: portal.url, 'Content-Type': 'application/x-www-form-urlencoded', 'X-Request-Id': 'failed-sign-in-0001', Authorization: 'Bearer some-api-token' },
        body: new URLSearchParams({ email: EMAIL, password: wrongPassword }),
      })
    ).arrayBuffer();

    const signInLine = await lineFor('sign-in-request-0001');
    expect(signInLine).toMatchObject({ level: 'info', method: 'POST', route: 'routes/login', status: 302 });
    const pageLine = await lineFor('workshops-page-0001');
    expect(pageLine).toMatchObject({ level: 'info', method: 'GET', route: 'routes/workshops._index', status: 200 });
    expect(pageLine.memberId).toEqual(expect.any(Number));
    expect(pageLine.durationMs).toEqual(expect.any(Number));
    expect((await lineFor('reset-link-0001')).route).toBe('routes/reset-password.$token');
    expect((await lineFor('failed-sign-in-0001')).status).toBe(400);

    const everything = portal.output();
    for (const secret of [EMAIL, PASSWORD, wrongPassword, sessionToken, resetToken, 'some-api-token', '__session']) {
      expect(everything, `the log holds ${secret}`).not.toContain(secret);
    }
  });

  it('keeps a well-formed X-Request-Id from the proxy and replaces a malformed one', async () => {
    const bad = await fetch(`${portal.url}/workshops`, { headers: { 'X-Request-Id': 'not ok <script>' } });
    const id = bad.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await lineFor(id)).route).toBe('routes/workshops._index');
    expect(portal.output()).not.toContain('<script>');
  });
});

describe('/metrics', () => {
  it('refuses a request without the bearer token, or with a wrong one', async () => {
    expect((await fetch(`${portal.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${portal.url}/metrics`, { headers: { Authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await fetch(`${portal.url}/metrics`, { headers: { Authorization: TOKEN } })).status).toBe(401);
  });

  it('serves Prometheus text whose request counter moves with requests', async () => {
    const scrape = async () => {
      const response = await fetch(`${portal.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return parseMetrics(await response.text());
    };
    const labels = { route: 'routes/organisations._index', method: 'GET', status: '200' };
    const before = await scrape();
    for (let i = 0; i < 3; i++) expect((await fetch(`${portal.url}/organisations`)).status).toBe(200);
    // Each is counted when its response finishes, which may be a moment after the client has read it.
    const counted = (families: Awaited<ReturnType<typeof scrape>>) =>
      sampleValue(families, 'portal_http_requests_total', labels) - sampleValue(before, 'portal_http_requests_total', labels);
    let after = await scrape();
    while (counted(after) < 3) after = await scrape();
    expect(counted(after)).toBe(3);
    expect(after.get('portal_http_request_duration_seconds')?.type).toBe('HISTOGRAM');

    for (const name of [
      'portal_outbox_pending',
      'portal_outbox_oldest_due_age_seconds',
      'portal_mail_sent_total',
      'portal_mail_failed_total',
      'portal_job_duration_seconds',
      'portal_sqlite_database_bytes',
      'portal_sqlite_wal_bytes',
      'nodejs_eventloop_lag_seconds',
      'process_resident_memory_bytes',
    ]) {
      expect(after.has(name), name).toBe(true);
    }
    expect(sampleValue(after, 'portal_sqlite_database_bytes')).toBeGreaterThan(0);
    expect(after.get('portal_job_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(sampleValue(after, 'portal_outbox_oldest_due_age_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('answers the readiness and liveness checks', async () => {
    expect(await (await fetch(`${portal.url}/readyz`)).text()).toBe('ready');
    expect((await fetch(`${portal.url}/healthz`)).status).toBe(200);
  });
});
