// The foundation as a person meets it: the production build in Chromium, mail caught by a real SMTP server.
// Every page visited is checked with axe-core; things are found by role and label, as a person would.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsOn, expectNoAxeViolations, launchBrowser, PHONE, signIn, signOut, type TestBrowser } from '../support/browser';
import { startPortal, type Portal } from '../support/server';
import { linkFrom, sentTo, startSmtpCapture, type SmtpCapture } from '../support/smtp';

const DEMO_PASSWORD = 'stack-the-credentials';
const COORDINATOR = 'coordinator@demo.example';
const MEMBER = 'member@demo.example';

let smtp: SmtpCapture;
let portal: Portal;
let browser: TestBrowser;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  portal = await startPortal({ env: { SMTP_URL: smtp.url } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await smtp?.close();
});

async function openPage(options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {}) {
  return browser.newPage({ baseURL: portal.url, ...options });
}

/**
 * Waits for the page's one h1 (and, on pages inside a section such as Admin or Settings, its h2), then checks the
 * page with axe and for script errors (a CSP violation is one).
 */
async function expectPage(page: Page, heading: string | RegExp, subheading?: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: heading, exact: typeof heading === 'string' }).waitFor();
  if (subheading) await page.getByRole('heading', { level: 2, name: subheading, exact: typeof subheading === 'string' }).waitFor();
  expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
  await expectNoAxeViolations(page);
  // Chromium logs every 4xx response as "Failed to load resource"; a 400 for a bad form is expected behaviour.
  expect(errorsOn(page).filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
}

async function expectSignedInAs(page: Page, name: string) {
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.getByRole('link', { name }).first().waitFor();
}

describe('signing in and out', () => {
  it('signs the demo coordinator in, shows the admin area in the navigation, and signs out', async () => {
    const page = await openPage();
    await page.goto('/');
    await expectPage(page, 'Micro-credentials Community of Practice');
    await page.getByRole('link', { name: 'Sign in', exact: true }).first().click();
    await expectPage(page, 'Sign in');

    await signIn(page, COORDINATOR, DEMO_PASSWORD);
    await expectSignedInAs(page, 'Demo Coordinator');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).isVisible()).resolves.toBe(true);
    await expectPage(page, 'Kia ora, Demo Coordinator');

    await signOut(page);
    await expectPage(page, 'Micro-credentials Community of Practice');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);

    // The session really ended: a members-only page sends the browser to sign in.
    await page.goto('/settings/profile');
    await page.waitForURL((url) => url.pathname === '/login');
    await expectPage(page, 'Sign in');
  });
});

