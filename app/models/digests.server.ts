// Email digests: what other organisations have started, published and decided, so nobody repeats their work.
//
// - A coordinator creates a digest: it gathers what is new since the last one into digest_items (a JSON snapshot
//   per item, so the email never queries), writes an introduction, removes and reorders items, picks the audience,
//   previews it as any member would see it, sends a test to themselves, sends it now or schedules it.
// - Sending queues one outbox row per recipient (dedupe key digest:<id>:<userId>) in ONE immediate transaction,
//   together with digest_recipients (which outbox row) and digest_items_sent (which items each member has had).
//   The outbox worker delivers; a restart resumes where it stopped (docs/decisions/001-outbox.md).
// - Recipients: active members whose digest frequency is not "off" and whose address has not bounced.
// - The optional automatic mode (DIGEST_AUTOMATIC=true) sends each member their own digest at their chosen
//   frequency, with only items they have never been sent, and skips members with nothing new.
// - Permanent failures of digest mail mark the address bounced (users.email_bounced_at): no more digests to it.
//
// Speed: composing and queuing for 10,000 members runs in one transaction with prepared statements; the email's
// shared parts are rendered once (emails/digest.ts). Measured by scripts/bench-digest.ts.
// Decisions and their consequences (exactly-once, the one duplicate window SMTP leaves): docs/decisions/007-digests.md.
import type { Statement } from 'better-sqlite3';
import { z } from 'zod';
import { db, sqlite } from '../../db/client.server';
import { sql } from 'drizzle-orm';
import { DIGEST_FREQUENCIES, ORGANISATION_KINDS, ROLES, outbox, type OrganisationKind, type Role } from '../../db/schema';
import {
  DIGEST_SECTIONS,
  createDigestComposer,
  type DigestEmailContent,
  type DigestEmailItem,
  type DigestItemPayload,
  type DigestSection,
  type DigestUpcomingWorkshop,
} from '../../emails/digest';
import { oneLine, wrapText } from '../../emails/layout';
import { workshopPlaceText } from '../../emails/workshop-rsvp';
import type { SessionUser } from '~/utils/auth.server';
import { absoluteUrl, env } from '~/utils/env.server';
import { escapeHtml } from '~/utils/html';
import { ORGANISATION_KIND_SHORT } from '~/utils/labels';
import { queueEmail } from '~/utils/mail.server';
import { excerpt, markdownToPlainText, renderMarkdown } from '~/utils/markdown.server';
import { formatDate, formatDateRange } from '~/utils/time';
import { listUnsubscribeHeaders, signUnsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken } from '~/utils/unsubscribe.server';
import { field, type FieldErrors } from '~/utils/validation.server';
import { recordAudit } from './audit.server';
import { CASE_STUDY_STATUS_LABELS } from './case-study-fields';
import { RESOURCE_KIND_LABELS } from './resources.server';

export { DIGEST_SECTIONS, DIGEST_SECTION_LABELS } from '../../emails/digest';
export type { DigestItemPayload, DigestSection } from '../../emails/digest';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A first digest (or one with no earlier sent digest) covers this long. */
export const DEFAULT_PERIOD_MS = 7 * DAY_MS;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];
export const FREQUENCY_DAYS: Record<Exclude<DigestFrequency, 'off'>, number> = { weekly: 7, fortnightly: 14, monthly: 30 };
export const FREQUENCY_LABELS: Record<DigestFrequency, string> = {
  weekly: 'Weekly (the default)',
  fortnightly: 'Fortnightly',
  monthly: 'Monthly',
  off: 'Off: no digests',
};
export const DIGEST_STATUS_LABELS = { draft: 'Draft', scheduled: 'Scheduled', sending: 'Sending', sent: 'Sent' } as const;
export type DigestStatus = keyof typeof DIGEST_STATUS_LABELS;

/** How many items of each kind a digest gathers at most (the most recent or most active first). */
const LIMITS = { workshops: 6, caseStudies: 10, updates: 8, microCredentials: 10, resources: 10, records: 5, recordLines: 6, discussions: 5, organisations: 8, members: 12 };

// Prepared statements, made once per SQL text on the shared connection.
const statements = new Map<string, Statement>();
function stmt(sql: string): Statement {
  let s = statements.get(sql);
  if (!s) {
    s = sqlite.prepare(sql);
    statements.set(sql, s);
  }
  return s;
}
function all<T>(sql: string, ...params: unknown[]): T[] {
  return stmt(sql).all(...params) as T[];
}
function get<T>(sql: string, ...params: unknown[]): T | undefined {
  return stmt(sql).get(...params) as T | undefined;
}
function run(sql: string, ...params: unknown[]) {
  return stmt(sql).run(...params);
}

// ---------------------------------------------------------------------------------------------------------------
// Gathering what is new

export type GatheredItem = { itemKey: string; section: DigestSection; payload: DigestItemPayload };

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-NZ')} ${n === 1 ? one : many}`;
const short = (text: string, max = 180) => excerpt(oneLine(text), max);

