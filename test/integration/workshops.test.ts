// The workshop domain against a real database: scheduling input, seats and the waitlist, capacity changes,
// change and cancellation mail, reminders, the record of the meeting, the personal calendar feed and the CSV.
import ICAL from 'ical.js';
import { and, asc, eq, like } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client.server';
import { outbox, rsvps, users, workshops } from '../../db/schema';
import { createOrganisation } from '~/models/organisations.server';
import {
  getMyRsvp,
  getOrCreateCalendarToken,
  personalCalendar,
  queueDueReminders,
  regenerateCalendarToken,
  rsvp,
  withdrawRsvp,
  type RsvpInput,
} from '~/models/rsvps.server';
import {
  attendeeRows,
  cancelWorkshop,
  completeWorkshop,
  createWorkshop,
  getWorkshopById,
  getWorkshopRecord,
  markAttendance,
  parseRecordForm,
  parseWorkshopForm,
  saveWorkshopRecord,
  seatSummary,
  updateWorkshop,
  workshopsForOrganisation,
  type WorkshopInput,
} from '~/models/workshops.server';
import { generateToken, type SessionUser } from '~/utils/auth.server';
import { toCsv } from '~/utils/csv.server';
import type { EmailAttachment } from '~/utils/mail.server';
import { parseDateTimeLocal } from '~/utils/time';

// ---------------------------------------------------------------------------------------------------------------
// Fixtures: organisations and people inserted directly, workshops through the model.

type Org = { id: number; name: string; slug: string };

function organisation(name: string): Org {
  const created = createOrganisation(null, { name, kind: 'ito', description: '', website: '' });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  return { id: created.id, name, slug: created.slug };
}

let people = 0;
function person(org: Org, { name, role = 'member' }: { name?: string; role?: SessionUser['role'] } = {}): SessionUser {
  people += 1;
  const email = `person${people}@example.nz`;
  const fullName = name ?? `Person ${people}`;
  const id = db.insert(users).values({ email, name: fullName, organisationId: org.id, role }).returning({ id: users.id }).get().id;
  return { id, email, name: fullName, role, organisationId: org.id, organisationName: org.name, organisationSlug: org.slug };
}

const nz = (local: string) => {
  const parsed = parseDateTimeLocal(local);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.date.getTime();
};
const HOUR = 3_600_000;

function input(overrides: Partial<WorkshopInput> = {}): WorkshopInput {
  return {
    title: 'Recognising prior learning with micro-credentials',
    summary: 'Otago Polytechnic shows how EduBits assesses what people already know.',
    agendaMd: '- Welcome\n- EduBits',
    startsAt: nz('2031-05-06T09:30'),
    endsAt: nz('2031-05-06T12:00'),
    mode: 'in_person',
    venue: 'Otago Polytechnic, Dunedin',
    onlineUrl: '',
    capacity: 20,
    orgSeatCap: null,
    rsvpDeadline: null,
    audience: 'all',
    organisationIds: [],
    ...overrides,
  };
}

const going: RsvpInput = { response: 'going', needs: '' };
const maybe: RsvpInput = { response: 'maybe', needs: '' };

let coordinator: SessionUser;
let bcito: Org;
let mito: Org;
let primary: Org;

function schedule(overrides: Partial<WorkshopInput> = {}): number {
  return createWorkshop(coordinator, input(overrides), { publish: true }).id;
}

/** The member's RSVP row with their waitlist position (0 when not waitlisted), or null. */
const answerOf = (workshopId: number, user: SessionUser) => getMyRsvp(user.id, workshopId);

/** User ids on the waitlist in queue order (waitlistedAt, id). */
function waitlist(workshopId: number): number[] {
  return db
    .select({ userId: rsvps.userId })
    .from(rsvps)
    .where(and(eq(rsvps.workshopId, workshopId), eq(rsvps.seatStatus, 'waitlisted')))
    .orderBy(asc(rsvps.waitlistedAt), asc(rsvps.id))
    .all()
    .map((r) => r.userId);
}

function seatHolders(workshopId: number): number[] {
  return db
    .select({ userId: rsvps.userId })
    .from(rsvps)
    .where(and(eq(rsvps.workshopId, workshopId), eq(rsvps.seatStatus, 'confirmed')))
    .all()
    .map((r) => r.userId)
    .sort((a, b) => a - b);
}

const ids = (...list: SessionUser[]) => list.map((u) => u.id);
const sortedIds = (...list: SessionUser[]) => ids(...list).sort((a, b) => a - b);

/** Outbox rows this workshop caused, oldest first, with their attachments decoded. */
function mailFor(workshopId: number) {
  return db
    .select()
    .from(outbox)
    .where(like(outbox.dedupeKey, `workshop:${workshopId}:%`))
    .orderBy(asc(outbox.id))
    .all()
    .map((row) => ({ ...row, files: JSON.parse(row.attachments) as EmailAttachment[] }));
}

function parseCalendar(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
  return { method: calendar.getFirstPropertyValue('method'), events };
}

