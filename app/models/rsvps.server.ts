// RSVPs, seats and the waitlist. Every change that touches seats runs in one IMMEDIATE transaction, so the
// count read and the seat written cannot interleave with another process: a workshop is never overbooked.
import { and, asc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../../db/client.server';
import { ATTENDANCE_MODES, RSVP_RESPONSES, organisations, rsvps, users, workshops, type SeatStatus } from '../../db/schema';
import { workshopChangedEmail, workshopReminderEmail, workshopRsvpEmail } from '../../emails';
import { generateToken, type SessionUser } from '~/utils/auth.server';
import { absoluteUrl, env } from '~/utils/env.server';
import { buildCalendar, type IcsEvent } from '~/utils/ics';
import { queueEmail } from '~/utils/mail.server';
import { markdownToPlainText } from '~/utils/markdown.server';
import { once, oncePerReader } from '~/utils/prepared.server';
import { field } from '~/utils/validation.server';
import { canTakeSeat, choosePromotions, type SeatState } from './seat-rules';

export type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];
type Workshop = typeof workshops.$inferSelect;

export const rsvpSchema = z.object({
  response: z.enum(RSVP_RESPONSES, { error: 'Choose going, maybe or can’t go.' }),
  attendanceMode: z
    .string()
    .optional()
    .transform((s) => s || undefined)
    .pipe(z.enum(ATTENDANCE_MODES, { error: 'Choose in person or online.' }).optional()),
  needs: field.optionalText('your access or dietary needs', 1000),
});
export type RsvpInput = z.infer<typeof rsvpSchema>;

export type RsvpOutcome =
  | { ok: true; status: 'confirmed' | 'waitlisted' | 'maybe' | 'not_going' | 'unchanged'; waitlistPosition?: number; message: string }
  | { ok: false; message: string; field?: string };

function seatState(tx: Tx, workshop: Workshop): SeatState {
  const rows = tx
    .select({ organisationId: users.organisationId, n: sql<number>`count(*)` })
    .from(rsvps)
    .innerJoin(users, eq(users.id, rsvps.userId))
    .where(and(eq(rsvps.workshopId, workshop.id), eq(rsvps.seatStatus, 'confirmed')))
    .groupBy(users.organisationId)
    .all();
  const confirmedByOrg = new Map(rows.map((r) => [r.organisationId, r.n]));
  const confirmed = rows.reduce((sum, r) => sum + r.n, 0);
  return { capacity: workshop.capacity, confirmed, orgSeatCap: workshop.orgSeatCap, confirmedByOrg };
}

/**
 * Arrival stamp for a new waitlist place: never earlier than anyone already waiting, so a newcomer always joins at
 * the back and the position they are told stays true (clocks of different processes and equal milliseconds
 * cannot reorder the queue).
 */
function nextWaitlistStamp(tx: Tx, workshopId: number, now: number): number {
  const last = tx
    .select({ last: sql<number | null>`max(${rsvps.waitlistedAt})` })
    .from(rsvps)
    .where(and(eq(rsvps.workshopId, workshopId), eq(rsvps.seatStatus, 'waitlisted')))
    .get()?.last;
  return last === null || last === undefined ? now : Math.max(now, last + 1);
}

// A member's RSVPs are read on the home page and every workshop page: these queries are built and prepared once
// (drizzle building the SQL cost more than running it), with placeholders for what varies. Those that take a reader
// are prepared on `db` and built afresh for a transaction.
const waitlistedAtQuery = oncePerReader(db as Tx | typeof db, (reader) =>
  reader.select({ waitlistedAt: rsvps.waitlistedAt }).from(rsvps).where(eq(rsvps.id, sql.placeholder('rsvpId'))).prepare(),
);

