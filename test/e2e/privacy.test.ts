// Privacy in the browser (issue 18): the footer's privacy page; a member asks for a copy of their data, follows the
// emailed single-use link and downloads the ZIP (then the link says it is spent); the member asks to be erased and
// a coordinator confirms it in the portal. Every page is checked with axe-core.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsOn, expectNoAxeViolations, launchBrowser, signIn, type TestBrowser } from '../support/browser';
import { startPortal, type Portal } from '../support/server';
import { linkFrom, sentTo, startSmtpCapture, type SmtpCapture } from '../support/smtp';

const PASSWORD = 'stack-the-credentials';
const MEMBER = 'member@demo.example';
const COORDINATOR = 'coordinator@demo.example';

let portal: Portal;
let browser: TestBrowser;
let smtp: SmtpCapture;

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

async function expectPage(page: Page, heading: string | RegExp) {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await expectNoAxeViolations(page);
  // A spent link answers 410, which Chromium logs as a failed resource: expected here.
  expect(errorsOn(page).filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
}

function zipEntryNames(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: false }, (error, zip) => {
      if (error) return reject(error);
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => names.push(entry.fileName));
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
    });
  });
}

describe('privacy in the browser', () => {
  it('a member downloads their data through the emailed single-use link', async () => {
    const page = await browser.newPage({ baseURL: portal.url });
    await signIn(page, MEMBER, PASSWORD);
    await page.getByRole('contentinfo').getByRole('link', { name: 'Privacy' }).click();
    await expectPage(page, 'Privacy');
    await page.getByRole('cell', { name: '90 days after sending' }).waitFor();

    await page.goto('/settings/privacy');
    await expectPage(page, 'Settings');
    await page.getByRole('button', { name: 'Download my data' }).click();
    await page.getByText(/We are preparing a copy of your data/).waitFor();

    const mail = await smtp.waitFor((m) => sentTo(MEMBER)(m) && /data is ready to download/.test(m.subject ?? ''));
    const link = linkFrom(mail, '/privacy/export/');
    await page.goto(link);
    await expectPage(page, 'Download my data');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the ZIP' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^my-data-\d{4}-\d{2}-\d{2}\.zip$/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'privacy-e2e-')), 'my-data.zip');
    await download.saveAs(file);
    const names = await zipEntryNames(file);
    expect(names).toEqual(expect.arrayContaining(['README.txt', 'profile.json', 'rsvps.json', 'posts.json', 'emails.json', 'audit.json']));

    await page.goto(link);
    await expectPage(page, 'Download my data');
    await page.getByText(/This link has already been used/).waitFor();
    await page.close();
  });

  it('a member asks to be erased and a coordinator confirms it', async () => {
    const member = await browser.newPage({ baseURL: portal.url });
    await signIn(member, MEMBER, PASSWORD);
    await member.goto('/settings/privacy');
    await member.getByRole('button', { name: 'Ask for my account to be erased' }).click();
    await member.getByText('Tick the box to confirm that you want your account erased.').waitFor();
    await expectPage(member, 'Settings');
    await member.getByLabel('I understand that my account will be erased and this cannot be undone').check();
    await member.getByRole('button', { name: 'Ask for my account to be erased' }).click();
    await member.getByText(/Your request has been sent to the coordinators/).waitFor();
    await expectPage(member, 'Settings');

    const coordinator = await browser.newPage({ baseURL: portal.url });
    await signIn(coordinator, COORDINATOR, PASSWORD);
    await coordinator.goto('/admin/erasure');
    await expectPage(coordinator, 'Admin');
    const row = coordinator.getByRole('row', { name: new RegExp(MEMBER) });
    await row.getByRole('button', { name: /^Erase/ }).click();
    await coordinator.getByText(/The account has been erased/).waitFor();
    await expectPage(coordinator, 'Admin');
    await coordinator.getByText(/Request #\d+ \(from the member\): erased/).waitFor();

    // The member is signed out everywhere: their next page asks them to sign in.
    await member.goto('/settings/privacy');
    await member.waitForURL(/\/login/);
    await coordinator.goto('/members');
    expect(await coordinator.getByText(MEMBER).count()).toBe(0);
    await member.close();
    await coordinator.close();
  });
});
