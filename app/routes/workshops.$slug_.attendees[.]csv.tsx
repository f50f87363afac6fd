// GET /workshops/:slug/attendees.csv: the coordinator's attendee list for a spreadsheet (needs included).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { attendeeRows, getWorkshopBySlug } from '~/models/workshops.server';
import { csvResponse } from '~/utils/csv.server';
import { notFound } from '~/utils/http.server';
import { formatDateTime } from '~/utils/time';
import { requireAllowed } from '~/utils/permissions.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireAllowed(request, 'workshop:see-attendees');
  const workshop = getWorkshopBySlug(params.slug ?? '') ?? notFound('There is no workshop at this address.');
  return csvResponse(attendeeRows(workshop.id, formatDateTime), `${workshop.slug}-attendees.csv`);
}
