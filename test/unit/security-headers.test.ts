// The security headers: the strict policy for every page, and the email policy only for an email's HTML shown
// as its own document in a preview frame.
import { describe, expect, it } from 'vitest';
import { securityHeaders } from '~/utils/security-headers.server';

const directives = (policy: string) => new Map(policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)] as const));

describe('securityHeaders', () => {
  it('gives pages scripts by nonce only, no inline styles and no framing', () => {
    for (const path of ['/', '/admin/digests/3', '/dev/mail/4', '/discussions/2/email', '/email.html.data']) {
      const headers = securityHeaders({ path, nonce: 'abc', https: false, dev: false });
      const policy = directives(headers['Content-Security-Policy']);
      expect(policy.get('script-src'), path).toEqual(["'nonce-abc'", "'strict-dynamic'"]);
      expect(policy.get('style-src'), path).toEqual(["'self'"]);
      expect(policy.get('frame-ancestors'), path).toEqual(["'none'"]);
      expect(headers['X-Frame-Options'], path).toBe('DENY');
    }
  });

  it('gives an email document its inline styles, but no scripts, a sandbox, and framing by our own pages only', () => {
    for (const path of ['/admin/digests/3/email.html', '/dev/mail/4/email.html']) {
      const headers = securityHeaders({ path, nonce: 'abc', https: false, dev: false });
      const policy = directives(headers['Content-Security-Policy']);
      expect(policy.get('default-src'), path).toEqual(["'none'"]);
      expect(policy.get('style-src'), path).toEqual(["'unsafe-inline'"]);
      expect(policy.has('script-src'), path).toBe(false);
      expect(policy.get('sandbox'), path).toEqual([]);
      expect(policy.get('frame-ancestors'), path).toEqual(["'self'"]);
      expect(headers['X-Frame-Options'], path).toBe('SAMEORIGIN');
    }
  });

  it('lets forms lead only to this site, and to the single sign-on providers when configured', () => {
    expect(directives(securityHeaders({ path: '/login', nonce: 'n', https: false, dev: false })['Content-Security-Policy']).get('form-action')).toEqual(["'self'"]);
    const sso = securityHeaders({ path: '/login', nonce: 'n', https: false, dev: false, formActionOrigins: ['https://login.microsoftonline.com'] });
    expect(directives(sso['Content-Security-Policy']).get('form-action')).toEqual(["'self'", 'https://login.microsoftonline.com']);
  });

  it('asks for HTTPS from then on only when served over HTTPS, and loosens nothing but development', () => {
    expect(securityHeaders({ path: '/', nonce: 'n', https: true, dev: false })['Strict-Transport-Security']).toMatch(/^max-age=\d+/);
    expect(securityHeaders({ path: '/', nonce: 'n', https: false, dev: false })['Strict-Transport-Security']).toBeUndefined();
    const dev = directives(securityHeaders({ path: '/', nonce: 'n', https: false, dev: true })['Content-Security-Policy']);
    expect(dev.get('style-src')).toContain("'unsafe-inline'");
    expect(dev.get('connect-src')).toContain('ws:');
  });
});
