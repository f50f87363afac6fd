// The digest: what it gathers, who it goes to (segments, preferences, deactivated and bounced members), how each
// member's copy is personalised, how sending records recipients and items, the automatic mode's never-repeat rule,
// the notification settings page, and the unsubscribe link (GET changes nothing; POST, including RFC 8058
// one-click, works without a session; forged and expired links get a 400).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { and, eq, like } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../db/client.server';
import { auditLog, digestItemsSent, digestRecipients, digests, outbox, users } from '../../db/schema';
import {
  countRecipients,
  createDigest,
  deliveryReport,
  gatherDigestItems,
  getDigest,
  listDigestItems,
  moveDigestItem,
  previewFor,
  removeDigestItem,
  runAutomaticDigests,
  runDigestJobs,
  scheduleDigest,
  sendDigest,
  sendScheduledDigests,
  setDigestAudience,
  updateDigestText,
} from '~/models/digests.server';
import * as adminDigest from '~/routes/admin.digests.$id';
import * as adminDigestEmail from '~/routes/admin.digests.$id.email[.html]';
import * as adminDigests from '~/routes/admin.digests._index';
import * as notifications from '~/routes/settings.notifications';
import * as unsubscribe from '~/routes/unsubscribe.$token';
import { isAllowedOrigin } from '~/utils/origin.server';
import { toDateInputValue, toDateTimeLocalValue } from '~/utils/time';
import { signUnsubscribeToken, verifyUnsubscribeToken } from '~/utils/unsubscribe.server';
import { DAY, addMember, addResource, addWorkshop, buildCommunity, callRoute, signIn, type Community } from '../support/digest-fixtures';

let c: Community;
beforeAll(() => {
  c = buildCommunity();
});

function resetDigests() {
  db.delete(digests).run(); // cascades to items, recipients and items sent
  db.delete(outbox).run();
}

function frequencyOf(userId: number) {
  return db.select({ f: users.digestFrequency }).from(users).where(eq(users.id, userId)).get()!.f;
}

function outboxFor(digestId: number) {
  return db.select().from(outbox).where(like(outbox.dedupeKey, `digest:${digestId}:%`)).all();
}

