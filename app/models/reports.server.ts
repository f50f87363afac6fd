// The activity report for a period (New Zealand dates, both ends included): workshops held and attendance by kind of
// organisation, new members and organisations, pilots started and completed, micro-credentials by level and credits,
// resources added and downloaded, discussion activity, and the action items from the period's workshops. Figures
// only, no titles or text: the report goes to funders, so nothing members-only is quoted in it. Each section is a
// table (header row first) that the page charts, the CSV download writes and the PDF draws. See
// docs/decisions/013-standard-forms.md.
import { ORGANISATION_KINDS, RESOURCE_KINDS, type OrganisationKind, type ResourceKind } from '../../db/schema';
import { sqlite } from '../../db/client.server';
import { ORGANISATION_KIND_SHORT } from '~/utils/labels';
import { formatDate, getZonedParts, parseDateInput, toDateInputValue } from '~/utils/time';
import { actionStatus, ATTENDED_SQL } from './exports.server';
import { RESOURCE_KIND_LABELS } from './resources.server';

export type Period = {
  /** "2025-12-08": the first day, in New Zealand. */
  fromDate: string;
  /** The last day, included. */
  toDate: string;
  /** UTC instants: the start of the first day, and the start of the day after the last (exclusive). */
  from: number;
  to: number;
};

const MAX_YEARS = 10;

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function periodOf(fromDate: string, toDate: string): Period {
  const from = parseDateInput(fromDate);
  const to = parseDateInput(addDays(toDate, 1));
  if (!from.ok || !to.ok) throw new Error(`Not a period: ${fromDate} to ${toDate}`);
  return { fromDate, toDate, from: from.date.getTime(), to: to.date.getTime() };
}

/** The last 12 months up to today in New Zealand: from the day after this date a year ago, to today. */
export function defaultPeriod(now = Date.now()): Period {
  const today = toDateInputValue(now);
  const yearAgo = `${String(Number(today.slice(0, 4)) - 1).padStart(4, '0')}${today.slice(4)}`;
  // 29 February a year ago does not exist: start on 1 March.
  const start = yearAgo.endsWith('-02-29') ? `${yearAgo.slice(0, 4)}-03-01` : addDays(yearAgo, 1);
  return periodOf(start, today);
}

export type PeriodOutcome = { ok: true; period: Period } | { ok: false; errors: { from?: string[]; to?: string[] }; values: { from: string; to: string } };

/** Reads ?from=&to= (both optional: missing means the default period's end). Each field gets its own message. */
export function parsePeriod(params: URLSearchParams, now = Date.now()): PeriodOutcome {
  const fallback = defaultPeriod(now);
  const raw = { from: params.get('from')?.trim() ?? '', to: params.get('to')?.trim() ?? '' };
  const values = { from: raw.from || fallback.fromDate, to: raw.to || fallback.toDate };
  const errors: { from?: string[]; to?: string[] } = {};
  const from = parseDateInput(values.from);
  const to = parseDateInput(values.to);
  if (!from.ok) errors.from = [`The start date: ${from.error}`];
  if (!to.ok) errors.to = [`The end date: ${to.error}`];
  if (from.ok && to.ok) {
    if (values.from > values.to) errors.to = ['The end date must be on or after the start date.'];
    else if (values.from < `${String(Number(values.to.slice(0, 4)) - MAX_YEARS).padStart(4, '0')}${values.to.slice(4)}`) {
      errors.from = [`Choose a period of at most ${MAX_YEARS} years.`];
    } else if (values.from < '2000-01-01') errors.from = ['Choose a start date in 2000 or later.'];
    else if (values.to > '2100-12-31') errors.to = ['Choose an end date before 2101.'];
  }
  if (errors.from || errors.to) return { ok: false, errors, values };
  return { ok: true, period: periodOf(values.from, values.to) };
}

/** "8 December 2025 to 7 December 2026" */
function describePeriod(p: Period): string {
  return `${formatDate(p.from)} to ${formatDate(p.to - 1)}`;
}

type Table = { header: string[]; rows: (string | number)[][] };
export type ReportSection = {
  /** Used in addresses: /admin/reports/<key>.csv */
  key: string;
  title: string;
  /** One-line summary with the section's headline figures. */
  summary: string;
  /** What the chart draws: a label and value per bar (the table's first column and `chartColumn`). */
  chart: { name: string; bars: { label: string; value: number }[] };
  table: Table;
};
export type ActivityReport = { period: Period; description: string; generatedAt: number; sections: ReportSection[]; headline: { label: string; value: number }[] };

