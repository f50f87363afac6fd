// The activity report and the coordinator's exports. A seeded period (the calendar year 2024 in New Zealand, which
// the demo community does not touch) is filled with chosen activity, some of it just outside either end; every figure
// the report gives is then checked against a count the test makes itself from the raw rows. The PDF's text (unpdf)
// holds the period and the figures; the CSVs read back with csv-parse.
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { extractText, getDocumentProxy } from 'unpdf';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, sqlite } from '../../db/client.server';
import { caseStudies, discussionCategories, microCredentials, posts, resourceDownloads, rsvps, threads, users, workshopActionItems } from '../../db/schema';
import { seed } from '../../db/seed';
import { prepareReportPdf, reportPdfPath, reportPdfState } from '~/models/report-pdf.server';
import { activityReport, defaultPeriod, parsePeriod, type ActivityReport, type Period } from '~/models/reports.server';
import { parseDateInput } from '~/utils/time';
import { addMember, addOrganisation, addResource, addWorkshop } from '../support/digest-fixtures';
import { callRoute, signedIn, VISITOR } from '../support/routes';

const nz = (date: string, hours = 12) => parseDateInput(date).ok && (parseDateInput(date) as { date: Date }).date.getTime() + hours * 3_600_000;
const at = (date: string, hours = 12) => nz(date, hours) as number;
const NOW = at('2026-06-15');

let period: Period;
let report: ActivityReport;

function figure(key: string, rowLabel: string, column = 1): number {
  const section = report.sections.find((s) => s.key === key)!;
  const row = section.table.rows.find((r) => r[0] === rowLabel);
  return row ? Number(row[column]) : 0;
}

