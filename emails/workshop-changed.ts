import { type EmailBlock, type EmailMessage, greeting, oneLine, renderEmail, signOff } from './layout';
import { type WorkshopEmailDetails, joiningLinkBlocks, workshopDetailsBlock } from './workshop-rsvp';

export interface WorkshopChangedEmailInput {
  appUrl: string;
  name: string;
  /** The workshop as it is now (after the change). */
  workshop: WorkshopEmailDetails;
  change: 'updated' | 'cancelled';
  /** What changed, already phrased for people, e.g. "Time: Fri 10 Apr, 9:30 am → Fri 17 Apr, 9:30 am NZST". */
  changes?: string[];
  /** The recipient's place: seat holders get an updated or cancelling invitation attached. */
  seat: 'confirmed' | 'waitlisted';
}

/**
 * Sent to everyone with a seat or on the waitlist when a scheduled workshop's time or place
 * changes, or when it is cancelled. For seat holders the caller attaches the calendar
 * (METHOD:REQUEST with a raised SEQUENCE, or METHOD:CANCEL).
 */
export function workshopChangedEmail(input: WorkshopChangedEmailInput): EmailMessage {
  const { appUrl, name, workshop, change, seat } = input;
  const title = oneLine(workshop.title);
  const changes = (input.changes ?? []).map(oneLine).filter(Boolean);
  const details = workshopDetailsBlock(workshop);
  const pageButton: EmailBlock = { kind: 'button', label: 'View the workshop', url: workshop.url };
  const changeList: EmailBlock[] = changes.length
    ? [{ kind: 'paragraph', text: 'What changed:' }, { kind: 'list', items: changes }]
    : [];

  let heading: string;
  let subject: string;
  let preheader: string;
  let body: EmailBlock[];
  if (change === 'cancelled') {
    heading = 'Workshop cancelled';
    subject = `Cancelled: ${title}`;
    preheader = `${title} will not go ahead.`;
    body = [
      { kind: 'paragraph', text: `We're sorry: ${title} has been cancelled and will not go ahead.` },
      ...changeList,
      details,
      {
        kind: 'paragraph',
        text:
          seat === 'confirmed'
            ? 'Your seat has been released. The attached cancellation removes the workshop from your calendar.'
            : "You were on the waitlist, so there's nothing you need to do.",
      },
      { kind: 'paragraph', text: "We'll let you know when the next workshop is planned." },
      pageButton,
    ];
  } else {
    heading = 'Workshop details have changed';
    subject = `Changed: ${title}`;
    preheader = changes.length ? changes.join('; ') : `The details of ${title} have changed.`;
    body = [
      { kind: 'paragraph', text: `The details of ${title} have changed.` },
      ...changeList,
      { kind: 'paragraph', text: 'The workshop as it now stands:' },
      details,
      ...(seat === 'confirmed'
        ? [
            ...joiningLinkBlocks(workshop.onlineUrl),
            {
              kind: 'paragraph',
              text: 'You still have a seat. The attached invitation updates the event in your calendar. If you can no longer come, please withdraw on the workshop page so someone on the waitlist can have your seat.',
            } as EmailBlock,
          ]
        : [
            {
              kind: 'paragraph',
              text: "You're still on the waitlist. We'll email you if a seat frees up.",
            } as EmailBlock,
          ]),
      pageButton,
    ];
  }

  const { html, text } = renderEmail({
    appUrl,
    title: heading,
    preheader,
    blocks: [greeting(name), ...body, signOff],
    footer: {
      reason:
        seat === 'confirmed'
          ? "You're receiving this email because you RSVPed to this workshop and have a seat."
          : "You're receiving this email because you RSVPed to this workshop and are on its waitlist.",
    },
  });
  return { subject: oneLine(subject), html, text };
}