/**
 * Everything new in [sinceAt, now): new and updated pilots (case studies), new micro-credentials, new resources,
 * upcoming workshops with seats left, decisions and action items from workshop records, the most active discussions
 * and new organisations and members. Items come in section order; each has a stable key ("case_study:12"), and
 * things that can happen again carry what happened in their key ("discussion:4:27" is thread 4 up to post 27).
 */
export function gatherDigestItems(sinceAt: number, now = Date.now()): GatheredItem[] {
  const items: GatheredItem[] = [];
  const push = (section: DigestSection, itemKey: string, payload: DigestItemPayload) => items.push({ section, itemKey, payload });

  // Upcoming workshops with seats left, soonest first.
  const workshops = all<{
    id: number; slug: string; title: string; summary: string; startsAt: number; endsAt: number; mode: 'in_person' | 'online' | 'hybrid';
    venue: string; capacity: number; audience: 'all' | 'organisations'; taken: number;
  }>(
    `select w.id, w.slug, w.title, w.summary, w.starts_at as startsAt, w.ends_at as endsAt, w.mode, w.venue, w.capacity, w.audience,
       (select count(*) from rsvps r where r.workshop_id = w.id and r.seat_status = 'confirmed') as taken
     from workshops w
     where w.status = 'scheduled' and w.starts_at > ? and (w.rsvp_deadline is null or w.rsvp_deadline > ?)
     order by w.starts_at, w.id`,
    now,
    now,
  ).filter((w) => w.capacity - w.taken > 0);
  for (const w of workshops.slice(0, LIMITS.workshops)) {
    const url = absoluteUrl(`/workshops/${w.slug}`);
    const audienceIds =
      w.audience === 'organisations'
        ? all<{ id: number }>('select organisation_id as id from workshop_audience_organisations where workshop_id = ?', w.id).map((r) => r.id)
        : null;
    const left = w.capacity - w.taken;
    push('workshops', `workshop:${w.id}`, {
      title: w.title,
      url,
      summary: short(markdownToPlainText(w.summary)),
      meta: `${formatDateRange(w.startsAt, w.endsAt)} · ${workshopPlaceText(w)} · ${plural(left, 'seat')} left`,
      organisationId: null,
      organisationName: null,
      action: { label: 'RSVP on the workshop page', url },
      audienceOrganisationIds: audienceIds,
      at: null,
    });
  }

  // Pilots published in the period.
  type CaseStudyRow = { id: number; slug: string; title: string; status: keyof typeof CASE_STUDY_STATUS_LABELS; problem: string; solution: string; bodyMd: string; at: number; orgId: number; orgName: string };
  const published = all<CaseStudyRow>(
    `select cs.id, cs.slug, cs.title, cs.status, cs.problem, cs.solution, cs.body_md as bodyMd, cs.published_at as at, o.id as orgId, o.name as orgName
     from case_studies cs join organisations o on o.id = cs.lead_organisation_id
     where cs.published_at >= ? and cs.published_at < ?
     order by cs.published_at desc, cs.id desc limit ?`,
    sinceAt,
    now,
    LIMITS.caseStudies,
  );
  for (const cs of published) {
    push('case_studies', `case_study:${cs.id}`, {
      title: cs.title,
      url: absoluteUrl(`/case-studies/${cs.slug}`),
      summary: short(cs.problem || cs.solution || markdownToPlainText(cs.bodyMd)),
      meta: `New pilot · ${cs.orgName} · ${CASE_STUDY_STATUS_LABELS[cs.status] ?? cs.status}`,
      organisationId: cs.orgId,
      organisationName: cs.orgName,
      at: cs.at,
    });
  }
  // Pilots published earlier and revised in the period: the latest revision names the update.
  const updated = all<{ id: number; slug: string; title: string; status: keyof typeof CASE_STUDY_STATUS_LABELS; orgId: number; orgName: string; revisionId: number; at: number; changed: string }>(
    `select cs.id, cs.slug, cs.title, cs.status, o.id as orgId, o.name as orgName, max(r.id) as revisionId, max(r.created_at) as at,
       group_concat(r.changed_fields, ', ') as changed
     from case_study_revisions r
       join case_studies cs on cs.id = r.case_study_id
       join organisations o on o.id = cs.lead_organisation_id
     where r.created_at >= ? and r.created_at < ? and cs.published_at < ? and r.changed_fields <> 'First published'
     group by cs.id order by at desc limit ?`,
    sinceAt,
    now,
    sinceAt,
    LIMITS.updates,
  );
  for (const cs of updated) {
    const fields = [...new Set(cs.changed.split(/,\s*/).filter(Boolean))];
    push('case_studies', `case_study:${cs.id}:revision:${cs.revisionId}`, {
      title: cs.title,
      url: absoluteUrl(`/case-studies/${cs.slug}`),
      summary: fields.length ? `Updated: ${fields.join(', ')}.` : 'Updated.',
      meta: `Updated pilot · ${cs.orgName} · ${CASE_STUDY_STATUS_LABELS[cs.status] ?? cs.status}`,
      organisationId: cs.orgId,
      organisationName: cs.orgName,
      at: cs.at,
    });
  }

  // Micro-credentials that became visible in the period (added, or their pilot was published).
  const credentials = all<{ id: number; name: string; credits: number | null; level: number | null; nzqaStatus: string; orgId: number; orgName: string; csSlug: string | null; csTitle: string | null; at: number }>(
    `select * from (
       select mc.id, mc.name, mc.credits, mc.nzqf_level as level, mc.nzqa_status as nzqaStatus, o.id as orgId, o.name as orgName,
         cs.slug as csSlug, cs.title as csTitle,
         case when mc.case_study_id is null then mc.created_at else max(mc.created_at, cs.published_at) end as at
       from micro_credentials mc
         join organisations o on o.id = mc.provider_organisation_id
         left join case_studies cs on cs.id = mc.case_study_id
       where mc.case_study_id is null or cs.published_at is not null)
     where at >= ? and at < ? order by at desc, id desc limit ?`,
    sinceAt,
    now,
    LIMITS.microCredentials,
  );
  const NZQA: Record<string, string> = { approved: 'NZQA approved', in_development: 'NZQA approval in development' };
  for (const mc of credentials) {
    const facts = [mc.level ? `Level ${mc.level}` : '', mc.credits ? plural(mc.credits, 'credit') : '', NZQA[mc.nzqaStatus] ?? ''].filter(Boolean);
    push('micro_credentials', `micro_credential:${mc.id}`, {
      title: mc.name,
      url: absoluteUrl(mc.csSlug ? `/case-studies/${mc.csSlug}` : `/micro-credentials?provider=${mc.orgId}`),
      summary: mc.csTitle ? `Part of the pilot “${oneLine(mc.csTitle)}”.` : '',
      meta: [mc.orgName, ...facts].join(' · '),
      organisationId: mc.orgId,
      organisationName: mc.orgName,
      at: mc.at,
    });
  }

  // New resources.
  const resources = all<{ id: number; title: string; kind: keyof typeof RESOURCE_KIND_LABELS; summary: string; authors: string; at: number; orgId: number | null; orgName: string | null }>(
    `select r.id, r.title, r.kind, r.summary, r.authors, r.created_at as at, o.id as orgId, o.name as orgName
     from resources r left join organisations o on o.id = r.organisation_id
     where r.created_at >= ? and r.created_at < ? order by r.created_at desc, r.id desc limit ?`,
    sinceAt,
    now,
    LIMITS.resources,
  );
  for (const r of resources) {
    push('resources', `resource:${r.id}`, {
      title: r.title,
      url: absoluteUrl(`/resources/${r.id}`),
      summary: short(r.summary),
      meta: [RESOURCE_KIND_LABELS[r.kind] ?? r.kind, r.orgName ?? '', r.authors ? `by ${oneLine(r.authors)}` : ''].filter(Boolean).join(' · '),
      organisationId: r.orgId,
      organisationName: r.orgName,
      at: r.at,
    });
  }

  // Decisions and action items from workshop records written in the period.
  const records = all<{ id: number; slug: string; title: string; startsAt: number; at: number }>(
    `select w.id, w.slug, w.title, w.starts_at as startsAt, w.record_updated_at as at from workshops w
     where w.record_updated_at >= ? and w.record_updated_at < ? and w.status in ('scheduled', 'completed')
       and (exists (select 1 from workshop_decisions d where d.workshop_id = w.id) or exists (select 1 from workshop_action_items a where a.workshop_id = w.id))
     order by w.starts_at desc limit ?`,
    sinceAt,
    now,
    LIMITS.records,
  );
  for (const w of records) {
    const decisions = all<{ text: string }>('select text from workshop_decisions where workshop_id = ? order by position, id', w.id);
    const actions = all<{ text: string; owner: string | null; due: number | null }>(
      `select a.text, o.name as owner, a.due_date as due from workshop_action_items a left join organisations o on o.id = a.owner_organisation_id
       where a.workshop_id = ? order by a.position, a.id`,
      w.id,
    );
    const lines = [
      ...decisions.map((d) => `Decided: ${oneLine(d.text)}`),
      ...actions.map((a) => `Action${a.owner ? ` for ${a.owner}` : ''}${a.due ? ` (due ${formatDate(a.due)})` : ''}: ${oneLine(a.text)}`),
    ];
    const shown = lines.slice(0, LIMITS.recordLines);
    if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more on the workshop page.`);
    push('decisions', `workshop_record:${w.id}`, {
      title: w.title,
      url: absoluteUrl(`/workshops/${w.slug}#record-title`),
      summary: `${plural(decisions.length, 'decision')} and ${plural(actions.length, 'action item')} recorded.`,
      meta: `Workshop on ${formatDate(w.startsAt)}`,
      details: shown,
      organisationId: null,
      organisationName: null,
      at: w.at,
    });
  }

  // The most active discussions: visible posts in the period, with an excerpt of the latest.
  const threads = all<{ id: number; title: string; category: string; posts: number; lastNumber: number; at: number; orgId: number; orgName: string }>(
    `select t.id, t.title, c.name as category, count(*) as posts, max(p.number) as lastNumber, max(p.created_at) as at, o.id as orgId, o.name as orgName
     from posts p
       join threads t on t.id = p.thread_id
       join discussion_categories c on c.id = t.category_id
       join users u on u.id = t.author_id
       join organisations o on o.id = u.organisation_id
     where p.created_at >= ? and p.created_at < ? and p.hidden_at is null and p.deleted_at is null and t.hidden_at is null
     group by t.id order by posts desc, at desc limit ?`,
    sinceAt,
    now,
    LIMITS.discussions,
  );
  for (const t of threads) {
    const latest = get<{ bodyMd: string; author: string }>(
      'select p.body_md as bodyMd, u.name as author from posts p join users u on u.id = p.author_id where p.thread_id = ? and p.number = ?',
      t.id,
      t.lastNumber,
    );
    push('discussions', `discussion:${t.id}:${t.lastNumber}`, {
      title: t.title,
      url: absoluteUrl(`/discussions/${t.id}`),
      summary: latest ? `${latest.author}: “${excerpt(markdownToPlainText(latest.bodyMd), 160)}”` : '',
      meta: `${t.category} · ${plural(t.posts, 'new post')}`,
      organisationId: t.orgId,
      organisationName: t.orgName,
      at: t.at,
    });
  }

  // New organisations, then new members.
  const orgs = all<{ id: number; slug: string; name: string; kind: OrganisationKind; description: string; at: number }>(
    `select id, slug, name, kind, description, created_at as at from organisations where created_at >= ? and created_at < ? order by created_at desc, id desc limit ?`,
    sinceAt,
    now,
    LIMITS.organisations,
  );
  for (const o of orgs) {
    push('community', `organisation:${o.id}`, {
      title: o.name,
      url: absoluteUrl(`/organisations/${o.slug}`),
      summary: short(o.description),
      meta: `New organisation · ${ORGANISATION_KIND_SHORT[o.kind] ?? o.kind}`,
      organisationId: o.id,
      organisationName: o.name,
      at: o.at,
    });
  }
  const members = all<{ id: number; name: string; jobTitle: string; interests: string; at: number; orgId: number; orgName: string }>(
    `select u.id, u.name, u.job_title as jobTitle, u.interests, u.created_at as at, o.id as orgId, o.name as orgName
     from users u join organisations o on o.id = u.organisation_id
     where u.created_at >= ? and u.created_at < ? and u.deactivated_at is null order by u.created_at desc, u.id desc limit ?`,
    sinceAt,
    now,
    LIMITS.members,
  );
  for (const m of members) {
    push('community', `member:${m.id}`, {
      title: m.name,
      url: absoluteUrl(`/members/${m.id}`),
      summary: m.interests.trim() ? `Interested in ${short(m.interests, 160)}` : '',
      meta: `New member · ${[m.jobTitle.trim(), m.orgName].filter(Boolean).join(', ')}`,
      organisationId: m.orgId,
      organisationName: m.orgName,
      at: m.at,
    });
  }

  const order = new Map(DIGEST_SECTIONS.map((s, i) => [s, i]));
  return items.map((item, i) => ({ item, i })).sort((a, b) => order.get(a.item.section)! - order.get(b.item.section)! || a.i - b.i).map((x) => x.item);
}

