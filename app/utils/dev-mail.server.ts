// The captured-mail viewer at /dev/mail: only while mail goes to files (never when SMTP_URL is set), coordinators only.
import { requireCoordinator, type SessionUser } from './auth.server';
import { notFound } from './http.server';
import { usesFileTransport } from './mail.server';

/** 404 for everyone when real mail is sent (the pages do not exist); otherwise visitors sign in and others get 403. */
export function requireDevMailAccess(request: Request): SessionUser {
  if (!usesFileTransport()) notFound();
  return requireCoordinator(request);
}

/** The http(s) links in a plain-text email, in order, without repeats, so a demo user can click through. */
export function linksInText(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/\bhttps?:\/\/[^\s<>"'`()[\]{}]+/gi)) {
    const candidate = match[0].replace(/[.,;:!?]+$/, '');
    try {
      const url = new URL(candidate);
      if (url.protocol === 'http:' || url.protocol === 'https:') found.add(url.toString());
    } catch {
      // not a usable address: leave it as text
    }
  }
  return [...found];
}
