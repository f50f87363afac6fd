// Single sign-on with OpenID Connect, through openid-client (certified): which providers are configured, their
// discovery (lazily, so a provider that is down never stops the portal), and the authorization code flow with PKCE,
// state and nonce. Who the person is, and whether they may come in, is decided in app/models/sso.server.ts.
import * as client from 'openid-client';
import { readCookie } from './cookies.server';
import { and, eq, isNull, lt } from 'drizzle-orm';
import { db } from '../../db/client.server';
import { ssoLogins } from '../../db/schema';
import { generateToken, hashToken } from './auth.server';
import { safeRedirectPath } from './http.server';
import { absoluteUrl, env, isSecureOrLoopback } from './env.server';
import { providerAssertedMfa } from '~/models/second-factors/policy';
import { requestLog } from './logger.server';

type ProviderId = 'microsoft' | 'google' | 'oidc';

export type Provider = {
  id: ProviderId;
  /** The button text on the sign-in page. */
  label: string;
  /** The provider's name in sentences ("Google cancelled…"). */
  name: string;
  issuer: URL;
  clientId: string;
  clientSecret: string;
  /** Entra ID's `organizations`/`common` authority: each token names its tenant (`tid`) and its own issuer. */
  multiTenant: boolean;
};

const ENTRA_MULTI_TENANT = ['organizations', 'common'];

/** The providers the environment configures, in button order; none means password sign-in only. */
export function configuredProviders(): Provider[] {
  const e = env();
  const providers: Provider[] = [];
  if (e.MICROSOFT_CLIENT_ID && e.MICROSOFT_CLIENT_SECRET) {
    const tenant = e.MICROSOFT_TENANT;
    providers.push({
      id: 'microsoft',
      label: 'Sign in with Microsoft',
      name: 'Microsoft',
      issuer: new URL(`${e.MICROSOFT_AUTHORITY.replace(/\/$/, '')}/${tenant}/v2.0`),
      clientId: e.MICROSOFT_CLIENT_ID,
      clientSecret: e.MICROSOFT_CLIENT_SECRET,
      multiTenant: ENTRA_MULTI_TENANT.includes(tenant.toLowerCase()),
    });
  }
  if (e.GOOGLE_CLIENT_ID && e.GOOGLE_CLIENT_SECRET) {
    providers.push({
      id: 'google',
      label: 'Sign in with Google',
      name: 'Google',
      issuer: new URL('https://accounts.google.com'),
      clientId: e.GOOGLE_CLIENT_ID,
      clientSecret: e.GOOGLE_CLIENT_SECRET,
      multiTenant: false,
    });
  }
  if (e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET) {
    const label = e.OIDC_LABEL;
    providers.push({
      id: 'oidc',
      label,
      name: label.replace(/^sign in with\s+/i, '') || 'your organisation',
      issuer: new URL(e.OIDC_ISSUER),
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      multiTenant: false,
    });
  }
  return providers;
}

export function findProvider(id: string | undefined): Provider | undefined {
  return configuredProviders().find((p) => p.id === id);
}

/** What the sign-in page needs: the buttons, and the message for a refused single sign-on (?sso_error=…). */
export function ssoSignInOptions(query: URLSearchParams) {
  const providers = configuredProviders().map((p) => ({ id: p.id, label: p.label }));
  return { providers, error: ssoErrorMessage(query.get('sso_error'), providerName(query.get('provider') ?? '')) };
}

/** A provider's name for sentences, also for an identity whose provider has since been switched off. */
export function providerName(id: string): string {
  return findProvider(id)?.name ?? { microsoft: 'Microsoft', google: 'Google' }[id] ?? 'single sign-on';
}

function callbackUrl(provider: Provider): string {
  return absoluteUrl(`/auth/${provider.id}/callback`);
}

// Discovery happens when a provider is first used, and again after a failure (a provider down at start or later).
const configurations = new Map<string, Promise<client.Configuration>>();

function configuration(provider: Provider): Promise<client.Configuration> {
  const key = `${provider.id} ${provider.issuer.href} ${provider.clientId}`;
  let pending = configurations.get(key);
  if (!pending) {
    const insecure = provider.issuer.protocol === 'http:' && isSecureOrLoopback(provider.issuer);
    pending = client.discovery(provider.issuer, provider.clientId, provider.clientSecret, undefined, {
      timeout: 10,
      // Check the ID token's signature against the provider's published keys (jwks_uri), not only TLS: openid-client
      // otherwise may trust a token from the token endpoint by the connection alone (OpenID Connect Core 3.1.3.7).
      execute: insecure ? [client.allowInsecureRequests, client.enableNonRepudiationChecks] : [client.enableNonRepudiationChecks],
    });
    configurations.set(key, pending);
    pending.catch(() => configurations.delete(key));
  }
  return pending;
}

/** Tests start providers on new ports and rotate their keys; production never needs this. */
export function forgetProviderConfigurationsForTests(): void {
  configurations.clear();
}

