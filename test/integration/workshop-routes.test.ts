// The workshop pages' loaders and actions, called as Remix calls them: who may see and do what (ids and roles
// swapped to prove it), what a bad scheduling form answers, RSVPs through the page, and the calendar feeds.
import path from 'node:path';
import { UNSAFE_flatRoutes as flatRoutes } from '@remix-run/dev';
import { matchRoutes } from '@remix-run/react';
import { and, eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client.server';
import { rsvps, users, workshops } from '../../db/schema';
import { seed } from '../../db/seed';
import { organisationOptions } from '~/models/organisations.server';
import { getOrCreateCalendarToken, regenerateCalendarToken, rsvp } from '~/models/rsvps.server';
import { createWorkshop, getWorkshopBySlug, type WorkshopInput } from '~/models/workshops.server';
import { createSession, generateToken, validateSessionToken, type SessionUser } from '~/utils/auth.server';
import { readFlash } from '~/utils/flash.server';
import { parseDateTimeLocal } from '~/utils/time';
import * as personalFeed from '~/routes/calendar.$token[.]ics';
import * as settingsCalendar from '~/routes/settings.calendar';
import * as list from '~/routes/workshops._index';
import * as page from '~/routes/workshops.$slug';
import * as csv from '~/routes/workshops.$slug_.attendees[.]csv';
import * as workshopIcs from '~/routes/workshops.$slug_.calendar[.]ics';
import * as edit from '~/routes/workshops.$slug_.edit';
import * as record from '~/routes/workshops.$slug_.record';
import * as publicFeed from '~/routes/workshops.calendar[.]ics';
import * as create from '~/routes/workshops.new';

type Handler = (args: any) => Promise<unknown>;
type RouteObject = Parameters<typeof matchRoutes>[0][number];
type Outcome = { status: number; data: any; headers: Headers; body: string | null };
type Form = Record<string, string | string[]>;

function body(form: Form): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  return params;
}

/** Calls a loader or action the way Remix would and flattens whatever it returns or throws. */
async function call(handler: Handler, { path, form, cookie, params = {} }: { path: string; form?: Form; cookie?: string; params?: Record<string, string> }): Promise<Outcome> {
  const headers = new Headers();
  if (cookie) headers.set('Cookie', cookie);
  const request = new Request(`http://localhost:3000${path}`, form ? { method: 'POST', body: body(form), headers } : { headers });
  let out: unknown;
  try {
    out = await handler({ request, params, context: { clientIp: '127.0.0.1', cspNonce: '' } });
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    out = thrown;
  }
  if (out instanceof Response) return { status: out.status, data: null, headers: out.headers, body: await out.text() };
  if (out && typeof out === 'object' && (out as { type?: string }).type === 'DataWithResponseInit') {
    const { data, init } = out as { data: unknown; init: ResponseInit | null };
    return { status: init?.status ?? 200, data, headers: new Headers(init?.headers), body: null };
  }
  return { status: 200, data: out, headers: new Headers(), body: null };
}

function sessionFor(email: string): { user: SessionUser; cookie: string } {
  const row = db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()!;
  const token = generateToken();
  createSession(token, row.id);
  return { user: validateSessionToken(token)!.user, cookie: `__session=${token}` };
}

function orgId(name: string): number {
  return organisationOptions().find((o) => o.name === name)!.id;
}

const nz = (local: string) => {
  const parsed = parseDateTimeLocal(local);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.date.getTime();
};

