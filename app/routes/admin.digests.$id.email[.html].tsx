// GET /admin/digests/:id/email.html?as=USER: a digest's HTML as that recipient would receive it, as a document of
// its own for the preview frame on /admin/digests/:id (served under the email policy: see security-headers.server.ts).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { getDigest, previewFor } from '~/models/digests.server';
import { requireCoordinator } from '~/utils/auth.server';
import { emailDocument, idParam, notFound } from '~/utils/http.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = requireCoordinator(request);
  const id = idParam(params.id);
  if (!getDigest(id)) notFound('There is no such digest.');
  const as = Number(new URL(request.url).searchParams.get('as'));
  const preview = (Number.isSafeInteger(as) && as > 0 ? previewFor(id, as) : null) ?? previewFor(id, viewer.id);
  return emailDocument(preview?.html ?? notFound('There is nothing to preview.'));
}
