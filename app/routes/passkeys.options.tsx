// POST /passkeys/options: a WebAuthn ceremony's options with a fresh challenge (single use, five minutes).
// purpose=register (signed in), sign-in (anyone: a passkey alone), verify (the second step of a pending sign-in,
// or a step-up in a session).
import type { ActionFunctionArgs } from '@remix-run/node';
import { passkeyAuthenticationOptions, passkeyRegistrationOptions } from '~/models/second-factors/passkeys.server';
import { getUser } from '~/utils/auth.server';
import { readFormData } from '~/utils/http.server';
import { consumeRateLimit } from '~/utils/rate-limit.server';
import { getPendingSignIn } from '~/utils/second-factor.server';

const NO_STORE = { 'Cache-Control': 'no-store' };

export async function loader() {
  return new Response('Method not allowed', { status: 405, headers: { Allow: 'POST' } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const purpose = (await readFormData(request)).get('purpose');
  // Each answer writes a challenge row: a flood from one address is refused before it writes.
  const limit = consumeRateLimit(`passkey-options:ip:${context.clientIp}`, 120, 15 * 60_000);
  if (!limit.allowed) return new Response('Too many requests', { status: 429, headers: { 'Retry-After': String(limit.retryAfterSeconds) } });
  if (purpose === 'register') {
    const user = getUser(request);
    if (!user) return new Response('Sign in first', { status: 401 });
    return Response.json(await passkeyRegistrationOptions(user.id), { headers: NO_STORE });
  }
  if (purpose === 'sign-in') return Response.json(await passkeyAuthenticationOptions('sign-in', null), { headers: NO_STORE });
  if (purpose === 'verify') {
    const userId = getPendingSignIn(request)?.userId ?? getUser(request)?.id;
    if (!userId) return new Response('Sign in first', { status: 401 });
    return Response.json(await passkeyAuthenticationOptions('verify', userId), { headers: NO_STORE });
  }
  return new Response('Unknown purpose', { status: 400 });
}