const aheadQuery = oncePerReader(db as Tx | typeof db, (reader) => {
  const waitlistedAt = sql.placeholder('waitlistedAt');
  return reader
    .select({ n: sql<number>`count(*)` })
    .from(rsvps)
    .where(
      and(
        eq(rsvps.workshopId, sql.placeholder('workshopId')),
        eq(rsvps.seatStatus, 'waitlisted'),
        or(sql`${rsvps.waitlistedAt} < ${waitlistedAt}`, and(eq(rsvps.waitlistedAt, waitlistedAt), sql`${rsvps.id} < ${sql.placeholder('rsvpId')}`)),
      ),
    )
    .prepare();
});

/** 1-based place in the queue, by arrival. */
export function waitlistPosition(tx: Tx | typeof db, workshopId: number, rsvpId: number): number {
  const me = waitlistedAtQuery(tx).get({ rsvpId });
  if (!me?.waitlistedAt) return 0;
  const ahead = aheadQuery(tx).get({ workshopId, rsvpId, waitlistedAt: me.waitlistedAt })!.n;
  return ahead + 1;
}

/**
 * Records a member's answer. "Going" takes a seat when one is free and their organisation is under its cap,
 * otherwise a place on the waitlist; giving up a seat promotes the next eligible person at once.
 */
export function rsvp(user: SessionUser, workshopId: number, input: RsvpInput, at?: number): RsvpOutcome {
  return db.transaction(
    (tx) => {
      // The clock is read once the write lock is ours: a time read before it would let a process that waited for
      // the lock stamp an earlier arrival than one that was served first (then positions told would be wrong).
      const now = at ?? Date.now();
      const workshop = tx.select().from(workshops).where(eq(workshops.id, workshopId)).get();
      if (!workshop || workshop.status === 'draft') return { ok: false, message: 'That workshop is not open for RSVPs.' };
      if (workshop.status !== 'scheduled') return { ok: false, message: `This workshop is ${workshop.status}; RSVPs are closed.` };
      if (workshop.endsAt <= now) return { ok: false, message: 'This workshop has already happened.' };
      if (workshop.rsvpDeadline !== null && now > workshop.rsvpDeadline) return { ok: false, message: 'The RSVP deadline has passed. Contact a coordinator if you need to change your answer.' };
      if (workshop.audience === 'organisations' && !inAudience(tx, workshop.id, user.organisationId)) {
        return { ok: false, message: 'This workshop is for invited organisations only.' };
      }
      const attendanceMode = workshop.mode === 'hybrid' ? input.attendanceMode : workshop.mode === 'online' ? 'online' : 'in_person';
      if (workshop.mode === 'hybrid' && input.response === 'going' && !attendanceMode) {
        return { ok: false, message: 'Choose whether you will attend in person or online.', field: 'attendanceMode' };
      }

      const existing = tx.select().from(rsvps).where(and(eq(rsvps.workshopId, workshop.id), eq(rsvps.userId, user.id))).get();
      const details = { attendanceMode: attendanceMode ?? null, needs: input.needs };

      if (input.response === 'going') {
        if (existing?.seatStatus === 'confirmed' || existing?.seatStatus === 'waitlisted') {
          tx.update(rsvps).set(details).where(eq(rsvps.id, existing.id)).run();
          if (existing.seatStatus === 'confirmed') return { ok: true, status: 'confirmed', message: 'Your details are updated. You still have a seat.' };
          const position = waitlistPosition(tx, workshop.id, existing.id);
          return { ok: true, status: 'waitlisted', waitlistPosition: position, message: `Your details are updated. You are number ${position} on the waitlist.` };
        }
        const seat: SeatStatus = canTakeSeat(seatState(tx, workshop), user.organisationId) ? 'confirmed' : 'waitlisted';
        const values = { ...details, response: 'going' as const, seatStatus: seat, respondedAt: now, waitlistedAt: seat === 'waitlisted' ? nextWaitlistStamp(tx, workshop.id, now) : null };
        const rsvpId = existing
          ? (tx.update(rsvps).set(values).where(eq(rsvps.id, existing.id)).run(), existing.id)
          : tx.insert(rsvps).values({ ...values, workshopId: workshop.id, userId: user.id }).returning({ id: rsvps.id }).get().id;
        if (seat === 'confirmed') {
          queueRsvpEmail(tx, workshop, { userId: user.id, name: user.name, email: user.email }, 'confirmed', now);
          return { ok: true, status: 'confirmed', message: "You're going. A calendar invitation is on its way by email." };
        }
        const position = waitlistPosition(tx, workshop.id, rsvpId);
        queueRsvpEmail(tx, workshop, { userId: user.id, name: user.name, email: user.email }, 'waitlisted', now, position);
        return { ok: true, status: 'waitlisted', waitlistPosition: position, message: `The workshop is full, so you're on the waitlist at position ${position}. We'll email you if a seat frees.` };
      }

      // Maybe and can't go hold no seat and no waitlist place.
      const values = { ...details, response: input.response, seatStatus: null, waitlistedAt: null, respondedAt: now };
      if (existing) tx.update(rsvps).set(values).where(eq(rsvps.id, existing.id)).run();
      else tx.insert(rsvps).values({ ...values, workshopId: workshop.id, userId: user.id }).run();
      if (existing?.seatStatus === 'confirmed') {
        queueRsvpEmail(tx, workshop, { userId: user.id, name: user.name, email: user.email }, 'withdrawn', now);
        promoteFromWaitlist(tx, workshop, now);
      }
      const gaveUp = existing?.seatStatus ? ' Your place has been released.' : '';
      return input.response === 'maybe'
        ? { ok: true, status: 'maybe', message: `Marked as maybe. A maybe does not hold a seat.${gaveUp}` }
        : { ok: true, status: 'not_going', message: `Thanks for letting us know you can't go.${gaveUp}` };
    },
    { behavior: 'immediate' },
  );
}

