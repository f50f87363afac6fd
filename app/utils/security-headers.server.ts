// The security headers of every answer (set by server.ts before the Remix handler runs).

/**
 * Addresses of an email's HTML served as a document of its own, framed by the page that previews it (a digest's
 * preview, a captured message). Emails need inline styles; nothing else in the portal does, so only these
 * documents allow them, with no scripts at all, in a sandbox, and framable by our own pages only.
 */
export const EMAIL_DOCUMENT_PATH = /\/email\.html$/;

export function securityHeaders(options: {
  path: string;
  nonce: string;
  https: boolean;
  dev: boolean;
  /** Single sign-on providers' origins: the "Sign in with …" forms are answered with a redirect to them. */
  formActionOrigins?: string[];
}): Record<string, string> {
  const { path, nonce, https, dev, formActionOrigins = [] } = options;
  const email = EMAIL_DOCUMENT_PATH.test(path);
  const policy = email
    ? ["default-src 'none'", "style-src 'unsafe-inline'", "img-src 'self' data:", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'self'", 'sandbox']
    : [
        "default-src 'self'",
        `script-src 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-inline'" : ''}`,
        // Vite injects styles inline while developing; the built app only links its stylesheets.
        `style-src 'self'${dev ? " 'unsafe-inline'" : ''}`,
        "img-src 'self' data:",
        "font-src 'self'",
        `connect-src 'self'${dev ? ' ws: wss:' : ''}`,
        "object-src 'none'",
        "base-uri 'none'",
        ["form-action 'self'", ...formActionOrigins].join(' '),
        "frame-ancestors 'none'",
      ];
  const headers: Record<string, string> = {
    'Content-Security-Policy': policy.join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Frame-Options': email ? 'SAMEORIGIN' : 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  };
  if (https) headers['Strict-Transport-Security'] = 'max-age=31536000; includeSubDomains';
  return headers;
}
