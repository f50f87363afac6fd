import { describe, expect, it } from 'vitest';
import {
  type EmailMessage,
  type WorkshopEmailDetails,
  workshopChangedEmail,
  workshopPlaceText,
  workshopReminderEmail,
  workshopRsvpEmail,
} from '../../emails';
import { escapeHtml } from '../../app/utils/html';

const APP = 'https://cop.example.nz';
const XSS = '<script>alert("x")</script>';
const XSS_ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';
const PAGE = `${APP}/workshops/pilots?from=email&x=1`;
const JOIN = 'https://meet.example.com/j/123?pwd=s3cret&lang=en';
const ICS = `${APP}/workshops/pilots/calendar.ics`;

// Sat 11 Apr 2026, 9:30 am – 11:30 am NZST (daylight saving ended on 5 April).
const winter: WorkshopEmailDetails = {
  title: `Pilots & results ${XSS}`,
  url: PAGE,
  startsAt: Date.UTC(2026, 3, 10, 21, 30),
  endsAt: Date.UTC(2026, 3, 10, 23, 30),
  venue: `Te Aro campus ${XSS}`,
  mode: 'hybrid',
  onlineUrl: JOIN,
};
const WINTER_TIME = 'Sat 11 Apr 2026, 9:30 am – 11:30 am NZST';

// Fri 6 Nov 2026, 9:30 am – 12:00 pm NZDT.
const summer: WorkshopEmailDetails = {
  ...winter,
  startsAt: Date.UTC(2026, 10, 5, 20, 30),
  endsAt: Date.UTC(2026, 10, 5, 23, 0),
};
const SUMMER_TIME = 'Fri 6 Nov 2026, 9:30 am – 12:00 pm NZDT';

const noJoin: WorkshopEmailDetails = { ...winter, onlineUrl: undefined };
const name = `Ana ${XSS}`;

// Paragraphs are word-wrapped in the text part; compare phrases with whitespace collapsed.
const flat = (s: string) => s.replace(/\s+/g, ' ');
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);

interface Case {
  name: string;
  build: () => EmailMessage;
  /** Links that must appear in both parts. */
  links: string[];
  joinShown: boolean;
  headline: RegExp;
  subject: RegExp;
}

const cases: Case[] = [
  {
    name: 'RSVP confirmed',
    build: () => workshopRsvpEmail({ appUrl: APP, name, workshop: winter, outcome: 'confirmed', calendarUrl: ICS }),
    links: [PAGE, JOIN, ICS],
    joinShown: true,
    headline: /You're going/,
    subject: /^You're going: Pilots & results /,
  },
  {
    name: 'RSVP waitlisted',
    // Even if a caller passed the joining link by mistake, a waitlisted member never sees it.
    build: () => workshopRsvpEmail({ appUrl: APP, name, workshop: winter, outcome: 'waitlisted', waitlistPosition: 3 }),
    links: [PAGE],
    joinShown: false,
    headline: /You're on the waitlist, position 3/,
    subject: /waitlist \(position 3\)/,
  },
  {
    name: 'RSVP promoted from the waitlist',
    build: () => workshopRsvpEmail({ appUrl: APP, name, workshop: summer, outcome: 'promoted' }),
    links: [PAGE, JOIN],
    joinShown: true,
    headline: /A seat has opened up: you're going/,
    subject: /^A seat has opened up: you're going to /,
  },
  {
    name: 'RSVP withdrawn',
    build: () => workshopRsvpEmail({ appUrl: APP, name, workshop: winter, outcome: 'withdrawn' }),
    links: [PAGE],
    joinShown: false,
    headline: /You've withdrawn/,
    subject: /^You've withdrawn from /,
  },
  {
    name: 'workshop updated, seat holder',
    build: () =>
      workshopChangedEmail({
        appUrl: APP,
        name,
        workshop: winter,
        change: 'updated',
        changes: [`Time: Fri 10 Apr 2026, 9:30 am NZST → ${WINTER_TIME}`, `Venue: ${XSS}`],
        seat: 'confirmed',
      }),
    links: [PAGE, JOIN],
    joinShown: true,
    headline: /Workshop details have changed/,
    subject: /^Changed: /,
  },
  {
    name: 'workshop updated, waitlisted',
    build: () => workshopChangedEmail({ appUrl: APP, name, workshop: winter, change: 'updated', seat: 'waitlisted' }),
    links: [PAGE],
    joinShown: false,
    headline: /Workshop details have changed/,
    subject: /^Changed: /,
  },
  {
    name: 'workshop cancelled',
    build: () => workshopChangedEmail({ appUrl: APP, name, workshop: winter, change: 'cancelled', seat: 'confirmed' }),
    links: [PAGE],
    joinShown: false,
    headline: /Workshop cancelled/,
    subject: /^Cancelled: /,
  },
  {
    name: 'reminder',
    build: () =>
      workshopReminderEmail({ appUrl: APP, name, workshop: noJoin, onlineUrl: JOIN, now: Date.UTC(2026, 3, 9, 21, 30) }),
    links: [PAGE, JOIN],
    joinShown: true,
    headline: /Reminder: your workshop is tomorrow/,
    subject: /^Tomorrow: Pilots & results /,
  },
];

