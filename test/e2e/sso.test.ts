// Single sign-on as a person meets it: the production build in Chromium, a real OpenID Provider (oidc-provider) on
// a loopback port with its own sign-in page. Every portal page on the way is checked with axe-core.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsOn, expectNoAxeViolations, launchBrowser, signIn, type TestBrowser } from '../support/browser';
import { startOpenIdProvider, type TestOpenIdProvider } from '../support/oidc-provider';
import { freePort, startPortal, type Portal } from '../support/server';

const DEMO_PASSWORD = 'stack-the-credentials';
let op: TestOpenIdProvider;
let portal: Portal;
let browser: TestBrowser;

beforeAll(async () => {
  const port = await freePort();
  op = await startOpenIdProvider({ redirectUris: [`http://localhost:${port}/auth/oidc/callback`] });
  portal = await startPortal({
    port,
    env: { OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: op.clientId, OIDC_CLIENT_SECRET: op.clientSecret, OIDC_LABEL: 'Sign in with Tuakiri' },
  });
  browser = await launchBrowser();
  op.account('member-sub', { email: 'member@demo.example', email_verified: true, name: 'Demo Member' });
  op.account('newcomer-sub', { email: 'aroha.apprentice@bcito.example.nz', email_verified: true, name: 'Aroha Apprentice' });
  op.account('stranger-sub', { email: 'someone@unknown.example.com', email_verified: true, name: 'Some One' });
  op.account('pm-personal', { email: 'pm@personal.example', email_verified: false, name: 'Demo Project Manager' });
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await op?.stop();
});

async function expectPage(page: Page, heading: string | RegExp) {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await expectNoAxeViolations(page);
  expect(errorsOn(page).filter((e) => !e.includes('Failed to load resource') && !e.includes(op.issuer))).toEqual([]);
}

/** On the provider's own sign-in page: type the account and any password, and press its button. */
async function signInAtProvider(page: Page, login: string) {
  await page.waitForURL((url) => url.href.startsWith(op.issuer));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.waitForURL((url) => url.href.startsWith(portal.url));
}

describe('signing in with an OpenID provider', () => {
  it('signs a member in from the sign-in page, on the provider’s own page, and back where they were going', async () => {
    const page = await browser.newPage({ baseURL: portal.url });
    await page.goto('/login?redirectTo=%2Fworkshops');
    await expectPage(page, 'Sign in');
    await page.getByRole('button', { name: 'Sign in with Tuakiri' }).click();
    await signInAtProvider(page, 'member-sub');
    await page.waitForURL((url) => url.pathname === '/workshops');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await expectPage(page, /Workshops/);
    await page.close();
  });

  it('works with JavaScript off too', async () => {
    const page = await browser.newPage({ baseURL: portal.url, javaScriptEnabled: false });
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in with Tuakiri' }).click();
    await signInAtProvider(page, 'member-sub');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.close();
  });

  it('says so on the sign-in page when the person cancels at the provider', async () => {
    const page = await browser.newPage({ baseURL: portal.url });
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in with Tuakiri' }).click();
    await page.waitForURL((url) => url.href.startsWith(op.issuer));
    await page.getByRole('link', { name: /cancel/i }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    expect(await page.getByRole('alert').textContent()).toContain('Signing in with Tuakiri was cancelled');
    await expectPage(page, 'Sign in');
    await page.close();
  });

  it('turns a first sign-in from a registered domain into a join request the coordinator sees', async () => {
    const coordinator = await browser.newPage({ baseURL: portal.url });
    await signIn(coordinator, 'coordinator@demo.example', DEMO_PASSWORD);
    await coordinator.goto('/admin/organisations');
    await coordinator.getByRole('link', { name: 'Edit organisation BCITO' }).click();
    await coordinator.getByRole('heading', { name: 'Single sign-on' }).waitFor();
    await coordinator.getByLabel('Email domains').fill('not a domain');
    await coordinator.getByRole('button', { name: 'Save single sign-on' }).click();
    await coordinator.getByText('“not” is not an email domain').waitFor();
    await coordinator.getByLabel('Email domains').fill('bcito.example.nz');
    await coordinator.getByRole('button', { name: 'Save single sign-on' }).click();
    await coordinator.getByText('Saved single sign-on for BCITO.').waitFor();
    expect(await coordinator.getByLabel('Email domains').inputValue()).toBe('bcito.example.nz');
    await expectPage(coordinator, 'Admin');

    const newcomer = await browser.newPage({ baseURL: portal.url });
    await newcomer.goto('/login');
    await newcomer.getByRole('button', { name: 'Sign in with Tuakiri' }).click();
    await signInAtProvider(newcomer, 'newcomer-sub');
    await expectPage(newcomer, 'Your request to join has been sent');
    expect(await newcomer.getByText('as staff of BCITO').count()).toBe(1);
    await newcomer.close();

    await coordinator.goto('/admin/join-requests');
    await coordinator.getByText('aroha.apprentice@bcito.example.nz · BCITO').waitFor();
    await coordinator.getByRole('button', { name: 'Approve Aroha Apprentice' }).click();
    await coordinator.getByText(/Aroha Apprentice is now a member/).waitFor();
    await coordinator.close();

    const member = await browser.newPage({ baseURL: portal.url });
    await member.goto('/login');
    await member.getByRole('button', { name: 'Sign in with Tuakiri' }).click();
    await signInAtProvider(member, 'newcomer-sub');
    await member.getByRole('button', { name: 'Sign out' }).waitFor();
    await member.close();
  });

  it('explains how to ask to join to someone from an unknown domain', async () => {
    const page = await browser.newPage({ baseURL: portal.url });
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in with Tuakiri' }).click();
    await signInAtProvider(page, 'stranger-sub');
    await expectPage(page, 'We do not recognise your organisation yet');
    await page.getByRole('main').getByRole('link', { name: 'Request to join' }).waitFor();
    await page.close();
  });

  it('links and unlinks a provider in the security settings', async () => {
    const page = await browser.newPage({ baseURL: portal.url });
    await signIn(page, 'project.manager@demo.example', DEMO_PASSWORD);
    await page.goto('/settings/security');
    await page.getByRole('heading', { name: "Sign in with your organisation's account" }).waitFor();
    await expectPage(page, 'Settings');
    await page.getByRole('button', { name: 'Link Tuakiri' }).click();
    await signInAtProvider(page, 'pm-personal');
    await page.getByText('You can now sign in with Tuakiri (pm@personal.example).').waitFor();
    await expectPage(page, 'Settings');
    await page.getByRole('button', { name: 'Remove Tuakiri (pm@personal.example)' }).click();
    await page.getByText('You can no longer sign in with Tuakiri (pm@personal.example).').waitFor();
    expect(await page.getByRole('button', { name: /Remove Tuakiri/ }).count()).toBe(0);
    await page.close();
  });
});
