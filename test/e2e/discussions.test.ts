// Discussions as people meet them in the browser: a member starts a thread about a workshop (from its "Discuss this"
// section) with a preview, another member replies quoting it and reports it on its own page with JavaScript off, the
// first edits their post and sees the "edited" mark and the history, a coordinator looks over the category and
// moderation pages, and the unwatch link from an email works without signing in. axe-core checks every page visited.
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema';
import { seedDiscussions } from '../../db/seed-discussions';
import { errorsOn, expectNoAxeViolations, launchBrowser, signIn, type TestBrowser } from '../support/browser';
import { startPortal, type Portal } from '../support/server';

const DEMO_PASSWORD = 'stack-the-credentials';
const SECRET = 'e2e-secret-e2e-secret-e2e-secret-0123456789';
const MEMBER = { email: 'member@demo.example', name: 'Demo Member' };
const BILL = { email: 'bill.sole@demo.example', name: 'Bill Sole' };
const COORDINATOR = 'coordinator@demo.example';
const WORKSHOP_SLUG = 'sharing-pilot-approaches-and-emerging-results';
const WORKSHOP_TITLE = 'Sharing the approaches and emerging results of the engineering micro-credential pilots';
const TITLE = 'Which pilot results should we bring to the workshop?';

let portal: Portal;
let browser: TestBrowser;
let database: Database.Database;

beforeAll(async () => {
  portal = await startPortal({ env: { SESSION_SECRET: SECRET } });
  database = new Database(portal.databasePath);
  database.pragma('busy_timeout = 5000');
  // The demo seed includes these; seeding again is a no-op, and keeps this file independent of the seed order.
  const orm = drizzle(database, { schema });
  orm.transaction((tx) => seedDiscussions(tx as never));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  database?.close();
  await portal?.stop();
});

async function openPage(options: { javaScriptEnabled?: boolean } = {}) {
  return browser.newPage({ baseURL: portal.url, ...options });
}

