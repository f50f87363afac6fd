// GET /dev/mail/:id/email.html: a captured message's HTML as a document of its own, for the frame on
// /dev/mail/:id (served under the email policy: see security-headers.server.ts).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireDevMailAccess } from '~/utils/dev-mail.server';
import { emailDocument, idParam, notFound } from '~/utils/http.server';
import { getOutboxMessage } from '~/utils/mail.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireDevMailAccess(request);
  const message = getOutboxMessage(idParam(params.id)) ?? notFound('There is no such message.');
  return emailDocument(message.html ?? notFound('This message has no HTML version.'));
}
