// A digest as a coordinator sends it and members receive it, in the browser, with mail caught by a real SMTP server:
// the coordinator starts a digest, writes an introduction, removes one item and moves another, narrows the audience
// to ITPs and ITOs, previews it and sends it now. Every member of that audience gets exactly one message (and nobody
// else any), each with one-click List-Unsubscribe headers and text and HTML parts. One recipient leaves through the
// link with JavaScript off (the GET only asks; the button unsubscribes), another with the RFC 8058 POST a mail
// provider makes, and the delivery report counts what was sent. axe-core checks every page visited.
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsOn, expectNoAxeViolations, launchBrowser, signIn, type TestBrowser } from '../support/browser';
import { startPortal, type Portal } from '../support/server';
import { linkFrom, recipients, startSmtpCapture, type CapturedMail, type SmtpCapture } from '../support/smtp';

const DEMO_PASSWORD = 'stack-the-credentials';
const COORDINATOR = 'coordinator@demo.example';
const MEMBER = { email: 'member@demo.example', name: 'Demo Member', organisation: 'BCITO' };
const PROJECT_MANAGER = 'project.manager@demo.example';
const SUBJECT = 'ITP and ITO news from the community of practice';
const INTRO = 'Kia ora koutou. This one is for **ITPs and ITOs**: two pilots want partners.';
const KINDS = ['itp', 'ito'] as const;
const KIND_LABELS = ['Institutes of technology and polytechnics (ITPs)', 'Industry training organisations (ITOs)'];
const REMOVED = 'Terry Shubkin'; // a seeded member, new in the digest's period (he also writes in a discussion it lists)

let smtp: SmtpCapture;
let portal: Portal;
let browser: TestBrowser;
let database: Database.Database;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  portal = await startPortal({ env: { SMTP_URL: smtp.url } });
  database = new Database(portal.databasePath);
  database.pragma('busy_timeout = 5000');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  database?.close();
  await portal?.stop();
  await smtp?.close();
});

async function openPage(options: { javaScriptEnabled?: boolean } = {}) {
  return browser.newPage({ baseURL: portal.url, ...options });
}