// ---------------------------------------------------------------------------------------------------------------
// Audience

export type DigestAudience =
  | { kind: 'everyone' }
  | { kind: 'organisation_kinds'; values: OrganisationKind[] }
  | { kind: 'organisations'; ids: number[] }
  | { kind: 'roles'; values: Role[] };

export const AUDIENCE_KINDS = ['everyone', 'organisation_kinds', 'organisations', 'roles'] as const;
export const AUDIENCE_KIND_LABELS: Record<DigestAudience['kind'], string> = {
  everyone: 'Everyone',
  organisation_kinds: 'Kinds of organisation',
  organisations: 'Chosen organisations',
  roles: 'Roles',
};

const audienceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('everyone') }),
  z.object({ kind: z.literal('organisation_kinds'), values: z.array(z.enum(ORGANISATION_KINDS)).min(1) }),
  z.object({ kind: z.literal('organisations'), ids: z.array(z.number().int().positive()).min(1) }),
  z.object({ kind: z.literal('roles'), values: z.array(z.enum(ROLES)).min(1) }),
]);

/** The stored audience. A damaged value is an error, never "everyone". */
export function parseAudience(json: string): DigestAudience {
  return audienceSchema.parse(JSON.parse(json)) as DigestAudience;
}

/** Reads the audience picker: a kind, and the kinds, organisations or roles ticked for it. */
export function parseAudienceForm(formData: FormData): { ok: true; audience: DigestAudience } | { ok: false; errors: FieldErrors } {
  const kind = formData.get('audience');
  const picked = (name: string) => [...new Set(formData.getAll(name).filter((v): v is string => typeof v === 'string'))];
  switch (kind) {
    case 'everyone':
      return { ok: true, audience: { kind: 'everyone' } };
    case 'organisation_kinds': {
      const values = picked('kinds');
      if (!values.length) return { ok: false, errors: { kinds: ['Tick at least one kind of organisation.'] } };
      if (!values.every((v) => (ORGANISATION_KINDS as readonly string[]).includes(v))) return { ok: false, errors: { kinds: ['Choose kinds from the list.'] } };
      return { ok: true, audience: { kind, values: values as OrganisationKind[] } };
    }
    case 'organisations': {
      const ids = picked('organisationIds').map(Number);
      if (!ids.length) return { ok: false, errors: { organisationIds: ['Tick at least one organisation.'] } };
      if (!ids.every((id) => Number.isSafeInteger(id) && id > 0)) return { ok: false, errors: { organisationIds: ['Choose organisations from the list.'] } };
      const known = all<{ id: number }>('select id from organisations where id in (select value from json_each(?))', JSON.stringify(ids));
      if (known.length !== ids.length) return { ok: false, errors: { organisationIds: ['One of the chosen organisations does not exist.'] } };
      return { ok: true, audience: { kind, ids } };
    }
    case 'roles': {
      const values = picked('roles');
      if (!values.length) return { ok: false, errors: { roles: ['Tick at least one role.'] } };
      if (!values.every((v) => (ROLES as readonly string[]).includes(v))) return { ok: false, errors: { roles: ['Choose roles from the list.'] } };
      return { ok: true, audience: { kind, values: values as Role[] } };
    }
    default:
      return { ok: false, errors: { audience: ['Choose who the digest is for.'] } };
  }
}

