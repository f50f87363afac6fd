/**
 * Date/time helpers shared by server and client code.
 *
 * Policy: every instant is stored as UTC (a `Date` / epoch milliseconds) and
 * everything shown to people is in New Zealand time (Pacific/Auckland),
 * whatever time zone the server or the browser happens to run in.
 *
 * Only `Intl` is used (no date libraries, no Node-only imports). The
 * `Intl` formatters are expensive to construct, so they are created once at
 * module level, and the zone offset is cached per UTC day, so formatting a
 * date usually costs no `Intl` call at all.
 */

export const TIME_ZONE = 'Pacific/Auckland';
export const LOCALE = 'en-NZ';

export type DateInput = Date | number;

export type ParseResult = { ok: true; date: Date } | { ok: false; error: string };

/** Wall-clock fields of an instant in Pacific/Auckland. */
export interface ZonedParts {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  /** 0-23 */
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  /** Offset from UTC in minutes (720 for NZST, 780 for NZDT). */
  offsetMinutes: number;
}

// ---------------------------------------------------------------------------
// Module-level formatters and name tables (built once).
// ---------------------------------------------------------------------------

/**
 * Numeric parts formatter used to read the Auckland wall clock of an instant.
 * `hourCycle: 'h23'` avoids the "24:00" midnight quirk of `hour12: false`.
 * en-US is used only because its numeric output is plain ASCII digits; these
 * parts are never shown to anyone.
 */
const partsFormatter = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

function namesFrom(locale: string, options: Intl.DateTimeFormatOptions, count: number, dateFor: (i: number) => number): string[] {
  const fmt = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
  return Array.from({ length: count }, (_, i) => fmt.format(dateFor(i)));
}

/** Month names as they stand in a date ("10 Āpereira"), which in some languages differ from the month alone. */
function monthNamesFrom(locale: string, month: 'short' | 'long'): string[] {
  const fmt = new Intl.DateTimeFormat(locale, { day: 'numeric', month, timeZone: 'UTC' });
  return Array.from({ length: 12 }, (_, i) => fmt.formatToParts(Date.UTC(2023, i, 15)).find((p) => p.type === 'month')!.value);
}

/** Names and formatters of one display language, built the first time that language is used. */
interface LocaleTables {
  weekdayShort: string[];
  monthShort: string[];
  monthLong: string[];
  am: string;
  pm: string;
  relative: Intl.RelativeTimeFormat;
  relativeAuto: Intl.RelativeTimeFormat;
}

const localeTables = new Map<string, LocaleTables>();

function tablesFor(locale: string): LocaleTables {
  let tables = localeTables.get(locale);
  if (!tables) {
    const dayPeriod = (hour: number) =>
      new Intl.DateTimeFormat(locale, { hour: 'numeric', hour12: true, timeZone: 'UTC' })
        .formatToParts(Date.UTC(2023, 0, 1, hour))
        .find((part) => part.type === 'dayPeriod')?.value ?? (hour < 12 ? 'am' : 'pm');
    tables = {
      // 2023-01-01 was a Sunday, so 1 + i January 2023 has weekday index i.
      weekdayShort: namesFrom(locale, { weekday: 'short' }, 7, (i) => Date.UTC(2023, 0, 1 + i)),
      monthShort: monthNamesFrom(locale, 'short'),
      monthLong: monthNamesFrom(locale, 'long'),
      am: dayPeriod(9),
      pm: dayPeriod(15),
      relative: new Intl.RelativeTimeFormat(locale, { numeric: 'always' }),
      relativeAuto: new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }),
    };
    localeTables.set(locale, tables);
  }
  return tables;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

// ---------------------------------------------------------------------------
// Core conversions
// ---------------------------------------------------------------------------

/** Date.UTC without the "years 0-99 mean 1900-1999" quirk. */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  d.setUTCFullYear(year);
  return d.getTime();
}

function toMillis(d: DateInput): number {
  const ms = typeof d === 'number' ? d : d.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('Invalid date');
  return ms;
}

/** Offset (ms, whole seconds) of Auckland from UTC at an instant, straight from Intl. */
function offsetMsFromIntl(ms: number): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of partsFormatter.formatToParts(ms)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value) % 24;
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      default:
        break;
    }
  }
  // Intl drops sub-second precision, so compare against the whole second.
  return utc(year, month, day, hour, minute, second) - Math.floor(ms / 1000) * 1000;
}