describe('workshop emails', () => {
  for (const c of cases) {
    describe(c.name, () => {
      const msg = c.build();

      it('has a one-line subject and both an html and a text part', () => {
        expect(msg.subject).toMatch(c.subject);
        expect(msg.subject).not.toMatch(/[\r\n]/);
        expect(msg.html).toMatch(/^<!doctype html>\s*<html lang="en-NZ"/);
        expect(msg.html.replaceAll('&#39;', "'")).toMatch(c.headline);
        expect(msg.text).toMatch(c.headline);
        expect(msg.html).toContain("You&#39;re receiving this email because you RSVPed to this workshop");
        expect(msg.text).toContain("You're receiving this email because you RSVPed to this workshop");
        // No markup of ours in the text part (the user's literal <script> is expected there).
        expect(msg.text.replaceAll(XSS, '')).not.toMatch(/<\/?[a-z][^>]*>/i);
      });

      it('escapes a hostile title, venue and name in html and keeps them plain in text', () => {
        expect(msg.html).not.toContain('<script');
        expect(msg.html).toContain(`Pilots &amp; results ${XSS_ESCAPED}`);
        expect(msg.html).toContain(`Te Aro campus ${XSS_ESCAPED}`);
        expect(msg.html).toContain(`Kia ora Ana ${XSS_ESCAPED},`);
        expect(msg.text).toContain(`Pilots & results ${XSS}`);
        expect(msg.text).not.toContain('&lt;');
      });

      it('uses only absolute links, present in both parts', () => {
        const found = hrefs(msg.html);
        for (const h of found) expect(h).toMatch(/^https?:\/\//);
        for (const link of [...c.links, APP]) {
          expect(found).toContain(escapeHtml(link));
          expect(msg.text).toContain(link);
        }
      });

      it(`${c.joinShown ? 'shows' : 'never shows'} the joining link`, () => {
        expect(msg.html.includes(escapeHtml(JOIN))).toBe(c.joinShown);
        expect(msg.text.includes(JOIN)).toBe(c.joinShown);
        expect(msg.text.includes('Join online')).toBe(c.joinShown);
      });

      it('shows the time in New Zealand time', () => {
        const time = msg.html.includes('NZDT') ? SUMMER_TIME : WINTER_TIME;
        expect(msg.text).toContain(`When (New Zealand time): ${time}`);
        expect(msg.html).toContain(time);
      });
    });
  }

  it('shows NZST in winter and NZDT in summer', () => {
    const w = workshopRsvpEmail({ appUrl: APP, name: 'Ana', workshop: winter, outcome: 'confirmed' });
    const s = workshopRsvpEmail({ appUrl: APP, name: 'Ana', workshop: summer, outcome: 'confirmed' });
    expect(w.text).toContain(WINTER_TIME);
    expect(w.text).not.toContain('NZDT');
    expect(s.text).toContain(SUMMER_TIME);
    expect(s.text).not.toContain('NZST');
  });

  it('leaves the joining link out of a confirmation when none is given', () => {
    const msg = workshopRsvpEmail({ appUrl: APP, name: 'Ana', workshop: noJoin, outcome: 'confirmed' });
    expect(msg.text).not.toContain('Join online');
    expect(msg.text).not.toContain(JOIN);
    expect(msg.html).not.toContain('meet.example.com');
  });

  it('shows a joining link that is not an absolute URL as text, never as a link', () => {
    const msg = workshopRsvpEmail({
      appUrl: APP,
      name: 'Ana',
      workshop: { ...winter, onlineUrl: 'javascript:alert(1)' },
      outcome: 'confirmed',
    });
    expect(hrefs(msg.html).some((h) => h.startsWith('javascript'))).toBe(false);
    expect(msg.text).toContain('Joining details: javascript:alert(1)');
  });

  it('tells seat holders an invitation is attached, and the waitlisted that they will hear if a seat frees', () => {
    for (const outcome of ['confirmed', 'promoted'] as const) {
      const msg = workshopRsvpEmail({ appUrl: APP, name: 'Ana', workshop: winter, outcome });
      expect(flat(msg.text)).toContain('attached a calendar invitation');
    }
    const waitlisted = workshopRsvpEmail({ appUrl: APP, name: 'Ana', workshop: winter, outcome: 'waitlisted', waitlistPosition: 2 });
    expect(flat(waitlisted.text)).toContain("We'll email you if a seat frees up");
    expect(flat(waitlisted.text)).not.toContain('attached');
    expect(waitlisted.subject).toBe(`You're on the waitlist (position 2): Pilots & results ${XSS}`);
    const withdrawn = workshopRsvpEmail({ appUrl: APP, name: 'Ana', workshop: winter, outcome: 'withdrawn' });
    expect(flat(withdrawn.text)).toContain('your place has been released');
    expect(flat(withdrawn.text)).not.toContain('attached');
  });

  it('offers the calendar file only when its URL is given', () => {
    const withIcs = workshopRsvpEmail({ appUrl: APP, name: 'Ana', workshop: winter, outcome: 'confirmed', calendarUrl: ICS });
    const without = workshopRsvpEmail({ appUrl: APP, name: 'Ana', workshop: winter, outcome: 'confirmed' });
    expect(flat(withIcs.text)).toContain(`Download the calendar file: ${ICS}`);
    expect(flat(without.text)).not.toContain('calendar.ics');
  });

  it('lists what changed, and tells each recipient what it means for them', () => {
    const changes = ['Time: Fri 10 Apr 2026, 9:30 am NZST → Sat 11 Apr 2026, 9:30 am NZST', 'Venue: Room 1 → Room 2'];
    const seat = workshopChangedEmail({ appUrl: APP, name: 'Ana', workshop: winter, change: 'updated', changes, seat: 'confirmed' });
    for (const line of changes) {
      expect(flat(seat.text)).toContain(`- ${line}`);
      expect(seat.html).toContain(escapeHtml(line));
    }
    expect(flat(seat.text)).toContain('You still have a seat');
    expect(flat(seat.text)).toContain('updates the event in your calendar');

    const waiting = workshopChangedEmail({ appUrl: APP, name: 'Ana', workshop: winter, change: 'updated', changes, seat: 'waitlisted' });
    expect(flat(waiting.text)).toContain("You're still on the waitlist");
    expect(flat(waiting.text)).toContain('on its waitlist');

    const cancelled = workshopChangedEmail({ appUrl: APP, name: 'Ana', workshop: winter, change: 'cancelled', seat: 'confirmed' });
    expect(flat(cancelled.text)).toContain('has been cancelled');
    expect(flat(cancelled.text)).toContain('removes the workshop from your calendar');
    const cancelledWaiting = workshopChangedEmail({ appUrl: APP, name: 'Ana', workshop: winter, change: 'cancelled', seat: 'waitlisted' });
    expect(flat(cancelledWaiting.text)).toContain("nothing you need to do");
    expect(flat(cancelledWaiting.text)).not.toContain('removes the workshop');
  });

  it('says "today" or "tomorrow" by the New Zealand calendar in reminders', () => {
    // 9:30 am NZST Saturday; 24 hours before is 9:30 am Friday in NZ (still Friday 21:30 UTC on Thursday).
    const tomorrow = workshopReminderEmail({ appUrl: APP, name: 'Ana', workshop: noJoin, now: Date.UTC(2026, 3, 9, 21, 30) });
    expect(tomorrow.subject).toBe(`Tomorrow: Pilots & results ${XSS}`);
    const today = workshopReminderEmail({ appUrl: APP, name: 'Ana', workshop: noJoin, now: Date.UTC(2026, 3, 10, 19, 0) });
    expect(today.subject).toBe(`Today: Pilots & results ${XSS}`);
    const later = workshopReminderEmail({ appUrl: APP, name: 'Ana', workshop: noJoin, now: Date.UTC(2026, 3, 7, 0, 0) });
    expect(later.subject).toBe(`Reminder: Pilots & results ${XSS}`);
    expect(later.text).toContain(WINTER_TIME);
    // The reminder's own joining link wins; without one the workshop's is used; with neither there is none.
    expect(tomorrow.text).not.toContain('Join online');
    const fromWorkshop = workshopReminderEmail({ appUrl: APP, name: 'Ana', workshop: winter, now: Date.UTC(2026, 3, 9, 21, 30) });
    expect(fromWorkshop.text).toContain(`Join online: ${JOIN}`);
  });

  it('describes the place for each mode', () => {
    expect(workshopPlaceText({ mode: 'in_person', venue: 'Ara, Christchurch' })).toBe('Ara, Christchurch');
    expect(workshopPlaceText({ mode: 'in_person', venue: '' })).toBe('Venue to be confirmed');
    expect(workshopPlaceText({ mode: 'online', venue: 'ignored' })).toBe('Online');
    expect(workshopPlaceText({ mode: 'hybrid', venue: 'Ara\nChristchurch' })).toBe('Ara Christchurch, or online');
  });

  it('wraps text lines at 72 characters unless a line holds a URL', () => {
    for (const c of cases) {
      for (const line of c.build().text.split('\n')) {
        if (!line.includes('http')) expect(line.length, `${c.name}: ${line}`).toBeLessThanOrEqual(72);
      }
    }
  });
});
