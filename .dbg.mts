import { launchBrowser, errorsOn, expectNoAxeViolations } from './test/support/browser';
import { startPortal } from './test/support/server';
const portal = await startPortal();
const b = await launchBrowser();
const t0 = Date.now();
const log = (s: string) => console.log(((Date.now() - t0) / 1000).toFixed(1), s);
try {
  const page = await b.newPage({ baseURL: portal.url, javaScriptEnabled: false });
  page.setDefaultTimeout(8000);
  await page.goto('/login'); log('goto');
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor(); log('heading');
  const r = await Promise.race([page.evaluate(() => 1 + 1), new Promise((res) => setTimeout(() => res('HUNG'), 5000))]);
  log('evaluate: ' + r);
  await expectNoAxeViolations(page); log('axe');
} catch (e) { console.error(e); }
await b.close(); await portal.stop();
