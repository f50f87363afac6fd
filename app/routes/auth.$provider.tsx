// Starts single sign-on: a POST from the sign-in page's button (or the security settings' "Link" button), so the
// Origin check applies; answers with a redirect to the provider's own sign-in page.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { getUser } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { notFound, readFormData, safeRedirectPath } from '~/utils/http.server';
import { beginSso, findProvider, ssoErrorMessage } from '~/utils/oidc.server';
import { consumeRateLimit } from '~/utils/rate-limit.server';

export async function loader({ params }: LoaderFunctionArgs) {
  if (!findProvider(params.provider)) notFound('There is no such way to sign in.');
  return redirect('/login');
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const provider = findProvider(params.provider) ?? notFound('There is no such way to sign in.');
  const form = await readFormData(request);
  const linking = form.get('intent') === 'link';
  const user = getUser(request);
  if (linking && !user) return redirect('/login?redirectTo=%2Fsettings%2Fsecurity');
  const redirectTo = linking ? '/settings/security' : safeRedirectPath(form.get('redirectTo'));
  // Each start writes a row; a generous per-address limit keeps the table small under abuse.
  const limit = consumeRateLimit(`sso-start:ip:${context.clientIp}`, 60, 15 * 60 * 1000);
  const failed = (code: string) =>
    linking
      ? redirectWithFlash(request, '/settings/security', ssoErrorMessage(code, provider.name)!, 'error')
      : redirect(`/login?${new URLSearchParams({ sso_error: code, provider: provider.id, ...(redirectTo !== '/' ? { redirectTo } : {}) })}`);
  if (!limit.allowed) return failed('throttled');
  const begun = await beginSso(provider, { redirectTo, linkUserId: linking ? user!.id : undefined });
  if (!begun.ok) return failed(begun.error);
  return redirect(begun.url, { headers: { 'Set-Cookie': begun.setCookie } });
}
