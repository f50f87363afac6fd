// The two discussion emails are pure functions: member text is escaped, links are absolute, the subject is one line,
// and the notification says how to stop it.
import { describe, expect, it } from 'vitest';
import { mentionEmail } from '../../emails/mention';
import { threadNotificationEmail } from '../../emails/thread-notification';

const APP = 'https://cop.example.nz';
const XSS = '<script>alert("x")</script>';
const UNWATCH = `${APP}/discussions/unwatch/12.34.abc_DEF-123`;

function notification(overrides: Partial<Parameters<typeof threadNotificationEmail>[0]> = {}) {
  return threadNotificationEmail({
    appUrl: APP,
    name: `Bill ${XSS}`,
    threadTitle: `Stacking\ninto the NZDE ${XSS}`,
    categoryName: 'Stacking and pathways',
    posts: [
      { authorName: `Jo ${XSS}`, when: 'Fri 10 Apr 2026, 9:30 am NZST', excerpt: `EduBits ${XSS}`, url: `${APP}/discussions/34/posts/2` },
      { authorName: 'Terry Shubkin', when: 'Fri 10 Apr 2026, 9:35 am NZST', excerpt: 'YES credits', url: `${APP}/discussions/34/posts/3` },
    ],
    moreCount: 0,
    newThread: false,
    firstUrl: `${APP}/discussions/34/posts/2`,
    unwatchUrl: UNWATCH,
    batchMinutes: 15,
    ...overrides,
  });
}

describe('thread notification email', () => {
  it('lists every new post with its author, time, excerpt and link, escaped', () => {
    const mail = notification();
    expect(mail.subject).toBe(`2 new posts in “Stacking into the NZDE ${XSS}”`);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
    for (const text of ['EduBits', 'YES credits', 'Terry Shubkin · Fri 10 Apr 2026, 9:35 am NZST', `${APP}/discussions/34/posts/3`]) {
      expect(mail.text.replace(/\s+/g, ' ')).toContain(text);
    }
    expect(mail.html).toContain(`href="${APP}/discussions/34/posts/2"`);
  });

  it('carries the link that stops emails about this thread, in the body and as the unsubscribe link', () => {
    const mail = notification();
    const text = mail.text.replace(/\s+/g, ' '); // the plain text is wrapped at 72 columns
    expect(text).toContain(`To stop emails about this thread (no sign-in needed), open: ${UNWATCH}`);
    expect(text).toContain(`Unsubscribe: ${UNWATCH}`);
    expect(mail.html).toContain(`href="${UNWATCH}"`);
    expect(text).toContain('at most one email per thread every 15 minutes');
  });

  it('words a single new thread and a long list differently', () => {
    expect(notification({ newThread: true, posts: [{ authorName: "Jo", when: "now", excerpt: "Hi", url: `${APP}/discussions/34/posts/1` }] }).subject).toBe(
      `New thread: Stacking into the NZDE ${XSS}`,
    );
    const many = notification({ moreCount: 5 });
    expect(many.subject).toContain('7 new posts');
    expect(many.text).toContain('…and 5 more.');
  });

  it('refuses a relative link', () => {
    expect(() => notification({ unwatchUrl: '/discussions/unwatch/x' })).toThrow(/absolute/);
  });
});

describe('mention email', () => {
  it('names the author and thread, quotes the post, links to it, all escaped', () => {
    const mail = mentionEmail({ appUrl: APP, name: 'Bill Sole', authorName: `Jo ${XSS}`, threadTitle: 'Credit values', excerpt: `@Bill Sole ${XSS}`, postUrl: `${APP}/discussions/3/posts/4` });
    expect(mail.subject).toBe(`Jo ${XSS} mentioned you in “Credit values”`);
    expect(mail.html).not.toContain('<script>');
    expect(mail.text.replace(/\s+/g, ' ')).toContain('Read the post: https://cop.example.nz/discussions/3/posts/4');
    expect(mail.text).toContain('> @Bill Sole');
  });
});
