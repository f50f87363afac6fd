import { db } from '../../../db/client.server';
import { sql } from 'drizzle-orm';
import { outbox } from '../../../db/schema';
import { createDigestComposer, type DigestEmailContent, type DigestEmailItem } from '../../../emails/digest';
import type { SessionUser } from '~/utils/auth.server';
import { absoluteUrl, env } from '~/utils/env.server';
import { queueEmail } from '~/utils/mail.server';
import { formatDate, formatSince } from '~/utils/time';
import { listUnsubscribeHeaders, signUnsubscribeToken, unsubscribeUrl } from '~/utils/unsubscribe.server';
import { recordAudit } from '../audit.server';
import { type DigestItemView, type DigestRow, digestRow, listDigestItems } from './reading.server';
import { type Outcome, editDigest, introPlainText, notEditable, notFoundOutcome } from './composing.server';
import { DAY_MS, get, run, stmt } from './shared.server';
import { type RecipientRow, exclusionReason, parseAudience, recipientsFor, upcomingByUser } from './audience.server';
import { plural } from './gathering.server';

// Rendering for recipients

export function emailContent(d: Pick<DigestRow, 'subject' | 'introMd' | 'introHtml' | 'sinceAt'>, items: DigestItemView[], periodText = `since ${formatSince(d.sinceAt)}`): DigestEmailContent {
  return {
    appUrl: env().APP_URL,
    subject: d.subject,
    periodText,
    introHtml: d.introHtml,
    introText: d.introMd.trim() ? introPlainText(d.introMd) : '',
    items: items.map((i): DigestEmailItem => ({ ...i.payload, key: i.itemKey, section: i.section })),
    settingsUrl: absoluteUrl('/settings/notifications'),
  };
}

export type DigestPreview = { subject: string; html: string; text: string; recipient: { id: number; name: string; email: string }; excludedBecause: string | null };

/**
 * The digest exactly as this member would get it: their greeting, their upcoming workshops, items from their own
 * organisation marked, workshops for other organisations left out. The unsubscribe link in a preview is a dummy,
 * so a coordinator never holds a working link to unsubscribe someone else.
 */
export function previewFor(digestId: number, userId: number, now = Date.now()): DigestPreview | null {
  const d = digestRow(digestId);
  const user = get<{ id: number; name: string; email: string; organisationId: number }>('select id, name, email, organisation_id as organisationId from users where id = ?', userId);
  if (!d || !user) return null;
  const email = createDigestComposer(emailContent(d, listDigestItems(digestId))).compose({
    name: user.name,
    organisationId: user.organisationId,
    upcoming: upcomingByUser(now, user.id).get(user.id) ?? [],
    unsubscribeUrl: absoluteUrl('/unsubscribe/preview'),
  });
  return { subject: email.subject, html: email.html, text: email.text, recipient: { id: user.id, name: user.name, email: user.email }, excludedBecause: exclusionReason(user.id, parseAudience(d.audience)) };
}

/** Queues a copy to the coordinator themselves, personalised for them, with a working unsubscribe link. */
export function sendTestToSelf(actor: Pick<SessionUser, 'id'>, digestId: number, now = Date.now()): Outcome {
  const d = digestRow(digestId);
  const user = get<{ id: number; name: string; email: string; organisationId: number }>('select id, name, email, organisation_id as organisationId from users where id = ?', actor.id);
  if (!d || !user) return notFoundOutcome;
  const token = signUnsubscribeToken(user.id, 'digest', now);
  const email = createDigestComposer(emailContent(d, listDigestItems(digestId))).compose({
    name: user.name,
    organisationId: user.organisationId,
    upcoming: upcomingByUser(now, user.id).get(user.id) ?? [],
    unsubscribeUrl: unsubscribeUrl(token),
  });
  // Tests are not deliveries: their own key prefix keeps them out of the delivery report and bounce handling.
  db.transaction((tx) => {
    queueEmail(tx, {
      to: user.email,
      dedupeKey: `digest-test:${digestId}:${user.id}:${now}`,
      message: { subject: `[Test] ${email.subject}`, html: email.html, text: email.text },
      headers: listUnsubscribeHeaders(token),
    });
    recordAudit(tx, { actorId: user.id, action: 'digest.test', targetType: 'digest', targetId: digestId, summary: `Sent a test of the digest “${d.subject}” to ${user.email}` });
  });
  return { ok: true, message: `A test copy is on its way to ${user.email}.` };
}

export type Recipient = RecipientRow & { itemKeys?: ReadonlySet<string> };

/**
 * queueEmail's insert (same columns, same "a second row with the same dedupe key is ignored"), prepared once:
 * queuing 10,000 rows through the query builder costs seconds that a prepared statement does not.
 */
let preparedOutboxInsert: ReturnType<typeof buildOutboxInsert> | undefined;
function buildOutboxInsert() {
  return db
    .insert(outbox)
    .values({
      dedupeKey: sql.placeholder('dedupeKey'),
      toAddress: sql.placeholder('to'),
      subject: sql.placeholder('subject'),
      html: sql.placeholder('html'),
      text: sql.placeholder('text'),
      headers: sql.placeholder('headers'),
      attachments: '[]',
    })
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .returning({ id: outbox.id })
    .prepare();
}
function outboxInsert() {
  return (preparedOutboxInsert ??= buildOutboxInsert());
}

/** Wakes the in-process mail worker, as queueEmail does (a no-op outside the server). */
function kickMailWorker() {
  (globalThis as { __kickMailWorker?: () => void }).__kickMailWorker?.();
}

/**
 * Queues the digest for every recipient inside the caller's transaction: one outbox row each (dedupe key
 * digest:<id>:<userId>, so queuing twice is harmless), the digest_recipients row pointing at it, and a
 * digest_items_sent row for every item that recipient was shown.
 */