/** Who may get a digest at all: active, not unsubscribed, address not bounced. */
const ELIGIBLE = `u.deactivated_at is null and u.digest_frequency <> 'off' and u.email_bounced_at is null`;

function audienceCondition(audience: DigestAudience): { where: string; param: string | null } {
  switch (audience.kind) {
    case 'everyone':
      return { where: '1 = 1', param: null };
    case 'organisation_kinds':
      return { where: 'o.kind in (select value from json_each(?))', param: JSON.stringify(audience.values) };
    case 'organisations':
      return { where: 'u.organisation_id in (select value from json_each(?))', param: JSON.stringify(audience.ids) };
    case 'roles':
      return { where: 'u.role in (select value from json_each(?))', param: JSON.stringify(audience.values) };
  }
}

type RecipientRow = { id: number; name: string; email: string; organisationId: number };

export function recipientsFor(audience: DigestAudience): RecipientRow[] {
  const { where, param } = audienceCondition(audience);
  const sql = `select u.id, u.name, u.email, u.organisation_id as organisationId from users u join organisations o on o.id = u.organisation_id
    where ${ELIGIBLE} and ${where} order by u.id`;
  return param === null ? all<RecipientRow>(sql) : all<RecipientRow>(sql, param);
}

/** How many people a digest for this audience would go to now. */
export function countRecipients(audience: DigestAudience): number {
  const { where, param } = audienceCondition(audience);
  const sql = `select count(*) as n from users u join organisations o on o.id = u.organisation_id where ${ELIGIBLE} and ${where}`;
  return (param === null ? get<{ n: number }>(sql) : get<{ n: number }>(sql, param))!.n;
}

