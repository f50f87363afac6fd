// Digests through the real outbox to a real SMTP server (test/support/smtp.ts): what arrives (both parts, both
// unsubscribe headers, absolute links, the footer link that works with one click), a temporary failure retried,
// a permanent failure recorded so the address gets no more digests, and the delivery report for each case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpCapture, sentTo, type SmtpCapture } from '../support/smtp';

let smtp: SmtpCapture;
// env() is read once, on first use, so SMTP_URL is set before any app module loads: they are imported below.
let mail: typeof import('~/utils/mail.server');
let digests: typeof import('~/models/digests.server');
let fixtures: typeof import('../support/digest-fixtures');
let unsubscribe: typeof import('~/routes/unsubscribe.$token');
let adminDigest: typeof import('~/routes/admin.digests.$id');
let c: import('../support/digest-fixtures').Community;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  process.env.SMTP_URL = smtp.url;
  process.env.MAIL_FROM = 'Micro-credentials CoP <noreply@cop.test>';
  mail = await import('~/utils/mail.server');
  digests = await import('~/models/digests.server');
  fixtures = await import('../support/digest-fixtures');
  unsubscribe = await import('~/routes/unsubscribe.$token');
  adminDigest = await import('~/routes/admin.digests.$id');
  c = fixtures.buildCommunity();
});

afterAll(async () => {
  await smtp?.close();
});

/** A header exactly as it arrived, unfolded (mailparser files List-* headers under "list"). */
function header(mail: { headerLines: ReadonlyArray<{ key: string; line: string }> }, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.replace(/\r?\n[ \t]+/g, ' ').replace(/^[^:]+:\s*/, '');
}

/** Sends everything due (now, or at `at`), the way the worker does. */
async function drain(at?: number) {
  while ((await mail.processOutbox(at)) > 0);
}

const coordinator = () => ({ id: c.people.coordinator });

