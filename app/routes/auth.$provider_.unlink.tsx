// Removes a linked provider account from the signed-in member (the form is in app/components/linked-sign-ins.tsx).
import type { ActionFunctionArgs } from '@remix-run/node';
import { unlinkSsoIdentity } from '~/models/sso.server';
import { requireUser } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { idParam, readFormData } from '~/utils/http.server';
import { providerName } from '~/utils/oidc.server';

export async function action({ request }: ActionFunctionArgs) {
  const user = requireUser(request);
  const form = await readFormData(request);
  const identityId = idParam(String(form.get('identityId') ?? ''));
  const outcome = unlinkSsoIdentity(user, identityId, providerName);
  return redirectWithFlash(request, '/settings/security', outcome.message, outcome.ok ? 'success' : 'error');
}
