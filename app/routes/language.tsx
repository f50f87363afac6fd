// The language switch (header and settings): remembered in a cookie for everyone and on the member's record when
// signed in, then back to the page the person was on. A plain form post, so it works without JavaScript.
import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { setLanguage } from '~/models/accounts.server';
import { getUser } from '~/utils/auth.server';
import { readFormData, safeRedirectPath } from '~/utils/http.server';
import { isLanguage } from '~/i18n/languages';
import { languageCookie } from '~/i18n/language.server';

export async function loader() {
  return redirect('/');
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readFormData(request);
  const language = form.get('language');
  const to = safeRedirectPath(form.get('redirectTo'));
  if (!isLanguage(language)) return redirect(to);
  const user = getUser(request);
  if (user) setLanguage(user, language);
  return redirect(to, { headers: { 'Set-Cookie': languageCookie(language) } });
}