/** Removes the member's answer altogether (until the deadline); a freed seat goes to the waitlist. */
export function withdrawRsvp(user: SessionUser, workshopId: number, at?: number): RsvpOutcome {
  return db.transaction(
    (tx) => {
      const now = at ?? Date.now(); // read under the write lock, as in rsvp()
      const workshop = tx.select().from(workshops).where(eq(workshops.id, workshopId)).get();
      if (!workshop) return { ok: false, message: 'That workshop no longer exists.' };
      // After the event (or once cancelled or completed) the replies are the attendance record: they stay.
      if (workshop.status !== 'scheduled' || workshop.endsAt <= now) return { ok: false, message: 'This workshop is over, so its replies can no longer be changed.' };
      if (workshop.rsvpDeadline !== null && now > workshop.rsvpDeadline) {
        return { ok: false, message: 'The RSVP deadline has passed. Contact a coordinator if you need to change your answer.' };
      }
      const existing = tx.select().from(rsvps).where(and(eq(rsvps.workshopId, workshopId), eq(rsvps.userId, user.id))).get();
      if (!existing) return { ok: true, status: 'unchanged', message: 'You had not replied to this workshop.' };
      tx.delete(rsvps).where(eq(rsvps.id, existing.id)).run();
      if (existing.seatStatus === 'confirmed') {
        queueRsvpEmail(tx, workshop, { userId: user.id, name: user.name, email: user.email }, 'withdrawn', now);
        promoteFromWaitlist(tx, workshop, now);
      }
      return { ok: true, status: 'unchanged', message: 'Your RSVP has been withdrawn.' };
    },
    { behavior: 'immediate' },
  );
}

function inAudience(tx: Tx, workshopId: number, organisationId: number): boolean {
  return (
    tx.get<{ ok: number }>(sql`select 1 as ok from workshop_audience_organisations where workshop_id = ${workshopId} and organisation_id = ${organisationId}`) !==
    undefined
  );
}

