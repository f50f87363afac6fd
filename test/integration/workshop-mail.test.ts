// Workshop mail as a member's mail program receives it: sent through the outbox to a real SMTP server, parsed
// with mailparser, and every calendar invitation read back with ical.js.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentTo, startSmtpCapture, type CapturedMail, type SmtpCapture } from '../support/smtp';

// env() is read once, on first use, so SMTP_URL must be set before any app module loads: they are imported below.
let smtp: SmtpCapture;
let mail: typeof import('~/utils/mail.server');
let rsvps: typeof import('~/models/rsvps.server');
let workshops: typeof import('~/models/workshops.server');
let dbModule: typeof import('../../db/client.server');
let schema: typeof import('../../db/schema');
let time: typeof import('~/utils/time');

type Person = import('~/utils/auth.server').SessionUser;
type WorkshopInput = import('~/models/workshops.server').WorkshopInput;

const JOIN = 'https://meet.example/pilots-hybrid';
const TITLE = 'Engineering micro-credential pilots: approaches and early results';

let coordinator: Person;
let ana: Person; // takes the only seat, later withdraws
let ben: Person; // waitlisted, then promoted
let workshopId: number;
let slug: string;
let base: WorkshopInput;

function personIn(organisationId: number, organisationName: string, name: string, email: string, role: Person['role'] = 'member'): Person {
  const id = dbModule.db.insert(schema.users).values({ email, name, organisationId, role }).returning({ id: schema.users.id }).get().id;
  return { id, email, name, role, organisationId, organisationName, organisationSlug: '' };
}

/** Sends everything queued, then waits for the message to `to` whose subject starts with `subject`. */
async function deliveredTo(to: string, subject: string): Promise<CapturedMail> {
  await mail.processOutbox();
  return smtp.waitFor((m) => sentTo(to)(m) && (m.subject ?? '').startsWith(subject));
}

function calendarParts(message: CapturedMail) {
  return message.attachments.filter((a) => a.contentType === 'text/calendar');
}

/** The single calendar attachment: its Content-Type method and the parsed VCALENDAR. */
function invitationIn(message: CapturedMail) {
  const parts = calendarParts(message);
  expect(parts, `calendar attachments in "${message.subject}"`).toHaveLength(1);
  const part = parts[0]!;
  const contentType = part.headers.get('content-type') as { value: string; params: Record<string, string> };
  const calendar = new ICAL.Component(ICAL.parse(part.content.toString('utf8')));
  const vevents = calendar.getAllSubcomponents('vevent');
  expect(vevents).toHaveLength(1);
  const vevent = vevents[0]!;
  const event = new ICAL.Event(vevent);
  return {
    contentTypeMethod: contentType.params.method,
    method: calendar.getFirstPropertyValue('method'),
    uid: event.uid,
    sequence: event.sequence,
    start: event.startDate,
    end: event.endDate,
    status: vevent.getFirstPropertyValue('status'),
    url: vevent.getFirstPropertyValue('url'),
    description: event.description,
    location: event.location,
    attendee: vevent.getFirstPropertyValue('attendee'),
  };
}

beforeAll(async () => {
  smtp = await startSmtpCapture();
  process.env.SMTP_URL = smtp.url;
  process.env.MAIL_FROM = 'Micro-credentials CoP <noreply@cop.test>';
  mail = await import('~/utils/mail.server');
  rsvps = await import('~/models/rsvps.server');
  workshops = await import('~/models/workshops.server');
  dbModule = await import('../../db/client.server');
  schema = await import('../../db/schema');
  time = await import('~/utils/time');
  const { createOrganisation } = await import('~/models/organisations.server');

  const org = (name: string) => {
    const created = createOrganisation(null, { name, kind: 'ito', description: '', website: '' });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    return created.id;
  };
  const bcito = org('BCITO');
  const mito = org('MITO');
  coordinator = personIn(bcito, 'BCITO', 'Coordinator', 'coordinator@cop.test', 'coordinator');
  ana = personIn(bcito, 'BCITO', 'Ana Ngata', 'ana@example.nz');
  ben = personIn(mito, 'MITO', 'Ben Walker', 'ben@example.nz');

  const nz = (local: string) => {
    const parsed = time.parseDateTimeLocal(local);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.date.getTime();
  };
  base = {
    title: TITLE,
    summary: 'Five TEC-funded pilots report on what worked.',
    agendaMd: '- Pilots\n- Next steps',
    startsAt: nz('2031-10-14T09:30'), // NZDT
    endsAt: nz('2031-10-14T15:00'),
    mode: 'hybrid',
    venue: 'Wellington Institute of Technology',
    onlineUrl: JOIN,
    capacity: 1,
    orgSeatCap: null,
    rsvpDeadline: null,
    audience: 'all',
    organisationIds: [],
  };
  ({ id: workshopId, slug } = workshops.createWorkshop(coordinator, base, { publish: true }));
});

afterAll(async () => {
  await smtp?.close();
});