describe('joining', () => {
  it('lets a coordinator invite someone, who follows the emailed link, sets a password and is signed in', async () => {
    const coordinator = await openPage();
    await coordinator.goto('/login');
    await signIn(coordinator, COORDINATOR, DEMO_PASSWORD);
    await coordinator.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await expectPage(coordinator, 'Admin', 'Overview');
    await coordinator.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Invitations' }).click();
    await expectPage(coordinator, 'Admin', 'Invitations');

    await coordinator.getByLabel('Email address').fill('wiremu.invited@example.nz');
    await coordinator.getByLabel('Organisation').selectOption({ label: 'MITO' });
    await coordinator.getByLabel('Role').selectOption({ label: 'Project manager' });
    await coordinator.getByRole('button', { name: 'Send invitation' }).click();
    await coordinator.getByRole('rowheader', { name: 'wiremu.invited@example.nz' }).waitFor();
    await expectPage(coordinator, 'Admin', 'Invitations');

    const invitation = await smtp.waitFor(sentTo('wiremu.invited@example.nz'));
    expect(invitation.subject).toContain('Demo Coordinator has invited you');
    const link = linkFrom(invitation, '/invite/');
    expect(invitation.html).toContain(`href="${link}"`);
    expect(link.startsWith(portal.url)).toBe(true);

    const invitee = await openPage();
    await invitee.goto(link);
    await expectPage(invitee, 'Accept your invitation');
    await expect(invitee.getByText('MITO', { exact: true }).isVisible()).resolves.toBe(true);
    await invitee.getByLabel('Your name').fill('Wiremu Invited');
    await invitee.getByLabel('Choose a password').fill('kumara-harbour-lantern-42');
    await invitee.getByLabel('Type the password again').fill('kumara-harbour-lantern-42');
    await invitee.getByRole('button', { name: 'Create my account' }).click();

    await invitee.waitForURL((url) => url.pathname === '/');
    await expectSignedInAs(invitee, 'Wiremu Invited');
    await expectPage(invitee, 'Kia ora, Wiremu Invited');

    // The link is single use.
    const again = await openPage();
    await again.goto(link);
    await expectPage(again, 'This invitation is not available');
  });

  it('lets someone request to join, confirm their email, be approved by a coordinator and sign in', async () => {
    const applicant = await openPage();
    await applicant.goto('/join');
    await expectPage(applicant, 'Request to join');
    await applicant.getByLabel('Your name').fill('Aroha Applicant');
    await applicant.getByLabel('Email address').fill('aroha.applicant@example.nz');
    await applicant.getByLabel('Organisation').selectOption({ label: 'Otago Polytechnic' });
    await applicant.getByLabel('Why would you like to join? (optional)').fill('I lead our EduBits micro-credential pilots.');
    await applicant.getByLabel('Choose a password').fill('pohutukawa-summer-reading');
    await applicant.getByLabel('Type the password again').fill('pohutukawa-summer-reading');
    await applicant.getByRole('button', { name: 'Send request' }).click();
    await expectPage(applicant, 'Check your email');

    const verify = await smtp.waitFor(sentTo('aroha.applicant@example.nz'));
    const verifyLink = linkFrom(verify, '/join/verify/');
    await applicant.goto(verifyLink);
    await expectPage(applicant, 'Thanks, your email address is confirmed');

    // Not a member until a coordinator approves.
    await applicant.goto('/login');
    await applicant.getByLabel('Email address').fill('aroha.applicant@example.nz');
    await applicant.getByLabel('Password', { exact: true }).fill('pohutukawa-summer-reading');
    await applicant.getByRole('button', { name: 'Sign in', exact: true }).click();
    await applicant.getByText('That email and password do not match an active account.').waitFor();

    const coordinator = await openPage();
    await coordinator.goto('/login');
    await signIn(coordinator, COORDINATOR, DEMO_PASSWORD);
    await coordinator.goto('/admin');
    await coordinator.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: /Join requests/ }).click();
    await expectPage(coordinator, 'Admin', 'Join requests');
    await coordinator.getByLabel('Note to Aroha Applicant (optional)').fill('Welcome: the August workshop is a good start.');
    await coordinator.getByRole('button', { name: 'Approve Aroha Applicant' }).click();
    await coordinator.getByText('Aroha Applicant is now a member and has been emailed.').waitFor();
    await coordinator.getByRole('rowheader', { name: /Aroha Applicant/ }).waitFor();
    await expectPage(coordinator, 'Admin', 'Join requests');

    const decided = await smtp.waitFor((m) => sentTo('aroha.applicant@example.nz')(m) && m.messageId !== verify.messageId);
    expect(decided.text).toMatch(/approved/i);
    expect(decided.text).toContain('Welcome: the August workshop is a good start.');
    const loginLink = linkFrom(decided, '/login');

    await applicant.goto(loginLink);
    await expectPage(applicant, 'Sign in');
    await signIn(applicant, 'aroha.applicant@example.nz', 'pohutukawa-summer-reading');
    await expectSignedInAs(applicant, 'Aroha Applicant');
    await expectPage(applicant, 'Kia ora, Aroha Applicant');
  });
});

describe('resetting a password', () => {
  it('resets a forgotten password with the emailed link; the old password stops working', async () => {
    const email = 'jo.brady@demo.example';
    const page = await openPage();
    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgotten your password?' }).click();
    await expectPage(page, 'Reset your password');
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await expectPage(page, 'Check your email');

    const message = await smtp.waitFor(sentTo(email));
    const link = linkFrom(message, '/reset-password/');
    expect(message.html).toContain(`href="${link}"`);

    await page.goto(link);
    await expectPage(page, 'Choose a new password');
    await page.getByLabel('New password', { exact: true }).fill('tui-song-at-dawn-2019');
    await page.getByLabel('Type the new password again').fill('tui-song-at-dawn-2019');
    await page.getByRole('button', { name: 'Save new password' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await expectPage(page, 'Sign in');

    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('That email and password do not match an active account.').waitFor();

    await signIn(page, email, 'tui-song-at-dawn-2019');
    await expectSignedInAs(page, 'Jo Brady');

    // The link worked once.
    const again = await openPage();
    await again.goto(link);
    await expectPage(again, 'This reset link is not valid');
  });
});

describe('without JavaScript', () => {
  it('shows a wrong-password error keeping the email, then signs in with the right one', async () => {
    const page = await openPage({ javaScriptEnabled: false });
    await page.goto('/login');
    await expectPage(page, 'Sign in');

    await page.getByLabel('Email address').fill(MEMBER);
    await page.getByLabel('Password', { exact: true }).fill('not-the-right-password');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
      page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    ]);
    expect(response.status()).toBe(400);
    await page.getByText('That email and password do not match an active account.').waitFor();
    await expect(page.getByLabel('Email address').inputValue()).resolves.toBe(MEMBER);
    await expectPage(page, 'Sign in');

    await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await expectSignedInAs(page, 'Demo Member');
    await expectPage(page, 'Kia ora, Demo Member');
  });
});

