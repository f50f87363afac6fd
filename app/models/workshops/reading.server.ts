import { and, asc, desc, eq, gt, inArray, lte, ne, sql } from 'drizzle-orm';
import { db } from '../../../db/client.server';
import { organisations, rsvps, users, workshopAudienceOrganisations, workshops } from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { once, oncePerKey } from '~/utils/prepared.server';
import type { Workshop } from './input.server';

// Reading

const seatCounts = {
  seatsTaken: sql<number>`(select count(*) from rsvps r where r.workshop_id = "workshops"."id" and r.seat_status = 'confirmed')`,
  waitlistLength: sql<number>`(select count(*) from rsvps r where r.workshop_id = "workshops"."id" and r.seat_status = 'waitlisted')`,
};

const listColumns = {
  id: workshops.id,
  slug: workshops.slug,
  title: workshops.title,
  summary: workshops.summary,
  startsAt: workshops.startsAt,
  endsAt: workshops.endsAt,
  mode: workshops.mode,
  venue: workshops.venue,
  capacity: workshops.capacity,
  status: workshops.status,
  audience: workshops.audience,
  ...seatCounts,
};

export const WORKSHOPS_PAGE_SIZE = 25;

const listQueries = oncePerKey<boolean, ReturnType<typeof buildListQueries>>();

function buildListQueries(coordinator: boolean) {
  const now = sql.placeholder('now');
  return {
    upcoming: db
      .select(listColumns)
      .from(workshops)
      .where(and(gt(workshops.endsAt, now), coordinator ? inArray(workshops.status, ['draft', 'scheduled', 'cancelled']) : eq(workshops.status, 'scheduled')))
      .orderBy(asc(workshops.startsAt), asc(workshops.id))
      .limit(WORKSHOPS_PAGE_SIZE + 1)
      .offset(sql.placeholder('offset'))
      .prepare(),
    past: db
      .select(listColumns)
      .from(workshops)
      .where(and(lte(workshops.endsAt, now), coordinator ? ne(workshops.status, 'draft') : inArray(workshops.status, ['scheduled', 'completed'])))
      .orderBy(desc(workshops.startsAt), desc(workshops.id))
      .limit(WORKSHOPS_PAGE_SIZE + 1)
      .offset(sql.placeholder('offset'))
      .prepare(),
  };
}

/** An offset for a prepared query: none (0) where drizzle would have left the clause out. */
const offsetOf = (page: number) => (Math.max(1, page) - 1) * WORKSHOPS_PAGE_SIZE || 0;

/**
 * Upcoming (scheduled, not yet ended) and past (ended or completed) workshops, one page of each; coordinators also
 * see drafts. Both lists are paged: a national community schedules hundreds, and a page listing them all cost the
 * bench (2,000 workshops) a sixth of the framework's throughput.
 */
export function listWorkshops(viewer: SessionUser | null, { upcomingPage = 1, pastPage = 1 }: { upcomingPage?: number; pastPage?: number } = {}, now = Date.now()) {
  const coordinator = viewer?.role === 'coordinator';
  const q = listQueries(coordinator, () => buildListQueries(coordinator));
  const upcoming = q.upcoming.all({ now, offset: offsetOf(upcomingPage) });
  const past = q.past.all({ now, offset: offsetOf(pastPage) });
  return {
    upcoming: upcoming.slice(0, WORKSHOPS_PAGE_SIZE),
    moreUpcoming: upcoming.length > WORKSHOPS_PAGE_SIZE,
    past: past.slice(0, WORKSHOPS_PAGE_SIZE),
    morePast: past.length > WORKSHOPS_PAGE_SIZE,
  };
}

const nextQuery = once(() =>
  db
    .select(listColumns)
    .from(workshops)
    .where(and(eq(workshops.status, 'scheduled'), gt(workshops.endsAt, sql.placeholder('now'))))
    .orderBy(asc(workshops.startsAt))
    .limit(sql.placeholder('limit'))
    .prepare(),
);

/** The next few scheduled workshops, for the home page. */
export function nextWorkshops(limit = 3, now = Date.now()) {
  // A negative limit means none (drizzle leaves the clause out; SQLite reads `limit -1` the same way).
  return nextQuery().all({ now, limit: limit >= 0 ? limit : -1 });
}

const bySlugQuery = once(() => db.select().from(workshops).where(eq(workshops.slug, sql.placeholder('slug'))).prepare());

export function getWorkshopBySlug(slug: string) {
  return bySlugQuery().get({ slug });
}

export function getWorkshopById(id: number) {
  return db.select().from(workshops).where(eq(workshops.id, id)).get();
}

const audienceQuery = once(() =>
  db
    .select({ id: organisations.id, name: organisations.name })
    .from(workshopAudienceOrganisations)
    .innerJoin(organisations, eq(organisations.id, workshopAudienceOrganisations.organisationId))
    .where(eq(workshopAudienceOrganisations.workshopId, sql.placeholder('workshopId')))
    .orderBy(asc(organisations.name))
    .prepare(),
);

export function getWorkshopAudience(workshopId: number) {
  return audienceQuery().all({ workshopId });
}

/** Drafts are for coordinators only; everything else can be read by anyone (attendees only by members). */
export function canViewWorkshop(viewer: SessionUser | null, workshop: Workshop): boolean {
  return workshop.status !== 'draft' || viewer?.role === 'coordinator';
}

