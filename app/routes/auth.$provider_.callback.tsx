// Where a provider sends the person back (register `${APP_URL}/auth/<provider>/callback` there). Every refusal is a
// message on the sign-in page (or the security settings, when linking) and no session.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { consumeSsoSignInAttempt, linkSsoIdentity, refundSsoSignInAttempt, signInWithSso } from '~/models/sso.server';
import { createSession, generateToken, getAuth, invalidateSession, sessionCookie } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { notFound } from '~/utils/http.server';
import { clearSsoBrowserCookie, completeSso, findProvider, ssoErrorMessage } from '~/utils/oidc.server';
import { afterFirstFactor } from '~/utils/second-factor.server';

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const provider = findProvider(params.provider) ?? notFound('There is no such way to sign in.');
  const headers = new Headers({ 'Set-Cookie': clearSsoBrowserCookie() });
  const toLogin = (code: string, redirectTo = '/') => {
    const query = new URLSearchParams({ sso_error: code, provider: provider.id, ...(redirectTo !== '/' ? { redirectTo } : {}) });
    return redirect(`/login?${query}`, { headers });
  };
  const auth = getAuth(request);

  if (!auth) {
    const limit = consumeSsoSignInAttempt(context.clientIp);
    if (!limit.allowed) return toLogin('throttled');
  }
  const result = await completeSso(provider, request);

  if (result.linkUserId) {
    if (auth?.user.id !== result.linkUserId) return toLogin('signed-out', '/settings/security');
    if (!result.ok) return redirectWithFlash(request, '/settings/security', ssoErrorMessage(result.error, provider.name)!, 'error', headers);
    const outcome = linkSsoIdentity(auth.user.id, provider, result.claims);
    return redirectWithFlash(request, '/settings/security', outcome.message, outcome.ok ? 'success' : 'error', headers);
  }
  if (!result.ok) {
    // Signed in already (a link that could not be matched): the sign-in page would only send them on, so say it here.
    if (auth) return redirectWithFlash(request, '/settings/security', ssoErrorMessage(result.error, provider.name)!, 'error', headers);
    return toLogin(result.error, result.redirectTo);
  }

  const outcome = signInWithSso(provider, result.claims);
  switch (outcome.kind) {
    case 'refused':
      return toLogin(outcome.reason, result.redirectTo);
    case 'join-requested':
      return redirect(`/join/sso?${new URLSearchParams({ outcome: 'requested', organisation: outcome.organisationName })}`, { headers });
    case 'unknown-organisation':
      return redirect(`/join/sso?${new URLSearchParams({ outcome: 'unknown', provider: provider.id, ...(outcome.domain ? { domain: outcome.domain } : {}) })}`, { headers });
    case 'member': {
      // A new session, as after a password: whatever session this browser had before ends here.
      if (auth) invalidateSession(auth.session.id);
      if (!auth) refundSsoSignInAttempt(context.clientIp);
      const method = { signInMethod: 'sso', signInProvider: provider.id, providerMfa: result.claims.mfa } as const;
      // Someone with a second factor here is asked for it next, unless the provider asserted MFA (decision 011).
      if (!outcome.joined) return afterFirstFactor(request, outcome.userId, method, result.redirectTo, headers);
      const token = generateToken();
      const session = createSession(token, outcome.userId, request.headers.get('User-Agent') ?? '', Date.now(), method);
      headers.append('Set-Cookie', sessionCookie(token, session));
      return redirectWithFlash(request, '/', 'Welcome! You are now a member of the community.', 'success', headers);
    }
  }
}
