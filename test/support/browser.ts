// Debian's Chromium driven by playwright-core, plus the two things every browser test does: check a page with
// axe-core and sign in through the real form.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const PHONE = { width: 390, height: 844 };

export type PageOptions = {
  baseURL: string;
  javaScriptEnabled?: boolean;
  viewport?: { width: number; height: number };
};

export type TestBrowser = {
  browser: Browser;
  /** A page in a fresh context (its own cookies). Closing the page closes its context. */
  newPage(options: PageOptions): Promise<Page>;
  close(): Promise<void>;
};

export async function launchBrowser(): Promise<TestBrowser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does).`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const contexts = new Set<BrowserContext>();
  return {
    browser,
    async newPage({ baseURL, javaScriptEnabled = true, viewport = { width: 1280, height: 900 } }) {
      // The portal's CSP stays on: axe is injected through the DevTools protocol, which CSP does not govern.
      const context = await browser.newContext({ baseURL, javaScriptEnabled, viewport, locale: 'en-NZ' });
      contexts.add(context);
      const page = await context.newPage();
      trackPageErrors(page);
      if (!javaScriptEnabled) noScriptPages.set(page, { browser, viewport });
      page.once('close', () => {
        contexts.delete(context);
        void context.close().catch(() => {});
      });
      return page;
    },
    async close() {
      await Promise.all([...contexts].map((c) => c.close().catch(() => {})));
      await browser.close();
    },
  };
}

const pageErrors = new WeakMap<Page, string[]>();
function trackPageErrors(page: Page) {
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (error) => errors.push(`uncaught on ${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console on ${page.url()}: ${message.text()}`);
  });
}

/** Uncaught exceptions and console errors (CSP violations show up here) since the page opened. */
export function errorsOn(page: Page): string[] {
  return [...(pageErrors.get(page) ?? [])];
}

let axeSource: string | undefined;
const noScriptPages = new WeakMap<Page, { browser: Browser; viewport: { width: number; height: number } }>();

type AxeViolation = {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
};

/** Runs axe-core on the page as it is now and throws a readable list of every violation. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const noScript = noScriptPages.get(page);
  if (noScript) return auditSnapshot(page, noScript.browser, noScript.viewport);
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const hasAxe = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!hasAxe) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  if (violations.length === 0) return;
  const report = violations
    .map(
      (v) =>
        `- ${v.id} (${v.impact ?? 'unknown impact'}): ${v.help}\n    ${v.helpUrl}\n` +
        v.nodes.map((n) => `    at ${JSON.stringify(n.target)}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, '\n      ')}` : ''}`).join('\n'),
    )
    .join('\n');
  throw new Error(`axe-core found ${violations.length} accessibility violation(s) on ${page.url()}:\n${report}`);
}

/**
 * With JavaScript off, axe's promises never settle in the page itself, so the page as it stands (its DOM, with
 * scripts taken out so nothing hydrates) is served at the same address to a scripted page and checked there.
 */
async function auditSnapshot(page: Page, browser: Browser, viewport: { width: number; height: number }): Promise<void> {
  const url = page.url();
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  const context = await browser.newContext({ viewport, locale: 'en-NZ' });
  try {
    const snapshot = await context.newPage();
    await snapshot.route((u) => u.href === url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await snapshot.goto(url);
    await expectNoAxeViolations(snapshot).catch((error: Error) => {
      throw new Error(error.message.replace(' on ', ' (JavaScript off) on '));
    });
  } finally {
    await context.close();
  }
}

/** Signs in through the real form, as a person would, and waits until the browser has left /login. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  if (!new URL(page.url() === 'about:blank' ? 'http://x/' : page.url()).pathname.startsWith('/login')) {
    await page.goto('/login');
  }
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** Signs out with the header's button and waits for the signed-out header. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('link', { name: 'Sign in', exact: true }).first().waitFor();
}