/**
 * UTC day number → offset for that day. `formatToParts` costs ~10 µs; with
 * this cache a date on an already-seen day costs well under 1 µs. For the
 * two days a year containing a DST change, the exact change instant is found
 * once (binary search to the second) and cached too.
 */
type DayOffsets = number | { before: number; after: number; changeAt: number };
const offsetCache = new Map<number, DayOffsets>();
const OFFSET_CACHE_LIMIT = 4096;

function offsetsForDay(dayKey: number): DayOffsets {
  const dayStart = dayKey * DAY_MS;
  let lo = dayStart;
  let hi = dayStart + DAY_MS - 1000;
  const before = offsetMsFromIntl(lo);
  const after = offsetMsFromIntl(hi);
  // Offset changes are months apart, so equal ends mean none in between.
  if (before === after) return before;
  // Invariant: offset(lo) === before, offset(hi) === after; whole seconds.
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetMsFromIntl(mid) === before) lo = mid;
    else hi = mid;
  }
  return { before, after, changeAt: hi };
}

function offsetMsAt(ms: number): number {
  const dayKey = Math.floor(ms / DAY_MS);
  let entry = offsetCache.get(dayKey);
  if (entry === undefined) {
    entry = offsetsForDay(dayKey);
    if (offsetCache.size >= OFFSET_CACHE_LIMIT) offsetCache.clear();
    offsetCache.set(dayKey, entry);
  }
  if (typeof entry === 'number') return entry;
  return ms < entry.changeAt ? entry.before : entry.after;
}

/** Auckland wall-clock fields (and UTC offset) for an instant. */
export function getZonedParts(d: DateInput): ZonedParts {
  const ms = toMillis(d);
  const offsetMs = offsetMsAt(ms);
  const wall = new Date(ms + offsetMs);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    weekday: wall.getUTCDay(),
    offsetMinutes: Math.round(offsetMs / MINUTE_MS),
  };
}

/** Offset of Pacific/Auckland from UTC at the given instant, in minutes. */
export function getTimeZoneOffsetMinutes(d: DateInput): number {
  return getZonedParts(d).offsetMinutes;
}

function abbreviationForOffset(offsetMinutes: number): string {
  // Derived from the offset rather than Intl's `timeZoneName`, whose output
  // varies by locale data and ICU version (e.g. "GMT+12" vs "NZST").
  if (offsetMinutes === 720) return 'NZST';
  if (offsetMinutes === 780) return 'NZDT';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return `GMT${sign}${h}${m ? `:${pad2(m)}` : ''}`;
}

/** "NZST" or "NZDT" for the given instant. */
export function timeZoneAbbreviation(d: DateInput): string {
  return abbreviationForOffset(getZonedParts(d).offsetMinutes);
}

type WallResult =
  | { kind: 'ok'; ms: number; ambiguous: boolean }
  | { kind: 'gap'; gapMinutes: number; laterMs: number };

/**
 * Converts an Auckland wall-clock time to a UTC instant.
 *
 * Take the offsets in force a day either side of the wall time (DST changes
 * are months apart, so that brackets at most one transition), try each as a
 * candidate and keep those that round-trip. Zero candidates means the wall
 * time falls in the spring-forward gap; two means it is in the repeated
 * autumn hour, where the earlier instant (the daylight-time one) wins.
 */
function wallTimeToUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second = 0,
): WallResult {
  const wallAsUtc = utc(year, month, day, hour, minute, second);
  const before = getZonedParts(wallAsUtc - DAY_MS).offsetMinutes;
  const after = getZonedParts(wallAsUtc + DAY_MS).offsetMinutes;
  const candidates: number[] = [];
  for (const offset of before === after ? [before] : [before, after]) {
    const ms = wallAsUtc - offset * MINUTE_MS;
    if (getZonedParts(ms).offsetMinutes === offset) candidates.push(ms);
  }
  if (candidates.length === 0) {
    return {
      kind: 'gap',
      gapMinutes: Math.abs(after - before),
      // The same wall time read with the pre-transition offset lands just
      // after the gap (e.g. 02:30 NZST → 03:30 NZDT).
      laterMs: wallAsUtc - before * MINUTE_MS,
    };
  }
  candidates.sort((a, b) => a - b);
  return { kind: 'ok', ms: candidates[0]!, ambiguous: candidates.length > 1 };
}

