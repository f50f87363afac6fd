import { z } from 'zod';
import { ORGANISATION_KINDS, type OrganisationKind, type Role, ROLES } from '../../../db/schema';
import type { DigestUpcomingWorkshop } from '../../../emails/digest';
import { absoluteUrl } from '~/utils/env.server';
import { formatDate, formatDateRange } from '~/utils/time';
import type { FieldErrors } from '~/utils/validation.server';
import { type DigestFrequency, all, get } from './shared.server';

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
export const ELIGIBLE = `u.deactivated_at is null and u.digest_frequency <> 'off' and u.email_bounced_at is null`;

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

export type RecipientRow = { id: number; name: string; email: string; organisationId: number };

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
export function upcomingByUser(now: number, userId: number | null = null): Map<number, DigestUpcomingWorkshop[]> {
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