/** Why this member would not get a digest for this audience, or null if they would. */
export function exclusionReason(userId: number, audience: DigestAudience): string | null {
  const u = get<{ deactivatedAt: number | null; frequency: DigestFrequency; bouncedAt: number | null }>(
    'select deactivated_at as deactivatedAt, digest_frequency as frequency, email_bounced_at as bouncedAt from users where id = ?',
    userId,
  );
  if (!u) return 'There is no such member.';
  if (u.deactivatedAt !== null) return 'This member is deactivated, so they will not receive it.';
  if (u.frequency === 'off') return 'This member has turned digests off, so they will not receive it.';
  if (u.bouncedAt !== null) return `Mail to this member bounced on ${formatDate(u.bouncedAt)}, so they will not receive it.`;
  const { where, param } = audienceCondition(audience);
  const sql = `select 1 as ok from users u join organisations o on o.id = u.organisation_id where u.id = ? and ${where}`;
  const inAudience = param === null ? get(sql, userId) : get(sql, userId, param);
  return inAudience ? null : 'This member is outside the chosen audience, so they will not receive it.';
}

/** Members to preview as: everyone in the audience, by name (at most `limit`). */
export function previewRecipientOptions(audience: DigestAudience, limit = 300) {
  const { where, param } = audienceCondition(audience);
  const sql = `select u.id, u.name, o.name as organisationName from users u join organisations o on o.id = u.organisation_id
    where ${ELIGIBLE} and ${where} order by u.name collate nocase, u.id limit ${Math.max(1, Math.floor(limit))}`;
  return param === null ? all<{ id: number; name: string; organisationName: string }>(sql) : all<{ id: number; name: string; organisationName: string }>(sql, param);
}

