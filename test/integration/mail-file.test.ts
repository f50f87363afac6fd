// Without SMTP_URL the outbox writes each message as a .eml file under MAIL_DIR (what /dev/mail shows).
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { db } from '../../db/client.server';
import { outbox } from '../../db/schema';
import { processOutbox, queueEmail, readMailFile, usesFileTransport } from '~/utils/mail.server';

describe('the file transport', () => {
  it('is used when SMTP_URL is not set', () => {
    expect(process.env.SMTP_URL).toBeUndefined();
    expect(usesFileTransport()).toBe(true);
  });

  it('writes each message as a readable .eml file in MAIL_DIR', async () => {
    queueEmail(db, {
      to: 'hana@example.nz',
      dedupeKey: 'file:1',
      message: {
        subject: 'Your invitation to the Micro-credentials CoP',
        html: '<p>Kia ora Hana, <a href="http://localhost:3000/invite/abc">accept</a></p>',
        text: 'Kia ora Hana, accept: http://localhost:3000/invite/abc',
      },
      headers: { 'X-Portal-Topic': 'invitation' },
    });

    expect(await processOutbox()).toBe(1);

    const row = db.select().from(outbox).where(eq(outbox.dedupeKey, 'file:1')).get()!;
    expect(row.status).toBe('sent');
    const mailDir = process.env.MAIL_DIR!;
    const files = fs.readdirSync(mailDir);
    expect(files).toEqual([`${String(row.id).padStart(6, '0')}.eml`]); // and no .tmp left behind

    const raw = fs.readFileSync(path.join(mailDir, files[0]!), 'utf8');
    expect(readMailFile(row.id)).toBe(raw);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Your invitation to the Micro-credentials CoP');
    expect(parsed.text).toContain('http://localhost:3000/invite/abc');
    expect(parsed.html).toContain('<a href="http://localhost:3000/invite/abc">accept</a>');
    expect(parsed.headers.get('x-portal-topic')).toBe('invitation');
    expect(parsed.messageId).toBe(row.messageId);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]?.address : null).toBe('hana@example.nz');

    expect(await processOutbox()).toBe(0);
    expect(fs.readdirSync(mailDir)).toHaveLength(1);
  });

  it('reads nothing for a message that was never written', () => {
    expect(readMailFile(999_999)).toBeNull();
  });
});
