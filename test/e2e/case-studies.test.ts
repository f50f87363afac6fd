// Case studies as people meet them in the browser: a project manager writes up a pilot with a micro-credential and
// publishes it (JavaScript on, seeing similar work appear while typing; and JavaScript off, through Preview then
// Publish), a visitor finds it with the filters, and the NZDE pathway shows the stacked credits. axe-core checks
// every page visited.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsOn, expectNoAxeViolations, launchBrowser, signIn, type TestBrowser } from '../support/browser';
import { startPortal, type Portal } from '../support/server';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEMO_PASSWORD = 'stack-the-credentials';
const PROJECT_MANAGER = 'project.manager@demo.example';
const TITLE_JS = 'Self-driving car sensor skills for automotive technicians';
const TITLE_NO_JS = 'Surveying micro-credentials toward the NZDE';

let portal: Portal;
let browser: TestBrowser;

/**
 * The demo pilots and qualifications. db/seed.ts runs seedCaseStudies once the lead wires it in; running it again
 * here changes nothing (it is idempotent), and makes this file independent of that wiring.
 */
function seedCaseStudiesInto(databasePath: string) {
  const script = "import('./db/client.server.ts').then(async ({ db }) => { const { seedCaseStudies } = await import('./db/seed-case-studies.ts'); db.transaction((tx) => seedCaseStudies(tx)); })";
  const result = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['--eval', script], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: databasePath, MIGRATIONS_DIR: path.join(ROOT, 'drizzle') },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`Seeding case studies failed:\n${result.stdout}\n${result.stderr}`);
}