/** Fills free seats from the waitlist in arrival order, skipping people whose organisation is at its cap. */
export function promoteFromWaitlist(tx: Tx, workshop: Workshop, now = Date.now()): number {
  if (workshop.status !== 'scheduled') return 0;
  const state = seatState(tx, workshop);
  if (state.confirmed >= state.capacity) return 0;
  const waitlist = tx
    .select({ rsvpId: rsvps.id, userId: rsvps.userId, organisationId: users.organisationId, name: users.name, email: users.email })
    .from(rsvps)
    .innerJoin(users, eq(users.id, rsvps.userId))
    .where(and(eq(rsvps.workshopId, workshop.id), eq(rsvps.seatStatus, 'waitlisted')))
    .orderBy(asc(rsvps.waitlistedAt), asc(rsvps.id))
    .all();
  const promoted = choosePromotions(state, waitlist);
  for (const person of promoted) {
    tx.update(rsvps).set({ seatStatus: 'confirmed', waitlistedAt: null, respondedAt: now }).where(eq(rsvps.id, person.rsvpId)).run();
    queueRsvpEmail(tx, workshop, person, 'promoted', now);
  }
  return promoted.length;
}

// ---------------------------------------------------------------------------------------------------------------
// Mail and calendars

type Person = { userId: number; name: string; email: string };

export function workshopUrl(workshop: Pick<Workshop, 'slug'>): string {
  return absoluteUrl(`/workshops/${workshop.slug}`);
}

function location(workshop: Workshop, withJoiningLink: boolean): string {
  const parts = [workshop.venue, withJoiningLink && workshop.mode !== 'in_person' ? workshop.onlineUrl : workshop.mode !== 'in_person' ? 'Online' : ''];
  return parts.filter(Boolean).join(' · ');
}

/** The event as attendees' calendars see it; the joining link only for seat holders. */
export function workshopEvent(workshop: Workshop, opts: { withJoiningLink: boolean; cancelled?: boolean; attendee?: Person }): IcsEvent {
  const url = workshopUrl(workshop);
  const description = [markdownToPlainText(workshop.summary), opts.withJoiningLink && workshop.onlineUrl ? `Join online: ${workshop.onlineUrl}` : '', `Details: ${url}`]
    .filter(Boolean)
    .join('\n\n');
  return {
    uid: `workshop-${workshop.id}@${new URL(env().APP_URL).hostname}`,
    sequence: workshop.sequence,
    start: workshop.startsAt,
    end: workshop.endsAt,
    summary: workshop.title,
    description,
    location: location(workshop, opts.withJoiningLink),
    url,
    status: opts.cancelled || workshop.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    organizer: { name: 'Micro-credentials Community of Practice', email: mailFromAddress() },
    attendee: opts.attendee ? { name: opts.attendee.name, email: opts.attendee.email, partstat: 'ACCEPTED' } : undefined,
    lastModified: workshop.updatedAt,
  };
}

function mailFromAddress(): string {
  const from = env().MAIL_FROM;
  return from.match(/<([^>]+)>/)?.[1] ?? from;
}

function emailWorkshop(workshop: Workshop, withJoiningLink: boolean) {
  return {
    title: workshop.title,
    url: workshopUrl(workshop),
    startsAt: workshop.startsAt,
    endsAt: workshop.endsAt,
    venue: workshop.venue,
    mode: workshop.mode,
    onlineUrl: withJoiningLink && workshop.onlineUrl ? workshop.onlineUrl : undefined,
  };
}

function invitation(workshop: Workshop, person: Person, method: 'REQUEST' | 'CANCEL') {
  const cancelled = method === 'CANCEL';
  return {
    filename: cancelled ? 'cancelled.ics' : 'invite.ics',
    content: buildCalendar([workshopEvent(workshop, { withJoiningLink: !cancelled, cancelled, attendee: person })], { method }),
    contentType: 'text/calendar; charset=utf-8',
    method,
  };
}

