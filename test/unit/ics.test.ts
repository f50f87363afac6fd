import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import {
  type IcsEvent,
  ICS_PRODID,
  buildCalendar,
  calendarAttachment,
  foldLine,
  googleCalendarUrl,
  outlookCalendarUrl,
} from '../../app/utils/ics';

// Sat 11 Apr 2026, 9:30 am – 11:30 am NZST
const START = Date.UTC(2026, 3, 10, 21, 30);
const END = Date.UTC(2026, 3, 10, 23, 30);
const NOW = Date.UTC(2026, 2, 1, 0, 0, 7);

const baseEvent: IcsEvent = {
  uid: 'workshop-12@cop.example.nz',
  sequence: 3,
  start: START,
  end: END,
  summary: 'Engineering micro-credential pilots: early results',
  description: 'Agenda: welcome, pilot reports, next steps.',
  location: 'Wellington',
  url: 'https://cop.example.nz/workshops/pilots',
  status: 'CONFIRMED',
  organizer: { name: 'CoP coordinator', email: 'coordinator@cop.example.nz' },
  attendee: { name: 'Ana Ngata', email: 'ana@example.nz', partstat: 'ACCEPTED' },
  lastModified: Date.UTC(2026, 1, 20, 3, 4, 5),
};

function parse(ics: string) {
  const cal = new ICAL.Component(ICAL.parse(ics));
  const vevents = cal.getAllSubcomponents('vevent');
  return { cal, vevents, vevent: vevents[0]! };
}

/** Physical lines, split at CRLF on the byte level, each decoded strictly as UTF-8 on its own. */
function physicalLines(ics: string): { text: string; octets: number }[] {
  const bytes = new TextEncoder().encode(ics);
  const lines: { text: string; octets: number }[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let startAt = 0;
  for (let i = 0; i < bytes.length - 1; i++) {
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) {
      const chunk = bytes.subarray(startAt, i);
      lines.push({ text: decoder.decode(chunk), octets: chunk.length });
      startAt = i + 2;
      i++;
    }
  }
  expect(startAt).toBe(bytes.length); // ends with CRLF, nothing after it
  return lines;
}