describe('cross-site requests', () => {
  it('refuses a POST whose Origin is another site', async () => {
    const response = await fetch(`${portal.url}/login`, {
      method: 'POST',
      headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: MEMBER, password: DEMO_PASSWORD }),
      redirect: 'manual',
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();

    const sameOrigin = await fetch(`${portal.url}/login`, {
      method: 'POST',
      headers: { Origin: portal.url, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: MEMBER, password: DEMO_PASSWORD }),
      redirect: 'manual',
    });
    expect(sameOrigin.status).toBe(302);
  });

  it('refuses a form another origin submits in the browser, and the person stays signed in', async () => {
    // Same site (localhost), another port: the browser would send the SameSite=Lax cookie, so only the Origin check stops it.
    const evil = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><title>Win a prize</title>
        <form id="f" method="post" action="${portal.url}/logout"></form>
        <script>document.getElementById('f').submit()</script></html>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, resolve));
    const evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}/`;
    try {
      const page = await openPage();
      await page.goto('/login');
      await signIn(page, COORDINATOR, DEMO_PASSWORD);
      await expectSignedInAs(page, 'Demo Coordinator');

      const refused = page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === `${portal.url}/logout`);
      await page.goto(evilUrl);
      const response = await refused;
      expect(response.status()).toBe(403);
      expect(await response.text()).toContain('Cross-site request refused');

      await page.goto('/');
      await expectSignedInAs(page, 'Demo Coordinator');
    } finally {
      await new Promise((resolve) => evil.close(resolve));
    }
  });
});

describe('the server', () => {
  it('answers /healthz with 200', async () => {
    const response = await fetch(`${portal.url}/healthz`);
    expect(response.status).toBe(200);
  });

  it('sends the security headers, with a fresh CSP nonce that matches every script tag', async () => {
    const first = await fetch(`${portal.url}/login`);
    const second = await fetch(`${portal.url}/login`);
    const html = await first.text();
    const csp = first.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];

    expect(nonce).toBeTruthy();
    expect(second.headers.get('content-security-policy')).not.toContain(`'nonce-${nonce}'`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src [^;]*'nonce-/);
    expect(csp).not.toMatch(/script-src [^;]*'unsafe-inline'/);
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(first.headers.get('referrer-policy')).toBeTruthy();

    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it('shows the 404 page for an unknown address, without a stack trace', async () => {
    const page = await openPage();
    const response = await page.goto('/no-such-page/at-all');
    expect(response?.status()).toBe(404);
    await expectPage(page, 'Page not found');
    const text = await page.locator('body').innerText();
    expect(text).not.toMatch(/\bat .+:\d+:\d+|node_modules|\.tsx?:\d+/);
    await expect(page.getByRole('link', { name: 'Go to the home page' }).isVisible()).resolves.toBe(true);

    const raw = await (await fetch(`${portal.url}/no-such-page/at-all`)).text();
    expect(raw).not.toMatch(/\bat .+:\d+:\d+|node_modules/);
  });
});

describe('on a phone', () => {
  async function expectNoSideways(page: Page) {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${page.url()} is ${width}px wide`).toBeLessThanOrEqual(PHONE.width);
  }

  type Visit = [path: string, heading: string, subheading?: string];

  async function visitAll(page: Page, visits: Visit[]) {
    for (const [path, heading, subheading] of visits) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      await expectPage(page, heading, subheading);
      await expectNoSideways(page);
    }
  }

  it('fits every page a visitor sees to a 390px wide screen', async () => {
    const page = await openPage({ viewport: PHONE });
    await visitAll(page, [
      ['/', 'Micro-credentials Community of Practice'],
      ['/login', 'Sign in'],
      ['/join', 'Request to join'],
      ['/forgot-password', 'Reset your password'],
    ]);
  });

  it('fits the member and admin pages to a 390px wide screen', async () => {
    const page = await openPage({ viewport: PHONE });
    await page.goto('/login');
    await signIn(page, COORDINATOR, DEMO_PASSWORD);
    await visitAll(page, [
      ['/', 'Kia ora, Demo Coordinator'],
      ['/organisations', 'Organisations'],
      ['/organisations/otago-polytechnic', 'Otago Polytechnic'],
      ['/members', 'Members'],
      ['/settings/profile', 'Settings', 'Profile'],
      ['/admin', 'Admin', 'Overview'],
      ['/admin/organisations', 'Admin', 'Organisations'],
      ['/admin/members', 'Admin', 'Members'],
      ['/admin/invitations', 'Admin', 'Invitations'],
      ['/admin/join-requests', 'Admin', 'Join requests'],
      ['/admin/audit', 'Admin', 'Audit log'],
    ]);
  });
});