beforeAll(() => {
  const engineering = organisation('Engineering e2e');
  bcito = organisation('BCITO');
  mito = organisation('MITO');
  primary = organisation('Primary ITO');
  coordinator = person(engineering, { name: 'Coordinator', role: 'coordinator' });
});

// ---------------------------------------------------------------------------------------------------------------

describe('the scheduling form', () => {
  function form(overrides: Record<string, string | string[]> = {}): FormData {
    const fields: Record<string, string | string[]> = {
      title: 'Assessment of micro-credentials in the workplace',
      summary: 'ITOs compare notes.',
      agenda: '- BCITO\n- MITO',
      startsAt: '2031-08-12T13:00',
      endsAt: '2031-08-12T16:30',
      mode: 'hybrid',
      venue: 'MITO, Wellington',
      onlineUrl: 'https://meet.example/assessment',
      capacity: '25',
      orgSeatCap: '',
      rsvpDeadline: '2031-08-10T17:00',
      audience: 'all',
      ...overrides,
    };
    const data = new FormData();
    for (const [key, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) data.append(key, v);
    return data;
  }

  function errorsOf(data: FormData) {
    const result = parseWorkshopForm(data);
    if (result.ok) throw new Error('expected the form to be refused');
    return result;
  }

  it('accepts a complete form and reads NZ wall time into UTC', () => {
    const result = parseWorkshopForm(form());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data).toMatchObject({
      title: 'Assessment of micro-credentials in the workplace',
      startsAt: Date.UTC(2031, 7, 12, 1, 0), // 1 pm NZST = 01:00Z
      endsAt: Date.UTC(2031, 7, 12, 4, 30),
      rsvpDeadline: Date.UTC(2031, 7, 10, 5, 0),
      mode: 'hybrid',
      capacity: 25,
      orgSeatCap: null,
      organisationIds: [],
    });
  });

  it('puts "end before start" on the end field and keeps what was typed', () => {
    const result = errorsOf(form({ endsAt: '2031-08-12T11:00' }));
    expect(result.errors.endsAt).toEqual(['The end must be after the start.']);
    expect(result.errors.startsAt).toBeUndefined();
    expect(result.values).toMatchObject({ title: 'Assessment of micro-credentials in the workplace', endsAt: '2031-08-12T11:00' });
  });

  it('puts "deadline after the start" on the deadline field', () => {
    const result = errorsOf(form({ rsvpDeadline: '2031-08-12T13:30' }));
    expect(result.errors.rsvpDeadline).toEqual(['The RSVP deadline must be before the workshop starts.']);
    expect(Object.keys(result.errors)).toEqual(['rsvpDeadline']);
  });

  it('refuses a capacity below zero on the capacity field, and accepts zero', () => {
    expect(errorsOf(form({ capacity: '-1' })).errors).toEqual({ capacity: ['Capacity cannot be below zero.'] });
    expect(errorsOf(form({ capacity: 'twenty' })).errors.capacity).toEqual(['Enter the number of seats as a whole number.']);
    expect(parseWorkshopForm(form({ capacity: '0' })).ok).toBe(true);
  });

  it('refuses an organisation that does not exist on the organisations field', () => {
    const result = errorsOf(form({ audience: 'organisations', organisationIds: [String(bcito.id), '999999'] }));
    expect(result.errors).toEqual({ organisationIds: ['One of the chosen organisations does not exist. Choose from the list.'] });
    expect(result.values.organisationIds).toEqual([String(bcito.id), '999999']);
    const ok = parseWorkshopForm(form({ audience: 'organisations', organisationIds: [String(bcito.id), String(mito.id)] }));
    expect(ok.ok && ok.data.organisationIds).toEqual([bcito.id, mito.id]);
  });

  it('refuses a start inside the daylight-saving gap (2:30 am on 27 Sep 2026 never happens in NZ)', () => {
    const result = errorsOf(form({ startsAt: '2026-09-27T02:30', endsAt: '2026-09-27T05:00', rsvpDeadline: '' }));
    expect(Object.keys(result.errors)).toEqual(['startsAt']);
    expect(result.errors.startsAt![0]).toMatch(/does not exist in New Zealand/);
  });

  it('stores times in UTC correctly on both sides of a daylight-saving change', () => {
    const april = parseWorkshopForm(form({ startsAt: '2026-04-10T09:30', endsAt: '2026-04-10T12:00', rsvpDeadline: '' }));
    const november = parseWorkshopForm(form({ startsAt: '2026-11-10T09:30', endsAt: '2026-11-10T12:00', rsvpDeadline: '' }));
    if (!april.ok || !november.ok) throw new Error('expected both forms to parse');
    const aprilId = createWorkshop(coordinator, { ...april.data, title: 'April (NZST)' }).id;
    const novemberId = createWorkshop(coordinator, { ...november.data, title: 'November (NZDT)' }).id;
    expect(getWorkshopById(aprilId)!.startsAt).toBe(Date.parse('2026-04-09T21:30:00Z')); // UTC+12
    expect(getWorkshopById(novemberId)!.startsAt).toBe(Date.parse('2026-11-09T20:30:00Z')); // UTC+13
    expect(getWorkshopById(novemberId)!.endsAt).toBe(Date.parse('2026-11-09T23:00:00Z'));
  });

  it("names a workshop's address after its New Zealand year, even on a New Year's Day morning", () => {
    const { slug } = createWorkshop(coordinator, input({ title: 'New Year planning', startsAt: nz('2032-01-01T09:00'), endsAt: nz('2032-01-01T11:00') }));
    expect(slug).toBe('new-year-planning-2032');
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('RSVPs', () => {
  it('gives a seat to someone going while seats are free', () => {
    const w = schedule({ capacity: 2 });
    const ana = person(bcito);
    expect(rsvp(ana, w, going)).toMatchObject({ ok: true, status: 'confirmed' });
    expect(answerOf(w, ana)).toMatchObject({ response: 'going', seatStatus: 'confirmed', waitlistedAt: null });
    expect(seatSummary(w)).toEqual({ seatsTaken: 1, waitlistLength: 0, maybe: 0 });
  });

  it('puts people on the waitlist in arrival order once the seats are full, and tells them positions 1, 2, 3', () => {
    const w = schedule({ capacity: 2 });
    const [a, b, c, d, e] = [person(bcito), person(mito), person(primary), person(bcito), person(mito)];
    expect([rsvp(a, w, going), rsvp(b, w, going)].map((o) => o.ok && o.status)).toEqual(['confirmed', 'confirmed']);
    const late = [rsvp(c, w, going), rsvp(d, w, going), rsvp(e, w, going)];
    expect(late.map((o) => o.ok && [o.status, o.waitlistPosition])).toEqual([
      ['waitlisted', 1],
      ['waitlisted', 2],
      ['waitlisted', 3],
    ]);
    expect(waitlist(w)).toEqual(ids(c, d, e));
    expect([c, d, e].map((p) => answerOf(w, p)!.waitlistPosition)).toEqual([1, 2, 3]);
    expect(seatSummary(w)).toEqual({ seatsTaken: 2, waitlistLength: 3, maybe: 0 });
  });

  it('keeps a waitlisted member in place when they answer "going" again to change their details', () => {
    const w = schedule({ capacity: 1 });
    const [a, b, c] = [person(bcito), person(mito), person(primary)];
    for (const p of [a, b, c]) rsvp(p, w, going);
    expect(rsvp(b, w, { ...going, needs: 'Vegetarian' })).toMatchObject({ ok: true, status: 'waitlisted', waitlistPosition: 1 });
    expect(waitlist(w)).toEqual(ids(b, c));
    expect(answerOf(w, b)!.needs).toBe('Vegetarian');
  });

  it('sends a member who changes from maybe to going to the back of the waitlist, even within the same millisecond', () => {
    // Their RSVP row is older than the one ahead of them, so a tie on the arrival time must not put them first.
    const w = schedule({ capacity: 1 });
    const [a, b, c] = [person(bcito), person(mito), person(primary)];
    const t = nz('2030-03-01T10:00');
    rsvp(a, w, going, t);
    rsvp(c, w, maybe, t);
    expect(rsvp(b, w, going, t + 1)).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    expect(rsvp(c, w, going, t + 1)).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });
    expect(waitlist(w)).toEqual(ids(b, c));
    expect(answerOf(w, b)!.waitlistPosition).toBe(1);
  });

  it('queues a later arrival behind the waitlist even if its clock reads earlier (a process that waited for the lock)', () => {
    const w = schedule({ capacity: 1 });
    const [a, b, c] = [person(bcito), person(mito), person(primary)];
    const t = nz('2030-03-01T10:00');
    rsvp(a, w, going, t);
    expect(rsvp(b, w, going, t + 50)).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    expect(rsvp(c, w, going, t + 10)).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });
    expect(waitlist(w)).toEqual(ids(b, c));
  });

  it('never holds a seat or a waitlist place for "maybe"', () => {
    const w = schedule({ capacity: 1 });
    const [a, b, c] = [person(bcito), person(mito), person(primary)];
    expect(rsvp(a, w, maybe)).toMatchObject({ ok: true, status: 'maybe' });
    expect(rsvp(b, w, going)).toMatchObject({ ok: true, status: 'confirmed' });
    expect(rsvp(c, w, maybe)).toMatchObject({ ok: true, status: 'maybe' });
    expect(answerOf(w, c)).toMatchObject({ seatStatus: null, waitlistedAt: null, waitlistPosition: 0 });
    expect(seatSummary(w)).toEqual({ seatsTaken: 1, waitlistLength: 0, maybe: 2 });
  });

  it('frees the seat when going changes to maybe, and promotes the first waitlisted member with an invitation', () => {
    const w = schedule({ capacity: 1 });
    const [a, b, c] = [person(bcito), person(mito), person(primary)];
    for (const p of [a, b, c]) rsvp(p, w, going);
    expect(rsvp(a, w, maybe)).toMatchObject({ ok: true, status: 'maybe' });
    expect(seatHolders(w)).toEqual(ids(b));
    expect(answerOf(w, b)).toMatchObject({ seatStatus: 'confirmed', waitlistedAt: null });
    expect(answerOf(w, c)!.waitlistPosition).toBe(1);

    const promoted = mailFor(w).filter((m) => m.toAddress === b.email);
    expect(promoted.map((m) => m.subject)).toEqual([
      `You're on the waitlist (position 1): ${input().title}`,
      `A seat has opened up: you're going to ${input().title}`,
    ]);
    expect(promoted[1]!.files).toHaveLength(1);
    expect(parseCalendar(promoted[1]!.files[0]!.content).method).toBe('REQUEST');
    expect(mailFor(w).filter((m) => m.toAddress === c.email)).toHaveLength(1); // only their waitlist email
  });

  it('promotes the first waitlisted member when someone withdraws', () => {
    const w = schedule({ capacity: 2 });
    const [a, b, c, d] = [person(bcito), person(mito), person(primary), person(bcito)];
    for (const p of [a, b, c, d]) rsvp(p, w, going);
    expect(withdrawRsvp(b, w)).toMatchObject({ ok: true });
    expect(answerOf(w, b)).toBeNull();
    expect(seatHolders(w)).toEqual(sortedIds(a, c));
    expect(waitlist(w)).toEqual(ids(d));
    expect(answerOf(w, d)!.waitlistPosition).toBe(1);
    // The withdrawn member's invitation is cancelled.
    const withdrawn = mailFor(w).filter((m) => m.toAddress === b.email).at(-1)!;
    expect(parseCalendar(withdrawn.files[0]!.content).method).toBe('CANCEL');
  });

  it('promotes the first waitlisted member whose organisation is under its cap; the others keep their place', () => {
    const w = schedule({ capacity: 2, orgSeatCap: 1 });
    const b1 = person(bcito);
    const m1 = person(mito);
    const b2 = person(bcito);
    const p1 = person(primary);
    const p2 = person(primary);
    for (const p of [b1, m1, b2, p1, p2]) rsvp(p, w, going);
    expect(waitlist(w)).toEqual(ids(b2, p1, p2));

    withdrawRsvp(m1, w); // a seat frees; BCITO is still at its cap of 1
    expect(seatHolders(w)).toEqual(sortedIds(b1, p1));
    expect(waitlist(w)).toEqual(ids(b2, p2));
    expect(answerOf(w, b2)!.waitlistPosition).toBe(1);
    expect(answerOf(w, p2)!.waitlistPosition).toBe(2);

    withdrawRsvp(b1, w); // BCITO drops below its cap, so its member at the front of the queue is next
    expect(seatHolders(w)).toEqual(sortedIds(p1, b2));
    expect(waitlist(w)).toEqual(ids(p2));
  });

  it('waitlists a member whose organisation is at its cap even while seats are free', () => {
    const w = schedule({ capacity: 5, orgSeatCap: 1 });
    const [b1, b2, m1] = [person(bcito), person(bcito), person(mito)];
    expect(rsvp(b1, w, going)).toMatchObject({ status: 'confirmed' });
    expect(rsvp(b2, w, going)).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    expect(rsvp(m1, w, going)).toMatchObject({ status: 'confirmed' });
    withdrawRsvp(b1, w);
    expect(seatHolders(w)).toEqual(sortedIds(b2, m1));
  });

  it('refuses changes after the RSVP deadline and leaves the answer as it was', () => {
    const deadline = nz('2031-05-01T17:00');
    const w = schedule({ rsvpDeadline: deadline });
    const [a, b] = [person(bcito), person(mito)];
    expect(rsvp(a, w, going, deadline)).toMatchObject({ ok: true, status: 'confirmed' }); // at the deadline is still in time
    const late = rsvp(b, w, going, deadline + 1);
    expect(late).toMatchObject({ ok: false });
    expect(late.message).toMatch(/deadline has passed/);
    expect(answerOf(w, b)).toBeNull();
    expect(rsvp(a, w, maybe, deadline + 1)).toMatchObject({ ok: false });
    expect(withdrawRsvp(a, w, deadline + 1)).toMatchObject({ ok: false });
    expect(answerOf(w, a)).toMatchObject({ response: 'going', seatStatus: 'confirmed' });
  });

  it('refuses members of other organisations at a workshop for chosen organisations', () => {
    const w = schedule({ audience: 'organisations', organisationIds: [bcito.id, primary.id] });
    const outsider = person(mito);
    const insider = person(primary);
    expect(rsvp(outsider, w, going)).toEqual({ ok: false, message: 'This workshop is for invited organisations only.' });
    expect(answerOf(w, outsider)).toBeNull();
    expect(rsvp(insider, w, going)).toMatchObject({ ok: true, status: 'confirmed' });
  });

  it('asks for in person or online at a hybrid workshop before giving a seat', () => {
    const w = schedule({ mode: 'hybrid', onlineUrl: 'https://meet.example/hybrid' });
    const a = person(bcito);
    expect(rsvp(a, w, going)).toEqual({ ok: false, message: 'Choose whether you will attend in person or online.', field: 'attendanceMode' });
    expect(answerOf(w, a)).toBeNull();
    expect(rsvp(a, w, { ...going, attendanceMode: 'online' })).toMatchObject({ ok: true, status: 'confirmed' });
    expect(answerOf(w, a)!.attendanceMode).toBe('online');
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('capacity changes', () => {
  const T = nz('2030-06-01T09:00');

  /** Four seats taken in the order a, b, c, d; e and f waitlisted. */
  function fullWorkshop(title: string) {
    const w = schedule({ title, capacity: 4 });
    const [a, b, c, d, e, f] = [person(bcito), person(mito), person(primary), person(bcito), person(mito), person(primary)];
    [a, b, c, d, e, f].forEach((p, i) => rsvp(p, w, going, T + i * 1000));
    return { w, a, b, c, d, e, f, title };
  }

  it('reports who is over a lower capacity (the latest to take seats) and saves nothing', () => {
    const { w, c, d, title } = fullWorkshop('Capacity: report');
    const before = getWorkshopById(w)!;
    const outcome = updateWorkshop(coordinator, w, input({ title, capacity: 2 }));
    expect(outcome).toMatchObject({ ok: false, reason: 'over-capacity', confirmed: 4 });
    if (outcome.ok || outcome.reason !== 'over-capacity') return;
    expect(outcome.overCapacity.map((p) => [p.userId, p.name, p.organisationName])).toEqual([
      [c.id, c.name, 'Primary ITO'],
      [d.id, d.name, 'BCITO'],
    ]);
    expect(getWorkshopById(w)).toEqual(before);
    expect(seatSummary(w)).toEqual({ seatsTaken: 4, waitlistLength: 2, maybe: 0 });
  });

  it("keeps everyone when the coordinator chooses 'keep', and gives no seat until enough free up", () => {
    const { w, a, b, c, d, e, f, title } = fullWorkshop('Capacity: keep');
    expect(updateWorkshop(coordinator, w, input({ title, capacity: 2 }), { overCapacityChoice: 'keep' })).toMatchObject({ ok: true });
    expect(getWorkshopById(w)!.capacity).toBe(2);
    expect(seatHolders(w)).toEqual(sortedIds(a, b, c, d));
    expect(waitlist(w)).toEqual(ids(e, f));
    const g = person(bcito);
    expect(rsvp(g, w, going)).toMatchObject({ status: 'waitlisted', waitlistPosition: 3 });
    withdrawRsvp(d, w); // 3 going for 2 seats: still nobody promoted
    expect(seatHolders(w)).toEqual(sortedIds(a, b, c));
    expect(waitlist(w)).toEqual(ids(e, f, g));
  });

  it("moves the people over capacity to the front of the waitlist, in seat order, when the coordinator chooses 'waitlist'", () => {
    const { w, a, b, c, d, e, f, title } = fullWorkshop('Capacity: waitlist');
    expect(updateWorkshop(coordinator, w, input({ title, capacity: 2 }), { overCapacityChoice: 'waitlist' })).toMatchObject({ ok: true });
    expect(seatHolders(w)).toEqual(sortedIds(a, b));
    expect(waitlist(w)).toEqual(ids(c, d, e, f));
    expect([c, d, e, f].map((p) => answerOf(w, p)!.waitlistPosition)).toEqual([1, 2, 3, 4]);
  });

  it('tells the people moved to the waitlist by email, with their new position', () => {
    const { w, c, d, title } = fullWorkshop('Capacity: moved people are told');
    updateWorkshop(coordinator, w, input({ title, capacity: 2 }), { overCapacityChoice: 'waitlist' });
    const toC = mailFor(w).filter((m) => m.toAddress === c.email).at(-1)!;
    const toD = mailFor(w).filter((m) => m.toAddress === d.email).at(-1)!;
    expect(toC.subject).toBe(`You're on the waitlist (position 1): ${title}`);
    expect(toD.subject).toBe(`You're on the waitlist (position 2): ${title}`);
  });

  it('promotes waitlisted people in order when the capacity goes up', () => {
    const { w, a, b, c, d, e, f, title } = fullWorkshop('Capacity: raise');
    updateWorkshop(coordinator, w, input({ title, capacity: 2 }), { overCapacityChoice: 'waitlist' });
    expect(updateWorkshop(coordinator, w, input({ title, capacity: 5 }))).toMatchObject({ ok: true });
    expect(seatHolders(w)).toEqual(sortedIds(a, b, c, d, e));
    expect(waitlist(w)).toEqual(ids(f));
    expect(answerOf(w, f)!.waitlistPosition).toBe(1);
    const promotedTo = mailFor(w)
      .filter((m) => m.subject.startsWith('A seat has opened up'))
      .map((m) => m.toAddress);
    expect(promotedTo.sort()).toEqual([c.email, d.email, e.email].sort());
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('changes and cancellation', () => {
  function withPeople(title: string) {
    const w = schedule({ title, capacity: 1, mode: 'online', venue: '', onlineUrl: 'https://meet.example/changes' });
    const [seated, waiting, unsure] = [person(bcito), person(mito), person(primary)];
    rsvp(seated, w, going);
    rsvp(waiting, w, going);
    rsvp(unsure, w, maybe);
    return { w, seated, waiting, unsure };
  }

  it('raises SEQUENCE when the time moves and mails everyone with a seat or on the waitlist; only seat holders get an invitation', () => {
    const title = 'Changes: new time';
    const { w, seated, waiting, unsure } = withPeople(title);
    const sent = mailFor(w).length;
    const startsAt = nz('2031-05-13T10:00');
    const endsAt = nz('2031-05-13T12:30');
    const outcome = updateWorkshop(coordinator, w, input({ title, capacity: 1, mode: 'online', venue: '', onlineUrl: 'https://meet.example/changes', startsAt, endsAt }));
    expect(outcome).toEqual({ ok: true, message: 'Workshop saved. Everyone with a seat or on the waitlist has been told about the change.' });
    const after = getWorkshopById(w)!;
    expect(after.sequence).toBe(1);

    const changes = mailFor(w).slice(sent);
    expect(changes.map((m) => m.toAddress).sort()).toEqual([seated.email, waiting.email].sort());
    expect(changes.every((m) => m.subject === `Changed: ${title}`)).toBe(true);
    expect(changes.some((m) => m.toAddress === unsure.email)).toBe(false);

    const toSeated = changes.find((m) => m.toAddress === seated.email)!;
    expect(toSeated.files).toHaveLength(1);
    expect(toSeated.files[0]).toMatchObject({ method: 'REQUEST', contentType: 'text/calendar; charset=utf-8' });
    const { method, events } = parseCalendar(toSeated.files[0]!.content);
    expect(method).toBe('REQUEST');
    expect(events[0]!.sequence).toBe(1);
    expect(events[0]!.startDate.toJSDate().getTime()).toBe(startsAt);
    expect(events[0]!.endDate.toJSDate().getTime()).toBe(endsAt);
    expect(toSeated.text).toContain('https://meet.example/changes');

    const toWaiting = changes.find((m) => m.toAddress === waiting.email)!;
    expect(toWaiting.files).toEqual([]);
    expect(toWaiting.text).not.toContain('https://meet.example/changes');
    expect(toWaiting.html).not.toContain('https://meet.example/changes');
  });

  it('mails nobody and keeps SEQUENCE when nothing about the time or place changes', () => {
    const title = 'Changes: capacity only';
    const { w } = withPeople(title);
    const sent = mailFor(w).length;
    updateWorkshop(coordinator, w, input({ title, capacity: 1, mode: 'online', venue: '', onlineUrl: 'https://meet.example/changes', summary: 'New summary' }));
    expect(getWorkshopById(w)!.sequence).toBe(0);
    expect(mailFor(w).slice(sent)).toEqual([]);
  });

  it('mails a cancellation with STATUS:CANCELLED to seat holders, tells the waitlist, and closes RSVPs', () => {
    const title = 'Changes: cancelled';
    const { w, seated, waiting, unsure } = withPeople(title);
    const sent = mailFor(w).length;
    expect(cancelWorkshop(coordinator, w)).toMatchObject({ ok: true });
    expect(getWorkshopById(w)).toMatchObject({ status: 'cancelled', sequence: 1 });

    const cancellations = mailFor(w).slice(sent);
    expect(cancellations.map((m) => m.toAddress).sort()).toEqual([seated.email, waiting.email].sort());
    expect(cancellations.every((m) => m.subject === `Cancelled: ${title}`)).toBe(true);
    const toSeated = cancellations.find((m) => m.toAddress === seated.email)!;
    expect(toSeated.files[0]!.method).toBe('CANCEL');
    expect(toSeated.files[0]!.content).toContain('STATUS:CANCELLED');
    const { method, events } = parseCalendar(toSeated.files[0]!.content);
    expect(method).toBe('CANCEL');
    expect(events[0]!.sequence).toBe(1);
    expect(events[0]!.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancellations.find((m) => m.toAddress === waiting.email)!.files).toEqual([]);

    expect(rsvp(unsure, w, going)).toMatchObject({ ok: false });
    expect(cancelWorkshop(coordinator, w)).toMatchObject({ ok: false });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('reminders', () => {
  function reminders(workshopId: number) {
    return mailFor(workshopId).filter((m) => m.dedupeKey.includes(':reminder:'));
  }

  it('queues one reminder per seat holder for a workshop starting within 24 hours, once, and none for the waitlist', () => {
    const now = nz('2035-03-02T09:00');
    const soon = schedule({ title: 'Reminders: soon', capacity: 2, startsAt: now + 10 * HOUR, endsAt: now + 12 * HOUR });
    const later = schedule({ title: 'Reminders: later', capacity: 2, startsAt: now + 30 * HOUR, endsAt: now + 32 * HOUR });
    const [a, b, c] = [person(bcito), person(mito), person(primary)];
    for (const p of [a, b, c]) {
      rsvp(p, soon, going);
      rsvp(p, later, going);
    }

    expect(queueDueReminders(now)).toBe(2);
    expect(reminders(soon).map((m) => m.toAddress).sort()).toEqual([a.email, b.email].sort());
    expect(reminders(later)).toEqual([]);

    // A second run, or the same run after a restart, queues nothing new.
    expect(queueDueReminders(now)).toBe(0);
    expect(queueDueReminders(now + HOUR)).toBe(0);
    expect(reminders(soon)).toHaveLength(2);

    // Even if the workshop's "already queued" mark were lost, the outbox's dedupe keys keep it to one each.
    db.update(workshops).set({ remindersQueuedFor: null }).where(eq(workshops.id, soon)).run();
    queueDueReminders(now + 2 * HOUR);
    expect(reminders(soon)).toHaveLength(2);

    // The later workshop's turn comes when it is within 24 hours.
    expect(queueDueReminders(now + 7 * HOUR)).toBe(2);
    expect(reminders(later).map((m) => m.toAddress).sort()).toEqual([a.email, b.email].sort());
  });

  it('reminds seat holders again when a workshop is moved after its reminders went out', () => {
    const now = nz('2035-06-02T09:00');
    const title = 'Reminders: moved';
    const w = schedule({ title, capacity: 5, startsAt: now + 10 * HOUR, endsAt: now + 12 * HOUR });
    const [a, b] = [person(bcito), person(mito)];
    rsvp(a, w, going);
    rsvp(b, w, going);
    expect(queueDueReminders(now)).toBe(2);

    updateWorkshop(coordinator, w, input({ title, capacity: 5, startsAt: now + 20 * HOUR, endsAt: now + 22 * HOUR }));
    expect(queueDueReminders(now)).toBe(2);
    expect(queueDueReminders(now)).toBe(0);
    const sent = reminders(w);
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((m) => m.dedupeKey)).size).toBe(4);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('the record of the meeting', () => {
  it('reads the record form and round-trips notes, attending organisations, decisions and action items', () => {
    const w = schedule({ title: 'Record: round trip' });
    const data = new FormData();
    data.set('notes', '**Next steps** agreed.\n\n<script>alert(1)</script>');
    data.set('decision-0', 'Share pilot results at the next meeting');
    data.set('decision-2', 'Invite NZQA'); // gaps between rows are fine
    data.set('action-0-text', 'Draft a micro-credential for the NZDE');
    data.set('action-0-owner', String(bcito.id));
    data.set('action-0-due', '2031-09-30');
    data.set('action-1-text', 'Collect employer feedback');
    data.append('attendingOrganisationIds', String(mito.id));
    data.append('attendingOrganisationIds', String(bcito.id));
    const parsed = parseRecordForm(data);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    saveWorkshopRecord(coordinator, w, parsed.data);

    const record = getWorkshopRecord(w);
    expect(record.attendingOrganisations.map((o) => o.name)).toEqual(['BCITO', 'MITO']);
    expect(record.decisions.map((d) => d.text)).toEqual(['Share pilot results at the next meeting', 'Invite NZQA']);
    expect(record.actionItems).toMatchObject([
      { text: 'Draft a micro-credential for the NZDE', ownerOrganisationId: bcito.id, ownerName: 'BCITO', dueDate: Date.parse('2031-09-29T11:00:00Z') },
      { text: 'Collect employer feedback', ownerOrganisationId: null, ownerName: null, dueDate: null },
    ]);
    const saved = getWorkshopById(w)!;
    expect(saved.recordNotesMd).toBe('**Next steps** agreed.\n\n<script>alert(1)</script>');
    expect(saved.recordNotesHtml).toContain('<strong>Next steps</strong>');
    expect(saved.recordNotesHtml).not.toContain('<script');
    expect(saved.recordUpdatedAt).not.toBeNull();

    // Saving again replaces rather than adds.
    saveWorkshopRecord(coordinator, w, { notesMd: '', attendingOrganisationIds: [], decisions: ['Only this'], actionItems: [] });
    expect(getWorkshopRecord(w)).toMatchObject({ attendingOrganisations: [], decisions: [{ text: 'Only this' }], actionItems: [] });
  });

  it('puts each record error on the row it concerns', () => {
    const data = new FormData();
    data.set('action-0-text', 'Fine');
    data.set('action-1-text', 'Owned by nobody we know');
    data.set('action-1-owner', '999999');
    data.set('action-2-text', 'Due whenever');
    data.set('action-2-due', 'next week');
    data.set('action-3-owner', String(mito.id));
    data.append('attendingOrganisationIds', '999998');
    const parsed = parseRecordForm(data);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(Object.keys(parsed.errors).sort()).toEqual(['action-1-owner', 'action-2-due', 'action-3-text', 'attendingOrganisationIds']);
  });

  it('marks attendance, derives the attending organisations from it, and lists the workshop on those organisations only', () => {
    const w = schedule({ title: 'Record: attendance', capacity: 2 });
    const [fromBcito, fromMito, fromPrimary] = [person(bcito), person(mito), person(primary)];
    for (const p of [fromBcito, fromMito, fromPrimary]) rsvp(p, w, going); // Primary ITO's member is waitlisted
    expect(completeWorkshop(coordinator, w)).toMatchObject({ ok: true });
    expect(getWorkshopRecord(w).attendingOrganisations.map((o) => o.name)).toEqual(['BCITO', 'MITO']);

    markAttendance(coordinator, w, [fromBcito.id]);
    expect(answerOf(w, fromBcito)!.attended).toBe(true);
    expect(answerOf(w, fromMito)!.attended).toBe(false);
    expect(answerOf(w, fromPrimary)!.attended).toBeNull();
    expect(getWorkshopRecord(w).attendingOrganisations.map((o) => o.name)).toEqual(['BCITO']);

    const listed = (org: Org) => workshopsForOrganisation(org.id).some((x) => x.id === w);
    expect(listed(bcito)).toBe(true);
    expect(listed(mito)).toBe(false);
    expect(listed(primary)).toBe(false);

    // The coordinator can correct the list by hand in the record.
    saveWorkshopRecord(coordinator, w, { notesMd: '', attendingOrganisationIds: [bcito.id, primary.id], decisions: [], actionItems: [] });
    expect(listed(primary)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('the personal calendar feed', () => {
  it('holds the workshops the member has a seat at, not those they are waitlisted for or unsure about', () => {
    const seatAt = schedule({ title: 'Feed: seat', capacity: 3, mode: 'online', venue: '', onlineUrl: 'https://meet.example/feed' });
    const waitlistedAt = schedule({ title: 'Feed: waitlisted', capacity: 1 });
    const maybeAt = schedule({ title: 'Feed: maybe' });
    const [ana, other] = [person(bcito), person(mito)];
    rsvp(ana, seatAt, going);
    rsvp(other, waitlistedAt, going);
    rsvp(ana, waitlistedAt, going);
    rsvp(ana, maybeAt, maybe);
    expect(answerOf(waitlistedAt, ana)!.seatStatus).toBe('waitlisted');

    const feed = personalCalendar(getOrCreateCalendarToken(ana.id));
    expect(feed).not.toBeNull();
    const { events } = parseCalendar(feed!);
    expect(events.map((e) => e.summary)).toEqual(['Feed: seat']);
    expect(events[0]!.uid).toBe(`workshop-${seatAt}@localhost`);
    expect(events[0]!.description).toContain('https://meet.example/feed');
  });

  it('answers null for a token nobody has, and regenerating the token retires the old one', () => {
    const ana = person(bcito);
    const first = getOrCreateCalendarToken(ana.id);
    expect(getOrCreateCalendarToken(ana.id)).toBe(first);
    expect(personalCalendar(generateToken())).toBeNull();
    expect(personalCalendar('../../etc/passwd')).toBeNull();
    const second = regenerateCalendarToken(ana.id);
    expect(second).not.toBe(first);
    expect(personalCalendar(first)).toBeNull();
    expect(personalCalendar(second)).toContain('BEGIN:VCALENDAR');
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('the attendee CSV', () => {
  /** RFC 4180 reader, enough to read back what the export wrote. */
  function readCsv(text: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
        else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') row.push(cell), (cell = '');
      else if (ch === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
      else cell += ch;
    }
    return rows;
  }

  it('writes a header and one quoted, formula-safe row per RSVP', () => {
    const w = schedule({ title: 'CSV export', capacity: 2, mode: 'hybrid', onlineUrl: 'https://meet.example/csv' });
    const plain = person(bcito, { name: 'Aroha "Ro" Ngata, MITO liaison' });
    const attacker = person(mito, { name: '=HYPERLINK("http://evil.example","click")' });
    const waiting = person(primary, { name: '@SUM(1+1)' });
    const unsure = person(bcito, { name: 'Tama Unsure' });
    const t = nz('2030-07-01T09:00');
    rsvp(plain, w, { response: 'going', attendanceMode: 'in_person', needs: 'Vegetarian\nNo nuts' }, t);
    rsvp(attacker, w, { response: 'going', attendanceMode: 'online', needs: '+1 wheelchair space' }, t + 1000);
    rsvp(waiting, w, { response: 'going', attendanceMode: 'online', needs: '-2 seats' }, t + 2000);
    rsvp(unsure, w, { response: 'maybe', needs: '' }, t + 3000);

    const csv = toCsv(attendeeRows(w, (ms) => new Date(ms).toISOString()));
    expect(csv.startsWith('Name,Email,Organisation,Status,Mode,Needs,RSVP time (NZ),Attended\r\n')).toBe(true);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(readCsv(csv)).toEqual([
      ['Name', 'Email', 'Organisation', 'Status', 'Mode', 'Needs', 'RSVP time (NZ)', 'Attended'],
      ['Aroha "Ro" Ngata, MITO liaison', plain.email, 'BCITO', 'Going', 'In person', 'Vegetarian\nNo nuts', new Date(t).toISOString(), ''],
      ['\'=HYPERLINK("http://evil.example","click")', attacker.email, 'MITO', 'Going', 'Online', "'+1 wheelchair space", new Date(t + 1000).toISOString(), ''],
      ["'@SUM(1+1)", waiting.email, 'Primary ITO', 'Waitlisted', 'Online', "'-2 seats", new Date(t + 2000).toISOString(), ''],
      ['Tama Unsure', unsure.email, 'BCITO', 'Maybe', '', '', new Date(t + 3000).toISOString(), ''],
    ]);
  });
});
