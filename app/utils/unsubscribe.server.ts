// Signed unsubscribe links: /unsubscribe/<token>. The token names a member and a purpose and is signed with
// HMAC-SHA256 (key: SESSION_SECRET) over "userId.purpose.issuedAt", so it works without signing in or cookies and
// cannot be made for anyone else. Links expire a year after they were issued (an old email in an archive stops
// working, a recent one always works). Format: <userId>.<purpose>.<issuedAt, base 36>.<base64url MAC>.
import crypto from 'node:crypto';
import { absoluteUrl, env } from './env.server';

export const UNSUBSCRIBE_PURPOSES = ['digest'] as const;
export type UnsubscribePurpose = (typeof UNSUBSCRIBE_PURPOSES)[number];

/** How long a link keeps working. */
export const UNSUBSCRIBE_TOKEN_TTL_MS = 365 * 24 * 60 * 60 * 1000;

export type UnsubscribeToken = { userId: number; purpose: UnsubscribePurpose; issuedAt: number };
export type VerifiedToken = ({ ok: true } & UnsubscribeToken) | { ok: false; reason: 'invalid' | 'expired' };

function mac(userId: number, purpose: string, issuedAt: number): Buffer {
  return crypto.createHmac('sha256', env().SESSION_SECRET).update(`${userId}.${purpose}.${issuedAt}`).digest();
}

export function signUnsubscribeToken(userId: number, purpose: UnsubscribePurpose = 'digest', issuedAt = Date.now()): string {
  const at = Math.floor(issuedAt);
  return `${userId}.${purpose}.${at.toString(36)}.${mac(userId, purpose, at).toString('base64url')}`;
}

const TOKEN_RE = /^([1-9][0-9]{0,15})\.([a-z_]{1,20})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{43})$/;

/** Checks the signature first (a forged token is "invalid" whatever its date), then the age. */
export function verifyUnsubscribeToken(token: string, now = Date.now()): VerifiedToken {
  const m = TOKEN_RE.exec(typeof token === 'string' ? token : '');
  if (!m) return { ok: false, reason: 'invalid' };
  const userId = Number(m[1]);
  const purpose = m[2] as UnsubscribePurpose;
  const issuedAt = parseInt(m[3]!, 36);
  if (!Number.isSafeInteger(userId) || !Number.isSafeInteger(issuedAt) || !UNSUBSCRIBE_PURPOSES.includes(purpose)) return { ok: false, reason: 'invalid' };
  const given = Buffer.from(m[4]!, 'base64url');
  const expected = mac(userId, purpose, issuedAt);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  // A token "issued" in the future was not issued by this clock; allow a little skew between processes.
  if (issuedAt > now + 5 * 60 * 1000) return { ok: false, reason: 'invalid' };
  if (now - issuedAt > UNSUBSCRIBE_TOKEN_TTL_MS) return { ok: false, reason: 'expired' };
  return { ok: true, userId, purpose, issuedAt };
}

export function unsubscribeUrl(token: string): string {
  return absoluteUrl(`/unsubscribe/${token}`);
}

/**
 * RFC 2369 List-Unsubscribe (an https link and a mailto) and RFC 8058 List-Unsubscribe-Post, so mail providers show
 * their own "Unsubscribe" button and POST "List-Unsubscribe=One-Click" to the link.
 */
export function listUnsubscribeHeaders(token: string): Record<string, string> {
  const host = new URL(env().APP_URL).hostname || 'localhost';
  return {
    'List-Unsubscribe': `<${unsubscribeUrl(token)}>, <mailto:unsubscribe@${host}?subject=unsubscribe>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}
