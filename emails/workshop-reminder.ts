import { getZonedParts } from '../app/utils/time';
import { type EmailMessage, greeting, oneLine, renderEmail, signOff } from './layout';
import { type WorkshopEmailDetails, WORKSHOP_EMAIL_REASON, joiningLinkBlocks, workshopDetailsBlock } from './workshop-rsvp';

export interface WorkshopReminderEmailInput {
  appUrl: string;
  name: string;
  workshop: WorkshopEmailDetails;
  /** Joining link for this seat holder (falls back to workshop.onlineUrl). */
  onlineUrl?: string | null;
  /** When the reminder is written; decides "today" / "tomorrow". Defaults to now. */
  now?: Date | number;
}

const DAY_MS = 86_400_000;

/** Whole New Zealand calendar days from `now` to `start` (0 = today, 1 = tomorrow). */
function nzDaysUntil(start: Date | number, now: Date | number): number {
  const s = getZonedParts(start);
  const n = getZonedParts(now);
  return Math.round((Date.UTC(s.year, s.month - 1, s.day) - Date.UTC(n.year, n.month - 1, n.day)) / DAY_MS);
}

/** Reminder to everyone going, sent once, by default 24 hours before the start. */
export function workshopReminderEmail(input: WorkshopReminderEmailInput): EmailMessage {
  const { appUrl, name, workshop } = input;
  const title = oneLine(workshop.title);
  const days = nzDaysUntil(workshop.startsAt, input.now ?? Date.now());
  const when = days === 0 ? 'today' : days === 1 ? 'tomorrow' : null;
  const onlineUrl = input.onlineUrl ?? workshop.onlineUrl;

  const { html, text } = renderEmail({
    appUrl,
    title: when ? `Reminder: your workshop is ${when}` : 'Reminder: your workshop is coming up',
    preheader: `${title} starts ${when ?? 'soon'}.`,
    blocks: [
      greeting(name),
      { kind: 'paragraph', text: `A quick reminder that you're going to ${title}${when ? `, ${when}` : ''}.` },
      workshopDetailsBlock(workshop),
      ...joiningLinkBlocks(onlineUrl),
      { kind: 'button', label: 'View the workshop', url: workshop.url },
      {
        kind: 'paragraph',
        text: "Can't make it after all? Please withdraw on the workshop page so someone on the waitlist can have your seat.",
      },
      signOff,
    ],
    footer: { reason: WORKSHOP_EMAIL_REASON },
  });
  const prefix = when ? when[0]!.toUpperCase() + when.slice(1) : 'Reminder';
  return { subject: oneLine(`${prefix}: ${title}`), html, text };
}
