import { describe, expect, it } from 'vitest';
import { isAllowedOrigin, isTokenAuthenticatedPath } from '../../app/utils/origin.server';

const own = ['http://localhost:3000'];
const check = (over: Partial<Parameters<typeof isAllowedOrigin>[0]>) =>
  isAllowedOrigin({ path: '/login', origin: null, secFetchSite: null, ownOrigins: own, ...over });

describe('isAllowedOrigin', () => {
  it('accepts a post from our own origin', () => {
    expect(check({ origin: 'http://localhost:3000' })).toBe(true);
  });
  it('refuses a post from another site', () => {
    expect(check({ origin: 'https://evil.example' })).toBe(false);
  });
  it('refuses a look-alike origin on another port or scheme', () => {
    expect(check({ origin: 'http://localhost:3001' })).toBe(false);
    expect(check({ origin: 'https://localhost:3000' })).toBe(false);
  });
  it('refuses the opaque "null" origin sent by sandboxed frames and data: pages', () => {
    expect(check({ origin: 'null' })).toBe(false);
  });
  it('falls back to Sec-Fetch-Site when no Origin is sent', () => {
    expect(check({ secFetchSite: 'same-origin' })).toBe(true);
    expect(check({ secFetchSite: 'cross-site' })).toBe(false);
    expect(check({ secFetchSite: 'same-site' })).toBe(false);
  });
  it('lets through clients that send neither header (not a browser, so no ambient cookie to abuse)', () => {
    expect(check({})).toBe(true);
  });
  it('exempts only the token-authenticated unsubscribe endpoint', () => {
    expect(check({ path: '/unsubscribe/abc.def', origin: 'https://mail.example' })).toBe(true);
    expect(check({ path: '/unsubscribe/abc/extra', origin: 'https://mail.example' })).toBe(false);
    expect(check({ path: '/unsubscribe', origin: 'https://mail.example' })).toBe(false);
  });
});

describe('isTokenAuthenticatedPath', () => {
  it('names the one-click unsubscribe link and nothing else', () => {
    expect(isTokenAuthenticatedPath('/unsubscribe/12.digest.abc.def')).toBe(true);
    expect(isTokenAuthenticatedPath('/unsubscribe/12.digest.abc.def.data')).toBe(true);
    expect(isTokenAuthenticatedPath('/unsubscribe')).toBe(false);
    expect(isTokenAuthenticatedPath('/unsubscribe/a/b')).toBe(false);
    expect(isTokenAuthenticatedPath('/login')).toBe(false);
  });
});
