// GET /admin/exports/:name.csv: one of the coordinator's spreadsheets (members, workshops, decisions-and-actions,
// pilots, resources). Coordinators only; never public.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { COORDINATOR_EXPORTS, type ExportName } from '~/models/exports.server';
import { requireCoordinator } from '~/utils/auth.server';
import { csvResponse } from '~/utils/csv.server';
import { notFound } from '~/utils/http.server';
import { toDateInputValue } from '~/utils/time';

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireCoordinator(request);
  const name = params.name ?? '';
  if (!Object.hasOwn(COORDINATOR_EXPORTS, name)) notFound('There is no export with that name.');
  return csvResponse(COORDINATOR_EXPORTS[name as ExportName].rows(), `${name}-${toDateInputValue(Date.now())}.csv`);
}