/** Waits for the page's one h1 (and its h2 inside Admin or Settings), then checks it with axe and for script errors. */
async function expectPage(page: Page, heading: string, subheading?: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
  if (subheading) await page.getByRole('heading', { level: 2, name: subheading, exact: true }).waitFor();
  expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
  await expectNoAxeViolations(page);
  expect(errorsOn(page).filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
}

/** Members who may get a digest at all (active, digest on, address not bounced), optionally of some kinds only. */
function eligibleEmails(kinds?: readonly string[]): string[] {
  const rows = database
    .prepare(
      `select u.email from users u join organisations o on o.id = u.organisation_id
       where u.deactivated_at is null and u.digest_frequency <> 'off' and u.email_bounced_at is null
         and (? is null or o.kind in (select value from json_each(?)))
       order by u.email`,
    )
    .all(kinds ? 1 : null, JSON.stringify(kinds ?? [])) as { email: string }[];
  return rows.map((r) => r.email);
}

function digestFrequency(email: string): string {
  return (database.prepare('select digest_frequency as f from users where email = ?').get(email) as { f: string }).f;
}

/** A header exactly as it arrived, unfolded (mailparser files List-* headers under "list"). */
function header(mail: CapturedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.replace(/\r?\n[ \t]+/g, ' ').replace(/^[^:]+:\s*/, '');
}

function unsubscribeLink(mail: CapturedMail): string {
  const link = /<(https?:\/\/[^>]+)>/.exec(header(mail, 'List-Unsubscribe') ?? '')?.[1];
  if (!link) throw new Error(`No https link in List-Unsubscribe of the message to ${recipients(mail).join(', ')}`);
  return link;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An item as the plain-text digest lists it: a bullet line with its title. */
const itemLine = (title: string) => new RegExp(`^\\* ${escapeRegExp(title)}$`, 'm');

function expectListedInOrder(text: string, first: string, second: string) {
  const [a, b] = [text.search(itemLine(first)), text.search(itemLine(second))];
  expect(a, `“${first}” is listed`).toBeGreaterThan(-1);
  expect(b, `“${second}” is listed after “${first}”`).toBeGreaterThan(a);
}

// Each item's buttons are named after it ("Remove: Title"), so a screen reader's list of buttons says which is which.
const itemButton = (page: Page, action: string, title: string) => page.getByRole('button', { name: `${action}: ${title}`, exact: true });

const itemTitles = (page: Page, section: string) => page.getByRole('region', { name: section, exact: true }).getByRole('listitem').getByRole('link').allTextContents();

describe('a digest to a chosen audience, from the composer to one-click unsubscribe', () => {
  // Who the digest is meant for, as the test database has it before anything is sent.
  let intended: string[] = [];
  let digestPath = '';
  let moved: { first: string; second: string };
  const digestMail = new Map<string, CapturedMail>();

  it('a coordinator composes it, narrows the audience to ITPs and ITOs, previews it and sends it now', async () => {
    // The audience is real, narrower than everyone, and includes two demo sign-ins (so we can look as them later).
    intended = eligibleEmails(KINDS);
    expect(intended).toEqual(expect.arrayContaining([MEMBER.email, PROJECT_MANAGER]));
    expect(intended).not.toContain(COORDINATOR);
    expect(eligibleEmails().length).toBeGreaterThan(intended.length);

    const page = await openPage();
    await signIn(page, COORDINATOR, DEMO_PASSWORD);
    await page.goto('/admin/digests');
    await expectPage(page, 'Admin', 'Digests');
    await page.getByRole('button', { name: 'New digest' }).click();
    await page.waitForURL((url) => /^\/admin\/digests\/\d+$/.test(url.pathname));
    digestPath = new URL(page.url()).pathname;
    await page.getByText('A new draft digest holds everything new since the last one.').waitFor();
    await page.getByRole('heading', { level: 2, name: /^What’s new in the Micro-credentials CoP/ }).waitFor();
    await expectPage(page, 'Admin');
    // A new draft goes to everyone until told otherwise.
    await page.getByText(`${eligibleEmails().length} people will receive this digest (Everyone).`).waitFor();

    await page.getByRole('textbox', { name: 'Subject', exact: true }).fill(SUBJECT);
    await page.getByRole('textbox', { name: 'Introduction', exact: true }).fill(INTRO);
    await page.getByRole('button', { name: 'Save subject and introduction' }).click();
    await page.getByText('Subject and introduction saved.').waitFor();
    await page.getByRole('heading', { level: 2, name: SUBJECT }).waitFor();

    // Remove one item, then swap the first two upcoming workshops.
    const community = 'New organisations and members';
    expect(await itemTitles(page, community)).toContain(REMOVED);
    await itemButton(page, 'Remove', REMOVED).click();
    await page.getByText(`Removed “${REMOVED}”.`).waitFor();
    expect(await itemTitles(page, community)).not.toContain(REMOVED);

    const workshops = 'Upcoming workshops with seats left';
    const [first, second] = await itemTitles(page, workshops);
    expect(first && second).toBeTruthy();
    moved = { first: second!, second: first! };
    await itemButton(page, 'Move up', second!).click();
    await page.getByText(`Moved “${second}” up.`).waitFor();
    expect((await itemTitles(page, workshops)).slice(0, 2)).toEqual([moved.first, moved.second]);

    // The audience: kinds of organisation, ITPs and ITOs; the count shown is the members of those who get digests.
    const form = page.locator('form').filter({ has: page.getByRole('group', { name: 'Who should receive it?' }) });
    await form.getByRole('group', { name: 'Who should receive it?' }).getByLabel('Kinds of organisation', { exact: true }).check();
    for (const label of KIND_LABELS) await form.getByRole('group', { name: 'Kinds of organisation', exact: true }).getByLabel(label, { exact: true }).check();
    await form.getByRole('button', { name: 'Save audience and count recipients' }).click();
    const count = `${intended.length} people`;
    await page.getByText(`Audience saved: ${count} will receive this digest.`).waitFor();
    await page.getByText(`${count} will receive this digest (${KIND_LABELS.join(', ')}).`).waitFor();
    await expectPage(page, 'Admin', SUBJECT);

    // The preview, as a member of the audience: their greeting, the introduction, without the removed item.
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByLabel('Preview as').selectOption({ label: `${MEMBER.name} (${MEMBER.organisation})` });
    await preview.getByRole('button', { name: 'Show preview' }).click();
    await page.waitForURL((url) => url.searchParams.has('as'));
    await preview.getByText(`As ${MEMBER.name} (${MEMBER.email}) would see it`).waitFor();
    const text = (await preview.locator('pre').textContent()) ?? '';
    expect(text).toContain(`Kia ora ${MEMBER.name},`);
    expect(text).toContain('two pilots want partners');
    expect(text).not.toMatch(itemLine(REMOVED));
    expectListedInOrder(text, moved.first, moved.second);
    await expect(preview.getByText(/outside the chosen audience/).count()).resolves.toBe(0);
    const frame = preview.frameLocator('iframe');
    await frame.locator('strong', { hasText: 'ITPs and ITOs' }).waitFor();
    // The frame is its own document, under a policy that lets the email's inline styles apply (and nothing run).
    await expect(frame.locator('h3 a').first().evaluate((a) => getComputedStyle(a).color)).resolves.toBe('rgb(29, 78, 216)');
    await expectPage(page, 'Admin', SUBJECT);

    // And as the coordinator, who is not in it: the preview says so.
    await preview.getByLabel('Preview as').selectOption({ label: 'Demo Coordinator (Engineering e2e) – you' });
    await preview.getByRole('button', { name: 'Show preview' }).click();
    await preview.getByText('This member is outside the chosen audience, so they will not receive it.').waitFor();

    // Send now asks first, naming how many it goes to.
    await page.getByRole('link', { name: 'Send now…' }).click();
    const confirm = page.getByRole('region', { name: 'Send this digest now?' });
    await confirm.getByText(`It goes to ${count} (${KIND_LABELS.join(', ')}) straight away`).waitFor();
    await expectPage(page, 'Admin', SUBJECT);
    await confirm.getByRole('button', { name: 'Yes, send it now' }).click();
    await page.getByText(`The digest is on its way to ${count}.`).waitFor();
    await page.getByRole('heading', { name: 'Delivery report' }).waitFor();
    // Sent: nothing is left to edit.
    await expect(page.getByRole('button', { name: 'Save subject and introduction' }).count()).resolves.toBe(0);
    await page.close();
  });

  it('gives every member of the audience exactly one message, and nobody else any, each with one-click unsubscribe', async () => {
    const expected = intended;
    expect(expected.length).toBeGreaterThan(0);
    for (const email of expected) {
      digestMail.set(email, await smtp.waitFor((m) => m.subject === SUBJECT && m.envelope.to.includes(email)));
    }
    // Once the outbox holds nothing more for this digest, everything it will send has reached the capture.
    const digestId = Number(digestPath.split('/').pop());
    const pending = database.prepare(
      `select count(*) as n from digest_recipients dr join outbox o on o.id = dr.outbox_id where dr.digest_id = ? and o.status <> 'sent'`,
    );
    await expect.poll(() => (pending.get(digestId) as { n: number }).n, { timeout: 15_000 }).toBe(0);

    const digests = smtp.messages.filter((m) => m.subject === SUBJECT);
    expect(digests.flatMap((m) => m.envelope.to).sort()).toEqual(expected);
    expect(digests.flatMap((m) => recipients(m)).sort()).toEqual(expected);

    const links = new Set<string>();
    for (const [email, mail] of digestMail) {
      const link = unsubscribeLink(mail);
      expect(header(mail, 'List-Unsubscribe')).toMatch(/^<https?:\/\/[^>]+\/unsubscribe\/[^>]+>, <mailto:[^>]+>$/);
      expect(header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(linkFrom(mail, '/unsubscribe/')).toBe(link); // the footer's link is the header's
      links.add(link);

      expect(mail.text).toContain('two pilots want partners');
      expect(mail.text).not.toMatch(itemLine(REMOVED));
      // Members who RSVPed to a workshop see it under their own workshops instead, so check the order where the
      // preview did.
      if (email === MEMBER.email) expectListedInOrder(mail.text!, moved.first, moved.second);
      expect(typeof mail.html).toBe('string');
      expect(mail.html as string).toContain('<strong>ITPs and ITOs</strong>');
      expect(mail.html as string).not.toContain(`>${REMOVED}</a>`);
      expect(new URL(link).origin, email).toBe(portal.url);
    }
    expect(links.size).toBe(expected.length); // each member's link is their own
  });

  it('a recipient opens the link with JavaScript off: it only asks, and the button unsubscribes them', async () => {
    const link = unsubscribeLink(digestMail.get(MEMBER.email)!);
    const before = digestFrequency(MEMBER.email);
    expect(before).not.toBe('off');

    const page = await openPage({ javaScriptEnabled: false });
    await page.goto(link);
    await expectPage(page, 'Unsubscribe from the digest?');
    await page.getByText(`The community digest goes to ${MEMBER.email}.`).waitFor();
    expect(digestFrequency(MEMBER.email)).toBe(before); // a mail scanner following the link unsubscribes nobody

    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await expectPage(page, 'You are unsubscribed');
    await page.getByText(`No more digests will be sent to ${MEMBER.email}.`).waitFor();
    expect(digestFrequency(MEMBER.email)).toBe('off');

    await page.goto(link);
    await expectPage(page, 'You are already unsubscribed');
    await page.close();

    // Their own settings say so.
    const settings = await openPage();
    await signIn(settings, MEMBER.email, DEMO_PASSWORD);
    await settings.goto('/settings/notifications');
    await expectPage(settings, 'Settings', 'Notifications');
    const digest = settings.getByRole('group', { name: 'Community digest' });
    await expect(digest.getByLabel('Off: no digests').isChecked()).resolves.toBe(true);
    await expect(digest.getByLabel('Weekly (the default)').isChecked()).resolves.toBe(false);
    await settings.close();
  });

  it('another leaves with the one-click POST a mail provider makes from the header', async () => {
    const link = unsubscribeLink(digestMail.get(PROJECT_MANAGER)!);
    expect(digestFrequency(PROJECT_MANAGER)).not.toBe('off');
    const response = await fetch(link, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(response.status).toBe(200);
    expect(digestFrequency(PROJECT_MANAGER)).toBe('off');
    // Only the two who left: the rest of the audience still gets digests.
    expect(eligibleEmails(KINDS)).toEqual(intended.filter((e) => e !== MEMBER.email && e !== PROJECT_MANAGER));
  });

  it('the delivery report counts every message as sent', async () => {
    const sent = String(digestMail.size);
    const page = await openPage();
    await signIn(page, COORDINATOR, DEMO_PASSWORD);
    await page.goto('/admin/digests');
    await expectPage(page, 'Admin', 'Digests');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: SUBJECT }) });
    // Status, recipients, queued, sent, failed.
    await expect(row.getByRole('cell').allTextContents()).resolves.toEqual([expect.any(String), sent, '0', sent, '0']);

    await row.getByRole('link', { name: SUBJECT }).click();
    await page.waitForURL((url) => url.pathname === digestPath);
    await expectPage(page, 'Admin', SUBJECT);
    const report = page.getByRole('region', { name: 'Delivery report' });
    const value = (term: string) => report.locator('dt').filter({ hasText: new RegExp(`^${escapeRegExp(term)}$`) }).locator('xpath=following-sibling::dd[1]').textContent();
    await expect(value('Recipients')).resolves.toBe(sent);
    await expect(value('Sent')).resolves.toBe(sent);
    await expect(value('Failed')).resolves.toBe('0');
    await expect(value('Queued (waiting or being sent)')).resolves.toBe('0');
    await report.getByText('No delivery errors.').waitFor();
    await page.getByRole('region', { name: 'Audience' }).getByText(KIND_LABELS.join(', ')).waitFor();
    await page.close();
  });
});
