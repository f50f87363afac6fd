// GET /admin/reports/:section.csv?from=&to=: one table of the activity report as CSV, the period on its first line.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { activityReport, parsePeriod, sectionCsvRows } from '~/models/reports.server';
import { requireCoordinator } from '~/utils/auth.server';
import { csvResponse } from '~/utils/csv.server';
import { notFound } from '~/utils/http.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireCoordinator(request);
  const parsed = parsePeriod(new URL(request.url).searchParams);
  if (!parsed.ok) throw new Response('Choose a valid period on the report page.', { status: 400 });
  const rows = sectionCsvRows(activityReport(parsed.period), params.section ?? '') ?? notFound('There is no such table in the report.');
  return csvResponse(rows, `${params.section}-${parsed.period.fromDate}-to-${parsed.period.toDate}.csv`);
}