beforeAll(async () => {
  await seed();
  const parsed = parsePeriod(new URLSearchParams({ from: '2024-01-01', to: '2024-12-31' }), NOW);
  if (!parsed.ok) throw new Error('period');
  period = parsed.period;

  // Organisations and members: two of each inside, one just before (31 Dec 2023, 23:30 NZ) and one just after.
  const ara = addOrganisation('Ara Institute of Canterbury', 'itp', at('2024-03-01'));
  const hanga = addOrganisation('Hanga-Aro-Rau', 'ito', at('2024-12-31', 23.5));
  addOrganisation('Before Ltd', 'industry', at('2023-12-31', 23.5));
  addOrganisation('After Ltd', 'industry', at('2025-01-01', 0.5));
  const people = [
    addMember('aroha@report.test', 'Aroha Tūhoe', ara, { createdAt: at('2024-02-01') }),
    addMember('mere@report.test', 'Mere Ngāti', ara, { createdAt: at('2024-05-01') }),
    addMember('tama@report.test', 'Tama Hanga', hanga, { createdAt: at('2024-12-31', 23) }),
    addMember('early@report.test', 'Early Bird', ara, { createdAt: at('2023-12-31', 23.9) }),
  ];

  // Workshops: two held in the period (one with someone marked absent), one cancelled, one a draft, one in 2025.
  const w1 = addWorkshop('report-w1', 'Report workshop one', { startsAt: at('2024-04-10'), status: 'completed' });
  const w2 = addWorkshop('report-w2', 'Report workshop two', { startsAt: at('2024-09-10'), status: 'scheduled' });
  const cancelled = addWorkshop('report-w3', 'Cancelled', { startsAt: at('2024-06-10'), status: 'scheduled' });
  sqlite.prepare(`update workshops set status = 'cancelled' where id = ?`).run(cancelled);
  addWorkshop('report-w4', 'Draft', { startsAt: at('2024-07-10'), status: 'draft' });
  const later = addWorkshop('report-w5', 'Later', { startsAt: at('2025-02-10'), status: 'completed' });
  const seat = (w: number, u: number, attended: boolean | null, seatStatus: 'confirmed' | 'waitlisted' = 'confirmed') =>
    db.insert(rsvps).values({ workshopId: w, userId: u, response: 'going', seatStatus, attended, respondedAt: at('2024-01-05') }).run();
  seat(w1, people[0]!, true);
  seat(w1, people[1]!, false); // marked absent
  seat(w1, people[2]!, null); // a seat, attendance not marked: counts
  seat(w2, people[0]!, null);
  seat(w2, people[3]!, null, 'waitlisted'); // never had a seat
  seat(cancelled, people[1]!, true);
  seat(later, people[1]!, true);

  // Action items of the period's workshops: done, overdue, open (due after NOW); one of the 2025 workshop.
  db.insert(workshopActionItems).values({ workshopId: w1, text: 'Done one', dueDate: at('2024-05-01', 0), doneAt: at('2024-04-20') }).run();
  db.insert(workshopActionItems).values({ workshopId: w1, text: 'Overdue one', dueDate: at('2024-05-01', 0) }).run();
  db.insert(workshopActionItems).values({ workshopId: w2, text: 'Open one', dueDate: at('2026-12-01', 0) }).run();
  db.insert(workshopActionItems).values({ workshopId: w2, text: 'Open, no date' }).run();
  db.insert(workshopActionItems).values({ workshopId: later, text: 'Not this period', dueDate: at('2024-05-01', 0) }).run();

  // Pilots: one started and completed in the period, one started then still running, one draft, one started in 2023.
  const pilot = (slug: string, values: Partial<typeof caseStudies.$inferInsert>) =>
    db.insert(caseStudies).values({ slug, title: slug, leadOrganisationId: ara, publishedAt: at('2024-01-02'), ...values }).returning({ id: caseStudies.id }).get().id;
  const p1 = pilot('report-p1', { status: 'completed', startsOn: at('2024-02-01', 0), endsOn: at('2024-11-30', 0) });
  pilot('report-p2', { status: 'running', startsOn: at('2024-08-01', 0) });
  pilot('report-p3', { status: 'completed', startsOn: at('2024-03-01', 0), endsOn: at('2024-04-01', 0), publishedAt: null });
  pilot('report-p4', { status: 'completed', startsOn: at('2023-03-01', 0), endsOn: at('2024-12-31', 0) });

  // Micro-credentials added in the period: two at level 5, one with no level, one of the draft (not counted), one in 2025.
  const mc = (name: string, createdAt: number, nzqfLevel: number | null, credits: number | null, caseStudyId: number | null = p1) =>
    db.insert(microCredentials).values({ name, providerOrganisationId: ara, nzqfLevel, credits, caseStudyId, createdAt }).run();
  mc('Report MC A', at('2024-03-03'), 5, 15);
  mc('Report MC B', at('2024-10-03'), 5, 10);
  mc('Report MC C', at('2024-10-04'), null, null, null);
  mc('Report MC draft', at('2024-10-05'), 4, 20, db.select({ id: caseStudies.id }).from(caseStudies).where(eq(caseStudies.slug, 'report-p3')).get()!.id);
  mc('Report MC later', at('2025-01-03'), 6, 30);

  // Resources added, and dated downloads (one the day before the period).
  const r1 = addResource('Report resource one', ara, at('2024-03-03'));
  const r2 = addResource('Report resource two', ara, at('2023-12-01'));
  for (const [resourceId, when] of [
    [r1, at('2024-03-04')],
    [r1, at('2024-03-05')],
    [r2, at('2024-07-01')],
    [r2, at('2023-12-31', 12)],
  ] as const)
    db.insert(resourceDownloads).values({ resourceId, createdAt: when }).run();

  // Discussions: a thread with two replies in March, a reply in 2025, a hidden reply, a hidden thread.
  const category = db.insert(discussionCategories).values({ slug: 'report-cat', name: 'Report category' }).returning({ id: discussionCategories.id }).get().id;
  const thread = db.insert(threads).values({ categoryId: category, title: 'Report thread', authorId: people[0]!, createdAt: at('2024-03-10') }).returning({ id: threads.id }).get().id;
  const post = (threadId: number, number: number, authorId: number, createdAt: number, hiddenAt: number | null = null) =>
    db.insert(posts).values({ threadId, number, authorId, bodyMd: 'x', bodyHtml: '<p>x</p>', createdAt, hiddenAt }).run();
  post(thread, 1, people[0]!, at('2024-03-10'));
  post(thread, 2, people[1]!, at('2024-03-11'));
  post(thread, 3, people[0]!, at('2024-03-12'));
  post(thread, 4, people[2]!, at('2024-03-13'), at('2024-03-14'));
  post(thread, 5, people[2]!, at('2025-01-13'));
  const hidden = db.insert(threads).values({ categoryId: category, title: 'Hidden', authorId: people[2]!, hiddenAt: at('2024-05-01'), createdAt: at('2024-05-01') }).returning({ id: threads.id }).get().id;
  post(hidden, 1, people[2]!, at('2024-05-01'));

  report = activityReport(period, NOW);
});

