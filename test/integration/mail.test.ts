// The outbox against a real SMTP server: what arrives, retries, permanent failures and never sending twice.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpCapture, sentTo, type SmtpCapture } from '../support/smtp';

let smtp: SmtpCapture;
// env() is read once, on first use, so SMTP_URL must be set before any app module loads: they are imported below.
let mail: typeof import('~/utils/mail.server');
let dbModule: typeof import('../../db/client.server');
let schema: typeof import('../../db/schema');
let eq: typeof import('drizzle-orm').eq;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  process.env.SMTP_URL = smtp.url;
  process.env.MAIL_FROM = 'Micro-credentials CoP <noreply@cop.test>';
  mail = await import('~/utils/mail.server');
  dbModule = await import('../../db/client.server');
  schema = await import('../../db/schema');
  ({ eq } = await import('drizzle-orm'));
});

afterAll(async () => {
  await smtp?.close();
});

beforeEach(() => {
  dbModule.db.delete(schema.outbox).run();
  smtp.clear();
});

function queue(to: string, dedupeKey: string, extra: Partial<Parameters<typeof mail.queueEmail>[1]> = {}) {
  mail.queueEmail(dbModule.db, {
    to,
    dedupeKey,
    message: {
      subject: `Hello ${to}`,
      html: `<p>Kia ora <strong>${to}</strong></p><p><a href="http://localhost:3000/x">Open</a></p>`,
      text: `Kia ora ${to}\n\nOpen: http://localhost:3000/x`,
    },
    ...extra,
  });
}

function row(dedupeKey: string) {
  const found = dbModule.db.select().from(schema.outbox).where(eq(schema.outbox.dedupeKey, dedupeKey)).get();
  if (!found) throw new Error(`no outbox row ${dedupeKey}`);
  return found;
}