const seatSummaryQuery = once(() =>
  db
    .select({
      seatsTaken: sql<number>`coalesce(sum(case when ${rsvps.seatStatus} = 'confirmed' then 1 else 0 end), 0)`,
      waitlistLength: sql<number>`coalesce(sum(case when ${rsvps.seatStatus} = 'waitlisted' then 1 else 0 end), 0)`,
      maybe: sql<number>`coalesce(sum(case when ${rsvps.response} = 'maybe' then 1 else 0 end), 0)`,
    })
    .from(rsvps)
    .where(eq(rsvps.workshopId, sql.placeholder('workshopId')))
    .prepare(),
);

export function seatSummary(workshopId: number) {
  return seatSummaryQuery().get({ workshopId })!;
}

const attendeesQuery = once(() =>
  db
    .select({ userId: users.id, name: users.name, organisationName: organisations.name, organisationSlug: organisations.slug, attendanceMode: rsvps.attendanceMode })
    .from(rsvps)
    .innerJoin(users, eq(users.id, rsvps.userId))
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(and(eq(rsvps.workshopId, sql.placeholder('workshopId')), eq(rsvps.seatStatus, 'confirmed')))
    .orderBy(asc(rsvps.respondedAt), asc(rsvps.id))
    .prepare(),
);

/** People going (names and organisations), in seat order. */
export function listAttendees(workshopId: number) {
  return attendeesQuery().all({ workshopId });
}

const coordinatorRsvpsQuery = once(() =>
  db
    .select({
      rsvpId: rsvps.id,
      userId: users.id,
      name: users.name,
      email: users.email,
      organisationName: organisations.name,
      response: rsvps.response,
      seatStatus: rsvps.seatStatus,
      attendanceMode: rsvps.attendanceMode,
      needs: rsvps.needs,
      respondedAt: rsvps.respondedAt,
      waitlistedAt: rsvps.waitlistedAt,
      attended: rsvps.attended,
    })
    .from(rsvps)
    .innerJoin(users, eq(users.id, rsvps.userId))
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(rsvps.workshopId, sql.placeholder('workshopId')))
    .orderBy(
      sql`case ${rsvps.seatStatus} when 'confirmed' then 0 when 'waitlisted' then 1 else 2 end`,
      asc(sql`coalesce(${rsvps.waitlistedAt}, ${rsvps.respondedAt})`),
      asc(rsvps.id),
    )
    .prepare(),
);

/** Everything the coordinator's attendee list and CSV export show, including needs. */
export function listRsvpsForCoordinator(workshopId: number) {
  return coordinatorRsvpsQuery().all({ workshopId });
}

/** Workshops people from this organisation attended (or hold seats at, before attendance is marked). */
export function workshopsForOrganisation(organisationId: number) {
  return db
    .select({ id: workshops.id, slug: workshops.slug, title: workshops.title, startsAt: workshops.startsAt, endsAt: workshops.endsAt, status: workshops.status })
    .from(workshops)
    .where(
      and(
        inArray(workshops.status, ['scheduled', 'completed']),
        sql`(exists (select 1 from workshop_attending_organisations a where a.workshop_id = "workshops"."id" and a.organisation_id = ${organisationId})
          or exists (select 1 from rsvps r join users u on u.id = r.user_id where r.workshop_id = "workshops"."id" and u.organisation_id = ${organisationId} and r.seat_status = 'confirmed' and coalesce(r.attended, 1) = 1))`,
      ),
    )
    .orderBy(desc(workshops.startsAt))
    .limit(50)
    .all();
}

const inAudienceQuery = once(() =>
  db
    .select({ id: workshopAudienceOrganisations.workshopId })
    .from(workshopAudienceOrganisations)
    .where(and(eq(workshopAudienceOrganisations.workshopId, sql.placeholder('workshopId')), eq(workshopAudienceOrganisations.organisationId, sql.placeholder('organisationId'))))
    .prepare(),
);

export function isWorkshopInAudience(workshopId: number, audience: Workshop['audience'], organisationId: number): boolean {
  if (audience === 'all') return true;
  return inAudienceQuery().get({ workshopId, organisationId }) !== undefined;
}

/** The attendee list as CSV rows (header first) for a spreadsheet; csvResponse in csv.server.ts writes them safely. */
export function attendeeRows(workshopId: number, format: (ms: number) => string): string[][] {
  const rows = listRsvpsForCoordinator(workshopId);
  const header = ['Name', 'Email', 'Organisation', 'Status', 'Mode', 'Needs', 'RSVP time (NZ)', 'Attended'];
  const statusOf = (r: (typeof rows)[number]) => (r.seatStatus === 'confirmed' ? 'Going' : r.seatStatus === 'waitlisted' ? 'Waitlisted' : r.response === 'maybe' ? 'Maybe' : "Can't go");
  return [header, ...rows.map((r) => [r.name, r.email, r.organisationName, statusOf(r), r.attendanceMode === 'online' ? 'Online' : r.attendanceMode === 'in_person' ? 'In person' : '', r.needs, format(r.respondedAt), r.attended === null ? '' : r.attended ? 'Yes' : 'No'])];
}
