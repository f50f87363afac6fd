/**
 * iCalendar (RFC 5545) writer and add-to-calendar links.
 *
 * Pure: no Node-only imports, so server code (mail attachments, feeds) and, if ever needed, the
 * browser can use it. Times are written in UTC ("20260410T213000Z"), which every client reads
 * correctly across New Zealand's daylight-saving changes without a VTIMEZONE block.
 *
 * Safety: every piece of user text goes through one of three encoders (TEXT, parameter value,
 * URI), each of which removes or escapes CR and LF, so user input can never start a new
 * property line (no "\r\nATTENDEE:..." injection).
 */

export type IcsStatus = 'CONFIRMED' | 'CANCELLED' | 'TENTATIVE';
export type IcsMethod = 'REQUEST' | 'CANCEL' | 'PUBLISH';
export type IcsPartstat = 'ACCEPTED' | 'NEEDS-ACTION' | 'DECLINED';

export type IcsEvent = {
  /** Stable across every version of the event, e.g. "workshop-12@cop.example.nz". */
  uid: string;
  /** Raised on every change attendees should see; clients ignore a lower or equal one. */
  sequence: number;
  start: Date | number;
  end: Date | number;
  summary: string;
  description?: string;
  location?: string;
  /** Link back to the event's page; also appended to DESCRIPTION, which more clients show. */
  url?: string;
  status?: IcsStatus;
  organizer?: { name: string; email: string };
  attendee?: { name: string; email: string; partstat?: IcsPartstat };
  lastModified?: Date | number;
};

export type BuildCalendarOptions = {
  /** iTIP method: REQUEST for invitations, CANCEL for cancellations, PUBLISH (or none) for feeds. */
  method?: IcsMethod;
  /** Calendar name shown by subscribing clients (X-WR-CALNAME). */
  name?: string;
  /** DTSTAMP instant; defaults to now. */
  now?: Date | number;
};

export const ICS_PRODID = '-//Micro-credentials CoP//Portal//EN';
export const ICS_CONTENT_TYPE = 'text/calendar; charset=utf-8';

const CRLF = '\r\n';
const MAX_LINE_OCTETS = 75;

// ---------------------------------------------------------------------------------------------
// Value encoders
// ---------------------------------------------------------------------------------------------

function toMillis(d: Date | number, what: string): number {
  const ms = typeof d === 'number' ? d : d instanceof Date ? d.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`Invalid date for ${what}`);
  return ms;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "20260410T213000Z" (UTC, whole seconds). */
export function formatIcsDateTime(d: Date | number): string {
  const t = new Date(toMillis(d, 'date-time'));
  return (
    `${pad(t.getUTCFullYear(), 4)}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}` +
    `T${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}Z`
  );
}

