// Which non-GET requests may proceed. Browsers send Origin (or at least Sec-Fetch-Site) on every POST,
// so a cross-site form or fetch is caught; non-browser clients send neither and cannot ride a session cookie.

/** Paths that authenticate by a signed token alone (mail providers post one-click unsubscribes from their servers). */
const TOKEN_AUTHENTICATED = [/^\/unsubscribe\/[^/]+$/];

/** Whether a path authenticates by the token in it alone, so where a request came from does not decide it. */
export function isTokenAuthenticatedPath(path: string): boolean {
  return TOKEN_AUTHENTICATED.some((re) => re.test(path));
}

export function isAllowedOrigin(input: {
  path: string;
  origin: string | null;
  secFetchSite: string | null;
  ownOrigins: string[];
}): boolean {
  if (isTokenAuthenticatedPath(input.path)) return true;
  if (input.origin && input.origin !== 'null') {
    const own = input.ownOrigins.map((o) => {
      try {
        return new URL(o).origin;
      } catch {
        return '';
      }
    });
    return own.includes(input.origin);
  }
  if (input.origin === 'null') return false;
  if (input.secFetchSite) return input.secFetchSite === 'same-origin' || input.secFetchSite === 'none';
  return true;
}