type SsoErrorCode =
  | 'unavailable'
  | 'cancelled'
  | 'provider-error'
  | 'state'
  | 'expired'
  | 'code-rejected'
  | 'token-expired'
  | 'token-mismatch'
  | 'token-signature';

const SELECT_ACCOUNT_HOSTS = ['accounts.google.com', 'login.microsoftonline.com'];
const LOGIN_TTL_MS = 10 * 60 * 1000;
/** The cookie that ties a sign-in started here to the browser that comes back with it (against login CSRF). */
const SSO_BROWSER_COOKIE = '__sso';

type Begin = { ok: true; url: string; setCookie: string } | { ok: false; error: SsoErrorCode };

/** Starts the authorization code flow: a single-use row with state, nonce and PKCE verifier, then the provider's URL. */
export async function beginSso(provider: Provider, options: { redirectTo: string; linkUserId?: number }, now = Date.now()): Promise<Begin> {
  let config: client.Configuration;
  try {
    config = await configuration(provider);
  } catch (error) {
    requestLog().warn({ provider: provider.id, issuer: provider.issuer.href, err: error }, 'sso: discovery failed');
    return { ok: false, error: 'unavailable' };
  }
  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeVerifier = client.randomPKCECodeVerifier();
  const browserToken = generateToken();
  db.delete(ssoLogins).where(lt(ssoLogins.expiresAt, now)).run();
  db.insert(ssoLogins)
    .values({
      stateHash: hashToken(state),
      provider: provider.id,
      nonce,
      codeVerifier,
      browserHash: hashToken(browserToken),
      redirectTo: safeRedirectPath(options.redirectTo),
      linkUserId: options.linkUserId ?? null,
      createdAt: now,
      expiresAt: now + LOGIN_TTL_MS,
    })
    .run();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: callbackUrl(provider),
    scope: 'openid email profile',
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    // Let people with several work or personal accounts choose (Google's and Microsoft's own sign-in pages).
    ...(SELECT_ACCOUNT_HOSTS.includes(provider.issuer.hostname) ? { prompt: 'select_account' } : {}),
  });
  const secure = env().APP_URL.startsWith('https:') ? '; Secure' : '';
  // Lax, so it comes back on the provider's top-level redirect to the callback; scoped to /auth.
  const setCookie = `${SSO_BROWSER_COOKIE}=${browserToken}; Path=/auth; HttpOnly; SameSite=Lax; Max-Age=${LOGIN_TTL_MS / 1000}${secure}`;
  return { ok: true, url: url.href, setCookie };
}

export function clearSsoBrowserCookie(): string {
  const secure = env().APP_URL.startsWith('https:') ? '; Secure' : '';
  return `${SSO_BROWSER_COOKIE}=; Path=/auth; HttpOnly; SameSite=Lax; Max-Age=0${secure}`;
}

export type SsoClaims = {
  subject: string;
  email: string | null;
  /** What the provider says about the address (`email_verified`); for Entra ID the model decides by tenant instead. */
  emailVerified: boolean;
  name: string;
  /** Entra ID's tenant of the account. */
  tenantId: string | null;
  /** The provider asserted multi-factor authentication (`amr`: `mfa`, or two methods; providerAssertedMfa). */
  mfa: boolean;
};

type Completion =
  | { ok: true; claims: SsoClaims; redirectTo: string; linkUserId: number | null }
  | { ok: false; error: SsoErrorCode; redirectTo?: string; linkUserId?: number | null };

function asString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/** What went wrong at the token endpoint or in the ID token, as one of the messages the sign-in page shows. */
function classify(error: unknown): SsoErrorCode {
  if (error instanceof client.ResponseBodyError) return error.error === 'invalid_grant' ? 'code-rejected' : 'provider-error';
  if (error instanceof client.AuthorizationResponseError) return error.error === 'access_denied' ? 'cancelled' : 'provider-error';
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      return 'token-expired';
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      return 'token-mismatch';
    case 'OAUTH_KEY_SELECTION_FAILED':
      return 'token-signature';
    case 'OAUTH_INVALID_RESPONSE':
      return /signature/i.test(String((error as { cause?: Error }).cause?.message ?? '')) ? 'token-signature' : 'provider-error';
    case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
    case 'OAUTH_RESPONSE_IS_NOT_JSON':
    case 'OAUTH_TIMEOUT':
      return 'unavailable';
  }
  if (error instanceof TypeError || (error as { cause?: unknown }).cause instanceof TypeError) return 'unavailable';
  return 'provider-error';
}

/**
 * The provider's redirect back: the state must name an unspent, unexpired row started in this browser; then the code
 * is exchanged (PKCE verifier) and the ID token checked (signature, iss, aud, exp, nonce) by openid-client.
 */
