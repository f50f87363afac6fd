// Second factors in Chromium: passkeys through the DevTools protocol's virtual authenticator (a platform
// authenticator with resident keys and user verification), an authenticator app whose codes the test computes, and
// recovery codes. The portal runs with MFA_GRACE_DAYS=0, so the demo coordinator must enrol before any admin page.
import { generateHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsOn, expectNoAxeViolations, launchBrowser, signOut, type TestBrowser } from '../support/browser';
import { startPortal, type Portal } from '../support/server';
import { sentTo, startSmtpCapture, type SmtpCapture } from '../support/smtp';

const DEMO_PASSWORD = 'stack-the-credentials';
const COORDINATOR = 'coordinator@demo.example';
const MEMBER = 'member@demo.example';

let smtp: SmtpCapture;
let portal: Portal;
let browser: TestBrowser;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  portal = await startPortal({ env: { SMTP_URL: smtp.url, MFA_GRACE_DAYS: '0' } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await smtp?.close();
});

async function openPage(options: { javaScriptEnabled?: boolean } = {}) {
  return browser.newPage({ baseURL: portal.url, ...options });
}

async function expectPage(page: Page, heading: string) {
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
  await expectNoAxeViolations(page);
  expect(errorsOn(page).filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
}

/** A platform authenticator in this tab: resident keys (passkeys), user verification that always succeeds. */
async function addVirtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { cdp, authenticatorId };
}