describe('the report period', () => {
  it('defaults to the last 12 months in New Zealand and checks each date on its own', () => {
    const p = defaultPeriod(at('2026-06-15'));
    expect([p.fromDate, p.toDate]).toEqual(['2025-06-16', '2026-06-15']);
    expect(defaultPeriod(at('2028-02-29')).fromDate).toBe('2027-03-01');
    const bad = parsePeriod(new URLSearchParams({ from: '2024-02-30', to: 'soon' }), NOW);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors.from?.[0]).toMatch(/start date.*not a valid calendar date/);
      expect(bad.errors.to?.[0]).toMatch(/end date.*YYYY-MM-DD/);
      expect(bad.values).toEqual({ from: '2024-02-30', to: 'soon' });
    }
    const backwards = parsePeriod(new URLSearchParams({ from: '2024-05-01', to: '2024-04-01' }), NOW);
    expect(!backwards.ok && backwards.errors).toEqual({ to: ['The end date must be on or after the start date.'] });
    const long = parsePeriod(new URLSearchParams({ from: '2001-01-01', to: '2024-04-01' }), NOW);
    expect(!long.ok && long.errors.from).toEqual(['Choose a period of at most 10 years.']);
    // Both ends are whole New Zealand days.
    expect(period.from).toBe(at('2024-01-01', 0));
    expect(period.to).toBe(at('2025-01-01', 0));
    expect(report.description).toBe('1 January 2024 to 31 December 2024');
  });
});

