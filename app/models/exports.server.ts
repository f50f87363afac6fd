// What a coordinator hands on as spreadsheets: members by organisation, workshops with attendance by kind of
// organisation, decisions and action items, pilots, and resources with downloads. Each function returns rows (header
// first) for csvResponse in app/utils/csv.server.ts, which writes them formula-safe. These are coordinator exports,
// never public: members-only pilots and resources are in them, marked as such.
import { ORGANISATION_KINDS, type OrganisationKind } from '../../db/schema';
import { sqlite } from '../../db/client.server';
import { ORGANISATION_KIND_SHORT, ROLE_LABELS } from '~/utils/labels';
import { formatDate, formatDateTime, toDateInputValue } from '~/utils/time';
import { CASE_STUDY_STATUS_LABELS } from './case-study-fields';
import { RESOURCE_KIND_LABELS } from './resources.server';
import { WORKSHOP_MODE_LABELS, WORKSHOP_STATUS_LABELS } from './workshops.server';
import type { CsvCell } from '~/utils/csv.server';

type Rows = CsvCell[][];
const date = (ms: number | null) => (ms === null ? '' : formatDate(ms));

/** When an action item stands: done, overdue (open, and its due day has passed in New Zealand) or open. */
export function actionStatus(item: { doneAt: number | null; dueDate: number | null }, now = Date.now()): 'Done' | 'Overdue' | 'Open' {
  if (item.doneAt !== null) return 'Done';
  if (item.dueDate !== null && toDateInputValue(item.dueDate) < toDateInputValue(now)) return 'Overdue';
  return 'Open';
}

const VISIBILITY = { public: 'Public', members: 'Members only' } as const;

/**
 * A seat counts as attendance unless the coordinator marked the person absent (the rule the organisation pages use):
 * the SQL condition over an `rsvps r` row.
 */
export const ATTENDED_SQL = `r.seat_status = 'confirmed' and coalesce(r.attended, 1) = 1`;

function membersRows(): Rows {
  const rows = sqlite
    .prepare(
      `select o.name as organisation, o.kind, u.name, u.email, u.role, u.job_title as jobTitle, u.created_at as joinedAt, u.deactivated_at as deactivatedAt
       from users u join organisations o on o.id = u.organisation_id
       order by o.kind, o.name, u.name, u.id`,
    )
    .all() as { organisation: string; kind: OrganisationKind; name: string; email: string; role: keyof typeof ROLE_LABELS; jobTitle: string; joinedAt: number; deactivatedAt: number | null }[];
  return [
    ['Organisation', 'Kind of organisation', 'Name', 'Email', 'Role', 'Job title', 'Joined', 'Status'],
    ...rows.map((r) => [r.organisation, ORGANISATION_KIND_SHORT[r.kind], r.name, r.email, ROLE_LABELS[r.role], r.jobTitle, date(r.joinedAt), r.deactivatedAt === null ? 'Active' : 'Deactivated']),
  ];
}

function workshopsRows(): Rows {
  const workshops = sqlite
    .prepare(
      `select w.id, w.title, w.starts_at as startsAt, w.status, w.mode, w.capacity,
         (select count(*) from rsvps r where r.workshop_id = w.id and r.seat_status = 'confirmed') as seats,
         (select count(*) from rsvps r where r.workshop_id = w.id and ${ATTENDED_SQL}) as attended
       from workshops w where w.status <> 'draft' order by w.starts_at, w.id`,
    )
    .all() as { id: number; title: string; startsAt: number; status: keyof typeof WORKSHOP_STATUS_LABELS; mode: keyof typeof WORKSHOP_MODE_LABELS; capacity: number; seats: number; attended: number }[];
  const byKind = sqlite
    .prepare(
      `select r.workshop_id as workshopId, o.kind, count(*) as n from rsvps r join users u on u.id = r.user_id join organisations o on o.id = u.organisation_id
       where ${ATTENDED_SQL} group by r.workshop_id, o.kind`,
    )
    .all() as { workshopId: number; kind: OrganisationKind; n: number }[];
  const counts = new Map(byKind.map((c) => [`${c.workshopId}:${c.kind}`, c.n]));
  return [
    ['Workshop', 'Starts (NZ)', 'Status', 'Mode', 'Capacity', 'Seats taken', 'Attended', ...ORGANISATION_KINDS.map((k) => `Attended: ${ORGANISATION_KIND_SHORT[k]}`)],
    ...workshops.map((w) => [
      w.title,
      formatDateTime(w.startsAt),
      WORKSHOP_STATUS_LABELS[w.status],
      WORKSHOP_MODE_LABELS[w.mode],
      w.capacity,
      w.seats,
      w.attended,
      ...ORGANISATION_KINDS.map((k) => counts.get(`${w.id}:${k}`) ?? 0),
    ]),
  ];
}

