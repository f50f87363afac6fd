// Small helpers for the answers every route gives the same way.
import { env } from './env.server';

/** A missing record (or one the viewer may not know exists): 404, shown by the shared error boundary. */
export function notFound(message = 'Not found'): never {
  throw new Response(message, { status: 404 });
}

/** A numeric id from the URL ("12"); anything else ("abc", "1.5", "-3", "012") is a 404, never a 500. */
export function idParam(value: string | undefined): number {
  if (!value || !/^[1-9][0-9]{0,15}$/.test(value)) notFound();
  const id = Number(value);
  if (!Number.isSafeInteger(id)) notFound();
  return id;
}

/** A page number from the query string; missing or nonsense means page 1. */
export function pageParam(url: URL, name = 'page'): number {
  const raw = url.searchParams.get(name);
  const page = raw && /^[0-9]{1,6}$/.test(raw) ? Number(raw) : 1;
  return Math.max(1, page);
}

/**
 * The submitted form. A body that cannot be read as one (a malformed or truncated multipart body, a missing
 * boundary) is the sender's mistake: a 400, never a 500. Upload routes use readUploadForm in uploads.server.ts.
 */
export async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new Response('The form could not be read. Please go back and send it again.', { status: 400 });
  }
}

/**
 * An email's HTML as a document for a preview frame. Serve it only at an address ending in /email.html: those get
 * the email policy (inline styles, no scripts, sandboxed; see securityHeaders in security-headers.server.ts).
 */
export function emailDocument(html: string): Response {
  return new Response(html, {
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'private, no-store' },
  });
}

// C0 controls, DEL and C1 controls: browsers drop some (tab, line breaks) from a Location and then read what is left
// differently from us ("/\t/evil.example" becomes "//evil.example"), and Node refuses others in a header (a 500).
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

/**
 * Where to send someone next, from a value they sent us (`redirectTo`): a path on this site, or `fallback`.
 * The value must start with "/" and, raw or percent-decoded, hold no control character, no backslash and no "//"
 * in its path; the URL parser then resolves it against APP_URL and it must stay on the same origin. The answer is
 * the parser's own serialisation (path, query, fragment), so what the browser follows is what we checked, and it
 * is always a valid header value. Every redirect that takes user input goes through here.
 */
export function safeRedirectPath(target: FormDataEntryValue | string | null | undefined, fallback = '/'): string {
  if (typeof target !== 'string' || !target.startsWith('/') || target.length > 2000) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(target);
  } catch {
    return fallback; // "%E0%A4%A" and the like: not a path anyone meant
  }
  for (const form of [target, decoded]) {
    const path = form.split(/[?#]/, 1)[0];
    if (CONTROL.test(form) || form.includes('\\') || path.includes('//')) return fallback;
  }
  const base = new URL(env().APP_URL);
  let url: URL;
  try {
    url = new URL(target, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base.origin) return fallback;
  return url.pathname + url.search + url.hash;
}

/** A JSON-LD document (Open Badges), public and cacheable for a few minutes; the same address may also answer HTML. */
export function jsonLdResponse(value: unknown): Response {
  return new Response(JSON.stringify(value, null, 2), {
    headers: { 'Content-Type': 'application/ld+json; charset=utf-8', 'Cache-Control': 'public, max-age=300', Vary: 'Accept' },
  });
}
