import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { blankSessionCookie, getAuth, invalidateSession } from '~/utils/auth.server';

export async function loader() {
  return redirect('/');
}

export async function action({ request }: ActionFunctionArgs) {
  const auth = getAuth(request);
  if (auth) invalidateSession(auth.session.id);
  return redirect('/', { headers: { 'Set-Cookie': blankSessionCookie() } });
}