/** Waits for the page's one h1, then checks it with axe and for script errors (a CSP violation is one). */
async function expectPage(page: Page, heading: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
  await expectNoAxeViolations(page);
  expect(errorsOn(page).filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
}

function post(page: Page, number: number) {
  return page.locator(`#post-${number}`);
}

describe('a conversation about a workshop', () => {
  let threadPath = '';

  it('sends a visitor to sign in', async () => {
    const page = await openPage();
    await page.goto('/discussions');
    await page.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('redirectTo') === '/discussions');
    await page.close();
  });

  it('a member starts a thread from the workshop page, previewing it first', async () => {
    const page = await openPage();
    await signIn(page, MEMBER.email, DEMO_PASSWORD);
    await page.goto(`/workshops/${WORKSHOP_SLUG}`);
    await page.getByRole('heading', { level: 1, name: WORKSHOP_TITLE }).waitFor();
    await page.getByRole('heading', { name: 'Discuss this' }).waitFor();
    await page.getByRole('link', { name: 'Start a discussion' }).click();
    await expectPage(page, 'Start a thread');
    await page.getByRole('link', { name: WORKSHOP_TITLE }).waitFor();
    await expect(page.getByLabel('Category').locator('option:checked').textContent()).resolves.toBe('Workshops');

    await page.getByLabel('Title').fill(TITLE);
    await page.getByLabel('Your post').fill('I would like to hear how the pilots **stack into the NZDE**.\n\n- credit values\n- levels');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.locator('strong', { hasText: 'stack into the NZDE' }).waitFor();
    await expectPage(page, 'Start a thread');
    await expect(page.getByLabel('Title').inputValue()).resolves.toBe(TITLE);

    await page.getByRole('button', { name: 'Start thread' }).click();
    await expectPage(page, TITLE);
    await page.getByText('Thread started.').waitFor();
    await post(page, 1).locator('strong', { hasText: 'stack into the NZDE' }).waitFor();
    await page.getByRole('link', { name: WORKSHOP_TITLE }).waitFor(); // links back to the workshop
    threadPath = new URL(page.url()).pathname;
    expect(threadPath).toMatch(/^\/discussions\/\d+$/);
    await page.close();
  });

  it('another member finds it as new and replies with a quote, with JavaScript off', async () => {
    const page = await openPage({ javaScriptEnabled: false });
    await signIn(page, BILL.email, DEMO_PASSWORD);
    await page.goto('/discussions');
    await expectPage(page, 'Discussions');
    const latest = page.getByRole('region', { name: 'Latest threads' });
    const item = latest.getByRole('listitem').filter({ hasText: TITLE });
    await item.getByText('New', { exact: true }).waitFor();
    await item.getByRole('link', { name: TITLE }).click();
    await expectPage(page, TITLE);

    await post(page, 1).getByRole('link', { name: 'Quote' }).click();
    await expectPage(page, TITLE);
    const textarea = page.getByLabel('Your reply');
    const prefilled = await textarea.inputValue();
    expect(prefilled).toContain(`> **${MEMBER.name}** wrote in [post #1]`);
    await textarea.fill(`${prefilled}Credit values first: NZBED will want to see how they align with its quality assurance.`);
    await page.getByRole('button', { name: 'Post reply' }).click();
    await page.waitForURL((url) => url.hash === '#post-2');
    await expectPage(page, TITLE);
    await post(page, 2).locator('blockquote').getByText('stack into the NZDE').waitFor();
    await post(page, 2).getByText('Credit values first').waitFor();
    await page.close();
  });

  it('that member reports the first post on its own page, with JavaScript off', async () => {
    const page = await openPage({ javaScriptEnabled: false });
    await signIn(page, BILL.email, DEMO_PASSWORD);
    await page.goto(`${threadPath}?page=1`);
    await expectPage(page, TITLE);
    await expect(post(page, 2).getByRole('link', { name: 'Report post #2' }).count()).resolves.toBe(0); // his own
    await post(page, 1).getByRole('link', { name: 'Report post #1' }).click();
    await expectPage(page, 'Report post #1');
    await page.locator('.post strong', { hasText: 'stack into the NZDE' }).waitFor(); // the post being reported
    await page.getByRole('button', { name: 'Send report' }).click();
    await expectPage(page, 'Report post #1');
    await page.getByText('Say what is wrong with this post.').waitFor();
    await page.getByLabel('Why are you reporting post #1?').fill('Testing the report page.');
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.waitForURL((url) => url.hash === '#post-1');
    await expectPage(page, TITLE);
    await page.getByText('Thank you: the post has been reported to the coordinators.').waitFor();
    await page.close();
  });

  it('the first member edits their post and sees the edited mark and its history', async () => {
    const page = await openPage();
    await signIn(page, MEMBER.email, DEMO_PASSWORD);
    await page.goto(threadPath);
    // Opens at the first unread post: Bill's reply.
    await page.waitForURL((url) => url.hash === '#post-2');
    await expectPage(page, TITLE);
    await page.locator('.unread-marker').waitFor();

    await post(page, 1).getByRole('link', { name: 'Edit' }).click();
    await expectPage(page, 'Edit post #1');
    await page.getByLabel('Your post').fill('I would like to hear how the pilots **stack into the NZDE and the BEngTech**.');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL((url) => url.hash === '#post-1');
    await expectPage(page, TITLE);
    await page.getByText('Post updated.').waitFor();
    await post(page, 1).getByText('stack into the NZDE and the BEngTech').waitFor();
    await post(page, 1).getByRole('link', { name: 'edited' }).click();
    await expectPage(page, 'History of post #1');
    await page.getByRole('heading', { name: 'Version 2 (current)' }).waitFor();
    await page.getByRole('heading', { name: 'Version 1 (original)' }).waitFor();
    await page.locator('ins', { hasText: 'and the BEngTech' }).first().waitFor();
    await page.close();
  });

  it('a coordinator sees the category, moderation and category admin pages, and locks the thread', async () => {
    const page = await openPage();
    await signIn(page, COORDINATOR, DEMO_PASSWORD);
    await page.goto('/discussions/c/workshops');
    await expectPage(page, 'Workshops');
    await page.getByRole('link', { name: TITLE }).click();
    await expectPage(page, TITLE);
    await page.getByRole('button', { name: 'Lock thread' }).click();
    await page.getByText('Thread locked: it no longer takes replies.').waitFor();
    await page.getByText('Locked: this thread no longer takes replies.').first().waitFor();
    await expect(page.getByLabel('Your reply').count()).resolves.toBe(0);
    await expectPage(page, TITLE);
    await page.goto('/admin/moderation');
    await expectPage(page, 'Admin');
    await page.getByRole('heading', { name: 'Reported posts' }).waitFor();
    await page.getByText('Testing the report page.').first().waitFor();
    await page.goto('/admin/categories');
    await expectPage(page, 'Admin');
    await page.getByRole('heading', { name: 'Discussion categories' }).waitFor();
    await page.close();
  });

  it('the link in a notification stops emails about the thread without signing in', async () => {
    const threadId = Number(threadPath.split('/').pop());
    const { id: userId } = database.prepare('select id from users where email = ?').get(MEMBER.email) as { id: number };
    const mac = crypto.createHmac('sha256', SECRET).update(`discussions.unwatch:${userId}:${threadId}`).digest('base64url');
    const page = await openPage();
    await page.goto(`/discussions/unwatch/${userId}.${threadId}.${mac}`);
    await expectPage(page, 'Stop emails about this thread?');
    await page.getByRole('button', { name: 'Stop emails about this thread' }).click();
    await expectPage(page, 'Emails stopped');
    const watch = database.prepare('select level from thread_watches where user_id = ? and thread_id = ?').get(userId, threadId) as { level: string };
    expect(watch.level).toBe('muted');

    const forged = await fetch(`${portal.url}/discussions/unwatch/${userId}.${threadId}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`);
    expect(forged.status).toBe(400);
    await page.close();
  });
});