describe('the figures, against counts made here', () => {
  const inPeriod = (ms: number | null) => ms !== null && ms >= period.from && ms < period.to;

  it('counts workshops held and attendance by kind of organisation', () => {
    const held = sqlite.prepare(`select id, status, starts_at as startsAt from workshops`).all() as { id: number; status: string; startsAt: number }[];
    const heldIds = new Set(held.filter((w) => (w.status === 'scheduled' || w.status === 'completed') && inPeriod(w.startsAt) && w.startsAt <= NOW).map((w) => w.id));
    expect(heldIds.size).toBe(2);
    const seats = sqlite
      .prepare(`select r.workshop_id as w, r.seat_status as seat, r.attended, o.kind from rsvps r join users u on u.id = r.user_id join organisations o on o.id = u.organisation_id`)
      .all() as { w: number; seat: string | null; attended: number | null; kind: string }[];
    const attending = seats.filter((s) => heldIds.has(s.w) && s.seat === 'confirmed' && s.attended !== 0);
    expect(attending).toHaveLength(3);
    expect(report.headline.find((h) => h.label === 'Workshops held')!.value).toBe(heldIds.size);
    expect(report.headline.find((h) => h.label === 'Attendances')!.value).toBe(attending.length);
    expect(figure('workshops', 'ITP')).toBe(attending.filter((s) => s.kind === 'itp').length);
    expect(figure('workshops', 'ITO')).toBe(attending.filter((s) => s.kind === 'ito').length);
    expect(figure('workshops', 'Total')).toBe(3);
  });

  it('counts new members and organisations by kind, both ends of the period included', () => {
    const members = sqlite.prepare(`select u.created_at as at, o.kind from users u join organisations o on o.id = u.organisation_id`).all() as { at: number; kind: string }[];
    const orgs = sqlite.prepare(`select created_at as at, kind from organisations`).all() as { at: number; kind: string }[];
    expect(figure('members', 'Total', 1)).toBe(members.filter((m) => inPeriod(m.at)).length);
    expect(figure('members', 'Total', 2)).toBe(orgs.filter((o) => inPeriod(o.at)).length);
    expect(figure('members', 'Total', 1)).toBe(3);
    expect(figure('members', 'Total', 2)).toBe(2);
    expect(figure('members', 'ITO', 1)).toBe(1);
  });

  it('counts pilots started and completed (published ones)', () => {
    const pilots = db.select().from(caseStudies).all().filter((c) => c.publishedAt !== null);
    const started = pilots.filter((c) => inPeriod(c.startsOn)).length;
    const completed = pilots.filter((c) => ['completed', 'evaluated'].includes(c.status) && inPeriod(c.endsOn)).length;
    expect([started, completed]).toEqual([2, 2]);
    expect(figure('pilots', 'Started in the period')).toBe(started);
    expect(figure('pilots', 'Completed in the period')).toBe(completed);
  });

  it('counts micro-credentials by level and their credits', () => {
    const published = new Set(db.select().from(caseStudies).all().filter((c) => c.publishedAt !== null).map((c) => c.id));
    const added = db
      .select()
      .from(microCredentials)
      .all()
      .filter((m) => inPeriod(m.createdAt) && (m.caseStudyId === null || published.has(m.caseStudyId)));
    expect(figure('micro-credentials', 'Level 5')).toBe(added.filter((m) => m.nzqfLevel === 5).length);
    expect(figure('micro-credentials', 'Level 5', 2)).toBe(25);
    expect(figure('micro-credentials', 'Level not given')).toBe(1);
    expect(figure('micro-credentials', 'Total')).toBe(added.length);
    expect(figure('micro-credentials', 'Total', 2)).toBe(added.reduce((a, m) => a + (m.credits ?? 0), 0));
  });

  it('counts resources added and downloaded in the period from the dated download events', () => {
    const downloads = db.select().from(resourceDownloads).all().filter((d) => inPeriod(d.createdAt)).length;
    const added = (sqlite.prepare(`select created_at as at from resources`).all() as { at: number }[]).filter((r) => inPeriod(r.at)).length;
    expect([added, downloads]).toEqual([1, 3]);
    expect(figure('resources', 'Total', 1)).toBe(added);
    expect(figure('resources', 'Total', 2)).toBe(downloads);
  });

  it('counts discussion threads, replies and people, leaving hidden posts out', () => {
    const rows = sqlite
      .prepare(`select p.number, p.created_at as at, p.author_id as author, p.hidden_at as hidden, t.hidden_at as threadHidden from posts p join threads t on t.id = p.thread_id`)
      .all() as { number: number; at: number; author: number; hidden: number | null; threadHidden: number | null }[];
    const visible = rows.filter((r) => inPeriod(r.at) && r.hidden === null && r.threadHidden === null);
    expect(figure('discussions', 'Total', 1)).toBe(visible.filter((r) => r.number === 1).length);
    expect(figure('discussions', 'Total', 2)).toBe(visible.filter((r) => r.number > 1).length);
    expect(figure('discussions', 'Mar 2024', 2)).toBe(2);
    const section = report.sections.find((s) => s.key === 'discussions')!;
    expect(section.summary).toContain(`${new Set(visible.map((r) => r.author)).size} people taking part`);
    expect(section.table.rows).toHaveLength(13); // twelve months and the total
  });

  it('counts the action items of the period’s workshops as open, overdue and done', () => {
    expect(figure('actions', 'Open')).toBe(2);
    expect(figure('actions', 'Overdue')).toBe(1);
    expect(figure('actions', 'Done')).toBe(1);
    expect(figure('actions', 'Total')).toBe(4);
  });
});