export function queueRsvpEmail(tx: Tx, workshop: Workshop, person: Person, outcome: 'confirmed' | 'waitlisted' | 'promoted' | 'withdrawn', now: number, position?: number) {
  const seat = outcome === 'confirmed' || outcome === 'promoted';
  queueEmail(tx, {
    to: person.email,
    dedupeKey: `workshop:${workshop.id}:rsvp:${person.userId}:${outcome}:${now}`,
    message: workshopRsvpEmail({
      appUrl: env().APP_URL,
      name: person.name,
      workshop: emailWorkshop(workshop, seat),
      outcome,
      waitlistPosition: position,
      calendarUrl: absoluteUrl(`/workshops/${workshop.slug}/calendar.ics`),
    }),
    attachments: seat ? [invitation(workshop, person, 'REQUEST')] : outcome === 'withdrawn' ? [invitation(workshop, person, 'CANCEL')] : [],
  });
}

/** Tells everyone with a seat or on the waitlist about a change of time or place, or a cancellation. */
export function notifyWorkshopChange(tx: Tx, workshop: Workshop, change: 'updated' | 'cancelled', changes: string[]) {
  const people = tx
    .select({ userId: users.id, name: users.name, email: users.email, seatStatus: rsvps.seatStatus })
    .from(rsvps)
    .innerJoin(users, eq(users.id, rsvps.userId))
    .where(and(eq(rsvps.workshopId, workshop.id), inArray(rsvps.seatStatus, ['confirmed', 'waitlisted']), isNull(users.deactivatedAt)))
    .all();
  for (const person of people) {
    const seat = person.seatStatus === 'confirmed' ? 'confirmed' : 'waitlisted';
    queueEmail(tx, {
      to: person.email,
      dedupeKey: `workshop:${workshop.id}:${change}:${workshop.sequence}:${person.userId}`,
      message: workshopChangedEmail({ appUrl: env().APP_URL, name: person.name, workshop: emailWorkshop(workshop, seat === 'confirmed'), change, changes, seat }),
      attachments: seat === 'confirmed' ? [invitation(workshop, person, change === 'cancelled' ? 'CANCEL' : 'REQUEST')] : [],
    });
  }
}

/**
 * Queues the reminder for every workshop starting within the lead time, once per start time. The dedupe key
 * makes a second run (another worker, a restart) queue nothing new; a moved workshop is reminded again.
 */
export function queueDueReminders(now = Date.now(), leadMs = reminderLeadMs()): number {
  return db.transaction(
    (tx) => {
      const due = tx
        .select()
        .from(workshops)
        .where(
          and(
            eq(workshops.status, 'scheduled'),
            gt(workshops.startsAt, now),
            lte(workshops.startsAt, now + leadMs),
            or(isNull(workshops.remindersQueuedFor), sql`${workshops.remindersQueuedFor} <> ${workshops.startsAt}`),
          ),
        )
        .all();
      let queued = 0;
      for (const workshop of due) {
        const people = tx
          .select({ userId: users.id, name: users.name, email: users.email })
          .from(rsvps)
          .innerJoin(users, eq(users.id, rsvps.userId))
          .where(and(eq(rsvps.workshopId, workshop.id), eq(rsvps.seatStatus, 'confirmed'), isNull(users.deactivatedAt)))
          .all();
        for (const person of people) {
          queueEmail(tx, {
            to: person.email,
            dedupeKey: `workshop:${workshop.id}:reminder:${workshop.startsAt}:${person.userId}`,
            message: workshopReminderEmail({ appUrl: env().APP_URL, name: person.name, workshop: emailWorkshop(workshop, true), onlineUrl: workshop.onlineUrl || undefined, now }),
          });
          queued++;
        }
        tx.update(workshops).set({ remindersQueuedFor: workshop.startsAt }).where(eq(workshops.id, workshop.id)).run();
      }
      return queued;
    },
    { behavior: 'immediate' },
  );
}

export function reminderLeadMs(): number {
  return Number(process.env.REMINDER_LEAD_HOURS ?? 24) * 60 * 60 * 1000;
}