beforeAll(async () => {
  portal = await startPortal();
  seedCaseStudiesInto(portal.databasePath);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
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

/** Fills the micro-credential row and its first stacking row. */
async function fillMicroCredential(page: Page, mc: { name: string; credits: string; level: string; status: string; qualification: string; toward: string }) {
  const row = page.getByRole('group', { name: 'Micro-credential 1' });
  await row.getByLabel('Name').fill(mc.name);
  await row.getByLabel('Provider').selectOption({ label: 'Otago Polytechnic' });
  await row.getByLabel('Credits', { exact: true }).fill(mc.credits);
  await row.getByLabel('NZQF level').selectOption({ label: `Level ${mc.level}` });
  await row.getByLabel('NZQA status').selectOption({ label: mc.status });
  await row.getByLabel('Stacks into qualification').selectOption({ label: mc.qualification });
  await row.getByLabel('Credits toward it', { exact: true }).fill(mc.toward);
}

describe('writing up a pilot', () => {
  it('a project manager writes one with a micro-credential, sees similar work while typing, and publishes it (JavaScript on)', async () => {
    const page = await openPage();
    await signIn(page, PROJECT_MANAGER, DEMO_PASSWORD);
    await page.goto('/case-studies');
    await expectPage(page, 'Case studies');
    await page.getByRole('link', { name: 'Write a case study' }).click();
    await expectPage(page, 'Write a case study');

    // Similar work appears as the title is typed, before anything is submitted.
    const similar = page.getByRole('region', { name: 'Similar work already shared' });
    await page.getByLabel('Title').pressSequentially(TITLE_JS);
    await similar.getByRole('link', { name: 'Udacity Self-Driving Car Engineer Nanodegree' }).waitFor();
    await expect(similar.getByText(/Pilot led by Udacity/).isVisible()).resolves.toBe(true);
    expect(page.url()).toMatch(/\/case-studies\/new$/);

    await page.getByLabel('The problem it addresses').fill('Automotive employers cannot find technicians with sensor and camera calibration skills.');
    await page.getByLabel('The solution').fill('Short practical micro-credentials assessed in the workshop.');
    await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Running' });
    await page.getByLabel('Funder').fill('TEC');
    await page.getByRole('group', { name: 'Delivery' }).getByLabel('Practical assessment').check();
    const outcome = page.getByRole('group', { name: 'Outcome 1' });
    await outcome.getByLabel('What was measured').fill('Enrolments');
    await outcome.getByLabel('Value').fill('40');
    await page.getByLabel('The story').fill('We ran it with **two employers**.');
    await fillMicroCredential(page, { name: 'Sensor calibration basics', credits: '15', level: '5', status: 'In development', qualification: 'New Zealand Diploma in Engineering (NZDE)', toward: '15' });
    await page.getByLabel('Tags').fill('sensors, automotive');
    await page.getByRole('button', { name: 'Publish' }).click();

    await page.waitForURL(/\/case-studies\/self-driving-car-sensor-skills-for-automotive-technicians$/);
    await expectPage(page, TITLE_JS);
    await page.getByText('Case study published.').waitFor();
    const credentials = page.getByRole('region', { name: 'Micro-credentials' });
    await expect(credentials.getByText('Sensor calibration basics').isVisible()).resolves.toBe(true);
    await expect(credentials.getByText('15 credits · NZQF Level 5 · NZQA: In development').isVisible()).resolves.toBe(true);
    await expect(page.getByRole('region', { name: 'The story' }).locator('strong').textContent()).resolves.toBe('two employers');

    // An edit after publishing is kept in the history, and the difference is shown field by field.
    await page.getByRole('link', { name: 'Edit case study' }).click();
    await expectPage(page, 'Edit the case study');
    await expect(page.getByRole('group', { name: 'Micro-credential 1' }).getByLabel('Name').inputValue()).resolves.toBe('Sensor calibration basics');
    await page.getByLabel('Lessons learned').fill('Employers wanted assessment in their own workshops.');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved. The history keeps this revision (changed: Lessons learned).').waitFor();
    await expectPage(page, TITLE_JS);

    await page.getByRole('link', { name: /History/ }).click();
    await expectPage(page, `History of “${TITLE_JS}”`);
    await expect(page.getByRole('cell', { name: 'First published' }).isVisible()).resolves.toBe(true);
    const lessons = page.getByRole('region', { name: 'Lessons learned' });
    await expect(lessons.locator('ins').textContent()).resolves.toContain('Employers wanted assessment in their own workshops.');
  });

  it('the same works with JavaScript off, through Preview then Publish, with the similar work shown on Preview', async () => {
    const page = await openPage({ javaScriptEnabled: false });
    await signIn(page, PROJECT_MANAGER, DEMO_PASSWORD);
    await page.goto('/case-studies/new');
    await expectPage(page, 'Write a case study');

    await page.getByLabel('Title').fill(TITLE_NO_JS);
    await page.getByLabel('The problem it addresses').fill('Surveying technicians in work cannot take a year off for the diploma; young people in secondary school want NCEA credits.');
    await page.getByLabel('The story').fill('Assessed on site. <script>alert(1)</script>');
    const outcome = page.getByRole('group', { name: 'Outcome 1' });
    await outcome.getByLabel('What was measured').fill('Associated with employers');
    await outcome.getByLabel('Value').fill('80');
    await outcome.getByLabel('Unit').fill('%');
    await fillMicroCredential(page, { name: 'Site surveying fundamentals', credits: '20', level: '5', status: 'Approved', qualification: 'New Zealand Diploma in Engineering (NZDE)', toward: '20' });
    await page.getByLabel('Tags').fill('surveying');
    await page.getByRole('button', { name: 'Preview' }).click();

    // The preview: the page as readers will see it, sanitised, above the form with every input kept.
    const preview = page.getByRole('region', { name: `Preview: ${TITLE_NO_JS}` });
    await preview.waitFor();
    await expectPage(page, 'Write a case study');
    await expect(preview.getByText('Assessed on site.').isVisible()).resolves.toBe(true);
    expect(await preview.locator('script').count()).toBe(0);
    await expect(preview.getByRole('cell', { name: '80 %' }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Title').inputValue()).resolves.toBe(TITLE_NO_JS);
    await expect(page.getByRole('group', { name: 'Micro-credential 1' }).getByLabel('Credits toward it', { exact: true }).inputValue()).resolves.toBe('20');
    // Similar work, found without JavaScript.
    await page.getByRole('region', { name: 'Similar work already shared' }).getByRole('link', { name: 'The Lion Foundation Young Enterprise Scheme (YES)' }).waitFor();
    // Nothing was saved by previewing.
    expect(page.url()).toMatch(/\/case-studies\/new$/);

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/\/case-studies\/surveying-micro-credentials-toward-the-nzde$/);
    await expectPage(page, TITLE_NO_JS);
    await expect(page.getByRole('region', { name: 'Micro-credentials' }).getByText('Site surveying fundamentals').isVisible()).resolves.toBe(true);
  });
});

describe('finding pilots and pathways', () => {
  it('a visitor finds a published pilot with the filters', async () => {
    const page = await openPage({ javaScriptEnabled: false });
    await page.goto('/case-studies');
    await expectPage(page, 'Case studies');
    await page.getByLabel('Tag', { exact: true }).selectOption('sensors');
    await page.getByLabel('NZQF level').selectOption({ label: 'Level 5' });
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/tag=sensors/);
    await page.getByRole('heading', { level: 2, name: 'Matching pilots (1)' }).waitFor();
    await expectPage(page, 'Case studies');
    await page.getByRole('link', { name: TITLE_JS }).click();
    await expectPage(page, TITLE_JS);
    // Visitors see how many project managers a pilot has, not who they are.
    await expect(page.getByText('1 (sign in to see who)').isVisible()).resolves.toBe(true);

    await page.goto('/case-studies?kind=nzqa');
    await expectPage(page, 'Case studies');
    await page.getByRole('link', { name: 'Udacity Self-Driving Car Engineer Nanodegree' }).waitFor();
    expect(await page.getByRole('link', { name: TITLE_JS }).count()).toBe(0);
  });

  it('the NZDE pathway shows the credits stacked into it and how far they are from the total', async () => {
    const page = await openPage();
    await page.goto('/micro-credentials?qualification=nzde');
    await expectPage(page, 'Micro-credential register');
    await page.getByRole('rowheader', { name: 'Sensor calibration basics' }).waitFor();
    await page.getByRole('rowheader', { name: 'Site surveying fundamentals' }).waitFor();
    expect(await page.getByRole('rowheader', { name: 'YES certificate' }).count()).toBe(0);

    await page.goto('/pathways/nzde');
    await expectPage(page, 'Pathway to the New Zealand Diploma in Engineering (NZDE)');
    await expect(page.getByText('35 of 240 credits').isVisible()).resolves.toBe(true);
    await expect(page.getByText('205 credits to go').isVisible()).resolves.toBe(true);
    const otago = page.getByRole('region', { name: 'Otago Polytechnic' });
    await expect(otago.getByRole('rowheader', { name: 'Sensor calibration basics' }).isVisible()).resolves.toBe(true);

    await page.goto('/pathways/ncea');
    await expectPage(page, 'Pathway to the National Certificate of Educational Achievement (NCEA)');
    await expect(page.getByRole('region', { name: 'Young Enterprise' }).getByRole('rowheader', { name: 'YES certificate' }).isVisible()).resolves.toBe(true);

    await page.goto('/pathways');
    await expectPage(page, 'Stacking pathways');
  });
});
