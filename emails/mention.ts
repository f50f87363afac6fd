import { type EmailMessage, greeting, oneLine, renderEmail, signOff } from './layout';

export interface MentionEmailInput {
  appUrl: string;
  /** The member who was mentioned. */
  name: string;
  authorName: string;
  threadTitle: string;
  /** Plain text, already shortened. */
  excerpt: string;
  /** Absolute permalink of the post. */
  postUrl: string;
}

/** Sent once per post to each member it mentions with "@Full Name". Pure: the caller passes everything in. */
export function mentionEmail(input: MentionEmailInput): EmailMessage {
  const author = oneLine(input.authorName);
  const title = oneLine(input.threadTitle);
  const { html, text } = renderEmail({
    appUrl: input.appUrl,
    title: 'You were mentioned',
    preheader: `${author} mentioned you in “${title}”.`,
    blocks: [
      greeting(input.name),
      { kind: 'paragraph', text: `${author} mentioned you in the discussion “${title}”:` },
      { kind: 'quote', text: input.excerpt || '(no text)' },
      { kind: 'button', label: 'Read the post', url: input.postUrl },
      signOff,
    ],
    footer: { reason: `You are receiving this email because ${author} mentioned you by name in a discussion.` },
  });
  return { subject: oneLine(`${author} mentioned you in “${title}”`), html, text };
}