const count = (query: string, ...args: unknown[]) => (sqlite.prepare(query).get(...args) as { n: number }).n;

function byKind(query: string, ...args: unknown[]): Map<OrganisationKind, number> {
  const rows = sqlite.prepare(query).all(...args) as { kind: OrganisationKind; n: number }[];
  return new Map(rows.map((r) => [r.kind, r.n]));
}

/** Workshops that took place in the period: not drafts or cancelled, starting within it and already begun. */
const HELD = `w.status in ('scheduled', 'completed') and w.starts_at >= @from and w.starts_at < @to and w.starts_at <= @now`;

function monthsOf(p: Period): { key: string; label: string }[] {
  const months: { key: string; label: string }[] = [];
  let y = Number(p.fromDate.slice(0, 4));
  let m = Number(p.fromDate.slice(5, 7));
  const endKey = p.toDate.slice(0, 7);
  for (let i = 0; i < 12 * (MAX_YEARS + 1); i++) {
    const key = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
    if (key > endKey) break;
    const label = new Date(Date.UTC(y, m - 1, 15)).toLocaleDateString('en-NZ', { month: 'short', year: 'numeric', timeZone: 'UTC' });
    months.push({ key, label });
    m += 1;
    if (m > 12) (m = 1), (y += 1);
  }
  return months;
}

