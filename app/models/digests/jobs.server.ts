import { db } from '../../../db/client.server';
import { formatDate } from '~/utils/time';
import { recordAudit } from '../audit.server';
import { DAY_MS, type DigestFrequency, FREQUENCY_DAYS, all, run, stmt } from './shared.server';
import { type Recipient, emailContent, queueForRecipients, sendDigest } from './rendering.server';
import { ELIGIBLE, type RecipientRow, upcomingByUser } from './audience.server';
import { gatherDigestItems, plural } from './gathering.server';
import { insertItems } from './composing.server';
import type { DigestItemView } from './reading.server';

// Jobs (called every minute from app/utils/jobs.server.ts, and by scripts/digest.ts)

/** Sends every scheduled digest whose time has come. One that cannot go (nobody in its audience) returns to draft. */
export function sendScheduledDigests(now = Date.now()): number {
  const due = all<{ id: number; subject: string }>(`select id, subject from digests where status = 'scheduled' and scheduled_for <= ? order by scheduled_for, id`, now);
  let sent = 0;
  for (const d of due) {
    const outcome = sendDigest(null, d.id, now);
    if (outcome.ok) sent++;
    else if (outcome.status === 400) {
      db.transaction((tx) => {
        run(`update digests set status = 'draft', scheduled_for = null where id = ? and status = 'scheduled'`, d.id);
        recordAudit(tx, { actorId: null, action: 'digest.schedule_failed', targetType: 'digest', targetId: d.id, summary: `The scheduled digest “${d.subject}” was not sent: ${outcome.message}` });
      });
    }
  }
  finishDeliveredDigests();
  return sent;
}

/** A digest whose outbox rows are all sent or failed is "sent". */
export function finishDeliveredDigests(): number {
  return run(
    `update digests set status = 'sent' where status = 'sending' and not exists (
       select 1 from digest_recipients dr join outbox o on o.id = dr.outbox_id where dr.digest_id = digests.id and o.status in ('pending', 'sending'))`,
  ).changes;
}

/**
 * Marks addresses whose digest failed permanently (5xx, or out of retries) as bounced, so no further digest goes
 * to them. Only digest mail counts (test sends have their own key prefix), and only while the member still has
 * that address: a changed address starts afresh.
 */
export function recordPermanentFailures(now = Date.now()): number {
  return run(
    `update users set email_bounced_at = ? where email_bounced_at is null and email in (
       select o.to_address from outbox o where o.status = 'failed' and o.dedupe_key like 'digest:%')`,
    now,
  ).changes;
}

export function automaticDigestsEnabled(): boolean {
  return process.env.DIGEST_AUTOMATIC === 'true';
}

export type AutomaticOutcome = { digestId: number | null; queued: number; nothingNew: number; notDue: number };

/**
 * The automatic mode: every member whose chosen period has passed since their last digest (of any kind) gets one
 * with what is new since then, minus every item they were already sent (digest_items_sent). Members with nothing
 * new get nothing. One digest row per run holds the union of items; each member's message shows their own subset.
 * The whole run is one IMMEDIATE transaction, so two processes running it at once cannot both send to anyone.
 */
