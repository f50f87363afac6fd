// /resources/:id/versions/:version/download: one version of a resource's file, kept downloadable after newer ones.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { getDownloadTarget, recordDownload } from '~/models/resources.server';
import { getUser } from '~/utils/auth.server';
import { resourceDownloadResponse } from '~/utils/downloads.server';
import { idParam, notFound } from '~/utils/http.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = getUser(request);
  const target = getDownloadTarget(viewer, idParam(params.id), idParam(params.version)) ?? notFound('There is no such version of this resource.');
  return resourceDownloadResponse(request, target, () => recordDownload(target.resourceId, target.version?.id ?? null));
}