describe('workshop mail through SMTP', () => {
  it('sends a confirmation with text and HTML parts and a REQUEST invitation that holds the workshop and the joining link', async () => {
    expect(mail.usesFileTransport()).toBe(false);
    expect(rsvps.rsvp(ana, workshopId, { response: 'going', attendanceMode: 'in_person', needs: '' })).toMatchObject({ status: 'confirmed' });
    const message = await deliveredTo(ana.email, "You're going");

    expect(message.subject).toBe(`You're going: ${TITLE}`);
    expect(message.from?.value[0]).toMatchObject({ address: 'noreply@cop.test' });
    expect(message.text).toContain(`http://localhost:3000/workshops/${slug}`);
    expect(message.text).toContain(JOIN);
    expect(message.html).toContain(`href="http://localhost:3000/workshops/${slug}"`);
    expect(message.html).toContain(JOIN);
    expect(message.text).toContain(time.formatDateRange(base.startsAt, base.endsAt)); // NZ time in the body

    const invite = invitationIn(message);
    expect(invite.contentTypeMethod).toBe('REQUEST');
    expect(invite.method).toBe('REQUEST');
    expect(invite.uid).toBe(`workshop-${workshopId}@localhost`);
    expect(invite.sequence).toBe(0);
    expect(invite.start.isDate).toBe(false);
    expect(invite.start.zone?.tzid).toBe('UTC');
    expect(invite.start.toJSDate().getTime()).toBe(base.startsAt);
    expect(invite.start.toString()).toBe('2031-10-13T20:30:00Z'); // 9:30 am NZDT
    expect(invite.end.toJSDate().getTime()).toBe(base.endsAt);
    expect(invite.status).toBe('CONFIRMED');
    expect(invite.url).toBe(`http://localhost:3000/workshops/${slug}`);
    expect(invite.description).toContain(JOIN);
    expect(invite.location).toContain(JOIN);
    expect(invite.attendee).toBe('mailto:ana@example.nz');
  });

  it("sends a waitlisted member their position, with no invitation and no joining link", async () => {
    expect(rsvps.rsvp(ben, workshopId, { response: 'going', attendanceMode: 'online', needs: '' })).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    const message = await deliveredTo(ben.email, "You're on the waitlist");

    expect(message.subject).toBe(`You're on the waitlist (position 1): ${TITLE}`);
    expect(message.text).toContain('position 1');
    expect(message.text).toContain(`http://localhost:3000/workshops/${slug}`);
    expect(calendarParts(message)).toEqual([]);
    expect(message.raw).not.toMatch(/text\/calendar/i);
    expect(message.text).not.toContain(JOIN);
    expect(message.html).not.toContain(JOIN);
    expect(message.raw).not.toContain('meet.example');
  });

  it('sends the invitation with the joining link when a withdrawal promotes the waitlisted member', async () => {
    expect(rsvps.withdrawRsvp(ana, workshopId)).toMatchObject({ ok: true });
    const promoted = await deliveredTo(ben.email, 'A seat has opened up');

    expect(promoted.text).toContain(JOIN);
    const invite = invitationIn(promoted);
    expect(invite).toMatchObject({ contentTypeMethod: 'REQUEST', method: 'REQUEST', uid: `workshop-${workshopId}@localhost`, sequence: 0, status: 'CONFIRMED' });
    expect(invite.start.toJSDate().getTime()).toBe(base.startsAt);
    expect(invite.description).toContain(JOIN);
    expect(invite.attendee).toBe('mailto:ben@example.nz');

    // The member who withdrew gets their invitation cancelled, same UID.
    const withdrawn = await deliveredTo(ana.email, "You've withdrawn");
    expect(invitationIn(withdrawn)).toMatchObject({ contentTypeMethod: 'CANCEL', method: 'CANCEL', uid: `workshop-${workshopId}@localhost`, status: 'CANCELLED' });
    expect(withdrawn.text).not.toContain(JOIN);
  });

  it('sends an updated invitation with SEQUENCE raised and the same UID when the time changes', async () => {
    const startsAt = base.startsAt + 7 * 24 * 3_600_000;
    const endsAt = base.endsAt + 7 * 24 * 3_600_000;
    expect(workshops.updateWorkshop(coordinator, workshopId, { ...base, startsAt, endsAt })).toMatchObject({ ok: true });
    const changed = await deliveredTo(ben.email, 'Changed:');

    expect(changed.subject).toBe(`Changed: ${TITLE}`);
    expect(changed.text).toContain(JOIN);
    const invite = invitationIn(changed);
    expect(invite).toMatchObject({ contentTypeMethod: 'REQUEST', method: 'REQUEST', uid: `workshop-${workshopId}@localhost`, sequence: 1, status: 'CONFIRMED' });
    expect(invite.start.toJSDate().getTime()).toBe(startsAt);
    expect(invite.end.toJSDate().getTime()).toBe(endsAt);
    expect(invite.url).toBe(`http://localhost:3000/workshops/${slug}`);
  });

  it('sends METHOD:CANCEL with STATUS:CANCELLED and a higher SEQUENCE when the workshop is cancelled', async () => {
    expect(workshops.cancelWorkshop(coordinator, workshopId)).toMatchObject({ ok: true });
    const cancelled = await deliveredTo(ben.email, 'Cancelled:');

    expect(cancelled.subject).toBe(`Cancelled: ${TITLE}`);
    const invite = invitationIn(cancelled);
    expect(invite).toMatchObject({ contentTypeMethod: 'CANCEL', method: 'CANCEL', uid: `workshop-${workshopId}@localhost`, sequence: 2, status: 'CANCELLED' });
    expect(invite.start.toJSDate().getTime()).toBe(base.startsAt + 7 * 24 * 3_600_000);
  });

  it('delivered every queued workshop message exactly once', async () => {
    await mail.processOutbox();
    const rows = dbModule.db.select().from(schema.outbox).all();
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(smtp.messages).toHaveLength(rows.length);
    expect(smtp.messages.map((m) => m.subject).sort()).toEqual(rows.map((r) => r.subject).sort());
  });
});
