import { escapeHtml } from '../app/utils/html';
import { type EmailBlock, type EmailMessage, assertAbsoluteUrl, greeting, oneLine, renderEmail, signOff } from './layout';

export interface ThreadNotificationPost {
  authorName: string;
  /** Already formatted in New Zealand time, e.g. "Fri 10 Apr 2026, 9:30 am NZST". */
  when: string;
  /** Plain text, already shortened. */
  excerpt: string;
  /** Absolute permalink of the post. */
  url: string;
}

export interface ThreadNotificationEmailInput {
  appUrl: string;
  name: string;
  threadTitle: string;
  categoryName: string;
  /** The new posts, oldest first (the caller caps how many). */
  posts: ThreadNotificationPost[];
  /** New posts left out of the list. */
  moreCount: number;
  /** True when the first post listed started the thread (someone watching the category). */
  newThread: boolean;
  /** Absolute link to the first new post. */
  firstUrl: string;
  /** Absolute link that stops notifications for this thread without signing in. */
  unwatchUrl: string;
  batchMinutes: number;
}

/**
 * One email per watched thread per batch window, listing every post since the last one. Pure: the caller passes
 * everything in (no database), and every piece of member text is escaped by the layout.
 */
export function threadNotificationEmail(input: ThreadNotificationEmailInput): EmailMessage {
  const title = oneLine(input.threadTitle);
  const total = input.posts.length + input.moreCount;
  const heading = input.newThread && total === 1 ? 'New thread' : total === 1 ? 'New reply' : `${total} new posts`;
  const subject = input.newThread && total === 1 ? `New thread: ${title}` : total === 1 ? `New reply in “${title}”` : `${total} new posts in “${title}”`;

  const postBlocks: EmailBlock[] = input.posts.flatMap((p) => [
    { kind: 'quote', label: `${oneLine(p.authorName)} · ${p.when}`, text: p.excerpt || '(no text)' } as EmailBlock,
    {
      // Our own permalink, not member input; escaped all the same.
      kind: 'html',
      html: `<p style="margin:0 0 16px;font-family:Arial, 'Helvetica Neue', Helvetica, sans-serif;font-size:14px;line-height:1.5;"><a href="${escapeHtml(assertAbsoluteUrl(p.url, 'post link'))}" target="_blank" style="color:#1d4ed8;text-decoration:underline;">Read this post</a></p>`,
      text: `Read it: ${p.url}`,
    } as EmailBlock,
  ]);
  const { html, text } = renderEmail({
    appUrl: input.appUrl,
    title: heading,
    preheader: input.posts[0] ? `${oneLine(input.posts[0].authorName)}: ${input.posts[0].excerpt}`.slice(0, 140) : title,
    blocks: [
      greeting(input.name),
      {
        kind: 'paragraph',
        text: input.newThread && total === 1 ? `A new thread was started in ${oneLine(input.categoryName)}: ${title}` : `There ${total === 1 ? 'is a new post' : `are ${total} new posts`} in “${title}” (${oneLine(input.categoryName)}).`,
      },
      ...postBlocks,
      ...(input.moreCount > 0 ? [{ kind: 'paragraph', text: `…and ${input.moreCount} more.` } as EmailBlock] : []),
      { kind: 'button', label: 'Read and reply', url: input.firstUrl },
      {
        kind: 'paragraph',
        text: `To keep your inbox calm we send at most one email per thread every ${input.batchMinutes} minutes. To stop emails about this thread (no sign-in needed), open: ${input.unwatchUrl}`,
      },
      signOff,
    ],
    footer: {
      reason: 'You are receiving this email because you watch this thread (you started it, replied to it, or watch it or its category). The unsubscribe link stops emails about this thread only.',
      unsubscribeUrl: input.unwatchUrl,
    },
  });
  return { subject: oneLine(subject), html, text };
}
