// GET /workshops/:slug/attendees.csv: the coordinator's attendee list for a spreadsheet (needs included).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { attendeeRows, getWorkshopBySlug } from '~/models/workshops.server';
import { requireCoordinator } from '~/utils/auth.server';
import { csvResponse } from '~/utils/csv.server';
import { notFound } from '~/utils/http.server';
import { formatDateTime } from '~/utils/time';

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireCoordinator(request);
  const workshop = getWorkshopBySlug(params.slug ?? '') ?? notFound('There is no workshop at this address.');
  return csvResponse(attendeeRows(workshop.id, formatDateTime), `${workshop.slug}-attendees.csv`);
}
