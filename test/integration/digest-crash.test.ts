// Kill and restart: a real child process (test/support/digest-child.ts) sends a digest to 200 members through the
// outbox to the SMTP server running in this test, and is killed with SIGKILL part-way, once the server has received
// some of the messages but not all. A second process then resumes. Every member must end up with exactly one
// digest.
//
// What "exactly one" can honestly mean: each member's digest is one outbox row with a deterministic Message-ID
// (<outbox-ID@host>). A row is marked sent only after the SMTP server's "250 OK"; a killed worker's rows are
// retried once their lease runs out. So a member can never get two *different* digests, and no member is missed.
// The one window SMTP cannot close is a kill after the server accepted a message but before the sender recorded
// it: that one message (at most one, as the worker sends one at a time) is delivered again, with the same
// Message-ID, which mail systems use to drop the copy. The test asserts exactly that, and says so when it happens.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from '../support/smtp';

const RECIPIENTS = 200;
const KILL_AFTER = 45; // sent rows recorded before the kill (mid-batch: the worker claims 20 rows at a time)
const LEASE_MS = 2 * 60 * 1000; // app/utils/mail.server.ts

let smtp: SmtpCapture;
let db: typeof import('../../db/client.server').db;
let schema: typeof import('../../db/schema');
let drizzle: typeof import('drizzle-orm');
let digestId: number;
let receivedAtKill = 0;
let sentRowsAtKill = 0;
let leasedRowsAtKill = 0;
let firstExit: { code: number | null; signal: NodeJS.Signals | null };
let second: { code: number | null; stdout: string; stderr: string };

type Child = { exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>; kill(): void };

function startChild(args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/support/digest-child.ts'), ...args], {
    cwd: process.cwd(),
    env: { ...process.env }, // this file's DATABASE_PATH, DATA_DIR, APP_URL, SESSION_SECRET and SMTP_URL
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { exited, kill: () => child.kill('SIGKILL') };
}

function countRows(status: 'sent' | 'sending'): number {
  const { outbox } = schema;
  const { and, eq, like, sql } = drizzle;
  return db.select({ n: sql<number>`count(*)` }).from(outbox).where(and(like(outbox.dedupeKey, `digest:${digestId}:%`), eq(outbox.status, status))).get()!.n;
}

beforeAll(async () => {
  smtp = await startSmtpCapture();
  process.env.SMTP_URL = smtp.url;
  process.env.MAIL_FROM = 'Micro-credentials CoP <noreply@cop.test>';
  ({ db } = await import('../../db/client.server'));
  schema = await import('../../db/schema');
  drizzle = await import('drizzle-orm');
  const { addMember, addOrganisation } = await import('../support/digest-fixtures');
  const { createDigest, updateDigestText } = await import('~/models/digests.server');

  const orgs = [addOrganisation('Otago Polytechnic', 'itp', 0), addOrganisation('BCITO', 'ito', 0), addOrganisation('MITO', 'ito', 0)];
  for (let i = 1; i <= RECIPIENTS; i++) addMember(`member${i}@crash.test`, `Member ${i}`, orgs[i % orgs.length]!);
  // The coordinator composing it has turned digests off for themselves, so the recipients are exactly the members.
  const coordinator = addMember('coordinator@crash.test', 'Crash Coordinator', orgs[0]!, { role: 'coordinator', frequency: 'off' });
  digestId = createDigest({ id: coordinator });
  updateDigestText({ id: coordinator }, digestId, { subject: 'Crash-test digest', intro: 'Kia ora. This digest must reach every member exactly once.' });

  // First process: queue and send; killed once KILL_AFTER rows are recorded as sent (the server has those and more).
  const first = startChild([String(digestId)]);
  const exitedEarly = first.exited.then((r) => {
    throw new Error(`The first process ended before it could be killed (code ${r.code}):\n${r.stdout}\n${r.stderr}`);
  });
  exitedEarly.catch(() => {}); // reported through the race below, if it happens first
  await Promise.race([
    vi.waitFor(
      () => {
        if (countRows('sent') < KILL_AFTER) throw new Error(`only ${countRows('sent')} sent so far`);
      },
      { timeout: 60_000, interval: 2 },
    ),
    exitedEarly,
  ]);
  first.kill();
  firstExit = await first.exited;
  receivedAtKill = smtp.messages.length;
  sentRowsAtKill = countRows('sent');
  leasedRowsAtKill = countRows('sending');

  // Second process: the restart. Its clock is past the dead worker's leases.
  second = await startChild([String(digestId), String(LEASE_MS + 60_000)]).exited;
}, 120_000);

afterAll(async () => {
  await smtp?.close();
});

describe(`a digest to ${RECIPIENTS} members, the sender killed part-way and restarted`, () => {
  it('really killed the first process part-way: the server had some messages but not all', () => {
    expect(firstExit.signal).toBe('SIGKILL');
    expect(receivedAtKill).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(receivedAtKill).toBeLessThan(RECIPIENTS);
    expect(sentRowsAtKill).toBeLessThan(RECIPIENTS);
  });

  it('the restarted process queued nothing new and finished the rest', () => {
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/queued .*"status":409/); // already queued: sendDigest refuses to queue it again
    // It handled exactly the rows the first process had not finished, including those it had claimed (leased).
    expect(second.stdout).toContain(`done ${RECIPIENTS - sentRowsAtKill}\n`);
    expect(countRows('sent')).toBe(RECIPIENTS);
    const rows = db.select().from(schema.outbox).all();
    expect(rows).toHaveLength(RECIPIENTS);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });

  it('every member received exactly one digest (one Message-ID each), and nobody else got one', () => {
    const byRecipient = new Map<string, CapturedMail[]>();
    for (const m of smtp.messages) for (const to of m.envelope.to) byRecipient.set(to, [...(byRecipient.get(to) ?? []), m]);
    expect(byRecipient.size).toBe(RECIPIENTS);
    for (let i = 1; i <= RECIPIENTS; i++) {
      const copies = byRecipient.get(`member${i}@crash.test`) ?? [];
      expect(copies.length, `member${i}`).toBeGreaterThanOrEqual(1);
      expect(new Set(copies.map((m) => m.messageId)).size, `distinct digests to member${i}`).toBe(1);
      expect(copies[0]!.subject).toBe('Crash-test digest');
    }
  });

  it('at most the one message in flight at the kill arrived twice, and then with the same Message-ID', () => {
    const repeats = smtp.messages.length - RECIPIENTS;
    console.info(`Killed after ${receivedAtKill} of ${RECIPIENTS} messages had arrived; ${leasedRowsAtKill} rows were claimed but unfinished; ${Math.max(0, repeats)} repeated.`);
    if (repeats > 0) {
      console.info(
        `The kill landed between the SMTP server's 250 OK and the sender recording it: ${repeats} message repeated with its Message-ID (leased rows at the kill: ${leasedRowsAtKill}).`,
      );
    }
    expect(repeats).toBeLessThanOrEqual(1);
  });
});
