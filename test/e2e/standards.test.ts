// The register and the community's work in standard forms, through the production server: content negotiation on a
// register entry (HTML for browsers, Open Badges JSON-LD when asked), the entry page's alternate link; a coordinator
// opens the activity report, changes the period, prepares and downloads the PDF and a CSV. axe-core on every page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { extractText, getDocumentProxy } from 'unpdf';
import { expectNoAxeViolations, launchBrowser, signIn, type TestBrowser } from '../support/browser';
import { startPortal, type Portal } from '../support/server';

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

async function firstEntryPath(): Promise<string> {
  const list = (await (await fetch(`${portal.url}/micro-credentials.json`)).json()) as { id: string }[];
  expect(list.length).toBeGreaterThan(0);
  return new URL(list[0]!.id).pathname;
}

describe('the register in standard forms', () => {
  it('answers a register entry as HTML or as JSON-LD by the Accept header, and says it varies', async () => {
    const entry = await firstEntryPath();
    const html = await fetch(`${portal.url}${entry}`, { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('vary')).toMatch(/Accept/i);
    expect(await html.text()).toContain(`<link rel="alternate" type="application/ld+json" href="${entry}.json"`);

    for (const accept of ['application/ld+json', 'application/json', 'text/html;q=0.5, application/ld+json']) {
      const ld = await fetch(`${portal.url}${entry}`, { headers: { Accept: accept } });
      expect(ld.status, accept).toBe(200);
      expect(ld.headers.get('content-type')).toBe('application/ld+json; charset=utf-8');
      expect(ld.headers.get('vary')).toMatch(/Accept/i);
      const achievement = (await ld.json()) as { id: string; type: string[] };
      expect(achievement.type).toEqual(['Achievement']);
      expect(new URL(achievement.id).pathname).toBe(entry);
    }
    // No preference at all is a browser's page.
    const any = await fetch(`${portal.url}${entry}`, { headers: { Accept: '*/*' } });
    expect(any.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('shows the register and an entry with their machine-readable forms, accessibly', async () => {
    const page = await browser.newPage({ baseURL: portal.url });
    await page.goto('/micro-credentials');
    await page.getByRole('heading', { level: 1, name: 'Micro-credential register' }).waitFor();
    await expectNoAxeViolations(page);
    expect(await page.locator('link[rel="alternate"][type="text/csv"]').getAttribute('href')).toBe('/micro-credentials.csv');
    await page.getByRole('link', { name: 'YES certificate' }).click();
    await page.getByRole('heading', { level: 1, name: 'YES certificate' }).waitFor();
    await expectNoAxeViolations(page);
    const href = await page.getByRole('link', { name: 'Open Badges 3.0 achievement (JSON-LD)' }).getAttribute('href');
    expect(href).toMatch(/^\/micro-credentials\/\d+\.json$/);
    await page.close();
  });
});

describe('the activity report in the browser', () => {
  it('lets a coordinator change the period, then download the PDF and a table as CSV', async () => {
    const page = await browser.newPage({ baseURL: portal.url });
    await signIn(page, 'coordinator@demo.example', 'stack-the-credentials');
    await page.goto('/admin');
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Activity report' }).waitFor();
    await expectNoAxeViolations(page);
    // Every chart is an image with a name.
    const charts = page.getByRole('img');
    expect(await charts.count()).toBeGreaterThanOrEqual(7);
    await page.getByRole('img', { name: 'Workshop attendance by kind of organisation' }).waitFor();

    // A bad period: the message is on the field, the input kept.
    await page.getByLabel('From').fill('2026-05-01');
    await page.getByLabel('To').fill('2026-04-01');
    await page.getByRole('button', { name: 'Show the report' }).click();
    await page.getByText('The end date must be on or after the start date.').waitFor();
    expect(await page.getByLabel('To').getAttribute('aria-invalid')).toBe('true');
    await expectNoAxeViolations(page);

    await page.getByLabel('From').fill('2025-01-01');
    await page.getByLabel('To').fill('2025-12-31');
    await page.getByRole('button', { name: 'Show the report' }).click();
    await page.getByText('1 January 2025 to 31 December 2025').first().waitFor();
    expect(new URL(page.url()).search).toBe('?from=2025-01-01&to=2025-12-31');

    await page.getByRole('button', { name: 'Prepare the PDF' }).click();
    const link = page.getByRole('link', { name: 'Download the PDF' });
    await link.waitFor(); // the page asks again while the PDF is prepared
    await expectNoAxeViolations(page);
    const [pdfDownload] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(pdfDownload.suggestedFilename()).toBe('activity-2025-01-01-to-2025-12-31.pdf');
    const pdf = await getDocumentProxy(new Uint8Array(fs.readFileSync((await pdfDownload.path())!)));
    const { text } = await extractText(pdf, { mergePages: true });
    expect(text).toContain('1 January 2025 to 31 December 2025');

    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Workshops and attendance: table as CSV' }).click()]);
    expect(csvDownload.suggestedFilename()).toBe('workshops-2025-01-01-to-2025-12-31.csv');
    const csv = fs.readFileSync((await csvDownload.path())!, 'utf8');
    expect(csv).toContain('Workshops and attendance, 1 January 2025 to 31 December 2025');
    await page.close();
  });

  it('works without JavaScript: the period form, the charts and their tables, preparing the PDF and checking again', async () => {
    const page = await browser.newPage({ baseURL: portal.url, javaScriptEnabled: false });
    await signIn(page, 'coordinator@demo.example', 'stack-the-credentials');
    await page.goto('/admin/reports');
    await page.getByLabel('From').fill('2024-01-01');
    await page.getByLabel('To').fill('2024-12-31');
    await page.getByRole('button', { name: 'Show the report' }).click();
    await page.getByText('1 January 2024 to 31 December 2024').first().waitFor();
    await page.getByRole('img', { name: 'Discussion posts by month' }).waitFor();
    await page.getByRole('table', { name: 'Discussion posts by month: the figures' }).waitFor();
    await page.getByRole('button', { name: 'Prepare the PDF' }).click();
    // Without JavaScript the page does not ask again by itself: the person follows "Check again" (or it is ready).
    const download = page.getByRole('link', { name: 'Download the PDF' });
    while (!(await download.isVisible())) await page.getByRole('link', { name: 'Check again' }).click();
    await expectNoAxeViolations(page);
    await page.close();
  });
});
