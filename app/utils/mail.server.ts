// The outbox: mail is queued in the same transaction as the change that causes it, then sent by a worker.
// Rows are claimed with a lease; a row whose sender died is retried after its lease ends, with the same
// Message-ID, so a crash can at worst repeat a message whose SMTP "250 OK" arrived but was not yet recorded.
import fs from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { and, desc, eq, sql } from 'drizzle-orm';
import { db } from '../../db/client.server';
import { outbox } from '../../db/schema';
import { env } from './env.server';
import { logger } from './logger.server';
import { mailFailed, mailSent, timeJob } from './metrics.server';

export type EmailContent = { subject: string; html: string; text: string };
export type EmailAttachment = { filename: string; content: string; contentType: string; method?: string };
export type QueuedEmail = {
  to: string;
  dedupeKey: string;
  message: EmailContent;
  headers?: Record<string, string>;
  attachments?: EmailAttachment[];
  /** Send no earlier than this (UTC ms): reminders and scheduled digests. */
  notBefore?: number;
};

type Tx = Pick<typeof db, 'insert'>;

/** Queues a message; a second message with the same dedupe key is ignored. Call it inside the caller's transaction. */
export function queueEmail(tx: Tx, email: QueuedEmail): void {
  tx.insert(outbox)
    .values({
      dedupeKey: email.dedupeKey,
      toAddress: email.to,
      subject: email.message.subject,
      html: email.message.html,
      text: email.message.text,
      headers: JSON.stringify(email.headers ?? {}),
      attachments: JSON.stringify(email.attachments ?? []),
      ...(email.notBefore ? { nextAttemptAt: email.notBefore } : {}),
    })
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .run();
  (globalThis as { __kickMailWorker?: () => void }).__kickMailWorker?.();
}

const MAX_ATTEMPTS = 8;
const LEASE_MS = 2 * 60 * 1000;
const BATCH = 20;

export function backoffMs(attempts: number): number {
  return Math.min(60 * 60 * 1000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

/** Permanent: the server said 5xx about this message or recipient. Everything else (network, 4xx) is retried. */
export function isPermanentFailure(error: unknown): boolean {
  const code = (error as { responseCode?: number })?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

let transporter: Transporter | undefined;
function getTransporter(): Transporter {
  const { SMTP_URL } = env();
  transporter ??= SMTP_URL
    ? nodemailer.createTransport(SMTP_URL)
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return transporter;
}

export function usesFileTransport(): boolean {
  return !env().SMTP_URL;
}

function messageIdFor(row: { id: number }): string {
  const host = new URL(env().APP_URL).hostname || 'localhost';
  return `<outbox-${row.id}@${host}>`;
}

type OutboxRow = typeof outbox.$inferSelect;

function claimDueRows(now: number): OutboxRow[] {
  return db
    .update(outbox)
    .set({ status: 'sending', lockedUntil: now + LEASE_MS, attempts: sql`${outbox.attempts} + 1` })
    .where(
      sql`${outbox.id} in (select id from outbox where
        (status = 'pending' and next_attempt_at <= ${now}) or (status = 'sending' and locked_until <= ${now})
        order by next_attempt_at, id limit ${BATCH})`,
    )
    .returning()
    .all();
}

async function deliver(row: OutboxRow): Promise<string> {
  const attachments = (JSON.parse(row.attachments) as EmailAttachment[]).map((a) => ({
    filename: a.filename,
    content: a.content,
    contentType: a.method ? `${a.contentType}; method=${a.method}` : a.contentType,
  }));
  const info = await getTransporter().sendMail({
    from: env().MAIL_FROM,
    to: row.toAddress,
    subject: row.subject,
    html: row.html,
    text: row.text,
    headers: JSON.parse(row.headers) as Record<string, string>,
    attachments,
    messageId: messageIdFor(row),
  });
  if (usesFileTransport()) {
    const dir = env().MAIL_DIR;
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${String(row.id).padStart(6, '0')}.eml`);
    fs.writeFileSync(`${file}.tmp`, info.message as Buffer);
    fs.renameSync(`${file}.tmp`, file);
  }
  return info.messageId ?? messageIdFor(row);
}

/** Sends everything due now. Returns how many rows it handled. The worker calls it; tests call it directly. */
export async function processOutbox(now = Date.now()): Promise<number> {
  const rows = claimDueRows(now);
  const counts = { sent: 0, retry: 0, failed: 0 };
  for (const row of rows) {
    try {
      const messageId = await deliver(row);
      db.update(outbox)
        .set({ status: 'sent', messageId, sentAt: Date.now(), lockedUntil: null, lastError: null })
        .where(eq(outbox.id, row.id))
        .run();
      counts.sent++;
      mailSent.inc();
    } catch (error) {
      const permanent = isPermanentFailure(error) || row.attempts >= MAX_ATTEMPTS;
      db.update(outbox)
        .set({
          status: permanent ? 'failed' : 'pending',
          lastError: String((error as Error)?.message ?? error).slice(0, 1000),
          nextAttemptAt: Date.now() + backoffMs(row.attempts),
          lockedUntil: null,
        })
        .where(eq(outbox.id, row.id))
        .run();
      const outcome = permanent ? 'failed' : 'retry';
      counts[outcome]++;
      mailFailed.inc({ outcome });
      // The id, not the address: the error text (kept in the outbox row) often quotes the recipient.
      logger.warn(
        { job: 'mail', outboxId: row.id, attempts: row.attempts, responseCode: (error as { responseCode?: number })?.responseCode, outcome },
        'mail delivery failed',
      );
    }
  }
  if (rows.length > 0) logger.info({ job: 'mail', ...counts }, `mail batch: ${counts.sent} sent, ${counts.retry} to retry, ${counts.failed} failed`);
  return rows.length;
}

export type MailWorker = { stop(): Promise<void> };

/** Polls the outbox; `queueEmail` in this process wakes it at once. `stop` waits for the batch in flight. */
export function startMailWorker(intervalMs = env().MAIL_WORKER_INTERVAL_MS): MailWorker {
  let stopped = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    if (stopped || running) return;
    running = (async () => {
      try {
        while (!stopped && (await timeJob('mail', () => processOutbox())) > 0);
      } catch (error) {
        logger.error({ job: 'mail', err: error }, 'mail worker failed');
      } finally {
        running = null;
      }
    })();
  };
  (globalThis as { __kickMailWorker?: () => void }).__kickMailWorker = () => setImmediate(tick);
  timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      delete (globalThis as { __kickMailWorker?: () => void }).__kickMailWorker;
      await running;
    },
  };
}

export function listOutbox(limit = 100) {
  return db.select().from(outbox).orderBy(desc(outbox.id)).limit(limit).all();
}

export function getOutboxMessage(id: number) {
  return db.select().from(outbox).where(and(eq(outbox.id, id))).get();
}

/** The raw .eml written by the file transport, for /dev/mail. */
export function readMailFile(id: number): string | null {
  try {
    return fs.readFileSync(path.join(env().MAIL_DIR, `${String(id).padStart(6, '0')}.eml`), 'utf8');
  } catch {
    return null;
  }
}