describe('the report as a page, CSV and PDF', () => {
  it('is for coordinators only, and a bad period re-shows the form with a message per field', async () => {
    expect((await callRoute('GET', '/admin/reports', VISITOR)).status).toBe(302);
    expect((await callRoute('GET', '/admin/reports', signedIn('member', 'member@demo.example'))).status).toBe(403);
    const coordinator = signedIn('coordinator', 'coordinator@demo.example');
    const bad = await callRoute('GET', '/admin/reports?from=2024-13-01&to=2024-01-01', coordinator);
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({ values: { from: '2024-13-01', to: '2024-01-01' }, report: null });
    expect((bad.data as { errors: { from: string[] } }).errors.from).toHaveLength(1);
    const good = await callRoute('GET', '/admin/reports', coordinator);
    expect(good.status).toBe(200);
    expect((good.data as { report: { description: string } }).report.description).toBe(activityReport(defaultPeriod()).description);
  });

  it('gives each table as CSV with the period on its first line', async () => {
    const coordinator = signedIn('coordinator', 'coordinator@demo.example');
    const res = await callRoute('GET', '/admin/reports/members.csv?from=2024-01-01&to=2024-12-31', coordinator);
    expect(res.status).toBe(200);
    const rows = parse(await (res.data as Response).text(), { bom: true, relax_column_count: true }) as string[][];
    expect(rows[0]).toEqual(['New members and organisations, 1 January 2024 to 31 December 2024']);
    expect(rows[1]).toEqual(['Kind of organisation', 'New members', 'New organisations']);
    expect(rows.at(-1)![0]).toBe('Total');
    expect((await callRoute('GET', '/admin/reports/nothing.csv?from=2024-01-01&to=2024-12-31', coordinator)).status).toBe(404);
    expect((await callRoute('GET', '/admin/reports/members.csv?from=junk', coordinator)).status).toBe(400);
    expect((await callRoute('GET', '/admin/reports/members.csv', signedIn('member', 'member@demo.example'))).status).toBe(403);
  });

  it('prepares the PDF off the request path: the period and the figures on its pages, in an embedded DejaVu font', async () => {
    expect(reportPdfState(period).state).toBe('none');
    const { done } = prepareReportPdf(period, NOW);
    expect(reportPdfState(period).state).toBe('preparing');
    await done;
    const state = reportPdfState(period);
    expect(state.state).toBe('ready');
    const file = fs.readFileSync(reportPdfPath(period));
    // The font is embedded (DejaVu Sans, which has the macrons that names and te reo need), not a standard PDF font.
    expect(file.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans/);
    expect(file.toString('latin1')).not.toMatch(/\/BaseFont \/Helvetica/);
    const pdf = await getDocumentProxy(new Uint8Array(file));
    const { text, totalPages } = await extractText(pdf, { mergePages: false });
    for (const page of text) expect(page).toContain('1 January 2024 to 31 December 2024');
    const all = text.join('\n');
    expect(all).toContain('Activity report');
    for (const section of report.sections) {
      expect(all).toContain(section.title);
      expect(all).toContain(section.summary);
    }
    expect(all).toContain('Workshops held');
    expect(totalPages).toBeGreaterThanOrEqual(2);
    // The download route serves it to coordinators only.
    const coordinator = signedIn('coordinator', 'coordinator@demo.example');
    const res = await callRoute('GET', '/admin/reports.pdf?from=2024-01-01&to=2024-12-31', coordinator);
    expect(res.status).toBe(200);
    expect((res.data as Response).headers.get('Content-Type')).toBe('application/pdf');
    expect((await callRoute('GET', '/admin/reports.pdf?from=2023-01-01&to=2023-12-31', coordinator)).status).toBe(404);
  });
});