describe('a digest over SMTP', () => {
  let digestId: number;
  beforeAll(async () => {
    digestId = digests.createDigest(coordinator());
    digests.updateDigestText(coordinator(), digestId, { subject: 'What’s new: pilots, resources and a workshop', intro: 'Kia ora koutou. Three organisations shared their work this week.' });
    expect(digests.sendDigest(coordinator(), digestId)).toMatchObject({ ok: true, queued: 6 });
    await drain();
  });

  it('delivers exactly one message to each recipient and none to anyone else', () => {
    const to = smtp.messages.flatMap((m) => m.envelope.to).sort();
    expect(to).toEqual(['ana@digest.test', 'ben@digest.test', 'cai@digest.test', 'coordinator@digest.test', 'eng@digest.test', 'new@digest.test']);
    expect(digests.deliveryReport(digestId)).toEqual({ recipients: 6, queued: 0, sent: 6, failed: 0, problems: [] });
    expect(digests.finishDeliveredDigests()).toBe(1);
    expect(digests.getDigest(digestId)!.status).toBe('sent');
  });

  it('carries List-Unsubscribe (an https link and a mailto) and List-Unsubscribe-Post for one-click', async () => {
    const ana = await smtp.waitFor(sentTo('ana@digest.test'));
    expect(header(ana, 'List-Unsubscribe')).toMatch(/^<http:\/\/localhost:3000\/unsubscribe\/\d+\.digest\.[0-9a-z]+\.[A-Za-z0-9_-]{43}>, <mailto:unsubscribe@localhost\?subject=unsubscribe>$/);
    expect(header(ana, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(ana.subject).toBe('What’s new: pilots, resources and a workshop');
    expect(ana.messageId).toMatch(/^<outbox-\d+@localhost>$/);
  });

  it('has an HTML part (600 px, lang set, absolute links only) and a plain-text part that reads on its own', async () => {
    const ana = await smtp.waitFor(sentTo('ana@digest.test'));
    expect(ana.raw).toMatch(/^Content-Type: multipart\/alternative/im);
    const html = ana.html as string;
    expect(html).toContain('<html lang="en-NZ"');
    expect(html).toMatch(/max-width:600px/);
    expect(html).toMatch(/<table role="presentation"/);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(10);
    for (const href of hrefs) expect(href).toMatch(/^(https?:\/\/|mailto:)/);
    for (const img of html.match(/<img\b[^>]*>/g) ?? []) expect(img).toMatch(/\balt="/);

    const text = ana.text!;
    expect(text).toContain('Kia ora Ana Otago,');
    expect(text).toContain('Kia ora koutou. Three organisations shared their work this week.');
    expect(text).toMatch(/\* EduBits for engineering technicians\n {2}\(From your organisation\)/);
    expect(text).toContain('Read more: http://localhost:3000/case-studies/edubits-pilot');
    expect(text).toContain('Your upcoming workshops');
    expect(text).not.toMatch(/<[a-z][^>]*>/i); // no markup in the text part
    for (const line of text.split('\n')) if (!/https?:\/\//.test(line)) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('shows the unsubscribe link in the footer, and a one-click POST to it (no cookies) unsubscribes', async () => {
    const ben = await smtp.waitFor(sentTo('ben@digest.test'));
    const headerUrl = /<(http:\/\/[^>]+)>/.exec(header(ben, 'List-Unsubscribe')!)![1]!;
    expect(ben.text).toContain(`Unsubscribe: ${headerUrl}`);
    expect(ben.html).toContain(`href="${headerUrl}"`);
    expect(ben.html).toContain('Unsubscribe from these emails');

    const token = new URL(headerUrl).pathname.split('/').pop()!;
    const res = await fixtures.callRoute(unsubscribe.action, { path: new URL(headerUrl).pathname, params: { token }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    expect(digests.getNotificationSettings(c.people.ben)!.digestFrequency).toBe('off');
    expect(digests.countRecipients({ kind: 'everyone' })).toBe(5);
  });

  it('sends a test copy to the coordinator only, marked as a test and kept out of the delivery report', async () => {
    const before = smtp.messages.length;
    expect(digests.sendTestToSelf(coordinator(), digestId)).toMatchObject({ ok: true });
    await drain();
    expect(smtp.messages.length).toBe(before + 1);
    const test = smtp.messages[before]!;
    expect(test.envelope.to).toEqual(['coordinator@digest.test']);
    expect(test.subject).toBe('[Test] What’s new: pilots, resources and a workshop');
    expect(header(test, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(digests.deliveryReport(digestId).recipients).toBe(6);
  });
});

describe('delivery failures', () => {
  it('retries a temporary failure with backoff, showing it in the report meanwhile', async () => {
    smtp.clear();
    const id = digests.createDigest(coordinator());
    digests.setDigestAudience(coordinator(), id, { kind: 'organisations', ids: [c.orgs.engnz] });
    expect(digests.sendDigest(coordinator(), id)).toMatchObject({ ok: true, queued: 1 });
    smtp.failNext(451, 'Greylisted, try again later');
    await drain();

    const waiting = digests.deliveryReport(id);
    expect(waiting).toMatchObject({ recipients: 1, queued: 1, sent: 0, failed: 0 });
    expect(waiting.problems).toEqual([expect.objectContaining({ email: 'eng@digest.test', status: 'pending', attempts: 1, error: expect.stringMatching(/451|Greylisted/) })]);
    expect(smtp.messages).toHaveLength(0);
    expect(digests.finishDeliveredDigests()).toBe(0);

    await drain(waiting.problems[0]!.nextAttemptAt);
    await smtp.waitFor(sentTo('eng@digest.test'));
    expect(digests.deliveryReport(id)).toMatchObject({ queued: 0, sent: 1, failed: 0, problems: [] });
    expect(digests.recordPermanentFailures()).toBe(0);
    digests.finishDeliveredDigests();
    expect(digests.getDigest(id)!.status).toBe('sent');
  });

  it('records a permanent failure, stops digests to that address, and reports the error', async () => {
    smtp.clear();
    const id = digests.createDigest(coordinator());
    digests.setDigestAudience(coordinator(), id, { kind: 'organisations', ids: [c.orgs.otago] }); // Ana only (Olive off, Bea bounced)
    const anaBefore = fixtures.emailOf(c.people.ana);
    expect(digests.sendDigest(coordinator(), id)).toMatchObject({ ok: true, queued: 1 });
    smtp.failNext(550, 'No such user here');
    await drain();
    await drain(Date.now() + 365 * 24 * 60 * 60 * 1000); // never retried
    expect(smtp.messages).toHaveLength(0);

    const report = digests.deliveryReport(id);
    expect(report).toMatchObject({ recipients: 1, queued: 0, sent: 0, failed: 1 });
    expect(report.problems).toEqual([expect.objectContaining({ email: anaBefore, status: 'failed', error: expect.stringMatching(/550|No such user/) })]);

    expect(digests.recordPermanentFailures()).toBe(1);
    expect(digests.recordPermanentFailures()).toBe(0);
    expect(digests.getNotificationSettings(c.people.ana)!.emailBouncedAt).not.toBeNull();

    // The coordinator's page shows the failure; the next digest skips the bounced address.
    const page = await fixtures.callRoute(adminDigest.loader, { path: `/admin/digests/${id}`, cookie: fixtures.signIn(c.people.coordinator), params: { id: String(id) } });
    expect(page.data.report.problems[0]).toMatchObject({ email: anaBefore, status: 'failed' });
    const next = digests.createDigest(coordinator());
    expect(digests.sendDigest(coordinator(), next)).toMatchObject({ ok: true });
    await drain();
    expect(smtp.messages.filter(sentTo(anaBefore))).toHaveLength(0);
    expect(smtp.messages.length).toBeGreaterThan(0);
  });
});