// Control characters other than HTAB are not allowed in iCalendar content (RFC 5545 §3.1).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** TEXT value (§3.3.11): escape \ ; , and turn every kind of line break into the two characters "\n". */
export function escapeIcsText(s: string): string {
  return String(s)
    .replace(/\r\n|\r|\n|\u2028|\u2029/g, '\n')
    .replace(CONTROL_CHARS, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

/**
 * Parameter value (§3.2), e.g. CN: always DQUOTE-quoted so ":", ";" and "," are safe. A quoted
 * value cannot hold DQUOTE or control characters and has no escape mechanism that every client
 * reads, so line breaks become spaces and double quotes become single quotes.
 */
function paramValue(s: string): string {
  const clean = String(s)
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .replace(CONTROL_CHARS, '')
    .replace(/"/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  return `"${clean}"`;
}

/** URI value (§3.3.13): not TEXT-escaped, so percent-encode anything that could break the line. */
function uriValue(s: string): string {
  // eslint-disable-next-line no-control-regex
  return String(s).trim().replace(/[\x00-\x20\x7f"\u2028\u2029]/g, (c) => encodeURIComponent(c));
}

function mailto(email: string): string {
  return `mailto:${uriValue(email)}`;
}

// ---------------------------------------------------------------------------------------------
// Line folding
// ---------------------------------------------------------------------------------------------

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/**
 * Folds one content line (§3.1): no line longer than 75 octets of UTF-8 excluding the CRLF;
 * continuation lines start with one space (which counts towards their 75). Splits only between
 * code points, so a multi-byte character (or surrogate pair) is never cut in half.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = utf8Length(ch.codePointAt(0)!);
    if (octets + size > MAX_LINE_OCTETS) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join(CRLF);
}

// ---------------------------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------------------------

function descriptionWithUrl(description: string | undefined, url: string | undefined): string | undefined {
  const d = description?.trim() ?? '';
  const u = url?.trim() ?? '';
  if (!u || d.includes(u)) return d || undefined;
  return d ? `${d}\n\n${u}` : u;
}

function eventLines(e: IcsEvent, method: IcsMethod | undefined, dtstamp: string): string[] {
  const start = toMillis(e.start, 'start');
  const end = toMillis(e.end, 'end');
  if (end < start) throw new RangeError('An event cannot end before it starts');
  const sequence = Number.isFinite(e.sequence) ? Math.max(0, Math.floor(e.sequence)) : 0;
  // A CANCEL message must say so in the event too, or some clients keep the event.
  const status = method === 'CANCEL' ? 'CANCELLED' : e.status;
  const description = descriptionWithUrl(e.description, e.url);

  const lines = [
    'BEGIN:VEVENT',
    `UID:${escapeIcsText(e.uid)}`,
    `SEQUENCE:${sequence}`,
    `DTSTAMP:${dtstamp}`,
    `DTSTART:${formatIcsDateTime(start)}`,
    `DTEND:${formatIcsDateTime(end)}`,
    `SUMMARY:${escapeIcsText(e.summary)}`,
  ];
  if (description) lines.push(`DESCRIPTION:${escapeIcsText(description)}`);
  if (e.location?.trim()) lines.push(`LOCATION:${escapeIcsText(e.location.trim())}`);
  if (e.url?.trim()) lines.push(`URL:${uriValue(e.url)}`);
  if (status) lines.push(`STATUS:${status}`);
  if (e.organizer) lines.push(`ORGANIZER;CN=${paramValue(e.organizer.name)}:${mailto(e.organizer.email)}`);
  if (e.attendee) {
    const partstat = e.attendee.partstat ?? 'NEEDS-ACTION';
    lines.push(`ATTENDEE;CN=${paramValue(e.attendee.name)};PARTSTAT=${partstat};RSVP=FALSE:${mailto(e.attendee.email)}`);
  }
  if (e.lastModified !== undefined) lines.push(`LAST-MODIFIED:${formatIcsDateTime(e.lastModified)}`);
  lines.push('END:VEVENT');
  return lines;
}

/** A complete VCALENDAR with CRLF line endings and folded lines, ready to attach or serve. */
export function buildCalendar(events: IcsEvent[], opts: BuildCalendarOptions = {}): string {
  const dtstamp = formatIcsDateTime(opts.now ?? Date.now());
  const lines = ['BEGIN:VCALENDAR', `PRODID:${ICS_PRODID}`, 'VERSION:2.0', 'CALSCALE:GREGORIAN'];
  if (opts.method) lines.push(`METHOD:${opts.method}`);
  if (opts.name?.trim()) lines.push(`X-WR-CALNAME:${escapeIcsText(opts.name.trim())}`);
  for (const e of events) lines.push(...eventLines(e, opts.method, dtstamp));
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}

/**
 * An attachment for the outbox (shape of `EmailAttachment` in mail.server.ts). The method goes on
 * the Content-Type as well as in the file, which is what makes Outlook and Gmail show the
 * invitation as an event rather than a file.
 */
export function calendarAttachment(
  calendar: string,
  method: IcsMethod,
  filename = method === 'CANCEL' ? 'cancel.ics' : 'invite.ics',
): { filename: string; content: string; contentType: string; method: IcsMethod } {
  return { filename, content: calendar, contentType: ICS_CONTENT_TYPE, method };
}

// ---------------------------------------------------------------------------------------------
// Add-to-calendar links
// ---------------------------------------------------------------------------------------------

export type CalendarLinkInput = {
  title: string;
  start: Date | number;
  end: Date | number;
  details?: string;
  location?: string;
};

function query(params: Array<[string, string | undefined]>, raw: Set<string> = new Set()): string {
  return params
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${raw.has(k) ? v : encodeURIComponent(v!)}`)
    .join('&');
}

/** Google Calendar "create event" link. */
export function googleCalendarUrl(e: CalendarLinkInput): string {
  // dates are made only of [0-9TZ/], so they are written as is (Google expects the literal "/").
  const dates = `${formatIcsDateTime(e.start)}/${formatIcsDateTime(e.end)}`;
  return `https://calendar.google.com/calendar/render?${query(
    [
      ['action', 'TEMPLATE'],
      ['text', e.title],
      ['dates', dates],
      ['details', e.details],
      ['location', e.location],
    ],
    new Set(['dates']),
  )}`;
}

/** "2026-04-10T21:30:00Z" */
function isoSeconds(d: Date | number): string {
  return new Date(toMillis(d, 'date-time')).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Outlook.com calendar "new event" link. */
export function outlookCalendarUrl(e: CalendarLinkInput): string {
  return `https://outlook.live.com/calendar/0/deeplink/compose?${query(
    [
      ['path', '/calendar/action/compose'],
      ['rru', 'addevent'],
      ['subject', e.title],
      ['startdt', isoSeconds(e.start)],
      ['enddt', isoSeconds(e.end)],
      ['body', e.details],
      ['location', e.location],
    ],
    new Set(['path']),
  )}`;
}