describe('the outbox over SMTP', () => {
  it('uses SMTP rather than files when SMTP_URL is set', () => {
    expect(mail.usesFileTransport()).toBe(false);
  });

  it('delivers a queued message once, with both parts, its headers and a recorded Message-ID', async () => {
    queue('ana@example.nz', 'test:deliver', {
      headers: { 'List-Unsubscribe': '<http://localhost:3000/unsubscribe/abc>', 'X-Portal-Topic': 'workshops' },
    });
    expect(row('test:deliver').status).toBe('pending');

    expect(await mail.processOutbox()).toBe(1);

    const received = await smtp.waitFor(sentTo('ana@example.nz'));
    expect(received.subject).toBe('Hello ana@example.nz');
    expect(received.text).toContain('Kia ora ana@example.nz');
    expect(received.text).toContain('http://localhost:3000/x');
    expect(received.html).toContain('<strong>ana@example.nz</strong>');
    expect(received.from?.value[0]).toMatchObject({ address: 'noreply@cop.test', name: 'Micro-credentials CoP' });
    expect(received.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toBe(
      'List-Unsubscribe: <http://localhost:3000/unsubscribe/abc>',
    );
    expect(received.headers.get('x-portal-topic')).toBe('workshops');
    expect(received.raw).toMatch(/^Content-Type: multipart\/alternative/im);

    const sent = row('test:deliver');
    expect(sent.status).toBe('sent');
    expect(sent.attempts).toBe(1);
    expect(sent.sentAt).not.toBeNull();
    expect(sent.lastError).toBeNull();
    expect(sent.messageId).toBe(received.messageId);
    expect(sent.messageId).toMatch(/^<outbox-\d+@localhost>$/);

    expect(await mail.processOutbox()).toBe(0);
    expect(smtp.messages).toHaveLength(1);
  });

  it('sends a message queued twice under the same dedupe key only once', async () => {
    queue('bea@example.nz', 'test:dedupe');
    mail.queueEmail(dbModule.db, {
      to: 'bea@example.nz',
      dedupeKey: 'test:dedupe',
      message: { subject: 'A second copy', html: '<p>again</p>', text: 'again' },
    });
    expect(dbModule.db.select().from(schema.outbox).all()).toHaveLength(1);

    await mail.processOutbox();
    await mail.processOutbox();

    expect(smtp.messages.filter(sentTo('bea@example.nz'))).toHaveLength(1);
    expect(smtp.messages[0]!.subject).toBe('Hello bea@example.nz');
  });

  it('retries a temporary (451) failure later with backoff, then delivers it', async () => {
    smtp.failNext(451, 'Greylisted, try again later');
    queue('cai@example.nz', 'test:temporary');
    const before = Date.now();

    expect(await mail.processOutbox()).toBe(1);

    const waiting = row('test:temporary');
    expect(waiting.status).toBe('pending');
    expect(waiting.attempts).toBe(1);
    expect(waiting.lastError).toMatch(/451|Greylisted/);
    expect(waiting.nextAttemptAt).toBeGreaterThan(before + 10_000);
    expect(waiting.lockedUntil).toBeNull();
    expect(smtp.messages).toHaveLength(0);

    // Not due yet: a run now leaves it alone.
    expect(await mail.processOutbox()).toBe(0);

    expect(await mail.processOutbox(waiting.nextAttemptAt)).toBe(1);
    const received = await smtp.waitFor(sentTo('cai@example.nz'));
    const sent = row('test:temporary');
    expect(sent.status).toBe('sent');
    expect(sent.attempts).toBe(2);
    expect(sent.messageId).toBe(received.messageId);
  });

  it('waits longer after each temporary failure', async () => {
    smtp.failNext(451);
    smtp.failNext(451);
    queue('dee@example.nz', 'test:backoff');

    await mail.processOutbox();
    const first = row('test:backoff');
    const firstDelay = first.nextAttemptAt - Date.now();
    await mail.processOutbox(first.nextAttemptAt);
    const second = row('test:backoff');
    const secondDelay = second.nextAttemptAt - Date.now();

    expect(second.attempts).toBe(2);
    expect(second.status).toBe('pending');
    expect(secondDelay).toBeGreaterThan(firstDelay * 1.5);
  });

  it('marks a permanent (550) failure as failed with the error and never tries it again', async () => {
    smtp.failNext(550, 'No such user here');
    queue('nobody@example.nz', 'test:permanent');

    await mail.processOutbox();

    const failed = row('test:permanent');
    expect(failed.status).toBe('failed');
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toMatch(/550|No such user/);
    expect(failed.sentAt).toBeNull();

    expect(await mail.processOutbox(Date.now() + 365 * 24 * 60 * 60 * 1000)).toBe(0);
    expect(smtp.messages).toHaveLength(0);
  });

  it('never sends a row twice when two workers run at the same time', async () => {
    for (const n of [1, 2, 3, 4, 5]) queue(`person${n}@example.nz`, `test:concurrent:${n}`);

    const handled = await Promise.all([mail.processOutbox(), mail.processOutbox(), mail.processOutbox()]);
    await mail.processOutbox();

    expect(handled.reduce((a, b) => a + b, 0)).toBe(5);
    expect(smtp.messages).toHaveLength(5);
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(5);
    const rows = dbModule.db.select().from(schema.outbox).all();
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('retries a row left "sending" by a crashed worker only once its lease has run out', async () => {
    queue('eru@example.nz', 'test:crashed');
    const { id } = row('test:crashed');
    const leaseEnds = Date.now() + 60_000;
    dbModule.db.update(schema.outbox).set({ status: 'sending', attempts: 1, lockedUntil: leaseEnds }).where(eq(schema.outbox.id, id)).run();

    // Another worker may still be sending it: leave it alone.
    expect(await mail.processOutbox()).toBe(0);
    expect(smtp.messages).toHaveLength(0);

    expect(await mail.processOutbox(leaseEnds)).toBe(1);
    const received = await smtp.waitFor(sentTo('eru@example.nz'));
    const sent = row('test:crashed');
    expect(sent.status).toBe('sent');
    expect(sent.attempts).toBe(2);
    // The same Message-ID as the first try, so a receiving server can drop a duplicate.
    expect(received.messageId).toBe(`<outbox-${id}@localhost>`);
  });

  it('holds a message queued with notBefore until then', async () => {
    const notBefore = Date.now() + 60 * 60 * 1000;
    queue('fai@example.nz', 'test:later', { notBefore });

    expect(await mail.processOutbox()).toBe(0);
    expect(await mail.processOutbox(notBefore)).toBe(1);
    await smtp.waitFor(sentTo('fai@example.nz'));
  });

  it('delivers a calendar invitation as a text/calendar attachment with its method', async () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Micro-credentials CoP//EN',
      'METHOD:REQUEST',
      'BEGIN:VEVENT',
      'UID:workshop-1@cop.test',
      'DTSTART:20190814T220000Z',
      'DTEND:20190815T040000Z',
      'SUMMARY:Micro-credentials workshop',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    queue('gus@example.nz', 'test:calendar', {
      attachments: [{ filename: 'workshop.ics', content: ics, contentType: 'text/calendar', method: 'REQUEST' }],
    });

    await mail.processOutbox();

    const received = await smtp.waitFor(sentTo('gus@example.nz'));
    const attachment = received.attachments.find((a) => a.filename === 'workshop.ics');
    expect(attachment).toBeDefined();
    expect(attachment!.contentType).toBe('text/calendar');
    expect(attachment!.content.toString('utf8')).toContain('SUMMARY:Micro-credentials workshop');
    expect(received.raw).toMatch(/Content-Type: text\/calendar;[^\n]*method=REQUEST/i);
    // Both parts still arrive beside the attachment.
    expect(received.text).toContain('Kia ora gus@example.nz');
    expect(received.html).toContain('<strong>gus@example.nz</strong>');
  });
});