describe('gathering what is new', () => {
  it('collects every section with stable keys, absolute links and the organisation each item comes from', () => {
    const items = gatherDigestItems(c.now - 7 * DAY, c.now);
    const byKey = new Map(items.map((i) => [i.itemKey, i]));
    const { content, orgs } = c;

    expect(byKey.get(`case_study:${content.pilot}`)).toMatchObject({ section: 'case_studies', payload: { title: 'EduBits for engineering technicians', organisationId: orgs.otago, organisationName: 'Otago Polytechnic', url: 'http://localhost:3000/case-studies/edubits-pilot' } });
    expect(byKey.get(`case_study:${content.olderPilot}:revision:${content.revision}`)?.payload.summary).toBe('Updated: Outcomes, Lessons learned.');
    expect(byKey.get(`micro_credential:${content.credential}`)?.payload).toMatchObject({ title: 'Reading engineering drawings', organisationId: orgs.otago });
    expect(byKey.get(`resource:${content.resource}`)?.payload).toMatchObject({ url: `http://localhost:3000/resources/${content.resource}`, organisationName: 'BCITO' });
    expect(byKey.get(`workshop:${content.open}`)?.payload).toMatchObject({ action: { label: 'RSVP on the workshop page', url: 'http://localhost:3000/workshops/stacking-workshop' }, audienceOrganisationIds: null });
    expect(byKey.get(`workshop:${content.open}`)?.payload.meta).toContain('29 seats left');
    expect(byKey.get(`workshop:${content.bcitoOnly}`)?.payload.audienceOrganisationIds).toEqual([orgs.bcito]);
    expect(byKey.get(`workshop_record:${content.past}`)?.payload.details).toEqual([
      'Decided: Share pilot evaluation templates in the library.',
      expect.stringMatching(/^Action for BCITO \(due .+\): Draft a common evaluation template$/),
    ]);
    const discussion = byKey.get(`discussion:${content.thread}:3`);
    expect(discussion?.payload).toMatchObject({ title: 'How are you assessing in the workplace?', url: `http://localhost:3000/discussions/${content.thread}`, meta: 'General · 3 new posts' });
    expect(discussion?.payload.summary).toBe('Cai Carpenter: “Workplace verifiers sign off each task.”');
    expect(byKey.get(`organisation:${orgs.newOrg}`)?.payload.title).toBe('Primary ITO');
    expect(byKey.get(`member:${c.people.newcomer}`)?.payload).toMatchObject({ title: 'Nia Newcomer', summary: 'Interested in stacking, recognition of prior learning' });

    for (const item of items) expect(item.payload.url).toMatch(/^http:\/\/localhost:3000\//);
    // Sections come in the email's order.
    const order = ['workshops', 'case_studies', 'micro_credentials', 'resources', 'decisions', 'discussions', 'community'];
    expect(items.map((i) => order.indexOf(i.section))).toEqual([...items.map((i) => order.indexOf(i.section))].sort((a, b) => a - b));
  });

  it('leaves out drafts, full workshops, hidden threads and posts, and anything older than the period', () => {
    const items = gatherDigestItems(c.now - 7 * DAY, c.now);
    const keys = items.map((i) => i.itemKey);
    const text = JSON.stringify(items);
    expect(keys).not.toContain(`case_study:${c.content.draftPilot}`);
    expect(text).not.toContain('Hidden draft credential');
    expect(keys).not.toContain(`workshop:${c.content.full}`);
    expect(keys.filter((k) => k.startsWith(`discussion:${c.content.hiddenThread}:`))).toEqual([]);
    expect(text).not.toContain('Buy cheap watches');
    expect(keys).not.toContain(`organisation:${c.orgs.otago}`);

    const later = gatherDigestItems(c.now, c.now + DAY).map((i) => i.itemKey);
    expect(later.every((k) => k.startsWith('workshop:'))).toBe(true); // upcoming workshops are always current
  });
});

describe('audience and recipients', () => {
  it('counts everyone active, subscribed and not bounced, and each segment', () => {
    // Everyone: coordinator, Ana, Ben, Cai, Eru, Nia. Not Olive (off), Gus (deactivated) or Bea (bounced).
    expect(countRecipients({ kind: 'everyone' })).toBe(6);
    expect(countRecipients({ kind: 'organisation_kinds', values: ['ito'] })).toBe(3); // Ben, Cai, Nia (Gus deactivated)
    expect(countRecipients({ kind: 'organisation_kinds', values: ['itp'] })).toBe(1); // Ana (Olive off, Bea bounced)
    expect(countRecipients({ kind: 'organisations', ids: [c.orgs.bcito, c.orgs.engnz] })).toBe(3);
    expect(countRecipients({ kind: 'roles', values: ['project_manager', 'coordinator'] })).toBe(2);
    expect(countRecipients({ kind: 'roles', values: ['member'] })).toBe(4);
  });

  it('sends to the chosen segment only, skipping members who turned digests off, deactivated members and bounced addresses', () => {
    resetDigests();
    const id = createDigest({ id: c.people.coordinator }, c.now);
    setDigestAudience({ id: c.people.coordinator }, id, { kind: 'organisations', ids: [c.orgs.otago, c.orgs.bcito] });
    const outcome = sendDigest({ id: c.people.coordinator }, id, c.now);
    expect(outcome).toMatchObject({ ok: true, queued: 3 });
    const to = outboxFor(id).map((r) => r.toAddress).sort();
    expect(to).toEqual(['ana@digest.test', 'ben@digest.test', 'cai@digest.test']);
  });
});

describe('composing a draft', () => {
  beforeEach(resetDigests);

  it('covers the last seven days when no digest has gone out, and since the last digest after that', () => {
    const first = createDigest({ id: c.people.coordinator }, c.now);
    expect(getDigest(first)!.sinceAt).toBe(c.now - 7 * DAY);
    expect(getDigest(first)!.status).toBe('draft');
    sendDigest({ id: c.people.coordinator }, first, c.now - DAY);
    const second = createDigest({ id: c.people.coordinator }, c.now);
    expect(getDigest(second)!.sinceAt).toBe(c.now - DAY);
  });

  it('says since when to the minute, New Zealand time, so a second digest on the same day reads differently', () => {
    const first = createDigest({ id: c.people.coordinator }, c.now);
    const sentAt = Date.parse('2026-12-06T20:30:00Z'); // 7 December 2026, 9:30 am NZDT
    sendDigest({ id: c.people.coordinator }, first, sentAt);
    const second = createDigest({ id: c.people.coordinator }, Date.parse('2026-12-07T03:00:00Z'));
    const preview = previewFor(second, c.people.ana, Date.parse('2026-12-07T03:00:00Z'))!;
    expect(preview.text).toContain('since 7 December 2026, 9:30 am NZ time');
    expect(preview.html).toContain('since 7 December 2026, 9:30 am NZ time');
  });

  it('stores the introduction as sanitised HTML with absolute links, and keeps the markdown', () => {
    const id = createDigest({ id: c.people.coordinator }, c.now);
    const intro = 'Kia ora koutou.\n\nSee the [stacking workshop](/workshops/stacking-workshop).<script>alert(1)</script><img src=x onerror=alert(1)>';
    expect(updateDigestText({ id: c.people.coordinator }, id, { subject: 'August digest', intro })).toMatchObject({ ok: true });
    const d = getDigest(id)!;
    expect(d.introMd).toBe(intro);
    expect(d.introHtml).toContain('href="http://localhost:3000/workshops/stacking-workshop"');
    expect(d.introHtml).not.toMatch(/<script|onerror|<img/);
    const preview = previewFor(id, c.people.ana, c.now)!;
    expect(preview.subject).toBe('August digest');
    expect(preview.text).toMatch(/Kia ora koutou\.\n\nSee the stacking workshop\s+\(http:\/\/localhost:3000\/workshops\/stacking-workshop\)\./);
    // The introduction comes straight after the greeting, before the member's own workshops and the items.
    expect(preview.text.indexOf('Kia ora koutou.')).toBeLessThan(preview.text.indexOf('Your upcoming workshops'));
  });

  it('removes and reorders items through the page without JavaScript, within their section', async () => {
    const id = createDigest({ id: c.people.coordinator }, c.now);
    const cookie = signIn(c.people.coordinator);
    const path = `/admin/digests/${id}`;
    const workshopsBefore = listDigestItems(id).filter((i) => i.section === 'workshops');
    expect(workshopsBefore.map((i) => i.itemKey)).toEqual([`workshop:${c.content.open}`, `workshop:${c.content.bcitoOnly}`]);

    const moved = await callRoute(adminDigest.action, { path, cookie, params: { id: String(id) }, form: { intent: 'down', itemId: String(workshopsBefore[0]!.id) } });
    expect(moved.status).toBe(302);
    expect(listDigestItems(id).filter((i) => i.section === 'workshops').map((i) => i.itemKey)).toEqual([`workshop:${c.content.bcitoOnly}`, `workshop:${c.content.open}`]);

    // The first item of a section cannot move into the section above it.
    const firstPilot = listDigestItems(id).find((i) => i.section === 'case_studies')!;
    expect(moveDigestItem({ id: c.people.coordinator }, id, firstPilot.id, 'up')).toMatchObject({ ok: true });
    expect(listDigestItems(id).find((i) => i.section === 'case_studies')!.id).toBe(firstPilot.id);

    const removed = await callRoute(adminDigest.action, { path, cookie, params: { id: String(id) }, form: { intent: 'remove', itemId: String(firstPilot.id) } });
    expect(removed.status).toBe(302);
    expect(listDigestItems(id).map((i) => i.id)).not.toContain(firstPilot.id);
    expect(previewFor(id, c.people.ana, c.now)!.text).not.toMatch(new RegExp(`^\\* ${firstPilot.payload.title}$`, 'm'));
    const audited = db.select().from(auditLog).where(and(eq(auditLog.action, 'digest.edit'), eq(auditLog.targetId, id))).all();
    expect(audited.map((a) => a.actorId)).toEqual([c.people.coordinator, c.people.coordinator]); // the move and the removal (a move that changes nothing is not recorded)
    expect(audited.at(-1)!.summary).toMatch(/^Removed “EduBits for engineering technicians”/);
  });

  it('answers bad input with 400 and the message, and keeps members out of the composer', async () => {
    const id = createDigest({ id: c.people.coordinator }, c.now);
    const cookie = signIn(c.people.coordinator);
    const params = { id: String(id) };
    const path = `/admin/digests/${id}`;

    const noKinds = await callRoute(adminDigest.action, { path, cookie, params, form: { intent: 'audience', audience: 'organisation_kinds' } });
    expect(noKinds.status).toBe(400);
    expect(noKinds.data.errors.kinds).toEqual(['Tick at least one kind of organisation.']);

    const past = await callRoute(adminDigest.action, { path, cookie, params, form: { intent: 'schedule', scheduledFor: '2001-01-01T09:00' } });
    expect(past.status).toBe(400);
    expect(past.data.errors.scheduledFor).toEqual(['Choose a time in the future.']);

    const unconfirmed = await callRoute(adminDigest.action, { path, cookie, params, form: { intent: 'send' } });
    expect(unconfirmed.status).toBe(400);
    expect(outboxFor(id)).toHaveLength(0);

    const memberCookie = signIn(c.people.ana);
    for (const handler of [adminDigest.loader, adminDigest.action]) {
      const res = await callRoute(handler, { path, cookie: memberCookie, params, form: handler === adminDigest.action ? { intent: 'test' } : undefined });
      expect(res.status).toBe(403);
    }
    const list = await callRoute(adminDigests.loader, { path: '/admin/digests', cookie: memberCookie });
    expect(list.status).toBe(403);
    const html = await callRoute(adminDigestEmail.loader, { path: `${path}/email.html?as=${c.people.ana}`, cookie: memberCookie, params });
    expect(html.status).toBe(403);
  });

  it('shows the count of recipients on the page and asks for confirmation before sending', async () => {
    const id = createDigest({ id: c.people.coordinator }, c.now);
    const cookie = signIn(c.people.coordinator);
    const page = await callRoute(adminDigest.loader, { path: `/admin/digests/${id}?confirm=send`, cookie, params: { id: String(id) } });
    expect(page.data.recipientCount).toBe(6);
    expect(page.data.confirmSend).toBe(true);
    // The HTML version is its own document, framed by the page (served under the email policy).
    expect(page.data.preview.htmlUrl).toBe(`/admin/digests/${id}/email.html?as=${page.data.preview.as}`);
    const html = await callRoute(adminDigestEmail.loader, { path: page.data.preview.htmlUrl, cookie, params: { id: String(id) } });
    expect(html.status).toBe(200);
    expect(html.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('<html lang="en-NZ"');

    const sent = await callRoute(adminDigest.action, { path: `/admin/digests/${id}`, cookie, params: { id: String(id) }, form: { intent: 'send', confirmed: 'yes' } });
    expect(sent.status).toBe(302);
    expect(outboxFor(id)).toHaveLength(6);
    expect(db.select().from(auditLog).where(and(eq(auditLog.action, 'digest.send'), eq(auditLog.targetId, id))).all()).toHaveLength(1);
  });
});

describe('personalised previews', () => {
  let id: number;
  beforeAll(() => {
    resetDigests();
    id = createDigest({ id: c.people.coordinator }, c.now);
  });

  it("lists the member's own upcoming workshops and marks items from their organisation", () => {
    const ana = previewFor(id, c.people.ana, c.now)!;
    expect(ana.text).toContain('Kia ora Ana Otago,');
    expect(ana.text).toMatch(/Your upcoming workshops\n-+\n\* Stacking micro-credentials into the NZDE\n .*You’re going/);
    expect(ana.text).toMatch(/\* EduBits for engineering technicians\n {2}\(From your organisation\)/);
    expect(ana.html).toContain('From your organisation');
    expect(ana.excludedBecause).toBeNull();

    const ben = previewFor(id, c.people.ben, c.now)!;
    expect(ben.text).toContain('Kia ora Ben Builder,');
    expect(ben.text).not.toContain('Your upcoming workshops');
    expect(ben.text).not.toMatch(/\* EduBits for engineering technicians\n {2}\(From your organisation\)/);
    expect(ben.text).toMatch(/\* Employer survey 2019\n {2}\(From your organisation\)/);
  });

  it('does not offer a member an RSVP to a workshop they already have a seat at', () => {
    const rsvpLine = 'RSVP on the workshop page: http://localhost:3000/workshops/stacking-workshop';
    expect(previewFor(id, c.people.ana, c.now)!.text).not.toContain(rsvpLine);
    expect(previewFor(id, c.people.ben, c.now)!.text).toContain(rsvpLine);
  });

  it('shows a workshop for chosen organisations only to members of those organisations', () => {
    expect(previewFor(id, c.people.cai, c.now)!.text).toContain('Assessor moderation for BCITO');
    expect(previewFor(id, c.people.ana, c.now)!.text).not.toContain('Assessor moderation for BCITO');
  });

  it('says when the chosen member would not receive the digest', () => {
    expect(previewFor(id, c.people.unsubscribed, c.now)!.excludedBecause).toMatch(/turned digests off/);
    expect(previewFor(id, c.people.deactivated, c.now)!.excludedBecause).toMatch(/deactivated/);
    expect(previewFor(id, c.people.bounced, c.now)!.excludedBecause).toMatch(/bounced/);
    setDigestAudience({ id: c.people.coordinator }, id, { kind: 'roles', values: ['coordinator'] });
    expect(previewFor(id, c.people.ana, c.now)!.excludedBecause).toMatch(/outside the chosen audience/);
  });
});

describe('sending', () => {
  beforeEach(resetDigests);

  it('queues one message per recipient under digest:<id>:<user>, records recipients with their outbox rows and the items each was shown', () => {
    const id = createDigest({ id: c.people.coordinator }, c.now);
    expect(sendDigest({ id: c.people.coordinator }, id, c.now)).toMatchObject({ ok: true, queued: 6 });
    const rows = outboxFor(id);
    expect(rows.map((r) => r.dedupeKey).sort()).toEqual([c.people.coordinator, c.people.ana, c.people.ben, c.people.cai, c.people.eng, c.people.newcomer].map((u) => `digest:${id}:${u}`).sort());
    const recipients = db.select().from(digestRecipients).where(eq(digestRecipients.digestId, id)).all();
    expect(recipients).toHaveLength(6);
    for (const r of recipients) expect(rows.find((o) => o.id === r.outboxId)?.dedupeKey).toBe(`digest:${id}:${r.userId}`);

    const sentKeys = (userId: number) => db.select({ k: digestItemsSent.itemKey }).from(digestItemsSent).where(eq(digestItemsSent.userId, userId)).all().map((r) => r.k);
    expect(sentKeys(c.people.cai)).toContain(`workshop:${c.content.bcitoOnly}`);
    expect(sentKeys(c.people.ana)).not.toContain(`workshop:${c.content.bcitoOnly}`); // never shown to her
    expect(sentKeys(c.people.ana)).toContain(`case_study:${c.content.pilot}`);

    const headers = JSON.parse(rows.find((r) => r.toAddress === 'ana@digest.test')!.headers);
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(headers['List-Unsubscribe']).toMatch(/^<http:\/\/localhost:3000\/unsubscribe\/[^>]+>, <mailto:unsubscribe@localhost\?subject=unsubscribe>$/);
    expect(getDigest(id)).toMatchObject({ status: 'sending', sentAt: c.now });
    expect(deliveryReport(id)).toMatchObject({ recipients: 6, queued: 6, sent: 0, failed: 0 });
  });

  it('never queues a digest twice: a second send is refused and adds nothing', () => {
    const id = createDigest({ id: c.people.coordinator }, c.now);
    sendDigest({ id: c.people.coordinator }, id, c.now);
    expect(sendDigest({ id: c.people.coordinator }, id, c.now + 1000)).toMatchObject({ ok: false, status: 409 });
    expect(outboxFor(id)).toHaveLength(6);
  });

  it('refuses an empty digest and a digest nobody would receive', () => {
    const id = createDigest({ id: c.people.coordinator }, c.now);
    for (const item of listDigestItems(id)) removeDigestItem({ id: c.people.coordinator }, id, item.id);
    expect(sendDigest({ id: c.people.coordinator }, id, c.now)).toMatchObject({ ok: false, status: 400, message: expect.stringMatching(/empty/) });
    updateDigestText({ id: c.people.coordinator }, id, { subject: 'News', intro: 'Only an introduction.' });
    setDigestAudience({ id: c.people.coordinator }, id, { kind: 'organisations', ids: [c.orgs.newOrg + 1000] });
    expect(sendDigest({ id: c.people.coordinator }, id, c.now)).toMatchObject({ ok: false, status: 400, message: expect.stringMatching(/Nobody/) });
    expect(outboxFor(id)).toHaveLength(0);
  });
});

describe('automatic digests', () => {
  const N0 = Date.now();
  const OPEN_RSVP = 'RSVP on the workshop page: http://localhost:3000/workshops/stacking-workshop';
  let workshop2: number;
  let lateResource: number;
  beforeAll(async () => {
    resetDigests();
    // A manual digest to members only (not Ben the project manager, not the coordinator) at N0.
    const id = createDigest({ id: c.people.coordinator }, N0);
    setDigestAudience({ id: c.people.coordinator }, id, { kind: 'roles', values: ['member'] });
    expect(sendDigest({ id: c.people.coordinator }, id, N0)).toMatchObject({ ok: true, queued: 4 });
    // Afterwards: a new workshop is scheduled and BCITO shares a resource; Cai chooses monthly digests.
    workshop2 = addWorkshop('evaluation-workshop', 'Evaluating pilots together', { startsAt: N0 + 40 * DAY, createdAt: N0 + 2 * DAY });
    lateResource = addResource('Assessment guide for employers', c.orgs.bcito, N0 + 3 * DAY);
    db.update(users).set({ digestFrequency: 'monthly' }).where(eq(users.id, c.people.cai)).run();
  });

  function messageTo(digestId: number, userId: number) {
    return db.select().from(outbox).where(eq(outbox.dedupeKey, `digest:${digestId}:${userId}`)).get();
  }

  it('does nothing unless DIGEST_AUTOMATIC is on', () => {
    expect(runAutomaticDigests(N0 + 8 * DAY, { enabled: false })).toEqual({ digestId: null, queued: 0, nothingNew: 0, notDue: 0 });
  });

  it('sends each member whose period has passed only what they have not been sent, and waits for the others', () => {
    const run = runAutomaticDigests(N0 + 8 * DAY, { enabled: true });
    expect(run.digestId).not.toBeNull();
    const id = run.digestId!;
    expect(getDigest(id)).toMatchObject({ automatic: true, status: 'sending' });

    // Ana had the manual digest: only the new workshop and the new resource, never the workshop she was already sent.
    const ana = messageTo(id, c.people.ana)!;
    expect(ana.text).toContain('Evaluating pilots together');
    expect(ana.text).toContain('Assessment guide for employers');
    expect(ana.text).not.toContain(OPEN_RSVP);
    expect(ana.text).toContain('Your upcoming workshops'); // her own seat is still listed as hers
    expect(ana.text).not.toContain('EduBits for engineering technicians');
    // Ben never got the manual digest, so the first workshop is new to him.
    const ben = messageTo(id, c.people.ben)!;
    expect(ben.text).toContain(OPEN_RSVP);
    expect(ben.text).toContain('Evaluating pilots together');
    // Cai chose monthly: not due yet.
    expect(messageTo(id, c.people.cai)).toBeUndefined();
    expect(run.notDue).toBe(1);

    const sent = db.select().from(digestItemsSent).where(and(eq(digestItemsSent.userId, c.people.ana), eq(digestItemsSent.itemKey, `workshop:${workshop2}`))).get();
    expect(sent?.digestId).toBe(id);
    expect(db.select().from(digestItemsSent).where(eq(digestItemsSent.itemKey, `resource:${lateResource}`)).all().length).toBe(run.queued);
  });

  it('sends nothing to anyone again before their period has passed', () => {
    const before = db.select().from(outbox).all().length;
    const run = runAutomaticDigests(N0 + 9 * DAY, { enabled: true });
    expect(run).toMatchObject({ digestId: null, queued: 0 });
    expect(db.select().from(outbox).all().length).toBe(before);
  });

  it('skips members with nothing new and never repeats an item', () => {
    const before = db.select().from(outbox).all().length;
    const digestsBefore = db.select().from(digests).all().length;
    const run = runAutomaticDigests(N0 + 16 * DAY, { enabled: true });
    expect(run.digestId).toBeNull();
    expect(run.queued).toBe(0);
    expect(run.nothingNew).toBeGreaterThanOrEqual(4);
    expect(db.select().from(outbox).all().length).toBe(before);
    expect(db.select().from(digests).all().length).toBe(digestsBefore);
  });

  it('picks up something new for the members it concerns only', () => {
    const late = addMember('late@digest.test', 'Lee Late', c.orgs.engnz, { createdAt: N0 + 20 * DAY });
    const run = runAutomaticDigests(N0 + 24 * DAY, { enabled: true });
    // Lee joined this period: a new member is news to everyone due, and Lee's own first digest has the workshop the
    // others were already told about.
    expect(run.queued).toBeGreaterThan(0);
    const leeMessage = messageTo(run.digestId!, late)!;
    expect(leeMessage.text).toContain('RSVP on the workshop page: http://localhost:3000/workshops/evaluation-workshop');
    expect(leeMessage.text).not.toContain('* Lee Late'); // not told about himself
    const anaMessage = messageTo(run.digestId!, c.people.ana)!;
    expect(anaMessage.text).toContain('Lee Late');
    expect(anaMessage.text).not.toContain('Evaluating pilots together');
  });
});

describe('scheduling', () => {
  beforeEach(resetDigests);

  it('schedules in New Zealand time from the page, and the job sends it when the time comes', async () => {
    const cookie = signIn(c.people.coordinator);
    const created = await callRoute(adminDigests.action, { path: '/admin/digests', cookie, form: { intent: 'create' } });
    expect(created.status).toBe(302);
    const id = Number(created.headers.get('Location')!.split('/').pop());
    expect(getDigest(id)!.status).toBe('draft');

    const day = toDateInputValue(Date.now() + 60 * DAY); // a New Zealand calendar date two months ahead
    const scheduled = await callRoute(adminDigest.action, { path: `/admin/digests/${id}`, cookie, params: { id: String(id) }, form: { intent: 'schedule', scheduledFor: `${day}T09:30` } });
    expect(scheduled.status).toBe(302);
    const at = getDigest(id)!.scheduledFor!;
    expect(getDigest(id)!.status).toBe('scheduled');
    // 9:30 am in New Zealand: 12 (NZST) or 13 (NZDT) hours before 9:30 UTC on that date.
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    expect([12, 13]).toContain((Date.UTC(y, m - 1, d, 9, 30) - at) / 3_600_000);
    expect(toDateTimeLocalValue(at)).toBe(`${day}T09:30`);

    expect(sendScheduledDigests(at - 60_000)).toBe(0);
    expect(outboxFor(id)).toHaveLength(0);
    const everyone = countRecipients({ kind: 'everyone' });
    expect(sendScheduledDigests(at)).toBe(1);
    expect(getDigest(id)).toMatchObject({ status: 'sending', sentAt: at, scheduledFor: null });
    expect(outboxFor(id)).toHaveLength(everyone);
    expect(sendScheduledDigests(at + 60_000)).toBe(0);
    expect(outboxFor(id)).toHaveLength(everyone);
  });

  it('returns a scheduled digest that nobody would receive to draft, with an audit entry', () => {
    const id = createDigest({ id: c.people.coordinator }, c.now);
    setDigestAudience({ id: c.people.coordinator }, id, { kind: 'organisations', ids: [c.orgs.newOrg] });
    db.update(users).set({ digestFrequency: 'off' }).where(eq(users.id, c.people.newcomer)).run();
    try {
      scheduleDigest({ id: c.people.coordinator }, id, c.now + DAY, c.now);
      expect(sendScheduledDigests(c.now + DAY)).toBe(0);
      expect(getDigest(id)).toMatchObject({ status: 'draft', scheduledFor: null });
      expect(db.select().from(auditLog).where(and(eq(auditLog.action, 'digest.schedule_failed'), eq(auditLog.targetId, id))).all()).toHaveLength(1);
    } finally {
      db.update(users).set({ digestFrequency: 'weekly' }).where(eq(users.id, c.people.newcomer)).run();
    }
  });

  it('is sent by the minute job (runDigestJobs), which leaves the automatic mode off unless DIGEST_AUTOMATIC=true', () => {
    const id = createDigest({ id: c.people.coordinator }, c.now);
    scheduleDigest({ id: c.people.coordinator }, id, c.now + DAY, c.now);
    expect(process.env.DIGEST_AUTOMATIC).toBeUndefined();
    const before = db.select().from(digests).all().length;
    expect(runDigestJobs(c.now + DAY)).toMatchObject({ scheduled: 1, automatic: null });
    expect(getDigest(id)!.status).toBe('sending');
    expect(db.select().from(digests).all().length).toBe(before); // no automatic digest appeared
  });

  it('runs in the server: starting the background jobs sends a digest that is due', async () => {
    const { startBackgroundJobs } = await import('~/utils/jobs.server');
    const id = createDigest({ id: c.people.coordinator }, c.now);
    const now = Date.now();
    scheduleDigest({ id: c.people.coordinator }, id, now - DAY, now - 2 * DAY);
    const jobs = startBackgroundJobs({ reminderIntervalMs: 60 * 60_000 });
    try {
      expect(getDigest(id)!.status).toBe('sending'); // the first run happens at start
    } finally {
      await jobs.stop();
    }
  });

  it('previews as the member chosen on the page', async () => {
    const id = createDigest({ id: c.people.coordinator }, c.now);
    const page = await callRoute(adminDigest.loader, { path: `/admin/digests/${id}?as=${c.people.cai}`, cookie: signIn(c.people.coordinator), params: { id: String(id) } });
    expect(page.data.preview).toMatchObject({ as: c.people.cai, name: 'Cai Carpenter' });
    expect(page.data.preview.text).toContain('Kia ora Cai Carpenter,');
    const html = await callRoute(adminDigestEmail.loader, { path: page.data.preview.htmlUrl, cookie: signIn(c.people.coordinator), params: { id: String(id) } });
    expect(html.body).toContain('Kia ora Cai Carpenter,');
    expect(page.data.preview.options.map((o: { value: string }) => Number(o.value))).toContain(c.people.cai);
  });
});

describe('npm run digest', () => {
  beforeAll(resetDigests);
  const cli = (flag: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('scripts/digest.ts'), flag], { env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('--dry-run prints what is new and how many would get it, and changes nothing', async () => {
    const run = await cli('--dry-run');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('EduBits for engineering technicians');
    expect(run.stdout).toMatch(/Recipients: \d+/);
    expect(db.select().from(digests).all()).toHaveLength(0);
    expect(db.select().from(outbox).all()).toHaveLength(0);
  });

  it('--send queues the digest for everyone and processes the outbox once', async () => {
    const recipients = countRecipients({ kind: 'everyone' });
    const run = await cli('--send');
    expect(run.code, run.stderr).toBe(0);
    const sent = db.select().from(digests).all();
    expect(sent).toHaveLength(1);
    expect(outboxFor(sent[0]!.id)).toHaveLength(recipients);
    expect(outboxFor(sent[0]!.id).every((r) => r.status === 'sent')).toBe(true);
    expect(run.stdout).toContain(`${recipients} sent, 0 still queued, 0 failed`);
  });

  it('--send again right after finds nothing new and sends nothing', async () => {
    const run = await cli('--send');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Nothing new since the last digest');
    expect(db.select().from(digests).all()).toHaveLength(1);
  });
});

describe('notification settings', () => {
  it('shows and saves the digest frequency and the other two choices', async () => {
    const cookie = signIn(c.people.eng);
    const page = await callRoute(notifications.loader, { path: '/settings/notifications', cookie });
    expect(page.data).toMatchObject({ digestFrequency: 'weekly', replyNotifications: 'on', workshopAnnouncements: 'on' });

    const saved = await callRoute(notifications.action, { path: '/settings/notifications', cookie, form: { digestFrequency: 'fortnightly', replyNotifications: 'off', workshopAnnouncements: 'on' } });
    expect(saved.status).toBe(302);
    const row = db.select().from(users).where(eq(users.id, c.people.eng)).get()!;
    expect(row).toMatchObject({ digestFrequency: 'fortnightly', replyNotifications: false, workshopAnnouncements: true });

    const bad = await callRoute(notifications.action, { path: '/settings/notifications', cookie, form: { digestFrequency: 'hourly', replyNotifications: 'off', workshopAnnouncements: 'on' } });
    expect(bad.status).toBe(400);
    expect(bad.data.errors.digestFrequency).toEqual(['Choose how often you want the digest.']);
    expect(bad.data.values.digestFrequency).toBe('hourly');
    expect(frequencyOf(c.people.eng)).toBe('fortnightly');

    const anonymous = await callRoute(notifications.loader, { path: '/settings/notifications' });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('Location')).toMatch(/^\/login/);
  });
});

describe('unsubscribing', () => {
  let member: number;
  beforeEach(() => {
    member = addMember(`leaver${Math.random().toString(36).slice(2)}@digest.test`, 'Lia Leaver', c.orgs.otago);
  });

  it('signs tokens that verify, and refuses forged, damaged and expired ones', () => {
    const token = signUnsubscribeToken(member);
    expect(verifyUnsubscribeToken(token)).toMatchObject({ ok: true, userId: member, purpose: 'digest' });
    const [, purpose, at, mac] = token.split('.');
    expect(verifyUnsubscribeToken(`${member + 1}.${purpose}.${at}.${mac}`)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyUnsubscribeToken(`${token.slice(0, -2)}AA`)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyUnsubscribeToken('not-a-token')).toEqual({ ok: false, reason: 'invalid' });
    const old = signUnsubscribeToken(member, 'digest', Date.now() - 366 * DAY);
    expect(verifyUnsubscribeToken(old)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyUnsubscribeToken(signUnsubscribeToken(member, 'digest', Date.now() - 364 * DAY)).ok).toBe(true);
  });

  it('shows a confirmation page on GET and changes nothing', async () => {
    const token = signUnsubscribeToken(member);
    const page = await callRoute(unsubscribe.loader, { path: `/unsubscribe/${token}`, params: { token } });
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({ state: 'confirm', email: expect.stringMatching(/^leaver/) });
    expect(frequencyOf(member)).toBe('weekly');
  });

  it('unsubscribes on a one-click POST with no session, cookies or Origin, and the next digest leaves them out', async () => {
    const before = countRecipients({ kind: 'everyone' });
    const token = signUnsubscribeToken(member);
    const res = await callRoute(unsubscribe.action, { path: `/unsubscribe/${token}`, params: { token }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ state: 'done' });
    expect(frequencyOf(member)).toBe('off');
    expect(countRecipients({ kind: 'everyone' })).toBe(before - 1);
    // Posting again is harmless, and the GET page now says so.
    expect((await callRoute(unsubscribe.action, { path: `/unsubscribe/${token}`, params: { token }, body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    expect((await callRoute(unsubscribe.loader, { path: `/unsubscribe/${token}`, params: { token } })).data.state).toBe('already-off');
    // Mail providers post from their own servers: the path is exempt from the Origin check.
    expect(isAllowedOrigin({ path: `/unsubscribe/${token}`, origin: 'https://mail.example.com', secFetchSite: 'cross-site', ownOrigins: ['http://localhost:3000'] })).toBe(true);
  });

  it('answers a forged or expired link with a clear 400 page on GET and POST, changing nothing', async () => {
    const forged = `${member}.digest.${Date.now().toString(36)}.${'A'.repeat(43)}`;
    const expired = signUnsubscribeToken(member, 'digest', Date.now() - 400 * DAY);
    for (const [token, state] of [[forged, 'invalid'], [expired, 'expired'], ['garbage', 'invalid']] as const) {
      const get = await callRoute(unsubscribe.loader, { path: `/unsubscribe/${token}`, params: { token } });
      expect(get).toMatchObject({ status: 400, data: { state } });
      const post = await callRoute(unsubscribe.action, { path: `/unsubscribe/${token}`, params: { token }, body: 'List-Unsubscribe=One-Click' });
      expect(post).toMatchObject({ status: 400, data: { state } });
    }
    expect(frequencyOf(member)).toBe('weekly');
  });
});