// ---------------------------------------------------------------------------
// Display formatting
// ---------------------------------------------------------------------------

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  return String(n).padStart(4, '0');
}

function timeOf(p: ZonedParts, locale: string): string {
  const h12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  const t = tablesFor(locale);
  return `${h12}:${pad2(p.minute)} ${p.hour < 12 ? t.am : t.pm}`;
}

function shortDateOf(p: ZonedParts, locale: string): string {
  const t = tablesFor(locale);
  return `${t.weekdayShort[p.weekday]} ${p.day} ${t.monthShort[p.month - 1]} ${p.year}`;
}

function dateTimeOf(p: ZonedParts, locale: string): string {
  return `${shortDateOf(p, locale)}, ${timeOf(p, locale)} ${abbreviationForOffset(p.offsetMinutes)}`;
}

/** "Fri 10 Apr 2026, 9:30 am NZST" */
export function formatDateTime(d: DateInput, locale: string = LOCALE): string {
  return dateTimeOf(getZonedParts(d), locale);
}

/** "10 April 2026" */
export function formatDate(d: DateInput, locale: string = LOCALE): string {
  const p = getZonedParts(d);
  return `${p.day} ${tablesFor(locale).monthLong[p.month - 1]} ${p.year}`;
}

/**
 * "7 December 2026, 9:30 am NZ time": a moment a reader must tell apart from another on the same day (what a digest
 * covers: two can go out in one day).
 */
export function formatSince(d: DateInput): string {
  const p = getZonedParts(d);
  return `${p.day} ${tablesFor(LOCALE).monthLong[p.month - 1]} ${p.year}, ${timeOf(p, LOCALE)} NZ time`;
}

/** "9:30 am" */
export function formatTime(d: DateInput, locale: string = LOCALE): string {
  return timeOf(getZonedParts(d), locale);
}

/**
 * Same Auckland day: "Fri 10 Apr 2026, 9:30 am – 12:30 pm NZST"
 * (if DST changes during that day, both ends carry their own abbreviation).
 * Otherwise both ends in full, separated by " – ".
 */
export function formatDateRange(start: DateInput, end: DateInput, locale: string = LOCALE): string {
  const s = getZonedParts(start);
  const e = getZonedParts(end);
  const sameDay = s.year === e.year && s.month === e.month && s.day === e.day;
  if (!sameDay) return `${dateTimeOf(s, locale)} – ${dateTimeOf(e, locale)}`;
  const sAbbr = abbreviationForOffset(s.offsetMinutes);
  const eAbbr = abbreviationForOffset(e.offsetMinutes);
  if (sAbbr !== eAbbr) {
    return `${shortDateOf(s, locale)}, ${timeOf(s, locale)} ${sAbbr} – ${timeOf(e, locale)} ${eAbbr}`;
  }
  return `${shortDateOf(s, locale)}, ${timeOf(s, locale)} – ${timeOf(e, locale)} ${eAbbr}`;
}

/**
 * Relative phrase such as "3 days ago" or "in 2 hours" (positive = future).
 * Under 45 seconds either way reads "now".
 */
export function relativeTimeFrom(d: DateInput, now: DateInput = new Date(), locale: string = LOCALE): string {
  const { relative, relativeAuto } = tablesFor(locale);
  const diff = toMillis(d) - toMillis(now);
  const abs = Math.abs(diff);
  const sign = diff < 0 ? -1 : 1;
  const units: Array<[Intl.RelativeTimeFormatUnit, number, number]> = [
    // [unit, size in ms, use this unit while abs is below]
    ['minute', MINUTE_MS, 45 * MINUTE_MS],
    ['hour', HOUR_MS, 22 * HOUR_MS],
    ['day', DAY_MS, 7 * DAY_MS],
    ['week', 7 * DAY_MS, 4 * 7 * DAY_MS],
    ['month', 30.436875 * DAY_MS, 11 * 30.436875 * DAY_MS],
  ];
  if (abs < 45_000) return relativeAuto.format(0, 'second');
  // CLDR's te reo Māori patterns already say "i mua" (ago) yet ICU keeps the minus sign ("-2 rā i mua"): drop it.
  const phrase = (value: number, unit: Intl.RelativeTimeFormatUnit) => relative.format(value, unit).replace(/[-\u2212](?=\d)/, '');
  for (const [unit, size, limit] of units) {
    if (abs < limit) return phrase(sign * Math.max(1, Math.round(abs / size)), unit);
  }
  return phrase(sign * Math.max(1, Math.round(abs / (365.2425 * DAY_MS))), 'year');
}

