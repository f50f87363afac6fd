// The W3C Nu HTML checker (vnu-jar, needs Java) over every page of the production build: crawled from the home page
// as a visitor and as a coordinator, plus each form re-shown after an empty POST (the 400 page with its messages).
// Every page must have no error and a meta description. Pages are fetched as a browser with JavaScript off gets
// them (the server's HTML); one JVM checks them all at the end.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/server';

/** The checker's jar, from the vnu-jar package (its main export is the path). */
const VNU_JAR = String(createRequire(import.meta.url)('vnu-jar'));
const DEMO_PASSWORD = 'stack-the-credentials';
/** Pages of one shape ("/workshops/:slug") are alike: a few of each are enough. */
const PER_SHAPE = 2;
const MAX_PAGES = 600;
/** Not pages: downloads, feeds, email documents (their own rules), signing out, the captured-mail viewer. */
const SKIP = [/\/download$/, /\.(ics|csv|eml|data)$/, /\/email\.html$/, /^\/logout$/, /^\/dev\//, /^\/auth\//, /^\/bench\//];

let portal: Portal;
let dir: string;

beforeAll(async () => {
  portal = await startPortal();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vnu-'));
});

afterAll(async () => {
  await portal?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function signedInCookie(email: string): Promise<string> {
  const res = await fetch(`${portal.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: portal.url },
    body: new URLSearchParams({ email, password: DEMO_PASSWORD }),
  });
  return res.headers.getSetCookie().find((c) => c.startsWith('__session='))!.split(';')[0]!;
}

const shapeOf = (pathname: string) => pathname.replace(/\/[^/]*\d[^/]*/g, '/:id');

type Saved = { url: string; file: string; html: string };

/** Breadth-first over same-site links; saves each HTML page and returns them with every POST form found. */
async function crawl(label: string, cookie: string): Promise<{ pages: Saved[]; forms: Set<string> }> {
  const seen = new Set<string>();
  const perShape = new Map<string, number>();
  const queue = ['/'];
  const pages: Saved[] = [];
  const forms = new Set<string>();
  while (queue.length && pages.length < MAX_PAGES) {
    const target = queue.shift()!;
    const res = await fetch(`${portal.url}${target}`, { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
    if (!(res.headers.get('content-type') ?? '').startsWith('text/html') || res.status >= 300) {
      await res.body?.cancel();
      continue;
    }
    const html = await res.text();
    const file = path.join(dir, `${label}-${pages.length}.html`);
    fs.writeFileSync(file, html);
    pages.push({ url: target, file, html });
    for (const m of html.matchAll(/<form\b[^>]*method="post"[^>]*>/gi)) {
      const action = /action="([^"]*)"/.exec(m[0])?.[1] ?? target;
      forms.add(new URL(action.replace(/&amp;/g, '&'), `${portal.url}${target}`).pathname);
    }
    for (const m of html.matchAll(/<a\b[^>]*href="([^"#]*)(#[^"]*)?"/gi)) {
      let url: URL;
      try {
        url = new URL(m[1]!.replace(/&amp;/g, '&'), `${portal.url}${target}`);
      } catch {
        continue;
      }
      if (url.origin !== portal.url) continue;
      const next = url.pathname + url.search;
      if (seen.has(next) || SKIP.some((re) => re.test(url.pathname))) continue;
      seen.add(next);
      const shape = shapeOf(url.pathname) + (url.search ? '?' : '');
      const count = perShape.get(shape) ?? 0;
      if (count >= PER_SHAPE) continue;
      perShape.set(shape, count + 1);
      queue.push(next);
    }
  }
  return { pages, forms };
}

/** Each form posted empty, as a careless click would: the page it re-shows with its messages. */
async function reshownForms(label: string, cookie: string, forms: Set<string>): Promise<Saved[]> {
  const pages: Saved[] = [];
  for (const action of forms) {
    if (SKIP.some((re) => re.test(action)) || action.startsWith('/unsubscribe/')) continue;
    const res = await fetch(`${portal.url}${action}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: portal.url, ...(cookie ? { Cookie: cookie } : {}) },
      body: '',
    });
    if (!(res.headers.get('content-type') ?? '').startsWith('text/html')) {
      await res.body?.cancel();
      continue;
    }
    const html = await res.text();
    const file = path.join(dir, `${label}-post-${pages.length}.html`);
    fs.writeFileSync(file, html);
    pages.push({ url: `POST ${action}`, file, html });
  }
  return pages;
}

type VnuMessage = { type: string; url: string; message: string; extract?: string; lastLine?: number };

async function check(pages: Saved[]): Promise<VnuMessage[]> {
  const run = promisify(execFile);
  const args = ['-jar', VNU_JAR, '--errors-only', '--format', 'json', ...pages.map((p) => p.file)];
  // vnu exits 1 when it finds errors; the JSON report is on stderr either way.
  const out = await run('java', args, { maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => r.stderr,
    (e: { stderr?: string }) => e.stderr ?? '',
  );
  return (JSON.parse(out) as { messages: VnuMessage[] }).messages;
}

describe('every page is valid HTML (W3C Nu checker) with a meta description', () => {
  it('as a visitor and as a coordinator, including forms re-shown after an empty POST', async () => {
    const visitor = await crawl('visitor', '');
    const coordinatorCookie = await signedInCookie('coordinator@demo.example');
    const coordinator = await crawl('coordinator', coordinatorCookie);
    const posted = [...(await reshownForms('visitor', '', visitor.forms)), ...(await reshownForms('coordinator', coordinatorCookie, coordinator.forms))];
    const pages = [...visitor.pages, ...coordinator.pages, ...posted];
    expect(visitor.pages.length).toBeGreaterThan(10);
    expect(coordinator.pages.length).toBeGreaterThan(visitor.pages.length);
    expect(posted.length).toBeGreaterThan(5);

    const withoutDescription = pages.filter((p) => !/<meta name="description" content="[^"]+"/.test(p.html)).map((p) => p.url);
    expect(withoutDescription).toEqual([]);

    const byFile = new Map(pages.map((p) => [`file:${p.file}`, p.url]));
    const errors = (await check(pages)).filter((m) => m.type === 'error').map((m) => `${byFile.get(m.url) ?? m.url}: ${m.message} [${m.extract ?? ''}]`);
    expect(errors).toEqual([]);
  }, 300_000); // a few hundred pages, then one JVM: minutes on a loaded machine
});