describe('coordinator exports', () => {
  it('read back with a CSV parser, formula-safe, with owner, due date and status on action items', async () => {
    const coordinator = signedIn('coordinator', 'coordinator@demo.example');
    const tricky = '=SUM(A1), "quoted", Māori\nsecond line';
    const w = db.select({ id: users.id }).from(users).where(eq(users.email, 'aroha@report.test')).get()!.id;
    sqlite.prepare(`update users set job_title = ? where id = ?`).run(tricky, w);
    const members = parse(await ((await callRoute('GET', '/admin/exports/members.csv', coordinator)).data as Response).text(), { bom: true }) as string[][];
    expect(members[0]).toEqual(['Organisation', 'Kind of organisation', 'Name', 'Email', 'Role', 'Job title', 'Joined', 'Status']);
    const aroha = members.find((r) => r[3] === 'aroha@report.test')!;
    expect(aroha.slice(0, 3)).toEqual(['Ara Institute of Canterbury', 'ITP', 'Aroha Tūhoe']);
    expect(aroha[5]).toBe(`'${tricky}`);
    expect(members.length - 1).toBe((sqlite.prepare('select count(*) as n from users').get() as { n: number }).n);

    const actions = parse(await ((await callRoute('GET', '/admin/exports/decisions-and-actions.csv', coordinator)).data as Response).text(), { bom: true }) as string[][];
    const overdue = actions.find((r) => r[3] === 'Overdue one')!;
    expect(overdue.slice(2)).toEqual(['Action', 'Overdue one', '', '1 May 2024', 'Overdue', '']);
    expect(actions.find((r) => r[3] === 'Done one')![6]).toBe('Done');

    const workshops = parse(await ((await callRoute('GET', '/admin/exports/workshops.csv', coordinator)).data as Response).text(), { bom: true }) as string[][];
    const w1 = workshops.find((r) => r[0] === 'Report workshop one')!;
    expect(w1[6]).toBe('2');
    expect(w1[workshops[0]!.indexOf('Attended: ITP')]).toBe('1');
    expect(w1[workshops[0]!.indexOf('Attended: ITO')]).toBe('1');

    const pilots = parse(await ((await callRoute('GET', '/admin/exports/pilots.csv', coordinator)).data as Response).text(), { bom: true }) as string[][];
    expect(pilots[0]).toEqual(['Pilot', 'Lead organisation', 'Status', 'Funder', 'Starts', 'Ends', 'Outcomes', 'Micro-credentials', 'Visibility', 'Published']);
    const resources = parse(await ((await callRoute('GET', '/admin/exports/resources.csv', coordinator)).data as Response).text(), { bom: true }) as string[][];
    expect(resources[0]!.at(-1)).toBe('Downloads');

    expect((await callRoute('GET', '/admin/exports/members.csv', signedIn('member', 'member@demo.example'))).status).toBe(403);
    expect((await callRoute('GET', '/admin/exports/constructor.csv', coordinator)).status).toBe(404);
  });
});

describe('action items done or open', () => {
  it('are ticked done on the meeting record, keep their first done time across saves, and untick', async () => {
    const coordinator = signedIn('coordinator', 'coordinator@demo.example');
    const w1 = (sqlite.prepare(`select id from workshops where slug = 'report-w1'`).get() as { id: number }).id;
    const save = (done: boolean) =>
      callRoute(
        'POST',
        '/workshops/report-w1/record',
        coordinator,
        new URLSearchParams({ notes: '', 'action-0-text': 'Send the template', 'action-0-due': '2024-05-01', ...(done ? { 'action-0-done': '1' } : {}), 'action-1-text': 'Still open' }),
      );
    const items = () => db.select().from(workshopActionItems).where(eq(workshopActionItems.workshopId, w1)).orderBy(workshopActionItems.position).all();
    expect((await save(true)).status).toBe(302);
    const first = items();
    expect(first.map((a) => [a.text, a.doneAt !== null])).toEqual([
      ['Send the template', true],
      ['Still open', false],
    ]);
    expect((await save(true)).status).toBe(302);
    expect(items()[0]!.doneAt).toBe(first[0]!.doneAt);
    expect((await save(false)).status).toBe(302);
    expect(items()[0]!.doneAt).toBeNull();
    // A tick on an empty row is a mistake the form points at.
    const empty = await callRoute('POST', '/workshops/report-w1/record', coordinator, new URLSearchParams({ notes: '', 'action-0-done': '1' }));
    expect(empty.status).toBe(400);
    expect((empty.data as { errors: Record<string, string[]> }).errors['action-0-text']).toHaveLength(1);
  });
});