function monthKey(ms: number): string {
  const p = getZonedParts(ms);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}`;
}

export function activityReport(period: Period, now = Date.now()): ActivityReport {
  const args = { from: period.from, to: period.to, now };
  const kindLabel = (k: OrganisationKind) => ORGANISATION_KIND_SHORT[k];

  // Workshops and attendance.
  const held = count(`select count(*) as n from workshops w where ${HELD}`, args);
  const attendance = byKind(
    `select o.kind, count(*) as n from rsvps r join workshops w on w.id = r.workshop_id join users u on u.id = r.user_id join organisations o on o.id = u.organisation_id
     where ${HELD} and ${ATTENDED_SQL} group by o.kind`,
    args,
  );
  const attendingOrgs = byKind(
    `select o.kind, count(distinct o.id) as n from rsvps r join workshops w on w.id = r.workshop_id join users u on u.id = r.user_id join organisations o on o.id = u.organisation_id
     where ${HELD} and ${ATTENDED_SQL} group by o.kind`,
    args,
  );
  const totalAttendance = [...attendance.values()].reduce((a, b) => a + b, 0);

  // Members and organisations that joined.
  const newMembers = byKind(`select o.kind, count(*) as n from users u join organisations o on o.id = u.organisation_id where u.created_at >= @from and u.created_at < @to group by o.kind`, args);
  const newOrgs = byKind(`select o.kind, count(*) as n from organisations o where o.created_at >= @from and o.created_at < @to group by o.kind`, args);
  const totalMembers = [...newMembers.values()].reduce((a, b) => a + b, 0);
  const totalOrgs = [...newOrgs.values()].reduce((a, b) => a + b, 0);

  // Pilots (published ones): started and completed in the period.
  const started = count(`select count(*) as n from case_studies c where c.published_at is not null and c.starts_on >= @from and c.starts_on < @to`, args);
  const completed = count(
    `select count(*) as n from case_studies c where c.published_at is not null and c.status in ('completed', 'evaluated') and c.ends_on >= @from and c.ends_on < @to`,
    args,
  );
  const running = count(
    `select count(*) as n from case_studies c where c.published_at is not null and c.status = 'running' and (c.starts_on is null or c.starts_on < @to)`,
    args,
  );

  // Micro-credentials added to the register in the period (of published pilots, or of none), by level.
  const mcRows = sqlite
    .prepare(
      `select m.nzqf_level as level, count(*) as n, coalesce(sum(m.credits), 0) as credits from micro_credentials m
       where m.created_at >= @from and m.created_at < @to
         and (m.case_study_id is null or exists (select 1 from case_studies c where c.id = m.case_study_id and c.published_at is not null))
       group by m.nzqf_level order by m.nzqf_level is null, m.nzqf_level`,
    )
    .all(args) as { level: number | null; n: number; credits: number }[];
  const totalMc = mcRows.reduce((a, r) => a + r.n, 0);
  const totalCredits = mcRows.reduce((a, r) => a + r.credits, 0);

  // Resources added and downloaded in the period, by kind.
  const added = new Map(
    (sqlite.prepare(`select r.kind, count(*) as n from resources r where r.created_at >= @from and r.created_at < @to group by r.kind`).all(args) as { kind: ResourceKind; n: number }[]).map((r) => [r.kind, r.n]),
  );
  const downloaded = new Map(
    (
      sqlite
        .prepare(`select r.kind, count(*) as n from resource_downloads d join resources r on r.id = d.resource_id where d.created_at >= @from and d.created_at < @to group by r.kind`)
        .all(args) as { kind: ResourceKind; n: number }[]
    ).map((r) => [r.kind, r.n]),
  );
  const totalAdded = [...added.values()].reduce((a, b) => a + b, 0);
  const totalDownloads = [...downloaded.values()].reduce((a, b) => a + b, 0);

  // Discussions: threads started and replies posted per month, and how many people took part.
  const posts = sqlite
    .prepare(`select p.created_at as at, p.number from posts p join threads t on t.id = p.thread_id where p.created_at >= @from and p.created_at < @to and p.deleted_at is null and p.hidden_at is null and t.hidden_at is null`)
    .all(args) as { at: number; number: number }[];
  const participants = count(
    `select count(distinct p.author_id) as n from posts p join threads t on t.id = p.thread_id where p.created_at >= @from and p.created_at < @to and p.deleted_at is null and p.hidden_at is null and t.hidden_at is null`,
    args,
  );
  const months = monthsOf(period);
  const perMonth = new Map(months.map((m) => [m.key, { threads: 0, replies: 0 }]));
  for (const p of posts) {
    const slot = perMonth.get(monthKey(p.at));
    if (!slot) continue;
    if (p.number === 1) slot.threads += 1;
    else slot.replies += 1;
  }
  const threadsStarted = posts.filter((p) => p.number === 1).length;
  const replies = posts.length - threadsStarted;

  // Action items from the workshops held in the period, as they stand now.
  const actions = sqlite.prepare(`select a.due_date as dueDate, a.done_at as doneAt from workshop_action_items a join workshops w on w.id = a.workshop_id where ${HELD}`).all(args) as {
    dueDate: number | null;
    doneAt: number | null;
  }[];
  const actionCounts = { Done: 0, Open: 0, Overdue: 0 };
  for (const a of actions) actionCounts[actionStatus(a, now)] += 1;

  const kinds = ORGANISATION_KINDS.filter((k) => attendance.has(k) || newMembers.has(k) || newOrgs.has(k) || attendingOrgs.has(k));
  const sections: ReportSection[] = [
    {
      key: 'workshops',
      title: 'Workshops and attendance',
      summary: `${held} ${held === 1 ? 'workshop' : 'workshops'} held, ${totalAttendance} ${totalAttendance === 1 ? 'attendance' : 'attendances'}.`,
      chart: { name: 'Workshop attendance by kind of organisation', bars: ORGANISATION_KINDS.filter((k) => attendance.has(k)).map((k) => ({ label: kindLabel(k), value: attendance.get(k)! })) },
      table: {
        header: ['Kind of organisation', 'People attending', 'Organisations attending'],
        rows: [...ORGANISATION_KINDS.filter((k) => attendance.has(k)).map((k) => [kindLabel(k), attendance.get(k)!, attendingOrgs.get(k) ?? 0]), ['Total', totalAttendance, [...attendingOrgs.values()].reduce((a, b) => a + b, 0)]],
      },
    },
    {
      key: 'members',
      title: 'New members and organisations',
      summary: `${totalMembers} new ${totalMembers === 1 ? 'member' : 'members'}, ${totalOrgs} new ${totalOrgs === 1 ? 'organisation' : 'organisations'}.`,
      chart: { name: 'New members by kind of organisation', bars: kinds.filter((k) => newMembers.has(k)).map((k) => ({ label: kindLabel(k), value: newMembers.get(k)! })) },
      table: {
        header: ['Kind of organisation', 'New members', 'New organisations'],
        rows: [...kinds.filter((k) => newMembers.has(k) || newOrgs.has(k)).map((k) => [kindLabel(k), newMembers.get(k) ?? 0, newOrgs.get(k) ?? 0]), ['Total', totalMembers, totalOrgs]],
      },
    },
    {
      key: 'pilots',
      title: 'Pilots',
      summary: `${started} started, ${completed} completed.`,
      chart: {
        name: 'Pilots started and completed',
        bars: [
          { label: 'Started', value: started },
          { label: 'Completed', value: completed },
        ],
      },
      table: {
        header: ['Pilots', 'Count'],
        rows: [
          ['Started in the period', started],
          ['Completed in the period', completed],
          ['Running at the end of the period', running],
        ],
      },
    },
    {
      key: 'micro-credentials',
      title: 'Micro-credentials by NZQF level',
      summary: `${totalMc} added to the register, worth ${totalCredits} credits.`,
      chart: { name: 'Micro-credentials added by NZQF level', bars: mcRows.map((r) => ({ label: r.level === null ? 'Level not given' : `Level ${r.level}`, value: r.n })) },
      table: {
        header: ['NZQF level', 'Micro-credentials', 'Credits'],
        rows: [...mcRows.map((r) => [r.level === null ? 'Level not given' : `Level ${r.level}`, r.n, r.credits]), ['Total', totalMc, totalCredits]],
      },
    },
    {
      key: 'resources',
      title: 'Resources',
      summary: `${totalAdded} added, ${totalDownloads} ${totalDownloads === 1 ? 'download' : 'downloads'}.`,
      chart: {
        name: 'Resource downloads by kind',
        bars: RESOURCE_KINDS.filter((k) => downloaded.has(k)).map((k) => ({ label: RESOURCE_KIND_LABELS[k], value: downloaded.get(k)! })),
      },
      table: {
        header: ['Kind of resource', 'Added', 'Downloads'],
        rows: [
          ...RESOURCE_KINDS.filter((k) => added.has(k) || downloaded.has(k)).map((k) => [RESOURCE_KIND_LABELS[k], added.get(k) ?? 0, downloaded.get(k) ?? 0]),
          ['Total', totalAdded, totalDownloads],
        ],
      },
    },
    {
      key: 'discussions',
      title: 'Discussions',
      summary: `${threadsStarted} ${threadsStarted === 1 ? 'thread' : 'threads'} started, ${replies} ${replies === 1 ? 'reply' : 'replies'}, ${participants} ${participants === 1 ? 'person' : 'people'} taking part.`,
      chart: { name: 'Discussion posts by month', bars: months.map((m) => ({ label: m.label, value: perMonth.get(m.key)!.threads + perMonth.get(m.key)!.replies })) },
      table: {
        header: ['Month', 'Threads started', 'Replies'],
        rows: [...months.map((m) => [m.label, perMonth.get(m.key)!.threads, perMonth.get(m.key)!.replies]), ['Total', threadsStarted, replies]],
      },
    },
    {
      key: 'actions',
      title: 'Action items',
      summary: `From the period’s workshops: ${actionCounts.Open} open, ${actionCounts.Overdue} overdue, ${actionCounts.Done} done.`,
      chart: {
        name: 'Action items by status',
        bars: [
          { label: 'Open', value: actionCounts.Open },
          { label: 'Overdue', value: actionCounts.Overdue },
          { label: 'Done', value: actionCounts.Done },
        ],
      },
      table: {
        header: ['Status', 'Action items'],
        rows: [
          ['Open', actionCounts.Open],
          ['Overdue', actionCounts.Overdue],
          ['Done', actionCounts.Done],
          ['Total', actions.length],
        ],
      },
    },
  ];
  return {
    period,
    description: describePeriod(period),
    generatedAt: now,
    sections,
    headline: [
      { label: 'Workshops held', value: held },
      { label: 'Attendances', value: totalAttendance },
      { label: 'New members', value: totalMembers },
      { label: 'New organisations', value: totalOrgs },
      { label: 'Pilots started', value: started },
      { label: 'Pilots completed', value: completed },
      { label: 'Micro-credentials added', value: totalMc },
      { label: 'Resource downloads', value: totalDownloads },
    ],
  };
}

/** A section's table as CSV rows, with the period on the first line so a copy never loses it. */
export function sectionCsvRows(report: ActivityReport, key: string): (string | number)[][] | undefined {
  const section = report.sections.find((s) => s.key === key);
  if (!section) return undefined;
  return [[`${section.title}, ${report.description}`], section.table.header, ...section.table.rows];
}