export async function completeSso(provider: Provider, request: Request, now = Date.now()): Promise<Completion> {
  const incoming = new URL(request.url);
  // The URL the provider redirected to, as registered: the server may see another host or scheme behind a proxy.
  const current = new URL(callbackUrl(provider));
  current.search = incoming.search;
  const state = current.searchParams.get('state');
  if (!state) return { ok: false, error: current.searchParams.get('error') === 'access_denied' ? 'cancelled' : 'state' };
  const row = db
    .select()
    .from(ssoLogins)
    .where(and(eq(ssoLogins.stateHash, hashToken(state)), eq(ssoLogins.provider, provider.id)))
    .get();
  const browserToken = readCookie(request, SSO_BROWSER_COOKIE);
  if (!row || !browserToken || hashToken(browserToken) !== row.browserHash) return { ok: false, error: 'state' };
  const back = { redirectTo: row.redirectTo, linkUserId: row.linkUserId };
  // Spent before anything else, so the same answer can never be used twice, even in a race.
  const spent = db
    .update(ssoLogins)
    .set({ usedAt: now })
    .where(and(eq(ssoLogins.stateHash, row.stateHash), isNull(ssoLogins.usedAt)))
    .run();
  if (spent.changes !== 1) return { ok: false, error: 'state', ...back };
  if (row.expiresAt <= now) return { ok: false, error: 'expired', ...back };
  const providerError = current.searchParams.get('error');
  if (providerError) {
    requestLog().warn({ provider: provider.id, providerError, description: current.searchParams.get('error_description') ?? '' }, `sso: ${provider.id} answered ${providerError}`);
    return { ok: false, error: providerError === 'access_denied' ? 'cancelled' : 'provider-error', ...back };
  }

  let config: client.Configuration;
  try {
    config = await configuration(provider);
  } catch {
    return { ok: false, error: 'unavailable', ...back };
  }
  try {
    const tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: row.codeVerifier,
      expectedNonce: row.nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (!idToken) return { ok: false, error: 'provider-error', ...back };
    const claims: Record<string, unknown> = { ...idToken };
    // Some providers put the address only in the userinfo answer (its `sub` is checked against the ID token's).
    if (!asString(claims.email) && config.serverMetadata().userinfo_endpoint && tokens.access_token) {
      const info = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
      for (const key of ['email', 'email_verified', 'name'] as const) if (claims[key] === undefined) claims[key] = info[key];
    }
    const tenantId = asString(claims.tid)?.toLowerCase() ?? null;
    let email = asString(claims.email)?.toLowerCase() ?? null;
    // Entra ID: the sign-in name is the work address when no `email` claim is configured; trust comes from the tenant.
    if (!email && provider.id === 'microsoft') email = asString(claims.preferred_username)?.toLowerCase() ?? null;
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) email = null;
    const amr = Array.isArray(claims.amr) ? claims.amr : [];
    return {
      ok: true,
      ...back,
      claims: {
        subject: idToken.sub,
        email,
        emailVerified: claims.email_verified === true || claims.email_verified === 'true',
        name: (asString(claims.name) ?? [asString(claims.given_name), asString(claims.family_name)].filter(Boolean).join(' ')).slice(0, 120),
        tenantId,
        mfa: providerAssertedMfa(amr.filter((m): m is string => typeof m === 'string')),
      },
    };
  } catch (error) {
    const code = classify(error);
    requestLog().warn({ provider: provider.id, code, err: error }, `sso: ${provider.id} sign-in refused (${code})`);
    return { ok: false, error: code, ...back };
  }
}

/** What the sign-in page says for each refusal; `name` is the provider's name. */
export function ssoErrorMessage(code: string | null, name: string): string | null {
  switch (code) {
    case null:
      return null;
    case 'unavailable':
      return `${name} is not answering at the moment, so we could not sign you in. Please try again later, or sign in with your email and password.`;
    case 'cancelled':
      return `Signing in with ${name} was cancelled. You have not been signed in.`;
    case 'provider-error':
      return `${name} could not sign you in. Please try again, or sign in with your email and password.`;
    case 'state':
      return 'That sign-in could not be matched to one started in this browser, or it was already used. Please start again from this page.';
    case 'expired':
      return 'That sign-in took too long and has expired. Please start again.';
    case 'code-rejected':
      return `${name} refused the sign-in code: it was already used or has expired. Please start again.`;
    case 'token-expired':
      return `The answer from ${name} had expired. Check that this computer's clock is right, then start again.`;
    case 'token-mismatch':
      return `The answer from ${name} was not meant for this sign-in (it named another site, issuer or attempt). You have not been signed in; please start again.`;
    case 'token-signature':
      return `The answer from ${name} was not signed with any of its published keys, so we did not trust it. Please start again.`;
    case 'throttled':
      return 'Too many sign-in attempts from your network. Please wait a few minutes and try again.';
    case 'deactivated':
      return 'That account has been deactivated, so it cannot sign in. Ask a coordinator if you think this is a mistake.';
    case 'no-email':
      return `${name} did not tell us your email address, so we could not find your account. Allow the portal to see your email address at ${name}, or sign in with your email and password.`;
    case 'unverified-email':
      return `${name} has not confirmed that this email address is yours, so we could not use it to find your account. Sign in with your email and password, then link ${name} under Settings → Security.`;
    case 'signed-out':
      return `You were signed out while linking ${name}. Sign in, then link it again under Settings → Security.`;
    default:
      return 'Single sign-on did not complete. Please try again.';
  }
}