function decisionsAndActionsRows(now = Date.now()): Rows {
  const decisions = sqlite
    .prepare(
      `select w.title as workshop, w.starts_at as startsAt, d.text from workshop_decisions d join workshops w on w.id = d.workshop_id
       order by w.starts_at, w.id, d.position, d.id`,
    )
    .all() as { workshop: string; startsAt: number; text: string }[];
  const actions = sqlite
    .prepare(
      `select w.title as workshop, w.starts_at as startsAt, a.text, o.name as owner, a.due_date as dueDate, a.done_at as doneAt
       from workshop_action_items a join workshops w on w.id = a.workshop_id left join organisations o on o.id = a.owner_organisation_id
       order by w.starts_at, w.id, a.position, a.id`,
    )
    .all() as { workshop: string; startsAt: number; text: string; owner: string | null; dueDate: number | null; doneAt: number | null }[];
  return [
    ['Workshop', 'Workshop date', 'Type', 'Text', 'Owner organisation', 'Due date', 'Status', 'Done on'],
    ...decisions.map((d) => [d.workshop, date(d.startsAt), 'Decision', d.text, '', '', '', '']),
    ...actions.map((a) => [a.workshop, date(a.startsAt), 'Action', a.text, a.owner ?? '', date(a.dueDate), actionStatus(a, now), date(a.doneAt)]),
  ];
}

function pilotsRows(): Rows {
  const pilots = sqlite
    .prepare(
      `select c.id, c.title, o.name as lead, c.status, c.funder, c.starts_on as startsOn, c.ends_on as endsOn, c.visibility, c.published_at as publishedAt,
         (select count(*) from micro_credentials m where m.case_study_id = c.id) as microCredentials
       from case_studies c join organisations o on o.id = c.lead_organisation_id order by c.title, c.id`,
    )
    .all() as { id: number; title: string; lead: string; status: keyof typeof CASE_STUDY_STATUS_LABELS; funder: string; startsOn: number | null; endsOn: number | null; visibility: keyof typeof VISIBILITY; publishedAt: number | null; microCredentials: number }[];
  const outcomes = sqlite.prepare(`select case_study_id as caseStudyId, label, value, unit from case_study_outcomes order by case_study_id, position, id`).all() as {
    caseStudyId: number;
    label: string;
    value: number | null;
    unit: string;
  }[];
  const outcomeText = (id: number) =>
    outcomes
      .filter((o) => o.caseStudyId === id)
      .map((o) => `${o.label}: ${o.value === null ? '–' : `${o.value}${o.unit ? ` ${o.unit}` : ''}`}`)
      .join('; ');
  return [
    ['Pilot', 'Lead organisation', 'Status', 'Funder', 'Starts', 'Ends', 'Outcomes', 'Micro-credentials', 'Visibility', 'Published'],
    ...pilots.map((p) => [
      p.title,
      p.lead,
      CASE_STUDY_STATUS_LABELS[p.status],
      p.funder,
      date(p.startsOn),
      date(p.endsOn),
      outcomeText(p.id),
      p.microCredentials,
      VISIBILITY[p.visibility],
      p.publishedAt === null ? 'Draft' : date(p.publishedAt),
    ]),
  ];
}

function resourcesRows(): Rows {
  const resources = sqlite
    .prepare(
      `select r.title, r.kind, o.name as organisation, r.visibility, r.published_on as publishedOn, r.created_at as createdAt, r.download_count as downloads,
         (select count(*) from resource_versions v where v.resource_id = r.id) as versions,
         case when r.external_url is null then 'File' else 'Link' end as form
       from resources r left join organisations o on o.id = r.organisation_id order by r.created_at, r.id`,
    )
    .all() as { title: string; kind: keyof typeof RESOURCE_KIND_LABELS; organisation: string | null; visibility: keyof typeof VISIBILITY; publishedOn: number | null; createdAt: number; downloads: number; versions: number; form: string }[];
  return [
    ['Resource', 'Kind', 'Organisation', 'File or link', 'Versions', 'Visibility', 'Published', 'Added', 'Downloads'],
    ...resources.map((r) => [r.title, RESOURCE_KIND_LABELS[r.kind], r.organisation ?? '', r.form, r.versions, VISIBILITY[r.visibility], date(r.publishedOn), date(r.createdAt), r.downloads]),
  ];
}

/** The exports, by the name in their address (/admin/exports/<name>.csv). */
export const COORDINATOR_EXPORTS = {
  members: { title: 'Members by organisation and kind', rows: membersRows },
  workshops: { title: 'Workshops with attendance by kind of organisation', rows: workshopsRows },
  'decisions-and-actions': { title: 'Decisions and action items (owner, due date, status)', rows: decisionsAndActionsRows },
  pilots: { title: 'Pilots with status, funder and outcomes', rows: pilotsRows },
  resources: { title: 'Resources with downloads', rows: resourcesRows },
} as const satisfies Record<string, { title: string; rows: () => Rows }>;
export type ExportName = keyof typeof COORDINATOR_EXPORTS;