function workshopInput(overrides: Partial<WorkshopInput> = {}): WorkshopInput {
  return {
    title: 'Stacking micro-credentials into the NZDE',
    summary: 'How pilots stack into the New Zealand Diploma in Engineering.',
    agendaMd: '- Welcome\n- Pilots',
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

function workshopForm(overrides: Form = {}): Form {
  return {
    intent: 'publish',
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
}

/** The events of a calendar file, read by a real iCalendar parser. */
function eventsOf(ics: string | null): ICAL.Event[] {
  const calendar = new ICAL.Component(ICAL.parse(ics ?? ''));
  return calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
}

function rsvpRow(workshopId: number, userId: number) {
  return db.select().from(rsvps).where(and(eq(rsvps.workshopId, workshopId), eq(rsvps.userId, userId))).get();
}

async function flashOf(response: Outcome): Promise<string | undefined> {
  const setCookie = response.headers.get('Set-Cookie') ?? '';
  const cookie = setCookie.split(/,(?=\s*__)/).map((c) => c.split(';')[0]!.trim()).find((c) => c.startsWith('__flash='));
  if (!cookie) return undefined;
  const { flash } = await readFlash(new Request('http://localhost:3000/', { headers: { Cookie: cookie } }));
  return flash?.message;
}

let coordinator: { user: SessionUser; cookie: string };
let member: { user: SessionUser; cookie: string };
let projectManager: { user: SessionUser; cookie: string };
let draft: { id: number; slug: string };
let scheduled: { id: number; slug: string };
const PILOTS = 'sharing-pilot-approaches-and-emerging-results'; // seeded: hybrid, 30 seats
const WIDER = 'engaging-participants-across-the-wider-system'; // seeded: online, 60 seats

beforeAll(async () => {
  await seed();
  coordinator = sessionFor('coordinator@demo.example');
  member = sessionFor('member@demo.example');
  projectManager = sessionFor('project.manager@demo.example');
  draft = createWorkshop(coordinator.user, workshopInput({ title: 'Draft: digital badges' }));
  scheduled = createWorkshop(coordinator.user, workshopInput({ title: 'Quality assurance for micro-credentials' }), { publish: true });
});

describe('who may schedule and manage workshops', () => {
  it('refuses a member the new, edit, record and CSV pages with 403', async () => {
    const params = { slug: scheduled.slug };
    expect((await call(create.loader, { path: '/workshops/new', cookie: member.cookie })).status).toBe(403);
    expect((await call(edit.loader, { path: `/workshops/${scheduled.slug}/edit`, params, cookie: member.cookie })).status).toBe(403);
    expect((await call(record.loader, { path: `/workshops/${scheduled.slug}/record`, params, cookie: member.cookie })).status).toBe(403);
    expect((await call(csv.loader, { path: `/workshops/${scheduled.slug}/attendees.csv`, params, cookie: member.cookie })).status).toBe(403);
    // A project manager is not a coordinator either.
    expect((await call(create.loader, { path: '/workshops/new', cookie: projectManager.cookie })).status).toBe(403);
    // The same pages open for a coordinator.
    expect((await call(create.loader, { path: '/workshops/new', cookie: coordinator.cookie })).status).toBe(200);
    expect((await call(edit.loader, { path: `/workshops/${scheduled.slug}/edit`, params, cookie: coordinator.cookie })).status).toBe(200);
    expect((await call(record.loader, { path: `/workshops/${scheduled.slug}/record`, params, cookie: coordinator.cookie })).status).toBe(200);
  });

  it('refuses a member posting to the new, edit, record and status actions with 403, and changes nothing', async () => {
    const params = { slug: scheduled.slug };
    const before = getWorkshopBySlug(scheduled.slug)!;
    const count = db.select({ id: workshops.id }).from(workshops).all().length;

    expect((await call(create.action, { path: '/workshops/new', form: workshopForm(), cookie: member.cookie })).status).toBe(403);
    expect((await call(edit.action, { path: `/workshops/${scheduled.slug}/edit`, params, form: workshopForm({ title: 'Hijacked' }), cookie: member.cookie })).status).toBe(403);
    expect((await call(record.action, { path: `/workshops/${scheduled.slug}/record`, params, form: { notes: 'Hijacked' }, cookie: member.cookie })).status).toBe(403);
    for (const intent of ['publish', 'cancel', 'complete', 'attendance']) {
      const res = await call(page.action, { path: `/workshops/${scheduled.slug}`, params, form: { intent, confirm: 'yes' }, cookie: member.cookie });
      expect(res.status, intent).toBe(403);
    }
    const after = getWorkshopBySlug(scheduled.slug)!;
    expect(after).toMatchObject({ title: before.title, status: 'scheduled', recordNotesMd: '' });
    expect(db.select({ id: workshops.id }).from(workshops).all()).toHaveLength(count);
  });

  it('sends a visitor to sign in from the coordinator pages', async () => {
    const res = await call(create.loader, { path: '/workshops/new' });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe(`/login?redirectTo=${encodeURIComponent('/workshops/new')}`);
    const csvRes = await call(csv.loader, { path: `/workshops/${scheduled.slug}/attendees.csv`, params: { slug: scheduled.slug } });
    expect(csvRes.status).toBe(302);
  });

  it('answers 404 for a workshop that does not exist, even to a coordinator', async () => {
    const params = { slug: 'no-such-workshop-2031' };
    expect((await call(edit.loader, { path: '/workshops/no-such-workshop-2031/edit', params, cookie: coordinator.cookie })).status).toBe(404);
    expect((await call(page.loader, { path: '/workshops/no-such-workshop-2031', params, cookie: coordinator.cookie })).status).toBe(404);
    expect((await call(csv.loader, { path: '/workshops/no-such-workshop-2031/attendees.csv', params, cookie: coordinator.cookie })).status).toBe(404);
  });
});

describe('drafts', () => {
  it('are 404 to members and visitors, and shown to coordinators', async () => {
    const params = { slug: draft.slug };
    expect((await call(page.loader, { path: `/workshops/${draft.slug}`, params, cookie: member.cookie })).status).toBe(404);
    expect((await call(page.loader, { path: `/workshops/${draft.slug}`, params })).status).toBe(404);
    const shown = await call(page.loader, { path: `/workshops/${draft.slug}`, params, cookie: coordinator.cookie });
    expect(shown.status).toBe(200);
    expect(shown.data.workshop).toMatchObject({ title: 'Draft: digital badges', status: 'draft' });
  });

  it('do not appear in the list for members, only for coordinators', async () => {
    const forMember = await call(list.loader, { path: '/workshops', cookie: member.cookie });
    const forCoordinator = await call(list.loader, { path: '/workshops', cookie: coordinator.cookie });
    expect(forMember.data.upcoming.map((w: { slug: string }) => w.slug)).not.toContain(draft.slug);
    expect(forMember.data.coordinator).toBe(false);
    expect(forCoordinator.data.upcoming.find((w: { slug: string }) => w.slug === draft.slug)).toMatchObject({ statusLabel: 'Draft' });
    expect(forCoordinator.data.coordinator).toBe(true);
  });

  it('cannot be RSVPed to, and have no calendar file', async () => {
    const res = await call(page.action, { path: `/workshops/${draft.slug}`, params: { slug: draft.slug }, form: { intent: 'rsvp', response: 'going' }, cookie: member.cookie });
    expect(res.status).toBe(404);
    expect(rsvpRow(draft.id, member.user.id)).toBeUndefined();
    expect((await call(workshopIcs.loader, { path: `/workshops/${draft.slug}/calendar.ics`, params: { slug: draft.slug }, cookie: coordinator.cookie })).status).toBe(404);
  });
});

describe('scheduling form', () => {
  it('answers 400 with a message on each impossible field and keeps what the coordinator typed', async () => {
    const count = db.select({ id: workshops.id }).from(workshops).all().length;
    const form = workshopForm({
      startsAt: '2031-08-12T13:00',
      endsAt: '2031-08-12T09:00',
      rsvpDeadline: '2031-08-13T09:00',
      capacity: '-5',
      audience: 'organisations',
      organisationIds: [String(orgId('BCITO')), '999999'],
    });
    const res = await call(create.action, { path: '/workshops/new', form, cookie: coordinator.cookie });
    expect(res.status).toBe(400);
    expect(res.data.errors.endsAt).toEqual(['The end must be after the start.']);
    expect(res.data.errors.rsvpDeadline).toEqual(['The RSVP deadline must be before the workshop starts.']);
    expect(res.data.errors.capacity).toEqual(['Capacity cannot be below zero.']);
    expect(res.data.errors.organisationIds).toEqual(['One of the chosen organisations does not exist. Choose from the list.']);
    expect(res.data.errors.title).toBeUndefined();
    expect(res.data.values).toMatchObject({
      title: 'Assessment of micro-credentials in the workplace',
      endsAt: '2031-08-12T09:00',
      capacity: '-5',
      venue: 'MITO, Wellington',
      organisationIds: [String(orgId('BCITO')), '999999'],
    });
    expect(db.select({ id: workshops.id }).from(workshops).all()).toHaveLength(count);
  });

  it('publishes a valid workshop and redirects to its page with a message', async () => {
    const res = await call(create.action, { path: '/workshops/new', form: workshopForm(), cookie: coordinator.cookie });
    expect(res.status).toBe(302);
    const slug = res.headers.get('Location')!.replace('/workshops/', '');
    expect(getWorkshopBySlug(slug)).toMatchObject({ title: 'Assessment of micro-credentials in the workplace', status: 'scheduled', capacity: 25, mode: 'hybrid' });
    expect(await flashOf(res)).toBe('Workshop published. Members can now RSVP.');
  });

  it('saves a draft when the coordinator chooses "Save draft"', async () => {
    const res = await call(create.action, { path: '/workshops/new', form: workshopForm({ intent: 'draft', title: 'Badges for the NZDE' }), cookie: coordinator.cookie });
    expect(res.status).toBe(302);
    const slug = res.headers.get('Location')!.replace('/workshops/', '');
    expect(getWorkshopBySlug(slug)?.status).toBe('draft');
  });

  it('the edit page fills the form with the saved workshop in New Zealand time', async () => {
    const res = await call(edit.loader, { path: `/workshops/${scheduled.slug}/edit`, params: { slug: scheduled.slug }, cookie: coordinator.cookie });
    expect(res.data.values).toMatchObject({ startsAt: '2031-05-06T09:30', endsAt: '2031-05-06T12:00', capacity: '20', mode: 'in_person', audience: 'all', organisationIds: [] });
  });
});

describe('lowering capacity below the people going', () => {
  it('saves nothing, names the people over, and moves them to the waitlist when the coordinator chooses so', async () => {
    const w = createWorkshop(coordinator.user, workshopInput({ title: 'Small room', capacity: 2 }), { publish: true });
    expect(rsvp(member.user, w.id, { response: 'going', needs: '' }).ok).toBe(true);
    expect(rsvp(projectManager.user, w.id, { response: 'going', needs: '' }).ok).toBe(true);
    const params = { slug: w.slug };
    const form: Form = {
      title: 'Small room',
      summary: '',
      agenda: '',
      startsAt: '2031-05-06T09:30',
      endsAt: '2031-05-06T12:00',
      mode: 'in_person',
      venue: 'Otago Polytechnic, Dunedin',
      onlineUrl: '',
      capacity: '1',
      orgSeatCap: '',
      rsvpDeadline: '',
      audience: 'all',
    };

    const asked = await call(edit.action, { path: `/workshops/${w.slug}/edit`, params, form, cookie: coordinator.cookie });
    expect(asked.status).toBe(409);
    expect(asked.data.overCapacity).toEqual({
      people: [{ userId: projectManager.user.id, name: 'Demo Project Manager', organisationName: 'Otago Polytechnic' }],
      confirmed: 2,
      capacity: 1,
    });
    expect(asked.data.values.capacity).toBe('1');
    expect(getWorkshopBySlug(w.slug)?.capacity).toBe(2);

    const moved = await call(edit.action, { path: `/workshops/${w.slug}/edit`, params, form: { ...form, overCapacityChoice: 'waitlist' }, cookie: coordinator.cookie });
    expect(moved.status).toBe(302);
    expect(getWorkshopBySlug(w.slug)?.capacity).toBe(1);
    expect(rsvpRow(w.id, member.user.id)?.seatStatus).toBe('confirmed');
    expect(rsvpRow(w.id, projectManager.user.id)?.seatStatus).toBe('waitlisted');
  });
});

describe('RSVP through the workshop page', () => {
  it('sends a visitor to sign in and back to the workshop', async () => {
    const res = await call(page.action, { path: `/workshops/${WIDER}`, params: { slug: WIDER }, form: { intent: 'rsvp', response: 'going' } });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe(`/login?redirectTo=${encodeURIComponent(`/workshops/${WIDER}`)}`);
  });

  it('shows the joining link only once the member has a seat, and confirms the seat with a flash message', async () => {
    const params = { slug: WIDER };
    const before = await call(page.loader, { path: `/workshops/${WIDER}`, params, cookie: member.cookie });
    expect(before.data.workshop.onlineUrl).toBe('');
    expect(before.data.myRsvp).toBeNull();

    const res = await call(page.action, { path: `/workshops/${WIDER}`, params, form: { intent: 'rsvp', response: 'going', needs: 'Captions, please' }, cookie: member.cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe(`/workshops/${WIDER}`);
    expect(await flashOf(res)).toBe("You're going. A calendar invitation is on its way by email.");

    const after = await call(page.loader, { path: `/workshops/${WIDER}`, params, cookie: member.cookie });
    expect(after.data.myRsvp).toMatchObject({ seatStatus: 'confirmed', response: 'going', needs: 'Captions, please' });
    expect(after.data.workshop.onlineUrl).toBe('https://meet.example/cop-wider-system');
    expect(after.data.attendees.map((a: { name: string }) => a.name)).toContain('Demo Member');

    // Visitors see neither the link nor the names.
    const visitor = await call(page.loader, { path: `/workshops/${WIDER}`, params });
    expect(visitor.data.workshop.onlineUrl).toBe('');
    expect(visitor.data.attendees).toBeNull();
    expect(visitor.data.coordinatorView).toBeNull();
    expect(JSON.stringify(visitor.data)).not.toContain('Captions, please');
  });

  it('asks how a member will attend a hybrid workshop, with the message on that field', async () => {
    const res = await call(page.action, { path: `/workshops/${PILOTS}`, params: { slug: PILOTS }, form: { intent: 'rsvp', response: 'going', needs: 'Wheelchair access' }, cookie: member.cookie });
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({ form: 'rsvp', errors: { attendanceMode: ['Choose whether you will attend in person or online.'] }, values: { needs: 'Wheelchair access' } });
  });

  it('shows needs to coordinators only', async () => {
    const asMember = await call(page.loader, { path: `/workshops/${WIDER}`, params: { slug: WIDER }, cookie: projectManager.cookie });
    expect(asMember.data.coordinatorView).toBeNull();
    expect(JSON.stringify(asMember.data)).not.toContain('Captions, please');
    const asCoordinator = await call(page.loader, { path: `/workshops/${WIDER}`, params: { slug: WIDER }, cookie: coordinator.cookie });
    expect(asCoordinator.data.coordinatorView.rsvps.find((r: { name: string }) => r.name === 'Demo Member')).toMatchObject({ needs: 'Captions, please', status: 'Going' });
  });

  it('refuses a member outside a restricted audience with 403 and says who the workshop is for', async () => {
    const restricted = createWorkshop(coordinator.user, workshopInput({ title: 'ITP pilots only', audience: 'organisations', organisationIds: [orgId('Otago Polytechnic')] }), { publish: true });
    const params = { slug: restricted.slug };
    const view = await call(page.loader, { path: `/workshops/${restricted.slug}`, params, cookie: member.cookie });
    expect(view.data.workshop.audience).toEqual(['Otago Polytechnic']);
    expect(view.data.viewer.inAudience).toBe(false);

    const refused = await call(page.action, { path: `/workshops/${restricted.slug}`, params, form: { intent: 'rsvp', response: 'going' }, cookie: member.cookie });
    expect(refused.status).toBe(403);
    expect(refused.data.errors._form).toEqual(['This workshop is for people from Otago Polytechnic. RSVPs are open to them only.']);
    expect(rsvpRow(restricted.id, member.user.id)).toBeUndefined();

    const allowed = await call(page.action, { path: `/workshops/${restricted.slug}`, params, form: { intent: 'rsvp', response: 'going' }, cookie: projectManager.cookie });
    expect(allowed.status).toBe(302);
    expect(rsvpRow(restricted.id, projectManager.user.id)?.seatStatus).toBe('confirmed');
  });

  it('withdrawing gives the seat to the first person on the waitlist', async () => {
    const w = createWorkshop(coordinator.user, workshopInput({ title: 'One seat', capacity: 1 }), { publish: true });
    const params = { slug: w.slug };
    await call(page.action, { path: `/workshops/${w.slug}`, params, form: { intent: 'rsvp', response: 'going' }, cookie: member.cookie });
    const second = await call(page.action, { path: `/workshops/${w.slug}`, params, form: { intent: 'rsvp', response: 'going' }, cookie: projectManager.cookie });
    expect(await flashOf(second)).toMatch(/waitlist at position 1/);
    const waiting = await call(page.loader, { path: `/workshops/${w.slug}`, params, cookie: projectManager.cookie });
    expect(waiting.data.myRsvp).toMatchObject({ seatStatus: 'waitlisted', waitlistPosition: 1 });

    const withdrawn = await call(page.action, { path: `/workshops/${w.slug}`, params, form: { intent: 'withdraw' }, cookie: member.cookie });
    expect(withdrawn.status).toBe(302);
    expect(rsvpRow(w.id, member.user.id)).toBeUndefined();
    expect(rsvpRow(w.id, projectManager.user.id)?.seatStatus).toBe('confirmed');
  });

  it('cancelling needs the confirmation box ticked', async () => {
    const w = createWorkshop(coordinator.user, workshopInput({ title: 'To be cancelled' }), { publish: true });
    const params = { slug: w.slug };
    const unconfirmed = await call(page.action, { path: `/workshops/${w.slug}`, params, form: { intent: 'cancel' }, cookie: coordinator.cookie });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.data.errors.confirm).toHaveLength(1);
    expect(getWorkshopBySlug(w.slug)?.status).toBe('scheduled');
    const confirmed = await call(page.action, { path: `/workshops/${w.slug}`, params, form: { intent: 'cancel', confirm: 'yes' }, cookie: coordinator.cookie });
    expect(confirmed.status).toBe(302);
    expect(getWorkshopBySlug(w.slug)?.status).toBe('cancelled');
  });
});

describe('after the event', () => {
  it('lets a coordinator mark attendance once the workshop has started, and not before', async () => {
    const notYet = await call(page.action, { path: `/workshops/${scheduled.slug}`, params: { slug: scheduled.slug }, form: { intent: 'attendance', attended: String(member.user.id) }, cookie: coordinator.cookie });
    expect(notYet.status).toBe(400);

    const now = Date.now();
    const w = createWorkshop(coordinator.user, workshopInput({ title: 'Under way', startsAt: now - 3600_000, endsAt: now + 3600_000 }), { publish: true });
    rsvp(member.user, w.id, { response: 'going', needs: '' });
    rsvp(projectManager.user, w.id, { response: 'going', needs: '' });
    const view = await call(page.loader, { path: `/workshops/${w.slug}`, params: { slug: w.slug }, cookie: coordinator.cookie });
    expect(view.data.coordinatorView.canMarkAttendance).toBe(true);

    const res = await call(page.action, { path: `/workshops/${w.slug}`, params: { slug: w.slug }, form: { intent: 'attendance', attended: String(member.user.id) }, cookie: coordinator.cookie });
    expect(res.status).toBe(302);
    expect(rsvpRow(w.id, member.user.id)?.attended).toBe(true);
    expect(rsvpRow(w.id, projectManager.user.id)?.attended).toBe(false);
  });

  it('keeps every row of a refused record, with the message on the row that caused it', async () => {
    const third = 'community-of-practice-third-meeting-2019';
    const form: Form = {
      notes: 'Draft notes',
      'decision-0': 'Keep meeting',
      'decision-1': '',
      'action-0-text': '',
      'action-0-owner': '',
      'action-0-due': '',
      'action-1-text': 'Write up the pilots',
      'action-1-owner': '999999',
      'action-1-due': '2019-06-31',
    };
    const res = await call(record.action, { path: `/workshops/${third}/record`, params: { slug: third }, form, cookie: coordinator.cookie });
    expect(res.status).toBe(400);
    expect(res.data.errors['action-1-owner']).toEqual(['That organisation does not exist.']);
    expect(res.data.errors['action-1-due']).toHaveLength(1);
    expect(res.data.errors['action-0-owner']).toBeUndefined();
    expect(res.data.values).toMatchObject({
      notes: 'Draft notes',
      decisions: ['Keep meeting', ''],
      actions: [
        { text: '', owner: '', due: '' },
        { text: 'Write up the pilots', owner: '999999', due: '2019-06-31' },
      ],
    });
    expect(getWorkshopBySlug(third)?.recordNotesMd).not.toBe('Draft notes');
  });

  it('refuses a record for a workshop that has not happened yet', async () => {
    const res = await call(record.action, { path: `/workshops/${scheduled.slug}/record`, params: { slug: scheduled.slug }, form: { notes: 'Too early' }, cookie: coordinator.cookie });
    expect(res.status).toBe(400);
    expect(getWorkshopBySlug(scheduled.slug)?.recordNotesMd).toBe('');
  });
});

describe('attendee CSV', () => {
  it('is a UTF-8 attachment named after the workshop, with one row per reply', async () => {
    const res = await call(csv.loader, { path: `/workshops/${WIDER}/attendees.csv`, params: { slug: WIDER }, cookie: coordinator.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('Content-Disposition')).toBe(`attachment; filename="${WIDER}-attendees.csv"`);
    const lines = res.body!.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('Name,Email,Organisation,Status,Mode,Needs,RSVP time (NZ),Attended');
    expect(lines.find((l) => l.startsWith('Demo Member,'))).toMatch(/^Demo Member,member@demo\.example,BCITO,Going,Online,"Captions, please","[^"]+ NZ[SD]T",$/);
  });
});

describe('calendar feeds', () => {
  it('routes /workshops/calendar.ics to the public feed, not to a workshop called "calendar.ics"', () => {
    const manifest = flatRoutes(path.resolve('app'), ['**/*.server.*', '**/*.test.*', '**/.*'], 'routes');
    const tree = (parentId: string): RouteObject[] =>
      Object.values(manifest)
        .filter((r) => r.parentId === parentId)
        .map((r) => (r.index ? { id: r.id, path: r.path, index: true } : { id: r.id, path: r.path, children: tree(r.id) }));
    const leaf = (url: string) => matchRoutes([{ id: 'root', path: '', children: tree('root') }], url)?.at(-1)?.route.id;
    expect(leaf('/workshops/calendar.ics')).toBe('routes/workshops.calendar[.]ics');
    expect(leaf(`/workshops/${WIDER}`)).toBe('routes/workshops.$slug');
    expect(leaf(`/workshops/${WIDER}/calendar.ics`)).toBe('routes/workshops.$slug_.calendar[.]ics');
    expect(leaf(`/workshops/${WIDER}/attendees.csv`)).toBe('routes/workshops.$slug_.attendees[.]csv');
    expect(leaf('/workshops/new')).toBe('routes/workshops.new');
    const personal = matchRoutes([{ id: 'root', path: '', children: tree('root') }], '/calendar/abcdefghijklmnopqrstuvwxyz234567.ics')?.at(-1);
    expect(personal?.route.id).toBe('routes/calendar.$token[.]ics');
    expect(personal?.params.token).toBe('abcdefghijklmnopqrstuvwxyz234567');
  });

  it('serves the public feed and one workshop as text/calendar', async () => {
    const feed = await call(publicFeed.loader, { path: '/workshops/calendar.ics' });
    expect(feed.headers.get('Content-Type')).toBe('text/calendar; charset=utf-8');
    const titles = eventsOf(feed.body).map((e) => e.summary);
    expect(titles).toContain('Quality assurance for micro-credentials');
    expect(titles).not.toContain('Draft: digital badges');
    const one = await call(workshopIcs.loader, { path: `/workshops/${WIDER}/calendar.ics`, params: { slug: WIDER } });
    expect(one.status).toBe(200);
    expect(one.headers.get('Content-Disposition')).toBe(`attachment; filename="${WIDER}.ics"`);
    const [event] = eventsOf(one.body);
    expect(event!.summary).toBe('Engaging participants across the wider vocational education system');
    expect(one.body).not.toContain('meet.example'); // no joining link in a file anyone can download
  });

  it('serves a personal feed only at its secret address, privately, and 404 once regenerated', async () => {
    const token = getOrCreateCalendarToken(member.user.id);
    const otherToken = getOrCreateCalendarToken(projectManager.user.id);
    expect(otherToken).not.toBe(token);
    const mine = await call(personalFeed.loader, { path: `/calendar/${token}.ics`, params: { token } });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('Cache-Control')).toBe('private, no-store');
    const wider = eventsOf(mine.body).find((e) => e.summary === 'Engaging participants across the wider vocational education system');
    expect(wider?.description).toContain('https://meet.example/cop-wider-system'); // the member has a seat there, so the link is in

    const unknown = 'a'.repeat(32);
    expect((await call(personalFeed.loader, { path: `/calendar/${unknown}.ics`, params: { token: unknown } })).status).toBe(404);
    expect((await call(personalFeed.loader, { path: '/calendar/not-a-token.ics', params: { token: 'not-a-token' } })).status).toBe(404);

    const fresh = regenerateCalendarToken(member.user.id);
    expect((await call(personalFeed.loader, { path: `/calendar/${token}.ics`, params: { token } })).status).toBe(404);
    expect((await call(personalFeed.loader, { path: `/calendar/${fresh}.ics`, params: { token: fresh } })).status).toBe(200);
  });

  it('the settings page shows the member their own absolute feed address and regenerates it', async () => {
    const shown = await call(settingsCalendar.loader, { path: '/settings/calendar', cookie: member.cookie });
    const token = getOrCreateCalendarToken(member.user.id);
    expect(shown.data.feedUrl).toBe(`http://localhost:3000/calendar/${token}.ics`);

    const res = await call(settingsCalendar.action, { path: '/settings/calendar', form: { intent: 'regenerate' }, cookie: member.cookie });
    expect(res.status).toBe(302);
    expect(getOrCreateCalendarToken(member.user.id)).not.toBe(token);
    expect((await call(settingsCalendar.loader, { path: '/settings/calendar' })).status).toBe(302);
  });
});
