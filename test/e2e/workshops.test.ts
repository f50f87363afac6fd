// A workshop as people meet it in the browser: a coordinator schedules a one-seat workshop, one member takes the
// seat (JavaScript on), another joins the waitlist (JavaScript off) and is promoted and emailed an invitation when
// the first withdraws, and the coordinator downloads the attendee CSV. axe-core checks every page visited.
import fs from 'node:fs';
import ICAL from 'ical.js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsOn, expectNoAxeViolations, launchBrowser, signIn, type TestBrowser } from '../support/browser';
import { startPortal, type Portal } from '../support/server';
import { sentTo, startSmtpCapture, type SmtpCapture } from '../support/smtp';
import { parseDateTimeLocal } from '../../app/utils/time';

const DEMO_PASSWORD = 'stack-the-credentials';
const COORDINATOR = 'coordinator@demo.example';
const MEMBER_A = { email: 'member@demo.example', name: 'Demo Member', organisation: 'BCITO' };
const MEMBER_B = { email: 'project.manager@demo.example', name: 'Demo Project Manager', organisation: 'Otago Polytechnic' };
const TITLE = 'Recognition of prior learning for micro-credentials';

let smtp: SmtpCapture;
let portal: Portal;
let browser: TestBrowser;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  portal = await startPortal({ env: { SMTP_URL: smtp.url } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await smtp?.close();
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

function rsvpRegion(page: Page) {
  return page.getByRole('region', { name: 'Your RSVP' });
}

describe('a one-seat workshop from announcement to attendee list', () => {
  let workshopPath = '';
  const nextYear = new Date().getFullYear() + 1;

  it('a coordinator schedules and publishes it through the form, after the form refuses an end before the start', async () => {
    const page = await openPage();
    await signIn(page, COORDINATOR, DEMO_PASSWORD);
    await page.goto('/workshops');
    await expectPage(page, 'Workshops');
    await page.getByRole('link', { name: 'Schedule a workshop' }).click();
    await expectPage(page, 'Schedule a workshop');

    await page.getByLabel('Title').fill(TITLE);
    await page.getByLabel('Summary').fill('How ITPs and ITOs recognise what people already know.');
    await page.getByLabel('Agenda').fill('- Otago Polytechnic: EduBits\n- Questions');
    await page.getByLabel('Starts (New Zealand time)').fill(`${nextYear}-03-10T10:00`);
    await page.getByLabel('Ends (New Zealand time)').fill(`${nextYear}-03-10T09:00`);
    await page.getByRole('group', { name: 'Format' }).getByLabel('In person', { exact: true }).check();
    await page.getByLabel('Venue').fill('Otago Polytechnic, Dunedin');
    await page.getByLabel('Capacity (seats)').fill('1');
    await page.getByLabel('All members').check();
    await page.getByRole('button', { name: 'Publish' }).click();

    // Refused with the message on the end time, and everything typed is still there.
    await page.getByText('The end must be after the start.').waitFor();
    await expectPage(page, 'Schedule a workshop');
    await expect(page.getByLabel('Title').inputValue()).resolves.toBe(TITLE);
    await expect(page.getByLabel('Capacity (seats)').inputValue()).resolves.toBe('1');

    await page.getByLabel('Ends (New Zealand time)').fill(`${nextYear}-03-10T13:00`);
    await page.getByRole('button', { name: 'Publish' }).click();
    await expectPage(page, TITLE);
    await page.getByText('Workshop published. Members can now RSVP.').waitFor();
    await page.getByText('0 of 1 seats taken').waitFor();
    workshopPath = new URL(page.url()).pathname;
    expect(workshopPath).toMatch(/^\/workshops\/recognition-of-prior-learning-for-micro-credentials-\d{4}$/);

    // It is in the list and in the public feed (which is not mistaken for a workshop called "calendar.ics").
    await page.goto('/workshops');
    await expectPage(page, 'Workshops');
    await page.getByRole('link', { name: TITLE }).waitFor();
    const feed = await fetch(`${portal.url}/workshops/calendar.ics`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(await feed.text()).toContain(`SUMMARY:${TITLE}`);
    await page.close();
  });

  it('member A takes the only seat with JavaScript on', async () => {
    const page = await openPage();
    await page.goto(workshopPath);
    await expectPage(page, TITLE);
    // Visitors are asked to sign in, and come back here afterwards.
    await rsvpRegion(page).getByRole('link', { name: 'Sign in to RSVP' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await signIn(page, MEMBER_A.email, DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === workshopPath);
    await expectPage(page, TITLE);

    await rsvpRegion(page).getByLabel('Going', { exact: true }).check();
    await rsvpRegion(page).getByRole('button', { name: 'Send my RSVP' }).click();
    await rsvpRegion(page).getByText("You're going").waitFor();
    await page.getByText('A calendar invitation is on its way by email.').waitFor();
    await page.getByText('1 of 1 seats taken (full)').waitFor();
    await page.getByRole('region', { name: "Who's going" }).getByText(MEMBER_A.name).waitFor();
    await expectPage(page, TITLE);
    await page.close();
  });

  it('member B joins the waitlist with JavaScript off, A withdraws, and B is promoted and emailed an invitation', async () => {
    const b = await openPage({ javaScriptEnabled: false });
    await signIn(b, MEMBER_B.email, DEMO_PASSWORD);
    await b.goto(workshopPath);
    await expectPage(b, TITLE);
    await rsvpRegion(b).getByLabel('Going', { exact: true }).check();
    await rsvpRegion(b).getByLabel(/Access or dietary needs/).fill('Step-free access');
    await rsvpRegion(b).getByRole('button', { name: 'Send my RSVP' }).click();
    await rsvpRegion(b).getByText("You're on the waitlist, position 1").waitFor();
    await expectPage(b, TITLE);

    const a = await openPage();
    await signIn(a, MEMBER_A.email, DEMO_PASSWORD);
    await a.goto(workshopPath);
    await expectPage(a, TITLE);
    await rsvpRegion(a).getByRole('button', { name: 'Withdraw my RSVP' }).click();
    await a.getByText('Your RSVP has been withdrawn.').waitFor();
    await expect(rsvpRegion(a).getByText("You're going").count()).resolves.toBe(0);
    await expectPage(a, TITLE);

    await b.reload();
    await rsvpRegion(b).getByText("You're going").waitFor();
    await expectPage(b, TITLE);

    const mail = await smtp.waitFor((m) => sentTo(MEMBER_B.email)(m) && (m.subject ?? '').startsWith('A seat has opened up'));
    expect(mail.subject).toBe(`A seat has opened up: you're going to ${TITLE}`);
    const invitation = mail.attachments.find((att) => att.contentType.startsWith('text/calendar'));
    expect(invitation).toBeDefined();
    // Parsed back with a real iCalendar parser: an invitation for B, at the time the coordinator typed in NZ time.
    const calendar = new ICAL.Component(ICAL.parse(invitation!.content.toString('utf8')));
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
    expect(event.summary).toBe(TITLE);
    expect(event.startDate.toJSDate().getTime()).toBe((parseDateTimeLocal(`${nextYear}-03-10T10:00`) as { date: Date }).date.getTime());
    expect(event.attendees.map((p) => p.getFirstValue())).toEqual([`mailto:${MEMBER_B.email}`]);
    await a.close();
    await b.close();
  });

  it('the coordinator downloads the attendee list as CSV', async () => {
    const page = await openPage();
    await signIn(page, COORDINATOR, DEMO_PASSWORD);
    await page.goto(workshopPath);
    await expectPage(page, TITLE);
    const table = page.getByRole('table', { name: 'Everyone who replied, with their needs' });
    await table.getByRole('rowheader', { name: MEMBER_B.name }).waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the attendee list (CSV)' }).click()]);
    expect(download.suggestedFilename()).toBe(`${workshopPath.split('/').pop()}-attendees.csv`);
    const csv = fs.readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('Name,Email,Organisation,Status,Mode,Needs,RSVP time (NZ),Attended');
    expect(lines).toHaveLength(2); // A withdrew, so only B replied
    expect(lines[1]).toMatch(new RegExp(`^${MEMBER_B.name},${MEMBER_B.email.replace('.', '\\.')},${MEMBER_B.organisation},Going,In person,Step-free access,"[^"]+ NZ[SD]T",$`));
    await page.close();
  });
  it("member A, who withdrew, says they can't go, and the panel offers one clear action: changing the reply", async () => {
    const a = await openPage();
    await signIn(a, MEMBER_A.email, DEMO_PASSWORD);
    await a.goto(workshopPath);
    await expectPage(a, TITLE);
    await rsvpRegion(a).getByLabel("Can't go", { exact: true }).check();
    await rsvpRegion(a).getByRole('button', { name: 'Send my RSVP' }).click();
    await rsvpRegion(a).getByText("You said you can't go.").waitFor();
    await expect(rsvpRegion(a).getByRole('button').allTextContents()).resolves.toEqual(['Change my reply']);
    await expectPage(a, TITLE);
    await a.close();
  });

  it('the coordinator lowers the capacity below the people going, sees who is over, and keeps everyone', async () => {
    const page = await openPage();
    await signIn(page, COORDINATOR, DEMO_PASSWORD);
    await page.goto(`${workshopPath}/edit`);
    await expectPage(page, 'Edit workshop');
    await page.getByLabel('Capacity (seats)').fill('0');
    await page.getByRole('button', { name: 'Save changes' }).click();

    const panel = page.getByRole('region', { name: '1 person is over the new capacity' });
    await panel.getByRole('cell', { name: MEMBER_B.name }).waitFor();
    await expectPage(page, 'Edit workshop');
    await panel.getByRole('button', { name: 'Keep everyone (no new seats until enough withdraw)' }).click();
    await expectPage(page, TITLE);
    await page.getByText('Workshop saved.').waitFor();
    await page.getByRole('table', { name: 'Everyone who replied, with their needs' }).getByRole('row', { name: new RegExp(`${MEMBER_B.name}.*Going`) }).waitFor();
    await page.close();
  });

  it('the coordinator adds a decision and an owned action to the record of a past meeting', async () => {
    const page = await openPage();
    await signIn(page, COORDINATOR, DEMO_PASSWORD);
    await page.goto('/workshops/community-of-practice-third-meeting-2019');
    await expectPage(page, 'Community of practice: third meeting');
    await page.getByRole('link', { name: 'Edit the record of the meeting' }).click();
    await expectPage(page, 'Record of the meeting');

    await page.getByLabel('Decision 2', { exact: true }).fill('Meet again before the end of the year.');
    await page.getByLabel('Action 4', { exact: true }).fill('Invite employers to the next workshop.');
    await page.getByLabel('Owner of action 4').selectOption({ label: 'MITO' });
    await page.getByLabel('Due date of action 4').fill('2019-09-30');
    await page.getByRole('button', { name: 'Save the record' }).click();

    await expectPage(page, 'Community of practice: third meeting');
    await page.getByText('The record of the meeting is saved.').waitFor();
    const recordSection = page.getByRole('region', { name: 'Record of the meeting' });
    await recordSection.getByRole('listitem').filter({ hasText: 'Meet again before the end of the year.' }).waitFor();
    const action = recordSection.getByRole('listitem').filter({ hasText: 'Invite employers to the next workshop.' });
    await action.getByRole('link', { name: 'MITO' }).waitFor();
    await action.getByText('Due 30 September 2019').waitFor();
    await page.close();
  });

  it('a member finds their personal calendar address in settings, and it serves their workshops', async () => {
    const page = await openPage();
    await signIn(page, MEMBER_B.email, DEMO_PASSWORD);
    await page.goto('/settings/calendar');
    await expectPage(page, 'Settings');
    const address = await page.getByLabel('Your personal calendar address').inputValue();
    expect(address).toMatch(new RegExp(`^${portal.url}/calendar/[a-z2-7]{32}\\.ics$`));
    const feed = await fetch(address);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('cache-control')).toBe('private, no-store');
    const calendar = new ICAL.Component(ICAL.parse(await feed.text()));
    expect(calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v).summary)).toContain(TITLE);

    await page.getByRole('button', { name: 'Regenerate link' }).click();
    await page.getByText('Your calendar link has been replaced.', { exact: false }).waitFor();
    await expectPage(page, 'Settings');
    expect(await page.getByLabel('Your personal calendar address').inputValue()).not.toBe(address);
    expect((await fetch(address)).status).toBe(404);
    await page.close();
  });
});
