import { DIGEST_SECTIONS, type DigestItemPayload, type DigestSection } from '../../../emails/digest';
import { type DigestStatus, all, get } from './shared.server';
import { type DigestAudience, parseAudience } from './audience.server';

// Digests: reading

export type DigestRow = {
  id: number; subject: string; introMd: string; introHtml: string; sinceAt: number; audience: string; status: DigestStatus;
  scheduledFor: number | null; automatic: number; createdById: number | null; createdAt: number; sentAt: number | null;
};
const digestColumns = (t: string) =>
  `${t}.id, ${t}.subject, ${t}.intro_md as introMd, ${t}.intro_html as introHtml, ${t}.since_at as sinceAt, ${t}.audience, ${t}.status,
   ${t}.scheduled_for as scheduledFor, ${t}.automatic, ${t}.created_by_id as createdById, ${t}.created_at as createdAt, ${t}.sent_at as sentAt`;

export function digestRow(id: number): DigestRow | undefined {
  return get<DigestRow>(`select ${digestColumns('d')} from digests d where d.id = ?`, id);
}

export type DigestItemView = { id: number; itemKey: string; section: DigestSection; position: number; payload: DigestItemPayload };

export function listDigestItems(digestId: number): DigestItemView[] {
  const order = new Map(DIGEST_SECTIONS.map((s, i) => [s as string, i]));
  return all<{ id: number; itemKey: string; section: DigestSection; position: number; payload: string }>(
    'select id, item_key as itemKey, section, position, payload from digest_items where digest_id = ? order by position, id',
    digestId,
  )
    .map((r) => ({ ...r, payload: JSON.parse(r.payload) as DigestItemPayload }))
    .sort((a, b) => (order.get(a.section) ?? 99) - (order.get(b.section) ?? 99) || a.position - b.position || a.id - b.id);
}

export type DeliveryCounts = { recipients: number; queued: number; sent: number; failed: number };

function countsFrom(rows: { status: string; n: number }[]): DeliveryCounts {
  const counts = { recipients: 0, queued: 0, sent: 0, failed: 0 };
  for (const r of rows) {
    counts.recipients += r.n;
    if (r.status === 'sent') counts.sent += r.n;
    else if (r.status === 'failed') counts.failed += r.n;
    else counts.queued += r.n;
  }
  return counts;
}

/** Every digest, newest first, with its delivery counts from the outbox. */
export function listDigests(limit = 100) {
  const rows = all<DigestRow & { createdByName: string | null }>(
    `select ${digestColumns('d')}, u.name as createdByName
     from digests d left join users u on u.id = d.created_by_id order by coalesce(d.sent_at, d.scheduled_for, d.created_at) desc, d.id desc limit ?`,
    limit,
  );
  const grouped = all<{ digestId: number; status: string; n: number }>(
    `select dr.digest_id as digestId, coalesce(o.status, 'pending') as status, count(*) as n
     from digest_recipients dr left join outbox o on o.id = dr.outbox_id
     where dr.digest_id in (select value from json_each(?)) group by dr.digest_id, o.status`,
    JSON.stringify(rows.map((r) => r.id)),
  );
  return rows.map((d) => ({
    id: d.id,
    subject: d.subject,
    status: d.status,
    automatic: !!d.automatic,
    createdAt: d.createdAt,
    scheduledFor: d.scheduledFor,
    sentAt: d.sentAt,
    createdByName: d.createdByName,
    counts: countsFrom(grouped.filter((g) => g.digestId === d.id)),
  }));
}

export type DeliveryReport = DeliveryCounts & {
  problems: { userId: number; name: string; email: string; status: string; attempts: number; error: string; nextAttemptAt: number }[];
};

/** Queued (waiting or being sent), sent and failed, from the outbox rows of this digest's recipients, with errors. */
export function deliveryReport(digestId: number): DeliveryReport {
  const counts = countsFrom(
    all<{ status: string; n: number }>(
      `select coalesce(o.status, 'pending') as status, count(*) as n from digest_recipients dr left join outbox o on o.id = dr.outbox_id
       where dr.digest_id = ? group by o.status`,
      digestId,
    ),
  );
  const problems = all<DeliveryReport['problems'][number]>(
    `select u.id as userId, u.name, o.to_address as email, o.status, o.attempts, o.last_error as error, o.next_attempt_at as nextAttemptAt
     from digest_recipients dr join outbox o on o.id = dr.outbox_id join users u on u.id = dr.user_id
     where dr.digest_id = ? and o.last_error is not null and o.status <> 'sent'
     order by o.status = 'failed' desc, u.name collate nocase limit 200`,
    digestId,
  );
  return { ...counts, problems };
}

export type DigestView = {
  id: number; subject: string; introMd: string; introHtml: string; sinceAt: number; status: DigestStatus; scheduledFor: number | null;
  automatic: boolean; createdAt: number; sentAt: number | null; audience: DigestAudience; editable: boolean;
};

export function getDigest(digestId: number): DigestView | undefined {
  const d = digestRow(digestId);
  if (!d) return undefined;
  return {
    id: d.id,
    subject: d.subject,
    introMd: d.introMd,
    introHtml: d.introHtml,
    sinceAt: d.sinceAt,
    status: d.status,
    scheduledFor: d.scheduledFor,
    automatic: !!d.automatic,
    createdAt: d.createdAt,
    sentAt: d.sentAt,
    audience: parseAudience(d.audience),
    editable: d.status === 'draft' || d.status === 'scheduled',
  };
}

// ---------------------------------------------------------------------------------------------------------------
