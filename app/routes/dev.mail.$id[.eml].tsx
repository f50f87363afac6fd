import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireDevMailAccess } from '~/utils/dev-mail.server';
import { idParam, notFound } from '~/utils/http.server';
import { readMailFile } from '~/utils/mail.server';

// Resource route: the raw message as the file transport wrote it, for opening in a mail client.
export async function loader({ request, params }: LoaderFunctionArgs) {
  requireDevMailAccess(request);
  const id = idParam(params.id);
  const raw = readMailFile(id) ?? notFound('That message has not been written yet.');
  return new Response(raw, {
    headers: {
      'Content-Type': 'message/rfc822',
      'Content-Disposition': `attachment; filename="message-${id}.eml"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
