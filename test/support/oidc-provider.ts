// A real OpenID Provider for the single sign-on tests: panva's certified `oidc-provider` on a free loopback port,
// with its own (development) sign-in page, where any password signs in as the account named. Tests add accounts,
// and can have the next ID token re-signed with other claims (another audience, an expiry in the past) or by a key
// the provider never published, to prove the portal refuses each.
import http from 'node:http';
import { exportJWK, generateKeyPair, decodeJwt, SignJWT, type JWK } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { freePort } from './server';

export type TestAccount = {
  email?: string;
  email_verified?: boolean;
  name?: string;
  /** Entra ID's tenant claim. */
  tid?: string;
};

export type IdTokenTamper = { claims?: Record<string, unknown>; signWith?: 'provider' | 'unknown-key' };

export type TestOpenIdProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Add or replace an account; `login` is what is typed on the provider's sign-in page (and the `sub`). */
  account(login: string, claims: TestAccount): void;
  /** The next ID token the token endpoint issues is re-signed with these changes. */
  tamperNextIdToken(tamper: IdTokenTamper): void;
  /** Signs every ID token from now on with a new key (and publishes only that one), as a provider rotating keys. */
  rotateKeys(): Promise<void>;
  stop(): Promise<void>;
};

async function signingKey(kid: string): Promise<{ privateJwk: JWK; key: CryptoKey }> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  return { privateJwk, key: privateKey };
}

/**
 * Starts a provider whose issuer is `http://127.0.0.1:<port><path>` (path '' by default; '/<tenant>/v2.0' imitates
 * Entra ID), with one confidential client whose redirect URIs are `redirectUris`.
 */
export async function startOpenIdProvider(options: { redirectUris: string[]; path?: string }): Promise<TestOpenIdProvider> {
  const port = await freePort();
  const prefix = options.path ?? '';
  const issuer = `http://127.0.0.1:${port}${prefix}`;
  const clientId = 'portal';
  const clientSecret = 'portal-client-secret-for-tests-only';
  const accounts = new Map<string, TestAccount>();
  let keys = [await signingKey('key-1')];
  let tamper: IdTokenTamper | null = null;

  const build = () => {
    const configuration: Configuration = {
      clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: options.redirectUris, grant_types: ['authorization_code'], response_types: ['code'] }],
      jwks: { keys: keys.map((k) => k.privateJwk) as never },
      claims: { openid: ['sub', 'tid'], email: ['email', 'email_verified'], profile: ['name'] },
      conformIdTokenClaims: false,
      pkce: { required: () => true },
      features: { devInteractions: { enabled: true } },
      cookies: { keys: ['oidc-test-cookie-key-0123456789abcdef'] },
      async findAccount(_ctx, id) {
        const claims = accounts.get(id);
        if (!claims) return undefined;
        return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
      },
      // The portal's client is trusted: no consent page, only the provider's sign-in page.
      async loadExistingGrant(ctx: KoaContextWithOIDC) {
        const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
        if (grantId) return ctx.oidc.provider.Grant.find(grantId);
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
        grant.addOIDCScope('openid email profile');
        grant.addOIDCClaims(['email', 'email_verified', 'name', 'tid']);
        await grant.save();
        return grant;
      },
    };
    const provider = new Provider(issuer, configuration);
    provider.on('server_error', (_ctx, error) => console.error('test OpenID provider:', error));
    provider.use(async (ctx, next) => {
      await next();
      const body = ctx.body as { id_token?: string } | undefined;
      if (ctx.method === 'POST' && ctx.path === '/token' && tamper && body?.id_token) {
        const { claims = {}, signWith = 'provider' } = tamper;
        tamper = null;
        const original = decodeJwt(body.id_token);
        const signer = signWith === 'provider' ? keys[0] : await signingKey(keys[0].privateJwk.kid!);
        const token = await new SignJWT({ ...original, ...claims } as Record<string, unknown>)
          .setProtectedHeader({ alg: 'RS256', kid: signer.privateJwk.kid, typ: 'JWT' })
          .sign(signer.key);
        ctx.body = { ...body, id_token: token };
      }
    });
    return provider;
  };

  let provider = build();
  const server = http.createServer((req, res) => {
    if (!req.url?.startsWith(prefix)) {
      res.statusCode = 404;
      return res.end();
    }
    // Mounted under the issuer's path, as Express would (oidc-provider reads originalUrl for its own links).
    (req as http.IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
    req.url = req.url.slice(prefix.length) || '/';
    void provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    issuer,
    clientId,
    clientSecret,
    account(login, claims) {
      accounts.set(login, claims);
    },
    tamperNextIdToken(next) {
      tamper = next;
    },
    async rotateKeys() {
      keys = [await signingKey(`key-${Date.now()}`)];
      provider = build();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Signs in at the provider as a browser would, without one: follows the authorization URL to the provider's sign-in
 * page, submits `login` there, and returns the URL the provider sends the browser back to (the portal's callback).
 * `cancel` presses "cancel" instead, which answers error=access_denied.
 */
export async function signInAtProvider(authorizationUrl: string, login: string, options: { cancel?: boolean } = {}): Promise<URL> {
  const cookies = new Map<string, string>();
  const remember = (response: Response) => {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  let url = new URL(authorizationUrl);
  const issuerOrigin = url.origin;
  for (let step = 0; step < 12; step++) {
    if (url.origin !== issuerOrigin) return url;
    let response = await fetch(url, { redirect: 'manual', headers: { Cookie: cookieHeader() } });
    remember(response);
    if (response.status === 200) {
      const html = await response.text();
      const uid = /\/interaction\/([A-Za-z0-9_-]+)/.exec(html)?.[1];
      if (!uid) throw new Error(`No interaction on the provider's page:\n${html.slice(0, 500)}`);
      const base = url.href.slice(0, url.href.indexOf('/interaction/'));
      if (options.cancel) {
        response = await fetch(`${base}/interaction/${uid}/abort`, { redirect: 'manual', headers: { Cookie: cookieHeader() } });
      } else {
        response = await fetch(`${base}/interaction/${uid}`, {
          method: 'POST',
          redirect: 'manual',
          headers: { Cookie: cookieHeader(), 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ prompt: 'login', login, password: 'any password' }),
        });
      }
      remember(response);
    }
    const location = response.headers.get('Location');
    if (!location) throw new Error(`The provider answered ${response.status} without a redirect`);
    url = new URL(location, url);
  }
  throw new Error('Too many redirects at the provider');
}
