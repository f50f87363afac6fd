// The interface in English and te reo Māori as a person meets it: the header's switch with JavaScript on and off,
// the browser's own language on a first visit, and a member's choice remembered across devices.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsOn, expectNoAxeViolations, launchBrowser, signIn, type TestBrowser } from '../support/browser';
import { startPortal, type Portal } from '../support/server';

const DEMO_PASSWORD = 'stack-the-credentials';

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

// After a client-side navigation React commits the new <html lang> a moment after the URL changes: wait for it.
const expectHtmlLang = (page: Page, lang: string) => page.waitForFunction((want) => document.documentElement.lang === want, lang);
const mainNav = (page: Page) => page.getByRole('navigation', { name: /^(Main|Matua)$/ });

async function expectTeReo(page: Page) {
  await expectHtmlLang(page, 'mi-NZ');
  await mainNav(page).getByRole('link', { name: 'Hui', exact: true }).waitFor();
  await mainNav(page).getByRole('link', { name: 'Rauemi', exact: true }).waitFor();
  // A label without a reviewed translation stays English and says so, for screen readers.
  expect(await mainNav(page).getByRole('link', { name: 'Case studies', exact: true }).getAttribute('lang')).toBe('en-NZ');
  expect(await mainNav(page).getByRole('link', { name: 'Hui', exact: true }).getAttribute('lang')).toBeNull();
  // The way back is named in its own language.
  expect(await page.getByRole('button', { name: 'English', exact: true }).getAttribute('lang')).toBe('en-NZ');
  await expectNoAxeViolations(page);
}

async function expectEnglish(page: Page) {
  await expectHtmlLang(page, 'en-NZ');
  await mainNav(page).getByRole('link', { name: 'Workshops', exact: true }).waitFor();
  expect(await page.getByRole('button', { name: 'Te reo Māori', exact: true }).getAttribute('lang')).toBe('mi-NZ');
  await expectNoAxeViolations(page);
}

describe('switching the language', () => {
  for (const javaScriptEnabled of [false, true]) {
    it(`a visitor switches to te reo Māori and back on the page they are on (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const page = await browser.newPage({ baseURL: portal.url, javaScriptEnabled });
      await page.goto('/workshops?past=1');
      await expectEnglish(page);
      await page.getByRole('button', { name: 'Te reo Māori', exact: true }).click();
      await expectHtmlLang(page, 'mi-NZ');
      expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/workshops?past=1');
      await expectTeReo(page);
      // Remembered for the next page.
      await mainNav(page).getByRole('link', { name: 'Rauemi', exact: true }).click();
      await page.waitForURL('**/resources');
      await expectTeReo(page);
      await page.getByRole('button', { name: 'English', exact: true }).click();
      await expectEnglish(page);
      expect(errorsOn(page)).toEqual([]);
      await page.close();
    });
  }

  it('a browser that asks for te reo Māori gets it on the first visit', async () => {
    const context = await browser.browser.newContext({ baseURL: portal.url, locale: 'mi-NZ' });
    const page = await context.newPage();
    await page.goto('/');
    await expectTeReo(page);
    await context.close();
  });

  it('a member’s choice follows them to another browser, and “Follow my browser” gives it back', async () => {
    const first = await browser.newPage({ baseURL: portal.url });
    await signIn(first, 'member@demo.example', DEMO_PASSWORD);
    await first.getByRole('button', { name: 'Te reo Māori', exact: true }).click();
    await expectHtmlLang(first, 'mi-NZ');
    await first.close();

    const second = await browser.newPage({ baseURL: portal.url }); // an English browser, no language cookie
    await signIn(second, 'member@demo.example', DEMO_PASSWORD);
    await expectTeReo(second);
    await second.goto('/settings/profile');
    const select = second.getByLabel('Reo', { exact: true });
    expect(await select.inputValue()).toBe('mi-NZ');
    await select.selectOption('');
    await second.getByRole('button', { name: 'Save profile' }).click();
    await expectEnglish(second);
    await second.close();
  });
});