// ---------------------------------------------------------------------------
// Form input values
// ---------------------------------------------------------------------------

/** "2026-04-10T09:30" (Auckland wall time) for `<input type="datetime-local">`. */
export function toDateTimeLocalValue(d: DateInput): string {
  const p = getZonedParts(d);
  return `${pad4(p.year)}-${pad2(p.month)}-${pad2(p.day)}T${pad2(p.hour)}:${pad2(p.minute)}`;
}

/** "2026-04-10" (Auckland calendar date) for `<input type="date">`. */
export function toDateInputValue(d: DateInput): string {
  const p = getZonedParts(d);
  return `${pad4(p.year)}-${pad2(p.month)}-${pad2(p.day)}`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Browsers send seconds (and fractions) when the input has a `step` < 60.
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/;

function isValidCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const probe = new Date(utc(year, month, day));
  return probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

function describeWall(year: number, month: number, day: number, hour: number, minute: number): string {
  const weekday = new Date(utc(year, month, day)).getUTCDay();
  const p: ZonedParts = { year, month, day, hour, minute, second: 0, weekday, offsetMinutes: 0 };
  return `${timeOf(p, LOCALE)} on ${shortDateOf(p, LOCALE)}`;
}

/**
 * Parses a `datetime-local` value ("YYYY-MM-DDTHH:mm", seconds optional) as
 * New Zealand wall time and returns the UTC instant.
 *
 * - Times in the spring-forward gap (e.g. 2026-09-27T02:30) do not exist and
 *   are rejected with an explanatory message.
 * - Times in the repeated autumn hour (e.g. 2026-04-05T02:30) resolve to the
 *   first occurrence, i.e. still on daylight time (NZDT).
 */
export function parseDateTimeLocal(value: string): ParseResult {
  const m = DATE_TIME_RE.exec(typeof value === 'string' ? value.trim() : '');
  if (!m) {
    return { ok: false, error: 'Enter a date and time in the format YYYY-MM-DDTHH:MM, e.g. 2026-04-10T09:30.' };
  }
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
  const second = m[6] ? Number(m[6]) : 0;
  if (!isValidCalendarDate(year, month, day)) {
    return { ok: false, error: `${m[1]}-${m[2]}-${m[3]} is not a valid calendar date.` };
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return { ok: false, error: `${m[4]}:${m[5]} is not a valid time of day.` };
  }
  const result = wallTimeToUtc(year, month, day, hour, minute, second);
  if (result.kind === 'gap') {
    const gap = result.gapMinutes === 60 ? 'an hour' : `${result.gapMinutes} minutes`;
    return {
      ok: false,
      error:
        `${describeWall(year, month, day, hour, minute)} does not exist in New Zealand because clocks go ` +
        `forward ${gap} for the start of daylight saving. Choose a time outside that gap ` +
        `(e.g. ${formatTime(result.laterMs)}).`,
    };
  }
  return { ok: true, date: new Date(result.ms) };
}

/**
 * Parses a `date` input value ("YYYY-MM-DD") as the start of that day in New
 * Zealand (Auckland midnight), returned as a UTC instant.
 */
export function parseDateInput(value: string): ParseResult {
  const m = DATE_RE.exec(typeof value === 'string' ? value.trim() : '');
  if (!m) return { ok: false, error: 'Enter a date in the format YYYY-MM-DD, e.g. 2026-04-10.' };
  const [year, month, day] = m.slice(1, 4).map(Number) as [number, number, number];
  if (!isValidCalendarDate(year, month, day)) {
    return { ok: false, error: `${m[1]}-${m[2]}-${m[3]} is not a valid calendar date.` };
  }
  const result = wallTimeToUtc(year, month, day, 0, 0);
  // NZ transitions happen at 02:00/03:00, so midnight always exists; should a
  // zone ever skip midnight, the day starts at the end of the gap.
  return { ok: true, date: new Date(result.kind === 'ok' ? result.ms : result.laterMs) };
}