// ---------------------------------------------------------------------------------------------------------------
// Personal parts

/** Each member's upcoming workshops they said going (seat or waitlist) or maybe to, soonest first. */
function upcomingByUser(now: number, userId: number | null = null): Map<number, DigestUpcomingWorkshop[]> {
  const rows = all<{ userId: number; workshopId: number; slug: string; title: string; startsAt: number; endsAt: number; seatStatus: string | null; response: string; position: number | null }>(
    `select r.user_id as userId, w.id as workshopId, w.slug, w.title, w.starts_at as startsAt, w.ends_at as endsAt, r.seat_status as seatStatus, r.response,
       case when r.seat_status = 'waitlisted' then (
         select count(*) from rsvps r2 where r2.workshop_id = r.workshop_id and r2.seat_status = 'waitlisted'
           and (r2.waitlisted_at < r.waitlisted_at or (r2.waitlisted_at = r.waitlisted_at and r2.id <= r.id))) end as position
     from rsvps r join workshops w on w.id = r.workshop_id
     where w.status = 'scheduled' and w.ends_at > ? and r.response in ('going', 'maybe') and (? is null or r.user_id = ?)
     order by w.starts_at, w.id`,
    now,
    userId,
    userId,
  );
  const byUser = new Map<number, DigestUpcomingWorkshop[]>();
  for (const r of rows) {
    const status =
      r.seatStatus === 'confirmed' ? 'You’re going' : r.seatStatus === 'waitlisted' ? `You’re on the waitlist (position ${r.position ?? '?'})` : 'You said maybe';
    let list = byUser.get(r.userId);
    if (!list) byUser.set(r.userId, (list = []));
    list.push({ key: `workshop:${r.workshopId}`, title: r.title, url: absoluteUrl(`/workshops/${r.slug}`), when: formatDateRange(r.startsAt, r.endsAt), status });
  }
  return byUser;
}

// ---------------------------------------------------------------------------------------------------------------
// Digests: reading

type DigestRow = {
  id: number; subject: string; introMd: string; introHtml: string; sinceAt: number; audience: string; status: DigestStatus;
  scheduledFor: number | null; automatic: number; createdById: number | null; createdAt: number; sentAt: number | null;
};
const digestColumns = (t: string) =>
  `${t}.id, ${t}.subject, ${t}.intro_md as introMd, ${t}.intro_html as introHtml, ${t}.since_at as sinceAt, ${t}.audience, ${t}.status,
   ${t}.scheduled_for as scheduledFor, ${t}.automatic, ${t}.created_by_id as createdById, ${t}.created_at as createdAt, ${t}.sent_at as sentAt`;

function digestRow(id: number): DigestRow | undefined {
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
// Composing

export type Outcome = { ok: true; message: string } | { ok: false; status: 400 | 404 | 409; message: string; errors?: FieldErrors };

const notFoundOutcome: Outcome = { ok: false, status: 404, message: 'There is no such digest.' };
const notEditable: Outcome = { ok: false, status: 409, message: 'This digest has been sent, so it can no longer be changed.' };

export function defaultSubject(now: number): string {
  return `What’s new in the Micro-credentials CoP: ${formatDate(now)}`;
}

/** When the last digest a coordinator sent went out (automatic ones are per member and do not count). */
export function lastDigestSentAt(): number | null {
  return get<{ at: number | null }>('select max(sent_at) as at from digests where automatic = 0 and sent_at is not null')!.at;
}

/**
 * Whether gathered items hold any news: something that happened in the period, or an upcoming workshop the last
 * digest did not already list. (Upcoming workshops are always gathered, so a quiet week still has some.)
 */
export function hasNews(items: GatheredItem[]): boolean {
  const last = get<{ id: number }>('select id from digests where automatic = 0 and sent_at is not null order by sent_at desc, id desc limit 1');
  const listed = new Set(last ? all<{ k: string }>('select item_key as k from digest_items where digest_id = ?', last.id).map((r) => r.k) : []);
  return items.some((i) => i.payload.at !== null || !listed.has(i.itemKey));
}

/** A new draft holding everything new since the last digest went out (or the last 7 days). Returns its id. */
export function createDigest(actor: Pick<SessionUser, 'id'> | null, now = Date.now()): number {
  return db.transaction(
    (tx) => {
      const sinceAt = lastDigestSentAt() ?? now - DEFAULT_PERIOD_MS;
      const items = gatherDigestItems(sinceAt, now);
      const id = Number(
        run(
          `insert into digests (subject, intro_md, intro_html, since_at, audience, status, automatic, created_by_id, created_at)
           values (?, '', '', ?, '{"kind":"everyone"}', 'draft', 0, ?, ?)`,
          defaultSubject(now),
          sinceAt,
          actor?.id ?? null,
          now,
        ).lastInsertRowid,
      );
      insertItems(id, items);
      recordAudit(tx, { actorId: actor?.id ?? null, action: 'digest.create', targetType: 'digest', targetId: id, summary: `Started a digest with ${plural(items.length, 'item')} since ${formatDate(sinceAt)}` });
      return id;
    },
    { behavior: 'immediate' },
  );
}

function insertItems(digestId: number, items: GatheredItem[]) {
  const insert = stmt('insert into digest_items (digest_id, item_key, section, position, payload) values (?, ?, ?, ?, ?) on conflict (digest_id, item_key) do nothing');
  items.forEach((item, position) => insert.run(digestId, item.itemKey, item.section, position, JSON.stringify(item.payload)));
}

/** Relative links in the introduction would be dead in a mail client: make them absolute against APP_URL. */
function absoluteLinks(html: string): string {
  const base = `${env().APP_URL}/`;
  return html.replace(/href="([^"]*)"/g, (whole, href: string) => {
    const raw = href.replace(/&amp;/g, '&');
    if (/^(https?:|mailto:)/i.test(raw)) return whole;
    try {
      return `href="${escapeHtml(new URL(raw, base).toString())}"`;
    } catch {
      return whole;
    }
  });
}