/** The password step, as a person does it; the caller waits for what comes next. */
async function enterPassword(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

function codeFor(key: Uint8Array, step: number): string {
  return generateHOTP(key, BigInt(step), 6);
}

const currentStep = () => Math.floor(Date.now() / 30_000);

let appKey: Uint8Array;
let setupStep: number;
let savedRecoveryCodes: string[] = [];

describe('passkeys', () => {
  it('registers a passkey at /settings/security, then signs in with it alone after signing out', async () => {
    const page = await openPage();
    const { cdp, authenticatorId } = await addVirtualAuthenticator(page);
    await enterPassword(page, MEMBER);
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto('/settings/security');
    await expectPage(page, 'Settings');

    await page.getByLabel('Name for a new passkey').fill('Work laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    // The first second factor brings ten recovery codes, shown once.
    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    expect(await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count()).toBe(10);
    await page.getByRole('heading', { level: 3, name: 'Work laptop' }).waitFor();
    await expect(page.getByText('Not used yet.').isVisible()).resolves.toBe(true);
    await expectPage(page, 'Settings');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0].isResidentCredential).toBe(true);
    const added = await smtp.waitFor(sentTo(MEMBER));
    expect(added.subject).toBe('A passkey was added to your account');

    // Renaming works as a plain form.
    await page.getByLabel('New name for Work laptop').fill('Work laptop (Chromium)');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('heading', { level: 3, name: 'Work laptop (Chromium)' }).waitFor();

    await page.goto('/');
    await signOut(page);
    // This tab's browser offers passkeys in the email field's autofill (conditional UI); Chromium's virtual
    // authenticator picks the passkey at once, as a person choosing it from the list would.
    await page.goto('/login');
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('heading', { level: 1, name: 'Kia ora, Demo Member' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    await page.goto('/settings/security');
    await page.getByText(/^Added .*\. Last used /).waitFor();
    await expectPage(page, 'Settings');
    await page.goto('/');
    await signOut(page);

    // A browser without autofill for passkeys: the "Sign in with a passkey" button.
    await page.addInitScript(() => {
      Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', { value: async () => false });
    });
    await page.goto('/login');
    await expectPage(page, 'Sign in');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('heading', { level: 1, name: 'Kia ora, Demo Member' }).waitFor();
    await signOut(page);

    // With a passkey, the password alone is no longer enough: the passkey is asked for as the second step.
    await enterPassword(page, MEMBER);
    await page.waitForURL((url) => url.pathname === '/login/verify');
    await expectPage(page, 'Confirm it is you');
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('refuses a passkey this portal does not know, and starts no session', async () => {
    const page = await openPage();
    const { cdp, authenticatorId } = await addVirtualAuthenticator(page);
    // A passkey for this site made elsewhere: the authenticator holds it, the portal has never seen it.
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await cdp.send('WebAuthn.addCredential', {
      authenticatorId,
      credential: {
        credentialId: Buffer.from('unknown-credential-0001').toString('base64'),
        isResidentCredential: true,
        rpId: 'localhost',
        privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        userHandle: Buffer.from('someone-else').toString('base64'),
        signCount: 1,
      },
    });
    await page.addInitScript(() => {
      Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', { value: async () => false });
    });
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('alert').filter({ hasText: 'This passkey is not registered here' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await expectPage(page, 'Sign in');
  });

  it('refuses the second step from an authenticator without the person’s passkey, and starts no session', async () => {
    const page = await openPage();
    await addVirtualAuthenticator(page);
    await enterPassword(page, MEMBER);
    await page.waitForURL((url) => url.pathname === '/login/verify');
    await expectPage(page, 'Confirm it is you');
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('alert').filter({ hasText: /passkey/i }).waitFor();
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  });
});

describe('the coordinator policy and an authenticator app', () => {
  it('sends the coordinator to set up a second factor before /admin, by QR code or key, then on to /admin', async () => {
    const page = await openPage();
    await enterPassword(page, COORDINATOR);
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto('/admin');
    await page.waitForURL((url) => url.pathname === '/settings/security' && url.searchParams.get('setup') === 'required');
    await expectPage(page, 'Settings');
    await expect(page.getByRole('alert').filter({ hasText: 'Coordinators need a second factor' }).isVisible()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.getByRole('img', { name: /QR code for your authenticator app/ }).waitFor();
    await expectPage(page, 'Settings');
    const written = (await page.locator('code.secret-key').textContent())!.replace(/\s/g, '');
    appKey = decodeBase32IgnorePadding(written);

    // A wrong code changes nothing.
    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('That code is not right').waitFor();

    setupStep = currentStep();
    await page.getByLabel('Code from the app').fill(codeFor(appKey, setupStep));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    savedRecoveryCodes = await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allTextContents();
    expect(savedRecoveryCodes).toHaveLength(10);
    await expectPage(page, 'Settings');
    await page.getByRole('link', { name: 'I have saved them: continue' }).click();
    await page.waitForURL((url) => url.pathname === '/admin');
    await page.getByRole('heading', { level: 2, name: 'Overview' }).waitFor();
    await expectPage(page, 'Admin');
  });

  it('signs the coordinator in with a code computed here; a code already used is refused', async () => {
    const page = await openPage();
    await enterPassword(page, COORDINATOR);
    await page.waitForURL((url) => url.pathname === '/login/verify');
    await expectPage(page, 'Confirm it is you');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);

    await page.getByLabel('Six-digit code').fill(codeFor(appKey, setupStep));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('That code has already been used').waitFor();
    await expectPage(page, 'Confirm it is you');

    // The next step's code (accepted while its step is within one of now).
    await page.getByLabel('Six-digit code').fill(codeFor(appKey, Math.max(currentStep(), setupStep) + 1));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto('/admin');
    await page.getByRole('heading', { level: 2, name: 'Overview' }).waitFor();
  });

  it('signs in with a recovery code with JavaScript off, once; the code does not work again', async () => {
    const page = await openPage({ javaScriptEnabled: false });
    await enterPassword(page, COORDINATOR);
    await page.waitForURL((url) => url.pathname === '/login/verify');
    await expectPage(page, 'Confirm it is you');
    await page.getByRole('textbox', { name: 'Recovery code' }).fill(savedRecoveryCodes[0]);
    await page.getByRole('button', { name: 'Use recovery code' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const mail = await smtp.waitFor((m) => sentTo(COORDINATOR)(m) && m.subject === 'A recovery code was used to sign in to your account');
    expect(mail.text).toContain('9 recovery codes are left');

    const again = await openPage({ javaScriptEnabled: false });
    await enterPassword(again, COORDINATOR);
    await again.waitForURL((url) => url.pathname === '/login/verify');
    await again.getByRole('textbox', { name: 'Recovery code' }).fill(savedRecoveryCodes[0]);
    await again.getByRole('button', { name: 'Use recovery code' }).click();
    await again.getByText('That recovery code has already been used').waitFor();
    expect(await again.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  });
});
