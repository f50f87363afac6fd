import { describe, expect, it } from 'vitest';
import {
  formatSince,
  TIME_ZONE,
  formatDate,
  formatDateRange,
  formatDateTime,
  formatTime,
  getTimeZoneOffsetMinutes,
  parseDateInput,
  parseDateTimeLocal,
  relativeTimeFrom,
  timeZoneAbbreviation,
  toDateInputValue,
  toDateTimeLocalValue,
} from '../../app/utils/time';

// Facts for 2026 (NZ Daylight Time Order 2007):
//  - NZDT ends Sun 5 Apr 2026 at 03:00 NZDT → 02:00 NZST  = 2026-04-04T14:00:00Z
//  - NZDT starts Sun 27 Sep 2026 at 02:00 NZST → 03:00 NZDT = 2026-09-26T14:00:00Z
const AUTUMN_CHANGE = Date.parse('2026-04-04T14:00:00Z');
const SPRING_CHANGE = Date.parse('2026-09-26T14:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const utc = (iso: string) => new Date(iso);

function parseOk(value: string): Date {
  const r = parseDateTimeLocal(value);
  if (!r.ok) throw new Error(`expected ${value} to parse, got: ${r.error}`);
  return r.date;
}

describe('TIME_ZONE', () => {
  it('is Pacific/Auckland', () => {
    expect(TIME_ZONE).toBe('Pacific/Auckland');
  });
});

describe('formatting', () => {
  it('formats a winter (NZST) date-time', () => {
    // 10 April 2026 is a Friday.
    expect(formatDateTime(utc('2026-04-09T21:30:00Z'))).toBe('Fri 10 Apr 2026, 9:30 am NZST');
  });

  it('formats a summer (NZDT) date-time', () => {
    expect(formatDateTime(utc('2026-01-14T20:30:00Z'))).toBe('Thu 15 Jan 2026, 9:30 am NZDT');
  });

  it('says since when with the day, the time and "NZ time"', () => {
    expect(formatSince(utc('2026-12-06T20:30:00Z'))).toBe('7 December 2026, 9:30 am NZ time');
  });

  it('accepts epoch milliseconds as well as Date', () => {
    const ms = Date.parse('2026-04-09T21:30:00Z');
    expect(formatDateTime(ms)).toBe(formatDateTime(new Date(ms)));
  });

  it('handles midnight and noon in 12-hour form', () => {
    expect(formatTime(utc('2026-06-30T12:00:00Z'))).toBe('12:00 am'); // 1 Jul 00:00 NZST
    expect(formatTime(utc('2026-07-01T00:00:00Z'))).toBe('12:00 pm');
    expect(formatTime(utc('2026-07-01T00:05:00Z'))).toBe('12:05 pm');
    expect(formatTime(utc('2026-07-01T11:59:00Z'))).toBe('11:59 pm');
  });

  it('formatDate uses the Auckland calendar day and the long month name', () => {
    expect(formatDate(utc('2026-04-09T21:30:00Z'))).toBe('10 April 2026');
    // 11:30 UTC on 31 Dec is already New Year's Day in Auckland (NZDT, +13).
    expect(formatDate(utc('2026-12-31T11:30:00Z'))).toBe('1 January 2027');
  });

  it('formatTime', () => {
    expect(formatTime(utc('2026-04-09T21:30:00Z'))).toBe('9:30 am');
    expect(formatTime(utc('2026-04-10T04:05:00Z'))).toBe('4:05 pm');
  });

  it('shows NZDT before and NZST after the April change', () => {
    expect(formatDateTime(AUTUMN_CHANGE - MIN)).toBe('Sun 5 Apr 2026, 2:59 am NZDT');
    expect(formatDateTime(AUTUMN_CHANGE)).toBe('Sun 5 Apr 2026, 2:00 am NZST');
    // The same wall time happens twice.
    expect(formatDateTime(AUTUMN_CHANGE - 30 * MIN)).toBe('Sun 5 Apr 2026, 2:30 am NZDT');
    expect(formatDateTime(AUTUMN_CHANGE + 30 * MIN)).toBe('Sun 5 Apr 2026, 2:30 am NZST');
    expect(getTimeZoneOffsetMinutes(AUTUMN_CHANGE - 1)).toBe(780);
    expect(getTimeZoneOffsetMinutes(AUTUMN_CHANGE)).toBe(720);
  });

  it('shows NZST before and NZDT after the September change', () => {
    expect(formatDateTime(SPRING_CHANGE - MIN)).toBe('Sun 27 Sept 2026, 1:59 am NZST'.replace('Sept', septShort()));
    expect(formatDateTime(SPRING_CHANGE)).toBe('Sun 27 Sept 2026, 3:00 am NZDT'.replace('Sept', septShort()));
    expect(timeZoneAbbreviation(SPRING_CHANGE - 1)).toBe('NZST');
    expect(timeZoneAbbreviation(SPRING_CHANGE)).toBe('NZDT');
  });

  it('throws RangeError for an invalid date', () => {
    expect(() => formatDateTime(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('does not depend on the process time zone', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      expect(formatDateTime(utc('2026-04-09T21:30:00Z'))).toBe('Fri 10 Apr 2026, 9:30 am NZST');
      expect(parseOk('2026-04-10T09:30').toISOString()).toBe('2026-04-09T21:30:00.000Z');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

/** en-NZ's short September is "Sept" in current ICU data and "Sep" in older. */
function septShort(): string {
  return new Intl.DateTimeFormat('en-NZ', { month: 'short', timeZone: 'UTC' }).format(Date.UTC(2026, 8, 15));
}

describe('formatDateRange', () => {
  it('same Auckland day: one date, zone once at the end', () => {
    expect(formatDateRange(utc('2026-04-09T21:30:00Z'), utc('2026-04-10T00:30:00Z'))).toBe(
      'Fri 10 Apr 2026, 9:30 am – 12:30 pm NZST',
    );
  });

  it('same Auckland day even when the UTC dates differ', () => {
    // 9:00 am – 1:00 pm NZDT is 20:00Z on the 14th to 00:00Z on the 15th.
    expect(formatDateRange(utc('2026-01-14T20:00:00Z'), utc('2026-01-15T00:00:00Z'))).toBe(
      'Thu 15 Jan 2026, 9:00 am – 1:00 pm NZDT',
    );
  });

  it('different days: both in full', () => {
    expect(formatDateRange(utc('2026-04-09T21:30:00Z'), utc('2026-04-11T01:00:00Z'))).toBe(
      'Fri 10 Apr 2026, 9:30 am NZST – Sat 11 Apr 2026, 1:00 pm NZST',
    );
  });

  it('a range across the DST change on the same day labels both ends', () => {
    expect(formatDateRange(AUTUMN_CHANGE - 90 * MIN, AUTUMN_CHANGE + 2 * HOUR)).toBe(
      'Sun 5 Apr 2026, 1:30 am NZDT – 4:00 am NZST',
    );
  });
});

describe('input values', () => {
  it('toDateTimeLocalValue gives Auckland wall time', () => {
    expect(toDateTimeLocalValue(utc('2026-04-09T21:30:00Z'))).toBe('2026-04-10T09:30');
    expect(toDateTimeLocalValue(utc('2026-04-09T12:00:00Z'))).toBe('2026-04-10T00:00');
    expect(toDateTimeLocalValue(utc('2026-01-14T20:30:45.123Z'))).toBe('2026-01-15T09:30');
  });

  it('toDateInputValue gives the Auckland calendar date', () => {
    expect(toDateInputValue(utc('2026-04-09T21:30:00Z'))).toBe('2026-04-10');
    expect(toDateInputValue(utc('2026-12-31T11:30:00Z'))).toBe('2027-01-01');
    expect(toDateInputValue(utc('2026-12-31T10:59:00Z'))).toBe('2026-12-31');
  });
});

describe('parseDateTimeLocal', () => {
  it('parses NZST and NZDT wall times', () => {
    expect(parseOk('2026-04-10T09:30').toISOString()).toBe('2026-04-09T21:30:00.000Z');
    expect(parseOk('2026-01-15T09:30').toISOString()).toBe('2026-01-14T20:30:00.000Z');
    expect(parseOk('2026-07-01T00:00').toISOString()).toBe('2026-06-30T12:00:00.000Z');
  });

  it('accepts optional seconds (inputs with a step) and surrounding whitespace', () => {
    expect(parseOk('2026-04-10T09:30:15').toISOString()).toBe('2026-04-09T21:30:15.000Z');
    expect(parseOk('2026-04-10T09:30:15.500').toISOString()).toBe('2026-04-09T21:30:15.000Z');
    expect(parseOk(' 2026-04-10T09:30 ').toISOString()).toBe('2026-04-09T21:30:00.000Z');
  });

  describe('autumn change (Sun 5 Apr 2026, 03:00 NZDT → 02:00 NZST)', () => {
    it('times before the repeated hour are NZDT', () => {
      expect(parseOk('2026-04-05T01:59').toISOString()).toBe('2026-04-04T12:59:00.000Z');
    });

    it('the repeated hour resolves to the first (daylight) occurrence', () => {
      expect(parseOk('2026-04-05T02:00').toISOString()).toBe('2026-04-04T13:00:00.000Z');
      const d = parseOk('2026-04-05T02:30');
      expect(d.toISOString()).toBe('2026-04-04T13:30:00.000Z');
      expect(formatDateTime(d)).toBe('Sun 5 Apr 2026, 2:30 am NZDT');
      expect(parseOk('2026-04-05T02:59').toISOString()).toBe('2026-04-04T13:59:00.000Z');
    });

    it('is deterministic', () => {
      const a = parseOk('2026-04-05T02:30').getTime();
      for (let i = 0; i < 5; i++) expect(parseOk('2026-04-05T02:30').getTime()).toBe(a);
    });

    it('times after the repeated hour are NZST', () => {
      expect(parseOk('2026-04-05T03:00').toISOString()).toBe('2026-04-04T15:00:00.000Z');
      expect(formatDateTime(parseOk('2026-04-05T03:00'))).toBe('Sun 5 Apr 2026, 3:00 am NZST');
    });
  });

  describe('spring change (Sun 27 Sep 2026, 02:00 NZST → 03:00 NZDT)', () => {
    it('the last minute before the gap is NZST', () => {
      expect(parseOk('2026-09-27T01:59').toISOString()).toBe('2026-09-26T13:59:00.000Z');
    });

    it.each(['2026-09-27T02:00', '2026-09-27T02:30', '2026-09-27T02:59'])(
      'rejects %s, which does not exist',
      (value) => {
        const r = parseDateTimeLocal(value);
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.error).toMatch(/does not exist in New Zealand/);
          expect(r.error).toMatch(/clocks go forward/);
        }
      },
    );

    it('03:00 is the first NZDT minute', () => {
      const d = parseOk('2026-09-27T03:00');
      expect(d.getTime()).toBe(SPRING_CHANGE);
      expect(timeZoneAbbreviation(d)).toBe('NZDT');
    });
  });

  it.each([
    '',
    'garbage',
    '2026-04-10',
    '10/04/2026 09:30',
    '2026-4-10T9:30',
    '2026-13-01T10:00',
    '2026-00-10T10:00',
    '2026-04-31T10:00',
    '2026-02-29T10:00',
    '2026-04-10T24:00',
    '2026-04-10T10:60',
    '2026-04-10T09:30Z',
    '2026-04-10T09:30+12:00',
  ])('rejects malformed input %j with a message', (value) => {
    const r = parseDateTimeLocal(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeGreaterThan(10);
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseOk('2028-02-29T12:00').toISOString()).toBe('2028-02-28T23:00:00.000Z');
  });

  it('round-trips every 15 minutes around both 2026 changes (instant → value → instant)', () => {
    for (const centre of [AUTUMN_CHANGE, SPRING_CHANGE]) {
      for (let t = centre - 2 * DAY; t <= centre + 2 * DAY; t += 15 * MIN) {
        const value = toDateTimeLocalValue(t);
        const back = parseOk(value).getTime();
        const inSecondOccurrence = t >= AUTUMN_CHANGE && t < AUTUMN_CHANGE + HOUR;
        // The repeated hour's second (NZST) occurrence maps back to the first.
        expect(back).toBe(inSecondOccurrence ? t - HOUR : t);
      }
    }
  });

  it('round-trips every valid wall time around both changes (value → instant → value)', () => {
    for (const day of ['2026-04-04', '2026-04-05', '2026-04-06', '2026-09-26', '2026-09-27', '2026-09-28']) {
      for (let h = 0; h < 24; h++) {
        for (let m = 0; m < 60; m += 10) {
          const value = `${day}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
          const r = parseDateTimeLocal(value);
          const inGap = day === '2026-09-27' && h === 2;
          expect(r.ok).toBe(!inGap);
          if (r.ok) expect(toDateTimeLocalValue(r.date)).toBe(value);
        }
      }
    }
  });
});

describe('parseDateInput', () => {
  it('returns Auckland midnight at the start of the day', () => {
    const r = parseDateInput('2026-04-10');
    expect(r.ok && r.date.toISOString()).toBe('2026-04-09T12:00:00.000Z');
    const s = parseDateInput('2026-01-15');
    expect(s.ok && s.date.toISOString()).toBe('2026-01-14T11:00:00.000Z');
  });

  it('handles the DST change days (midnight is before the change)', () => {
    const a = parseDateInput('2026-04-05');
    expect(a.ok && a.date.toISOString()).toBe('2026-04-04T11:00:00.000Z'); // 00:00 NZDT
    const b = parseDateInput('2026-09-27');
    expect(b.ok && b.date.toISOString()).toBe('2026-09-26T12:00:00.000Z'); // 00:00 NZST
  });

  it('round-trips with toDateInputValue', () => {
    for (const v of ['2026-01-01', '2026-04-05', '2026-09-27', '2026-12-31', '2028-02-29']) {
      const r = parseDateInput(v);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(toDateInputValue(r.date)).toBe(v);
        expect(toDateTimeLocalValue(r.date)).toBe(`${v}T00:00`);
      }
    }
  });

  it.each(['', '2026-04-10T00:00', '2026-02-29', '2026-13-01', '10/04/2026', '2026-4-1'])(
    'rejects %j',
    (value) => {
      const r = parseDateInput(value);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.length).toBeGreaterThan(10);
    },
  );
});

describe('relativeTimeFrom', () => {
  const now = utc('2026-04-10T00:00:00Z');
  const at = (ms: number) => new Date(now.getTime() + ms);

  it.each<[number, string]>([
    [-3 * DAY, '3 days ago'],
    [2 * HOUR, 'in 2 hours'],
    [-5 * MIN, '5 minutes ago'],
    [10 * 1000, 'now'],
    [-1 * HOUR, '1 hour ago'],
    [-1 * DAY, '1 day ago'],
    [-14 * DAY, '2 weeks ago'],
    [-60 * DAY, '2 months ago'],
    [400 * DAY, 'in 1 year'],
  ])('%d ms → %s', (offset, expected) => {
    expect(relativeTimeFrom(at(offset), now)).toBe(expected);
  });

  it('defaults now to the current time', () => {
    expect(relativeTimeFrom(Date.now() - 3 * DAY)).toBe('3 days ago');
  });
});

describe('offset lookup (cached per UTC day)', () => {
  // Independent oracle: Intl's own offset name, e.g. "GMT+13:00".
  const oracle = new Intl.DateTimeFormat('en-US', { timeZone: 'Pacific/Auckland', timeZoneName: 'longOffset' });
  const oracleMinutes = (ms: number): number => {
    const name = oracle.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? '';
    const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
    if (!m) throw new Error(`unexpected offset name ${name}`);
    return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  };

  it('matches Intl for every hour of 2026, in order and out of order', () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    const hours = Array.from({ length: 365 * 24 }, (_, i) => start + i * HOUR + 59 * MIN + 59_999);
    for (const t of hours) expect(getTimeZoneOffsetMinutes(t)).toBe(oracleMinutes(t));
    for (const t of [...hours].reverse()) expect(getTimeZoneOffsetMinutes(t)).toBe(oracleMinutes(t));
  });

  it('matches Intl for instants spread over 1975-2045 (including every DST change, to the millisecond)', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const from = Date.parse('1975-01-01T00:00:00Z');
    const to = Date.parse('2045-01-01T00:00:00Z');
    for (let i = 0; i < 5000; i++) {
      const t = Math.floor(from + random() * (to - from));
      expect(getTimeZoneOffsetMinutes(t)).toBe(oracleMinutes(t));
    }
    // Exact change instants: find days whose offset changes, then the hour
    // within the day (NZ changes on the hour), and check ±1 ms around it.
    let changes = 0;
    let prev = oracleMinutes(from);
    for (let day = from; day < to; day += DAY) {
      const next = oracleMinutes(day + DAY);
      if (next === prev) continue;
      prev = next;
      for (let t = day; t < day + DAY; t += HOUR) {
        if (oracleMinutes(t) !== oracleMinutes(t + HOUR)) {
          changes++;
          for (const probe of [t + HOUR - 1, t + HOUR, t + HOUR + 1]) {
            expect(getTimeZoneOffsetMinutes(probe)).toBe(oracleMinutes(probe));
          }
        }
      }
    }
    expect(changes).toBeGreaterThan(100); // two a year since 1975
  });
});

describe('performance', () => {
  it('formats many dates quickly (module-level formatters)', () => {
    const start = performance.now();
    const base = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 20_000; i++) formatDateTime(base + i * 37 * MIN);
    // Typically well under 200 ms; generous bound to avoid flakiness.
    expect(performance.now() - start).toBeLessThan(3000);
  });
});