/** The introduction as plain text that reads on its own: paragraphs wrapped, lists kept, links written out. */
export function introPlainText(md: string): string {
  const base = `${env().APP_URL}/`;
  const withLinks = md.replace(/\[([^\]]+)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, (_, text: string, href: string) => {
    let url = href;
    try {
      url = new URL(href, base).toString();
    } catch {
      // keep what was written
    }
    return `${text} (${url})`;
  });
  const LIST = /^\s*([-*+]|\d{1,3}[.)])\s+/;
  return withLinks
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((block) => {
      const lines = block.split('\n').filter((l) => l.trim());
      if (lines.length && lines.every((l) => LIST.test(l))) {
        return lines.map((l) => `${/^\s*\d/.test(l) ? l.match(LIST)![1] : '-'} ${markdownToPlainText(l.replace(LIST, ''))}`).join('\n');
      }
      return wrapText(markdownToPlainText(block));
    })
    .filter(Boolean)
    .join('\n\n');
}

export const digestTextSchema = z.object({
  subject: field.text('a subject', 150),
  intro: field.optionalText('the introduction', 10000),
});

type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];

/**
 * Runs a change to a draft or scheduled digest in one IMMEDIATE transaction (so it cannot interleave with sending
 * it) and records who did it in the audit log.
 */
function editDigest(actor: Pick<SessionUser, 'id'>, digestId: number, change: (d: DigestRow, tx: Tx) => Outcome & { audit?: string }): Outcome {
  return db.transaction(
    (tx) => {
      const d = digestRow(digestId);
      if (!d) return notFoundOutcome;
      if (d.status !== 'draft' && d.status !== 'scheduled') return notEditable;
      const { audit, ...outcome } = change(d, tx);
      if (outcome.ok && audit) recordAudit(tx, { actorId: actor.id, action: 'digest.edit', targetType: 'digest', targetId: digestId, summary: `${audit} (digest “${d.subject}”)` });
      return outcome as Outcome;
    },
    { behavior: 'immediate' },
  );
}

export function updateDigestText(actor: Pick<SessionUser, 'id'>, digestId: number, input: z.infer<typeof digestTextSchema>): Outcome {
  return editDigest(actor, digestId, () => {
    const introMd = input.intro.replace(/\r\n?/g, '\n');
    run(
      'update digests set subject = ?, intro_md = ?, intro_html = ? where id = ?',
      oneLine(input.subject),
      introMd,
      introMd.trim() ? absoluteLinks(renderMarkdown(introMd)) : '',
      digestId,
    );
    return { ok: true, message: 'Subject and introduction saved.', audit: 'Edited the subject and introduction' };
  });
}

export function removeDigestItem(actor: Pick<SessionUser, 'id'>, digestId: number, itemId: number): Outcome {
  return editDigest(actor, digestId, () => {
    const item = get<{ title: string }>(`select json_extract(payload, '$.title') as title from digest_items where id = ? and digest_id = ?`, itemId, digestId);
    if (!item) return { ok: false, status: 404, message: 'That item is no longer in this digest.' };
    run('delete from digest_items where id = ? and digest_id = ?', itemId, digestId);
    return { ok: true, message: `Removed “${item.title}”.`, audit: `Removed “${item.title}”` };
  });
}

