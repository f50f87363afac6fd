// The register and the community's work in standard forms, through the production server: content negotiation on a
// register entry (HTML for browsers, Open Badges JSON-LD when asked), the entry page's alternate link, and axe-core
// on the register pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations, launchBrowser, type TestBrowser } from '../support/browser';
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