export function runAutomaticDigests(now = Date.now(), { enabled = automaticDigestsEnabled() } = {}): AutomaticOutcome {
  if (!enabled) return { digestId: null, queued: 0, nothingNew: 0, notDue: 0 };
  return db.transaction(
    (tx) => {
      const lastAt = new Map(
        all<{ userId: number; at: number }>(
          `select dr.user_id as userId, max(d.sent_at) as at from digests d join digest_recipients dr on dr.digest_id = d.id
           where d.sent_at >= ? group by dr.user_id`,
          now - 31 * DAY_MS,
        ).map((r) => [r.userId, r.at]),
      );
      const members = all<RecipientRow & { frequency: Exclude<DigestFrequency, 'off'> }>(
        `select u.id, u.name, u.email, u.organisation_id as organisationId, u.digest_frequency as frequency from users u where ${ELIGIBLE} order by u.id`,
      );
      const due: (RecipientRow & { since: number })[] = [];
      let notDue = 0;
      for (const m of members) {
        const period = (FREQUENCY_DAYS[m.frequency] ?? 7) * DAY_MS;
        const last = lastAt.get(m.id);
        if (last !== undefined && last + period > now) notDue++;
        else due.push({ ...m, since: last ?? now - period });
      }
      if (!due.length) return { digestId: null, queued: 0, nothingNew: 0, notDue };

      const sinceAt = Math.min(...due.map((m) => m.since));
      const items = gatherDigestItems(sinceAt, now);
      const alreadySent = stmt('select item_key as itemKey from digest_items_sent where user_id = ? and item_key in (select value from json_each(?))');
      const upcoming = upcomingByUser(now);
      const keysJson = JSON.stringify(items.map((i) => i.itemKey));
      const recipients: Recipient[] = [];
      const used = new Set<string>();
      let nothingNew = 0;
      for (const m of due) {
        const sent = new Set((alreadySent.all(m.id, keysJson) as { itemKey: string }[]).map((r) => r.itemKey));
        for (const w of upcoming.get(m.id) ?? []) sent.add(w.key); // their own workshops are news to nobody
        const keys = new Set<string>();
        for (const item of items) {
          const p = item.payload;
          if (sent.has(item.itemKey) || item.itemKey === `member:${m.id}`) continue;
          if (p.at !== null && p.at < m.since) continue;
          if (p.audienceOrganisationIds && !p.audienceOrganisationIds.includes(m.organisationId)) continue;
          keys.add(item.itemKey);
        }
        if (!keys.size) {
          nothingNew++;
          continue;
        }
        for (const k of keys) used.add(k);
        recipients.push({ id: m.id, name: m.name, email: m.email, organisationId: m.organisationId, itemKeys: keys });
      }
      if (!recipients.length) return { digestId: null, queued: 0, nothingNew, notDue };

      const subject = `Your digest: what’s new in the Micro-credentials CoP, ${formatDate(now)}`;
      const digestId = Number(
        run(
          `insert into digests (subject, intro_md, intro_html, since_at, audience, status, automatic, created_by_id, created_at, sent_at)
           values (?, '', '', ?, '{"kind":"everyone"}', 'sending', 1, null, ?, ?)`,
          subject,
          sinceAt,
          now,
          now,
        ).lastInsertRowid,
      );
      const kept = items.filter((i) => used.has(i.itemKey));
      insertItems(digestId, kept);
      const views: DigestItemView[] = kept.map((i, position) => ({ id: position, itemKey: i.itemKey, section: i.section, position, payload: i.payload }));
      const content = emailContent({ subject, introMd: '', introHtml: '', sinceAt }, views, 'since your last digest');
      const queued = queueForRecipients(digestId, content, recipients, now);
      recordAudit(tx, { actorId: null, action: 'digest.automatic', targetType: 'digest', targetId: digestId, summary: `Automatic digests to ${plural(queued, 'person', 'people')} (${nothingNew} with nothing new skipped)` });
      return { digestId, queued, nothingNew, notDue };
    },
    { behavior: 'immediate' },
  );
}

/** The automatic mode looks for due members at most this often (members with nothing new stay due). */
export const AUTOMATIC_INTERVAL_MS = 60 * 60 * 1000;
let lastAutomaticRunAt = -Infinity;

/**
 * Everything the minute timer does for digests, in order: scheduled digests whose time has come, the automatic
 * mode (when DIGEST_AUTOMATIC=true, at most hourly), bounced addresses, and digests that have finished sending.
 */
export function runDigestJobs(now = Date.now()) {
  const scheduled = sendScheduledDigests(now);
  let automatic: AutomaticOutcome | null = null;
  if (automaticDigestsEnabled() && now - lastAutomaticRunAt >= AUTOMATIC_INTERVAL_MS) {
    lastAutomaticRunAt = now;
    automatic = runAutomaticDigests(now, { enabled: true });
  }
  const bounced = recordPermanentFailures(now);
  finishDeliveredDigests();
  return { scheduled, automatic, bounced };
}

// ---------------------------------------------------------------------------------------------------------------
