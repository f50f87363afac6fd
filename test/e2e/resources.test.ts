// The resource library as people meet it: a member uploads a report in the browser, another member finds it by a
// sentence from inside the PDF (with JavaScript off, since the search is a plain GET form) and downloads it safely.
// Every page visited is checked with axe-core.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimplePdf, sha256Hex } from '../../db/seed-resources';
import { errorsOn, expectNoAxeViolations, launchBrowser, signIn, type TestBrowser } from '../support/browser';
import { startPortal, type Portal } from '../support/server';

const DEMO_PASSWORD = 'stack-the-credentials';
const UPLOADER = 'member@demo.example';
const FINDER = 'bill.sole@demo.example';

const TITLE = 'Waitaki retrofit pilot: final report';
const SENTENCE = 'The Waitaki pilot trained forty-two apprentices in seismic retrofitting using stacked micro-credentials.';
const PDF = buildSimplePdf(
  [
    [
      { text: TITLE, size: 20, bold: true },
      { text: 'Evaluation of a pilot micro-credential programme.' },
    ],
    [{ text: 'Findings', size: 16, bold: true }, { text: SENTENCE }, { text: 'Employers reported that the short courses fitted around site work.' }],
  ],
  { title: TITLE },
);
const FILE_NAME = 'Waitaki – final report ✅.pdf';

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

async function expectPage(page: Page, heading: string | RegExp) {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
  await expectNoAxeViolations(page);
  // Chromium logs every 4xx response as "Failed to load resource"; a 400 for a refused file is expected behaviour.
  expect(errorsOn(page).filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
}

describe('resource library in the browser', () => {
  let resourcePath: string;

  it('refuses a web page renamed .pdf with a message on the file field, then takes a real PDF', async () => {
    const page = await browser.newPage({ baseURL: portal.url });
    await signIn(page, UPLOADER, DEMO_PASSWORD);
    await page.goto('/resources');
    await expectPage(page, 'Resource library');
    await page.getByRole('link', { name: 'Add a resource' }).click();
    await expectPage(page, 'Add a resource');

    await page.getByLabel('Title').fill(TITLE);
    await page.getByLabel('Kind of resource').selectOption({ label: 'Evaluation' });
    await page.getByLabel('Authors').fill('Pilot project team');
    await page.getByLabel('Summary').fill('What the Waitaki pilot found.');
    await page.getByLabel('Tags').fill('pilots, retrofit');
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'sneaky.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<!doctype html><script>alert(1)</script>') });
    await page.getByRole('button', { name: 'Add to the library' }).click();
    await page.getByText(/This file is a web page or other markup/).waitFor();
    // What was typed is still there; the file has to be chosen again.
    expect(await page.getByLabel('Title').inputValue()).toBe(TITLE);
    await expectPage(page, 'Add a resource');

    await page.getByLabel('File', { exact: true }).setInputFiles({ name: FILE_NAME, mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Add to the library' }).click();
    await page.waitForURL(/\/resources\/\d+$/);
    await expectPage(page, TITLE);
    await page.getByText('Resource added.').waitFor();
    await page.getByRole('cell', { name: new RegExp(FILE_NAME) }).waitFor();
    resourcePath = new URL(page.url()).pathname;

    await page.getByRole('link', { name: 'Edit details' }).click();
    await expectPage(page, 'Edit resource details');
    expect(await page.getByLabel('Tags').inputValue()).toBe('pilots, retrofit');
    await page.getByLabel('Licence').fill('CC BY 4.0');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL((url) => url.pathname === resourcePath);
    await page.getByText('Changes saved.').waitFor();
    expect(await page.locator('dt:text-is("Licence") + dd').textContent()).toBe('CC BY 4.0');
    await page.close();
  });

  it('lets another member find it by a sentence inside the PDF, without JavaScript, and download it safely', async () => {
    const page = await browser.newPage({ baseURL: portal.url, javaScriptEnabled: false });
    await signIn(page, FINDER, DEMO_PASSWORD);
    const phrase = '"forty-two apprentices in seismic retrofitting"';
    // The text is read just after the upload, off the request path: search until it is there.
    await expect
      .poll(
        async () => {
          await page.goto('/resources');
          await page.getByLabel('Search the library').fill(phrase);
          await page.getByRole('button', { name: 'Search' }).click();
          await page.getByRole('heading', { level: 2, name: /Results for/ }).waitFor();
          return page.getByRole('link', { name: TITLE }).count();
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBe(1);
    expect(new URL(page.url()).searchParams.get('q')).toBe(phrase);
    const highlighted = await page.locator('.snippet mark').allTextContents();
    expect(highlighted.map((t) => t.replace(/\s+/g, ' '))).toContain('forty-two apprentices in seismic retrofitting');
    await expectPage(page, 'Resource library');

    await page.getByRole('link', { name: TITLE }).click();
    await expectPage(page, TITLE);
    expect(new URL(page.url()).pathname).toBe(resourcePath);
    const href = await page.getByRole('link', { name: /^Download/ }).first().getAttribute('href');
    expect(href).toBe(`${resourcePath}/download`);

    const response = await page.request.get(href!);
    expect(response.status()).toBe(200);
    const headers = response.headers();
    expect(headers['content-type']).toBe('application/pdf');
    expect(headers['x-content-type-options']).toContain('nosniff');
    expect(headers['content-disposition']).toBe(
      `inline; filename="Waitaki - final report.pdf"; filename*=UTF-8''Waitaki%20%E2%80%93%20final%20report%20%E2%9C%85.pdf`,
    );
    expect(headers['content-security-policy']).toContain('sandbox');
    expect(headers['etag']).toBe(`"${sha256Hex(PDF)}"`);
    expect(headers['accept-ranges']).toBe('bytes');
    expect(sha256Hex(await response.body())).toBe(sha256Hex(PDF));

    const range = await page.request.get(href!, { headers: { Range: 'bytes=0-7' } });
    expect(range.status()).toBe(206);
    expect((await range.body()).toString('latin1')).toBe('%PDF-1.4');

    // Both answers carried the file from its first byte, so both were counted (a later piece would not be).
    await page.request.get(href!, { headers: { Range: 'bytes=8-15' } });
    await page.reload();
    expect(await page.locator('dt:text-is("Downloads") + dd').textContent()).toBe('2');
    await page.close();
  });

  it('shows visitors public resources but not the upload page', async () => {
    const page = await browser.newPage({ baseURL: portal.url });
    await page.goto('/resources');
    await expectPage(page, 'Resource library');
    await page.getByRole('link', { name: TITLE }).waitFor();
    expect(await page.getByRole('link', { name: 'Add a resource' }).count()).toBe(0);
    await page.goto('/resources/new');
    await page.waitForURL(/\/login\?redirectTo=%2Fresources%2Fnew/);
    await page.close();
  });
});
