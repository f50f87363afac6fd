// Which language a request gets: a member's saved choice (passed in by the caller), else the visitor's cookie, else
// the browser's Accept-Language, else English.
import Negotiator from 'negotiator';
import { readCookie } from '~/utils/cookies.server';
import { DEFAULT_LANGUAGE, isLanguage, LANGUAGE_COOKIE, LANGUAGES, type Language } from './languages';

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

export function resolveLanguage(request: Request, saved: string | null | undefined): Language {
  if (isLanguage(saved)) return saved;
  const cookie = readCookie(request, LANGUAGE_COOKIE);
  if (isLanguage(cookie)) return cookie;
  return fromAcceptLanguage(request.headers.get('Accept-Language'));
}

export function fromAcceptLanguage(header: string | null): Language {
  if (!header) return DEFAULT_LANGUAGE;
  // Offer both the full tags and the bare languages, so "mi" and "en-GB" find their catalogue.
  const offered = LANGUAGES.flatMap((l) => [l.code, l.code.split('-')[0]]);
  const best = new Negotiator({ headers: { 'accept-language': header } }).language(offered);
  return LANGUAGES.find((l) => l.code === best || l.code.split('-')[0] === best)?.code ?? DEFAULT_LANGUAGE;
}

/** Remembers a choice for a year; null forgets it (follow the browser). */
export function languageCookie(language: Language | null): string {
  return `${LANGUAGE_COOKIE}=${language ?? ''}; Path=/; SameSite=Lax; Max-Age=${language ? ONE_YEAR_SECONDS : 0}`;
}