describe('buildCalendar', () => {
  it('round-trips uid, sequence, times, summary, status and method through a real iCalendar parser', () => {
    const ics = buildCalendar([baseEvent], { method: 'REQUEST', name: 'Workshops', now: NOW });
    const { cal, vevents, vevent } = parse(ics);

    expect(cal.name).toBe('vcalendar');
    expect(cal.getFirstPropertyValue('prodid')).toBe(ICS_PRODID);
    expect(cal.getFirstPropertyValue('version')).toBe('2.0');
    expect(cal.getFirstPropertyValue('calscale')).toBe('GREGORIAN');
    expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Workshops');
    expect(vevents).toHaveLength(1);

    const event = new ICAL.Event(vevent);
    expect(event.uid).toBe(baseEvent.uid);
    expect(event.sequence).toBe(3);
    expect(event.summary).toBe(baseEvent.summary);
    expect(event.location).toBe('Wellington');
    expect(event.startDate.toJSDate().getTime()).toBe(START);
    expect(event.endDate.toJSDate().getTime()).toBe(END);
    expect(event.startDate.zone?.tzid).toBe('UTC');
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(vevent.getFirstPropertyValue('url')).toBe(baseEvent.url);
    expect((vevent.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().getTime()).toBe(NOW);
    expect((vevent.getFirstPropertyValue('last-modified') as ICAL.Time).toJSDate().getTime()).toBe(
      Date.UTC(2026, 1, 20, 3, 4, 5),
    );
  });

  it('writes times in UTC in the basic format and ends every line with CRLF', () => {
    const ics = buildCalendar([baseEvent], { now: NOW });
    expect(ics).toContain('\r\nDTSTART:20260410T213000Z\r\n');
    expect(ics).toContain('\r\nDTEND:20260410T233000Z\r\n');
    expect(ics).toContain('\r\nDTSTAMP:20260301T000007Z\r\n');
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    // No METHOD or calendar name unless asked for.
    expect(ics).not.toContain('METHOD:');
    expect(ics).not.toContain('X-WR-CALNAME');
  });

  it('includes the link back to the page in the description', () => {
    const event = new ICAL.Event(parse(buildCalendar([baseEvent], {})).vevent);
    expect(event.description).toBe(`${baseEvent.description}\n\n${baseEvent.url}`);
    const urlOnly = new ICAL.Event(parse(buildCalendar([{ ...baseEvent, description: undefined }], {})).vevent);
    expect(urlOnly.description).toBe(baseEvent.url);
  });

  it('writes organiser and attendee with names, participation status and mailto addresses', () => {
    const { vevent } = parse(buildCalendar([baseEvent], { method: 'REQUEST' }));
    const organizer = vevent.getFirstProperty('organizer')!;
    expect(organizer.getFirstValue()).toBe('mailto:coordinator@cop.example.nz');
    expect(organizer.getParameter('cn')).toBe('CoP coordinator');
    const attendees = vevent.getAllProperties('attendee');
    expect(attendees).toHaveLength(1);
    expect(attendees[0]!.getFirstValue()).toBe('mailto:ana@example.nz');
    expect(attendees[0]!.getParameter('cn')).toBe('Ana Ngata');
    expect(attendees[0]!.getParameter('partstat')).toBe('ACCEPTED');
    expect(attendees[0]!.getParameter('rsvp')).toBe('FALSE');
  });

  it('escapes backslashes, semicolons, commas and newlines so text comes back unchanged', () => {
    const nasty = 'Stack; share, \\ learn\nLine two\r\nLine three\rLine four';
    const ics = buildCalendar(
      [{ ...baseEvent, summary: nasty, description: nasty, location: 'Room 1, Level 2; Te Aro', url: undefined }],
      { name: 'A, B; C' },
    );
    expect(ics).toContain('SUMMARY:Stack\\; share\\, \\\\ learn\\nLine two\\nLine three\\nLine four\r\n');
    const { cal, vevent } = parse(ics);
    const event = new ICAL.Event(vevent);
    const normalised = 'Stack; share, \\ learn\nLine two\nLine three\nLine four';
    expect(event.summary).toBe(normalised);
    expect(event.description).toBe(normalised);
    expect(event.location).toBe('Room 1, Level 2; Te Aro');
    // X-WR-CALNAME is TEXT by default (RFC 5545 §3.8.8.2): clients unescape it, ical.js leaves x-props raw.
    expect(ics).toContain('\r\nX-WR-CALNAME:A\\, B\\; C\r\n');
    expect(cal.getAllProperties('x-wr-calname')).toHaveLength(1);
  });

  it('never lets user text start a new property line', () => {
    const inject = 'Hi\r\nATTENDEE:mailto:evil@example.com\r\nSTATUS:CANCELLED';
    const ics = buildCalendar(
      [
        {
          ...baseEvent,
          uid: `uid\r\nDTSTART:19990101T000000Z`,
          summary: inject,
          description: inject,
          location: inject,
          url: `https://cop.example.nz/x\r\nATTENDEE:mailto:evil@example.com`,
          organizer: { name: 'Coord"\r\nATTENDEE:mailto:evil@example.com', email: 'c@example.nz\r\nX-EVIL:1' },
          attendee: { name: 'Ana";PARTSTAT=DECLINED\nX', email: 'ana@example.nz' },
        },
      ],
      { method: 'REQUEST', name: `Feed\r\nMETHOD:CANCEL` },
    );
    const unfolded = ics.replace(/\r\n /g, '').split('\r\n');
    expect(unfolded.filter((l) => l.startsWith('ATTENDEE'))).toHaveLength(1);
    expect(unfolded.filter((l) => l.startsWith('STATUS'))).toEqual(['STATUS:CONFIRMED']);
    expect(unfolded.filter((l) => l.startsWith('METHOD'))).toEqual(['METHOD:REQUEST']);
    expect(unfolded.filter((l) => l.startsWith('DTSTART'))).toEqual(['DTSTART:20260410T213000Z']);
    expect(unfolded.some((l) => l.startsWith('X-EVIL'))).toBe(false);

    const { vevent } = parse(ics);
    const attendees = vevent.getAllProperties('attendee');
    expect(attendees).toHaveLength(1);
    expect(attendees[0]!.getParameter('partstat')).toBe('NEEDS-ACTION');
    expect(new ICAL.Event(vevent).summary).toBe('Hi\nATTENDEE:mailto:evil@example.com\nSTATUS:CANCELLED');
  });

  it('folds a 500-character emoji-rich description at 75 octets without splitting a character', () => {
    const pieces = ['Kia ora ', '👩🏽‍🔧', ' engineering ', 'ā', '🎓', ', pilots; ', '日本', '\n', '🇳🇿', 'x'];
    const chars: string[] = [];
    for (let i = 0; chars.length < 500; i++) chars.push(...Array.from(pieces[i % pieces.length]!));
    const description = chars.slice(0, 500).join('');
    expect(Array.from(description)).toHaveLength(500);

    const ics = buildCalendar([{ ...baseEvent, description, url: undefined }], {});
    const lines = physicalLines(ics); // throws if any line is not valid UTF-8 by itself
    for (const line of lines) expect(line.octets).toBeLessThanOrEqual(75);
    const descLines = lines.slice(lines.findIndex((l) => l.text.startsWith('DESCRIPTION:')));
    expect(descLines[1]!.text.startsWith(' ')).toBe(true); // it really was folded
    expect(descLines.filter((l) => l.octets > 70).length).toBeGreaterThan(3); // and lines are used fully

    expect(new ICAL.Event(parse(ics).vevent).description).toBe(description);
  });

  it('folds a long ASCII line into 75-octet pieces that unfold to the original', () => {
    const line = `DESCRIPTION:${'abcdefghij'.repeat(40)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts[0]).toHaveLength(75);
    for (const p of parts.slice(1, -1)) expect(p).toHaveLength(75);
    for (const p of parts.slice(1)) expect(p.startsWith(' ')).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(foldLine('SHORT:line')).toBe('SHORT:line');
  });

  it('marks every event in a CANCEL calendar as cancelled', () => {
    const ics = buildCalendar(
      [baseEvent, { ...baseEvent, uid: 'workshop-13@cop.example.nz', status: undefined }],
      { method: 'CANCEL' },
    );
    const { cal, vevents } = parse(ics);
    expect(cal.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(vevents).toHaveLength(2);
    for (const v of vevents) expect(v.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('writes one event per workshop in a feed and none for an empty feed', () => {
    const feed = buildCalendar(
      [baseEvent, { ...baseEvent, uid: 'w-2@x', sequence: 0, status: undefined, attendee: undefined }],
      { method: 'PUBLISH', name: 'All workshops' },
    );
    const { vevents } = parse(feed);
    expect(vevents.map((v) => v.getFirstPropertyValue('uid'))).toEqual([baseEvent.uid, 'w-2@x']);
    expect(vevents[1]!.getFirstPropertyValue('status')).toBeNull();
    expect(vevents[1]!.getFirstPropertyValue('sequence')).toBe(0);

    const empty = parse(buildCalendar([], { name: 'Nothing yet' }));
    expect(empty.vevents).toHaveLength(0);
    expect(empty.cal.getFirstPropertyValue('x-wr-calname')).toBe('Nothing yet');
  });

  it('refuses invalid dates and an end before the start', () => {
    expect(() => buildCalendar([{ ...baseEvent, start: new Date('nope') }], {})).toThrow(RangeError);
    expect(() => buildCalendar([{ ...baseEvent, start: END, end: START }], {})).toThrow(RangeError);
  });

  it('makes an outbox attachment that carries the method', () => {
    const ics = buildCalendar([baseEvent], { method: 'REQUEST' });
    expect(calendarAttachment(ics, 'REQUEST')).toEqual({
      filename: 'invite.ics',
      content: ics,
      contentType: 'text/calendar; charset=utf-8',
      method: 'REQUEST',
    });
    expect(calendarAttachment(ics, 'CANCEL').filename).toBe('cancel.ics');
  });
});

describe('add-to-calendar links', () => {
  const link = {
    title: 'Pilots & results #3: 50% + more 🎓',
    start: START,
    end: END,
    details: 'Agenda?\nhttps://cop.example.nz/workshops/pilots?a=1&b=2',
    location: 'Te Aro, Wellington',
  };

  it('builds a Google Calendar template link with UTC dates and encoded text', () => {
    const href = googleCalendarUrl(link);
    expect(href.startsWith('https://calendar.google.com/calendar/render?action=TEMPLATE&')).toBe(true);
    expect(href).toContain('&dates=20260410T213000Z/20260410T233000Z');
    expect(href).not.toMatch(/\s/);
    const url = new URL(href);
    expect(url.searchParams.get('text')).toBe(link.title);
    expect(url.searchParams.get('details')).toBe(link.details);
    expect(url.searchParams.get('location')).toBe(link.location);
    expect([...url.searchParams.keys()]).toEqual(['action', 'text', 'dates', 'details', 'location']);
  });

  it('builds an Outlook compose link with ISO dates and encoded text', () => {
    const href = outlookCalendarUrl(link);
    expect(
      href.startsWith('https://outlook.live.com/calendar/0/deeplink/compose?path=/calendar/action/compose&rru=addevent&'),
    ).toBe(true);
    expect(href).not.toMatch(/\s/);
    const url = new URL(href);
    expect(url.searchParams.get('subject')).toBe(link.title);
    expect(url.searchParams.get('startdt')).toBe('2026-04-10T21:30:00Z');
    expect(url.searchParams.get('enddt')).toBe('2026-04-10T23:30:00Z');
    expect(url.searchParams.get('body')).toBe(link.details);
    expect(url.searchParams.get('location')).toBe(link.location);
  });

  it('leaves out details and location when not given', () => {
    const bare = { title: 'T', start: START, end: END };
    expect(new URL(googleCalendarUrl(bare)).searchParams.has('details')).toBe(false);
    expect(new URL(outlookCalendarUrl(bare)).searchParams.has('location')).toBe(false);
  });
});