// ---------------------------------------------------------------------------------------------------------------
// What a member sees

const myRsvpQuery = once(() =>
  db
    .select()
    .from(rsvps)
    .where(and(eq(rsvps.workshopId, sql.placeholder('workshopId')), eq(rsvps.userId, sql.placeholder('userId'))))
    .prepare(),
);

export function getMyRsvp(userId: number, workshopId: number) {
  const row = myRsvpQuery().get({ workshopId, userId });
  if (!row) return null;
  return { ...row, waitlistPosition: row.seatStatus === 'waitlisted' ? waitlistPosition(db, workshopId, row.id) : 0 };
}

const upcomingQuery = once(() =>
  db
    .select({ rsvpId: rsvps.id, workshopId: workshops.id, slug: workshops.slug, title: workshops.title, startsAt: workshops.startsAt, endsAt: workshops.endsAt, seatStatus: rsvps.seatStatus, response: rsvps.response })
    .from(rsvps)
    .innerJoin(workshops, eq(workshops.id, rsvps.workshopId))
    .where(and(eq(rsvps.userId, sql.placeholder('userId')), eq(workshops.status, 'scheduled'), gt(workshops.endsAt, sql.placeholder('now'))))
    .orderBy(asc(workshops.startsAt))
    .prepare(),
);

/** The member's upcoming answers, for the home page. */
export function myUpcomingRsvps(userId: number, now = Date.now()) {
  const rows = upcomingQuery().all({ userId, now });
  return rows.map((r) => ({ ...r, waitlistPosition: r.seatStatus === 'waitlisted' ? waitlistPosition(db, r.workshopId, r.rsvpId) : 0 }));
}

/** Feed for one workshop (public unless draft). The joining link stays out: feeds can be shared. */
export function workshopCalendar(workshop: Workshop): string {
  return buildCalendar([workshopEvent(workshop, { withJoiningLink: false })], { method: 'PUBLISH', name: workshop.title });
}

export function publicCalendar(now = Date.now()): string {
  const rows = db.select().from(workshops).where(and(eq(workshops.status, 'scheduled'), gt(workshops.endsAt, now - 30 * 24 * 3600_000))).orderBy(asc(workshops.startsAt)).all();
  return buildCalendar(rows.map((w) => workshopEvent(w, { withJoiningLink: false })), { method: 'PUBLISH', name: 'Micro-credentials CoP workshops' });
}

/** The personal feed holds workshops the member has a seat at (with joining links), never waitlisted ones. */
export function personalCalendar(token: string): string | null {
  if (!/^[a-z2-7]{32}$/.test(token)) return null;
  const user = db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(and(eq(users.calendarToken, token), isNull(users.deactivatedAt))).get();
  if (!user) return null;
  const rows = db
    .select({ workshop: workshops })
    .from(rsvps)
    .innerJoin(workshops, eq(workshops.id, rsvps.workshopId))
    .where(and(eq(rsvps.userId, user.id), eq(rsvps.seatStatus, 'confirmed'), inArray(workshops.status, ['scheduled', 'completed', 'cancelled'])))
    .orderBy(asc(workshops.startsAt))
    .all();
  const person = { userId: user.id, name: user.name, email: user.email };
  return buildCalendar(rows.map((r) => workshopEvent(r.workshop, { withJoiningLink: true, attendee: person })), { method: 'PUBLISH', name: 'My Micro-credentials CoP workshops' });
}

export function getOrCreateCalendarToken(userId: number): string {
  const existing = db.select({ token: users.calendarToken }).from(users).where(eq(users.id, userId)).get()?.token;
  if (existing) return existing;
  return regenerateCalendarToken(userId);
}

export function regenerateCalendarToken(userId: number): string {
  const token = generateToken();
  db.update(users).set({ calendarToken: token }).where(eq(users.id, userId)).run();
  return token;
}

