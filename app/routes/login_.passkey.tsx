// POST /login/passkey: sign in with a passkey alone. A passkey with user verification is two factors in one
// (something you have, unlocked by something you know or are), so the session records a second factor now.
import type { ActionFunctionArgs } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { verifyPasskey } from '~/models/second-factors/passkeys.server';
import { readFormData } from '~/utils/http.server';
import { signedInWithPasskey } from '~/utils/second-factor.server';

export async function loader() {
  return redirect('/login');
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readFormData(request);
  const response = form.get('response');
  const redirectTo = form.get('redirectTo');
  if (typeof response !== 'string' || !response) {
    return data({ error: 'Passkeys need JavaScript in your browser. Sign in with your email and password instead.' }, { status: 400 });
  }
  const now = Date.now();
  const outcome = await verifyPasskey('sign-in', null, response.slice(0, 20_000), now);
  if (!outcome.ok) return data({ error: outcome.message }, { status: 400 });
  return signedInWithPasskey(request, outcome.userId, typeof redirectTo === 'string' ? redirectTo : '/', now);
}
