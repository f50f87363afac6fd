// /resources/:id/download: the current version of a resource's file (or, for a link, a redirect to it).
// A resource route: no page, just the file, with permission checked first (members-only → 404 for visitors).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { getDownloadTarget, recordDownload } from '~/models/resources.server';
import { getUser } from '~/utils/auth.server';
import { resourceDownloadResponse } from '~/utils/downloads.server';
import { idParam, notFound } from '~/utils/http.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = getUser(request);
  const target = getDownloadTarget(viewer, idParam(params.id)) ?? notFound('There is no resource at this address.');
  return resourceDownloadResponse(request, target, () => recordDownload(target.resourceId, target.version?.id ?? null));
}
