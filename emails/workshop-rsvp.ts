import { formatDateRange } from '../app/utils/time';
import { type EmailBlock, type EmailMessage, greeting, oneLine, renderEmail, signOff } from './layout';

export type WorkshopEmailMode = 'in_person' | 'online' | 'hybrid';

/** What every workshop email shows about the workshop. Callers pass it in; emails never query. */
export interface WorkshopEmailDetails {
  title: string;
  /** Absolute URL of the workshop page. */
  url: string;
  startsAt: Date | number;
  endsAt: Date | number;
  /** '' or null when there is no physical venue. */
  venue?: string | null;
  mode: WorkshopEmailMode;
  /** Joining link. Pass it only for people with a seat; it is never shown to anyone else. */
  onlineUrl?: string | null;
}

export const WORKSHOP_EMAIL_REASON = "You're receiving this email because you RSVPed to this workshop.";

/** "Te Pūkenga, Wellington (in person) or online" and the like. */
export function workshopPlaceText(w: Pick<WorkshopEmailDetails, 'venue' | 'mode'>): string {
  const venue = oneLine(w.venue ?? '');
  switch (w.mode) {
    case 'online':
      return 'Online';
    case 'hybrid':
      return venue ? `${venue}, or online` : 'In person (venue to be confirmed), or online';
    case 'in_person':
    default:
      return venue || 'Venue to be confirmed';
  }
}

/** Title, NZ time and place as a list. */
export function workshopDetailsBlock(w: WorkshopEmailDetails): EmailBlock {
  return {
    kind: 'list',
    items: [
      `Workshop: ${oneLine(w.title)}`,
      `When (New Zealand time): ${formatDateRange(w.startsAt, w.endsAt)}`,
      `Where: ${workshopPlaceText(w)}`,
    ],
  };
}

const ABSOLUTE_URL = /^https?:\/\/\S+$/i;

/**
 * The joining link as a button. A link that isn't an absolute http(s) URL (a coordinator typed
 * "zoom.us/j/123") is shown as plain text rather than linked, so a bad value never breaks sending
 * and never becomes a javascript: link.
 */
export function joiningLinkBlocks(onlineUrl: string | null | undefined): EmailBlock[] {
  const link = onlineUrl?.trim();
  if (!link) return [];
  if (ABSOLUTE_URL.test(link)) return [{ kind: 'button', label: 'Join online', url: link }];
  return [{ kind: 'paragraph', text: `Joining details: ${oneLine(link)}` }];
}

export type WorkshopRsvpOutcome = 'confirmed' | 'waitlisted' | 'promoted' | 'withdrawn';

export interface WorkshopRsvpEmailInput {
  appUrl: string;
  name: string;
  workshop: WorkshopEmailDetails;
  outcome: WorkshopRsvpOutcome;
  /** 1-based place on the waitlist (outcome 'waitlisted'). */
  waitlistPosition?: number;
  /** Absolute URL of the workshop's .ics file, offered as a fallback to the attachment. */
  calendarUrl?: string;
}

/**
 * RSVP outcome email. For 'confirmed' and 'promoted' the caller attaches the calendar invitation
 * (METHOD:REQUEST); 'waitlisted' and 'withdrawn' go without one.
 */
export function workshopRsvpEmail(input: WorkshopRsvpEmailInput): EmailMessage {
  const { appUrl, name, workshop, outcome, calendarUrl } = input;
  const title = oneLine(workshop.title);
  const details = workshopDetailsBlock(workshop);
  const pageButton: EmailBlock = { kind: 'button', label: 'View the workshop', url: workshop.url };
  const position =
    input.waitlistPosition !== undefined && Number.isFinite(input.waitlistPosition) && input.waitlistPosition > 0
      ? Math.floor(input.waitlistPosition)
      : undefined;

  // Seat holders only: invitation note, joining link, calendar fallback.
  const seatBlocks = (): EmailBlock[] => [
    ...joiningLinkBlocks(workshop.onlineUrl),
    {
      kind: 'paragraph',
      text: "We've attached a calendar invitation: open it to add the workshop to your calendar. If we change the time or place, we'll send you an update.",
    },
    ...(calendarUrl ? [{ kind: 'button', label: 'Download the calendar file', url: calendarUrl } as EmailBlock] : []),
  ];

  let heading: string;
  let subject: string;
  let preheader: string;
  let body: EmailBlock[];
  switch (outcome) {
    case 'confirmed':
      heading = "You're going";
      subject = `You're going: ${title}`;
      preheader = `Your seat at ${title} is confirmed.`;
      body = [
        { kind: 'paragraph', text: `Your seat at ${title} is confirmed. See you there!` },
        details,
        ...seatBlocks(),
        pageButton,
        { kind: 'paragraph', text: "Can't make it after all? Please withdraw on the workshop page so someone on the waitlist can have your seat." },
      ];
      break;
    case 'promoted':
      heading = "A seat has opened up: you're going";
      subject = `A seat has opened up: you're going to ${title}`;
      preheader = `You've moved off the waitlist for ${title}.`;
      body = [
        { kind: 'paragraph', text: `Good news: a seat has opened up at ${title}, and it's yours. You're no longer on the waitlist.` },
        details,
        ...seatBlocks(),
        pageButton,
        { kind: 'paragraph', text: "Can't make it now? Please withdraw on the workshop page so the next person on the waitlist can have the seat." },
      ];
      break;
    case 'waitlisted':
      heading = position ? `You're on the waitlist, position ${position}` : "You're on the waitlist";
      subject = position ? `You're on the waitlist (position ${position}): ${title}` : `You're on the waitlist: ${title}`;
      preheader = `${title} is full for now. We'll email you if a seat frees.`;
      body = [
        {
          kind: 'paragraph',
          text: `${title} is full at the moment, so we've put you on the waitlist${position ? ` at position ${position}` : ''}. Places go in the order people joined the waitlist.`,
        },
        details,
        {
          kind: 'paragraph',
          text: "We'll email you if a seat frees up, with the calendar invitation and joining details. Until then you don't have a seat, so please don't plan to attend yet.",
        },
        pageButton,
      ];
      break;
    case 'withdrawn':
      heading = "You've withdrawn";
      subject = `You've withdrawn from ${title}`;
      preheader = `Your place at ${title} has been released.`;
      body = [
        { kind: 'paragraph', text: `You've withdrawn from ${title}, and your place has been released for someone else.` },
        details,
        { kind: 'paragraph', text: 'Changed your mind? You can RSVP again on the workshop page while RSVPs are open.' },
        pageButton,
      ];
      break;
    default:
      throw new Error(`Unknown RSVP outcome: ${String(outcome satisfies never)}`);
  }

  const { html, text } = renderEmail({
    appUrl,
    title: heading,
    preheader,
    blocks: [greeting(name), ...body, signOff],
    footer: { reason: WORKSHOP_EMAIL_REASON },
  });
  return { subject: oneLine(subject), html, text };
}