export function queueForRecipients(digestId: number, content: DigestEmailContent, recipients: Recipient[], now: number): number {
  const composer = createDigestComposer(content);
  const upcoming = upcomingByUser(now);
  const insertOutbox = outboxInsert();
  const outboxIdOf = stmt('select id from outbox where dedupe_key = ?');
  const insertRecipient = stmt('insert into digest_recipients (digest_id, user_id, outbox_id, created_at) values (?, ?, ?, ?) on conflict (digest_id, user_id) do nothing');
  // Recipients shown the same items (the composer hands back the same array) are recorded together afterwards:
  // one statement per group (users × keys as JSON arrays) rather than one per member per item.
  const shownTo = new Map<string[], number[]>();
  for (const r of recipients) {
    const token = signUnsubscribeToken(r.id, 'digest', now);
    const email = composer.compose({ name: r.name, organisationId: r.organisationId, upcoming: upcoming.get(r.id) ?? [], unsubscribeUrl: unsubscribeUrl(token), itemKeys: r.itemKeys });
    const dedupeKey = `digest:${digestId}:${r.id}`;
    const queuedRow = insertOutbox.get({ dedupeKey, to: r.email, subject: email.subject, html: email.html, text: email.text, headers: JSON.stringify(listUnsubscribeHeaders(token)) });
    const outboxId = queuedRow?.id ?? (outboxIdOf.get(dedupeKey) as { id: number }).id;
    insertRecipient.run(digestId, r.id, outboxId, now);
    const group = shownTo.get(email.itemKeys);
    if (group) group.push(r.id);
    else shownTo.set(email.itemKeys, [r.id]);
  }
  const insertSent = stmt(
    `insert into digest_items_sent (user_id, item_key, digest_id, sent_at)
     select u.value, k.value, ?, ? from json_each(?) u, json_each(?) k where true on conflict (user_id, item_key) do nothing`,
  );
  for (const [keys, userIds] of shownTo) if (keys.length) insertSent.run(digestId, now, JSON.stringify(userIds), JSON.stringify(keys));
  // The worker wakes on the next turn of the event loop, after the caller's transaction has committed.
  kickMailWorker();
  return recipients.length;
}

export type SendOutcome = { ok: true; message: string; queued: number } | { ok: false; status: 400 | 404 | 409; message: string };

/**
 * Sends a draft or scheduled digest now: every recipient's message is queued in one IMMEDIATE transaction, and the
 * digest becomes "sending" (then "sent" once the outbox has finished with every message). Sending a digest that
 * has already gone is refused, so a double click, a second process or a re-run from cron queues nothing twice.
 */
export function sendDigest(actor: Pick<SessionUser, 'id'> | null, digestId: number, now = Date.now()): SendOutcome {
  return db.transaction(
    (tx) => {
      const d = digestRow(digestId);
      if (!d) return { ok: false as const, status: 404 as const, message: 'There is no such digest.' };
      if (d.status === 'sending' || d.status === 'sent') return { ok: false as const, status: 409 as const, message: 'This digest has already been sent.' };
      const items = listDigestItems(digestId);
      if (!items.length && !d.introMd.trim()) return { ok: false as const, status: 400 as const, message: 'This digest is empty: write an introduction or keep at least one item.' };
      const recipients = recipientsFor(parseAudience(d.audience));
      if (!recipients.length) return { ok: false as const, status: 400 as const, message: 'Nobody would receive this digest: choose a wider audience.' };
      const queued = queueForRecipients(digestId, emailContent(d, items), recipients, now);
      run(`update digests set status = 'sending', sent_at = ?, scheduled_for = null where id = ?`, now, digestId);
      recordAudit(tx, { actorId: actor?.id ?? null, action: 'digest.send', targetType: 'digest', targetId: digestId, summary: `Sent the digest “${d.subject}” to ${plural(queued, 'person', 'people')}` });
      return { ok: true as const, queued, message: `The digest is on its way to ${plural(queued, 'person', 'people')}.` };
    },
    { behavior: 'immediate' },
  );
}

export function scheduleDigest(actor: Pick<SessionUser, 'id'>, digestId: number, at: number, now = Date.now()): Outcome {
  return db.transaction(
    (tx) => {
      const d = digestRow(digestId);
      if (!d) return notFoundOutcome;
      if (d.status !== 'draft' && d.status !== 'scheduled') return notEditable;
      if (at <= now) return { ok: false as const, status: 400 as const, message: 'Choose a time in the future.', errors: { scheduledFor: ['Choose a time in the future.'] } };
      if (at > now + 366 * DAY_MS) return { ok: false as const, status: 400 as const, message: 'Choose a time within the next year.', errors: { scheduledFor: ['Choose a time within the next year.'] } };
      run(`update digests set status = 'scheduled', scheduled_for = ? where id = ?`, at, digestId);
      recordAudit(tx, { actorId: actor.id, action: 'digest.schedule', targetType: 'digest', targetId: digestId, summary: `Scheduled the digest “${d.subject}” for ${formatDate(at)}` });
      return { ok: true as const, message: `Scheduled. It will be sent at the chosen time to whoever is in the audience then.` };
    },
    { behavior: 'immediate' },
  );
}

export function unscheduleDigest(actor: Pick<SessionUser, 'id'>, digestId: number): Outcome {
  return editDigest(actor, digestId, (d) => {
    if (d.status !== 'scheduled') return { ok: false, status: 409, message: 'This digest is not scheduled.' };
    run(`update digests set status = 'draft', scheduled_for = null where id = ?`, digestId);
    return { ok: true, message: 'The schedule is cancelled; the digest is a draft again.', audit: 'Cancelled the schedule' };
  });
}

// ---------------------------------------------------------------------------------------------------------------