/** Moves an item one place up or down within its section (the email groups items by section). */
export function moveDigestItem(actor: Pick<SessionUser, 'id'>, digestId: number, itemId: number, direction: 'up' | 'down'): Outcome {
  return editDigest(actor, digestId, () => {
    const items = listDigestItems(digestId);
    const index = items.findIndex((i) => i.id === itemId);
    if (index < 0) return { ok: false, status: 404, message: 'That item is no longer in this digest.' };
    const item = items[index]!;
    const otherIndex = direction === 'up' ? index - 1 : index + 1;
    const other = items[otherIndex];
    if (!other || other.section !== item.section) return { ok: true, message: `“${item.payload.title}” is already ${direction === 'up' ? 'first' : 'last'} in its section.` };
    // Renumber the whole digest in display order with the two swapped, so equal or gapped positions cannot stick.
    items[index] = other;
    items[otherIndex] = item;
    const update = stmt('update digest_items set position = ? where id = ?');
    items.forEach((i, position) => update.run(position, i.id));
    return { ok: true, message: `Moved “${item.payload.title}” ${direction}.`, audit: `Moved “${item.payload.title}” ${direction}` };
  });
}

export function setDigestAudience(actor: Pick<SessionUser, 'id'>, digestId: number, audience: DigestAudience): Outcome {
  return editDigest(actor, digestId, () => {
    run('update digests set audience = ? where id = ?', JSON.stringify(audience), digestId);
    const count = plural(countRecipients(audience), 'person', 'people');
    return { ok: true, message: `Audience saved: ${count} will receive this digest.`, audit: `Chose the audience (${audience.kind}, ${count})` };
  });
}

export function deleteDigest(actor: Pick<SessionUser, 'id'>, digestId: number): Outcome {
  return db.transaction(
    (tx) => {
      const d = digestRow(digestId);
      if (!d) return notFoundOutcome;
      if (d.status !== 'draft' && d.status !== 'scheduled') return notEditable;
      run('delete from digests where id = ?', digestId);
      recordAudit(tx, { actorId: actor.id, action: 'digest.delete', targetType: 'digest', targetId: digestId, summary: `Deleted the digest “${d.subject}”` });
      return { ok: true as const, message: `Deleted the digest “${d.subject}”.` };
    },
    { behavior: 'immediate' },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering for recipients

function emailContent(d: Pick<DigestRow, 'subject' | 'introMd' | 'introHtml' | 'sinceAt'>, items: DigestItemView[], periodText = `since ${formatDate(d.sinceAt)}`): DigestEmailContent {
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

type Recipient = RecipientRow & { itemKeys?: ReadonlySet<string> };

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
function queueForRecipients(digestId: number, content: DigestEmailContent, recipients: Recipient[], now: number): number {
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
// Members' preferences and unsubscribing

export const notificationSettingsSchema = z.object({
  digestFrequency: z.enum(DIGEST_FREQUENCIES, { error: 'Choose how often you want the digest.' }),
  replyNotifications: z.enum(['on', 'off'], { error: 'Choose whether you want emails about replies.' }),
  workshopAnnouncements: z.enum(['on', 'off'], { error: 'Choose whether you want workshop announcements.' }),
});
export type NotificationSettingsInput = z.infer<typeof notificationSettingsSchema>;

export function getNotificationSettings(userId: number) {
  const row = get<{ email: string; digestFrequency: DigestFrequency; replyNotifications: number; workshopAnnouncements: number; emailBouncedAt: number | null }>(
    `select email, digest_frequency as digestFrequency, reply_notifications as replyNotifications, workshop_announcements as workshopAnnouncements,
       email_bounced_at as emailBouncedAt from users where id = ?`,
    userId,
  );
  if (!row) return undefined;
  return { ...row, replyNotifications: !!row.replyNotifications, workshopAnnouncements: !!row.workshopAnnouncements };
}

export function updateNotificationSettings(userId: number, input: NotificationSettingsInput): void {
  run(
    'update users set digest_frequency = ?, reply_notifications = ?, workshop_announcements = ? where id = ?',
    input.digestFrequency,
    input.replyNotifications === 'on' ? 1 : 0,
    input.workshopAnnouncements === 'on' ? 1 : 0,
    userId,
  );
}

export type UnsubscribeLookup =
  | { ok: true; userId: number; name: string; email: string; frequency: DigestFrequency }
  | { ok: false; reason: 'invalid' | 'expired' };

/** Who a signed unsubscribe link belongs to. Changes nothing. */
export function unsubscribeDetails(token: string, now = Date.now()): UnsubscribeLookup {
  const verified = verifyUnsubscribeToken(token, now);
  if (!verified.ok) return verified;
  const user = get<{ name: string; email: string; frequency: DigestFrequency }>('select name, email, digest_frequency as frequency from users where id = ?', verified.userId);
  if (!user) return { ok: false, reason: 'invalid' };
  return { ok: true, userId: verified.userId, ...user };
}

/** Turns digests off for the link's member (digest_frequency 'off'); their other emails are untouched. */
export function unsubscribeByToken(token: string, now = Date.now()): UnsubscribeLookup {
  const details = unsubscribeDetails(token, now);
  if (!details.ok) return details;
  run(`update users set digest_frequency = 'off' where id = ?`, details.userId);
  return details;
}
