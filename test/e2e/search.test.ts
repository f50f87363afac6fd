// Search, the duplication radar and the community map as people meet them in the browser, on the seeded demo
// community: a visitor finds a sentence from inside a seeded report from the header's box, and a seeded pilot as they
// type; the same works with JavaScript off; a project manager sees the radar while writing a new case study (and a
// coordinator, without JavaScript, on a new workshop); the map leads to the work behind a cell, on a phone too.
// axe-core checks every page visited.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsOn, expectNoAxeViolations, launchBrowser, PHONE, signIn, type TestBrowser } from '../support/browser';
import { startPortal, type Portal } from '../support/server';

const DEMO_PASSWORD = 'stack-the-credentials';
const REPORT = 'Micro-credentials: a model for engineering education?';
const PILOT = 'Udacity Self-Driving Car Engineer Nanodegree';
// In the seeded report's PDF only: not in its title, summary or anywhere else in the demo community.
const SENTENCE = 'The pilots differ in their target audiences';

let portal: Portal;
let browser: TestBrowser;

beforeAll(async () => {
  portal = await startPortal();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

async function expectPage(page: Page, heading: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
  await expectNoAxeViolations(page);
  expect(errorsOn(page).filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
}

const results = (page: Page) => page.getByRole('region', { name: /^Results/ });

describe('searching', () => {
  it('finds a sentence from inside a seeded report from the header’s box, then a seeded pilot as the words are typed', async () => {
    const page = await browser.newPage({ baseURL: portal.url });
    await page.goto('/');
    const box = page.getByRole('search', { name: 'Site' }).getByRole('searchbox', { name: 'Search the community' });
    await box.fill(`"${SENTENCE}"`);
    await box.press('Enter');
    await page.waitForURL((url) => url.pathname === '/search');
    await expectPage(page, 'Search');
    await results(page).getByRole('link', { name: REPORT }).waitFor();
    const marked = await results(page).locator('.snippet mark').allTextContents();
    expect(marked.map((t) => t.replace(/\s+/g, ' '))).toContain(SENTENCE);
    await expect(results(page).getByText('Engineering e2e').first().isVisible()).resolves.toBe(true);

    // Typing replaces the results (and the address, without a new history entry for every letter).
    const input = page.getByLabel('Search for', { exact: true });
    await input.fill('');
    await input.pressSequentially('udacity self-dri');
    await results(page).getByRole('link', { name: PILOT }).waitFor();
    await page.waitForURL((url) => url.searchParams.get('q') === 'udacity self-dri');
    await expect(results(page).getByRole('link', { name: REPORT }).count()).resolves.toBe(0);
    const hit = results(page).getByRole('listitem').filter({ has: page.getByRole('link', { name: PILOT }) });
    await expect(hit.getByText('Pilot case study').isVisible()).resolves.toBe(true);
    await expect(hit.getByRole('link', { name: 'Udacity', exact: true }).isVisible()).resolves.toBe(true);
    await expectNoAxeViolations(page);

    // A filter applies at once.
    await page.getByLabel('Show', { exact: true }).selectOption({ label: 'Micro-credentials' });
    await page.waitForURL((url) => url.searchParams.get('kind') === 'micro_credential');
    await results(page).getByRole('link', { name: 'Self-Driving Car Engineer Nanodegree', exact: true }).waitFor();
    await expect(results(page).getByRole('link', { name: PILOT }).count()).resolves.toBe(0);

    await page.goBack();
    await page.waitForURL((url) => url.pathname === '/');
    await page.close();
  });

  it('keeps up with typing on a slow connection: each search finishes, and the last words typed win', async () => {
    const page = await browser.newPage({ baseURL: portal.url });
    await page.goto('/search');
    await expectPage(page, 'Search');
    // Every search answer takes a second to arrive, so the next words are typed while one is on its way.
    await page.route(/\/search\.data/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await route.continue();
    });
    const sent: string[] = [];
    const failed: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/search.data')) sent.push(new URL(request.url()).searchParams.get('q') ?? '');
    });
    page.on('requestfailed', (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`));
    const input = page.getByLabel('Search for', { exact: true });
    await input.pressSequentially('udacity');
    await page.waitForTimeout(500); // past the typing pause: the search for "udacity" is on its way
    await input.pressSequentially(' self-dri');
    await results(page).getByRole('link', { name: PILOT }).waitFor();
    await page.waitForURL((url) => url.searchParams.get('q') === 'udacity self-dri');
    expect(sent).toEqual(['udacity', 'udacity self-dri']);
    expect(failed).toEqual([]);
    expect(errorsOn(page).filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
    await page.close();
  });

  it('works with JavaScript off, and says so when nothing matches', async () => {
    const page = await browser.newPage({ baseURL: portal.url, javaScriptEnabled: false });
    await page.goto('/search');
    await expectPage(page, 'Search');
    await expect(page.getByText(/Type what you are looking for/).isVisible()).resolves.toBe(true);
    await page.getByLabel('Search for', { exact: true }).fill('BCITO trial');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === 'BCITO trial');
    await results(page).getByRole('link', { name: 'BCITO micro-credential trial' }).waitFor();
    await expectPage(page, 'Search');

    await page.getByLabel('Search for', { exact: true }).fill('"NEAR(" -: zzzyzx');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText(/Nothing we can show you matches/).waitFor();
    await expectPage(page, 'Search');
    await page.close();
  });

  it('keeps members-only discussions and members from visitors, and shows them once signed in', async () => {
    const page = await browser.newPage({ baseURL: portal.url });
    await page.goto('/search?q=Mischewski');
    await results(page).getByRole('link', { name: 'Micro-credentials in engineering education' }).waitFor();
    await expect(results(page).getByText('Member', { exact: true }).count()).resolves.toBe(0);
    await signIn(page, 'member@demo.example', DEMO_PASSWORD);
    await page.goto('/search?q=Mischewski');
    await results(page).getByRole('link', { name: 'Brenden Mischewski' }).waitFor();
    await expectPage(page, 'Search');
    await page.close();
  });
});

describe('the duplication radar', () => {
  it('lists similar work while a project manager writes a new case study, and lets them go ahead', async () => {
    const page = await browser.newPage({ baseURL: portal.url });
    await signIn(page, 'project.manager@demo.example', DEMO_PASSWORD);
    await page.goto('/case-studies/new');
    await expectPage(page, 'Write a case study');
    const radar = page.getByRole('region', { name: 'Similar work already shared' });
    await expect(radar.getByText(/Write the title and the problem/).isVisible()).resolves.toBe(true);
    await page.getByLabel('Title').pressSequentially('Self-driving car sensor skills');
    await radar.getByRole('link', { name: PILOT }).waitFor();
    await expect(radar.getByText(/Pilot led by Udacity/).first().isVisible()).resolves.toBe(true);
    await expect(radar.getByText(/you can still go ahead/).isVisible()).resolves.toBe(true);
    // The problem counts too: a report about the same thing joins the list.
    await page.getByLabel('The problem it addresses').fill('Engineering education needs micro-credentials that stack into the NZDE diploma.');
    await radar.getByRole('link', { name: 'Micro-credentials in engineering education' }).waitFor();
    await expect(radar.getByText(/Resource from Engineering e2e/).first().isVisible()).resolves.toBe(true);
    await expectNoAxeViolations(page);
    expect(page.url()).toMatch(/\/case-studies\/new$/);
    // A preview (a form submission) leaves the list alone: the radar is not asked again for what it already answered.
    const radarRequests: string[] = [];
    page.on('request', (request) => {
      if (/^\/radar(\.data)?$/.test(new URL(request.url()).pathname)) radarRequests.push(request.url());
    });
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('region', { name: 'Preview: Self-driving car sensor skills' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(radarRequests).toEqual([]);
    await radar.getByRole('link', { name: PILOT }).waitFor();
    await page.close();
  });

  it('is there without JavaScript: a coordinator checks a new workshop for similar work before saving it', async () => {
    const page = await browser.newPage({ baseURL: portal.url, javaScriptEnabled: false });
    await signIn(page, 'coordinator@demo.example', DEMO_PASSWORD);
    await page.goto('/workshops/new');
    await expectPage(page, 'Schedule a workshop');
    await page.getByLabel('Title').fill('Emerging results from the engineering pilots');
    await page.getByLabel('Summary').fill('Project managers share their approaches so far.');
    await page.getByRole('button', { name: 'Check for similar work' }).click();
    const radar = page.getByRole('region', { name: 'Similar work already shared' });
    await radar.getByRole('link', { name: 'Sharing the approaches and emerging results of the engineering micro-credential pilots' }).waitFor();
    await expect(page.getByLabel('Title').inputValue()).resolves.toBe('Emerging results from the engineering pilots');
    await expectPage(page, 'Schedule a workshop');
    expect(page.url()).toMatch(/\/workshops\/new$/);
    await page.close();
  });
});

describe('the community map', () => {
  it('shows who works on what, with gaps, and leads from a cell to the work behind it, on a phone', async () => {
    const page = await browser.newPage({ baseURL: portal.url, viewport: PHONE });
    await page.goto('/map');
    await expectPage(page, 'Community map');
    const topics = page.getByRole('region', { name: /Topics by organisation/ });
    await expect(topics.getAttribute('tabindex')).resolves.toBe('0');
    await expect(page.getByText(/Gaps nobody covers/).first().isVisible()).resolves.toBe(true);
    // The page itself does not scroll sideways; the table does.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await topics.getByRole('link', { name: '1 from Udacity on automotive' }).click();
    await page.waitForURL((url) => url.pathname === '/map/cell');
    await expectPage(page, 'Udacity: automotive');
    await page.getByRole('link', { name: PILOT }).click();
    await expectPage(page, PILOT);

    await page.goto('/map?tag=ncea');
    await expectPage(page, 'Community map');
    const levels = page.getByRole('region', { name: /NZQF levels by organisation/ });
    await levels.getByRole('link', { name: '1 from Young Enterprise on Level 3' }).waitFor();
    await page.close();
  });
});
