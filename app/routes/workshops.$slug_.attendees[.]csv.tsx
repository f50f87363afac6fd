// GET /workshops/:slug/attendees.csv: the coordinator's attendee list for a spreadsheet (needs included).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { attendeesCsv, getWorkshopBySlug } from '~/models/workshops.server';
import { requireCoordinator } from '~/utils/auth.server';
import { notFound } from '~/utils/http.server';
import { formatDateTime } from '~/utils/time';

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireCoordinator(request);
  const workshop = getWorkshopBySlug(params.slug ?? '') ?? notFound('There is no workshop at this address.');
  // The byte-order mark makes Excel read the file as UTF-8 (names with macrons stay intact).
  const csv = '\uFEFF' + attendeesCsv(workshop.id, formatDateTime);
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${workshop.slug}-attendees.csv"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
