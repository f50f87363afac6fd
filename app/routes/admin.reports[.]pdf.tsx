// GET /admin/reports.pdf?from=&to=: the prepared PDF of the activity report (prepare it on /admin/reports first).
import fs from 'node:fs';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { reportPdfName, reportPdfPath, reportPdfState } from '~/models/report-pdf.server';
import { parsePeriod } from '~/models/reports.server';
import { requireCoordinator } from '~/utils/auth.server';
import { contentDisposition } from '~/utils/downloads.server';
import { notFound } from '~/utils/http.server';

export async function loader({ request }: LoaderFunctionArgs) {
  requireCoordinator(request);
  const parsed = parsePeriod(new URL(request.url).searchParams);
  if (!parsed.ok) throw new Response('Choose a valid period on the report page.', { status: 400 });
  const state = reportPdfState(parsed.period);
  if (state.state !== 'ready') notFound('This PDF has not been prepared yet: prepare it on the report page.');
  return new Response(createReadableStreamFromReadable(fs.createReadStream(reportPdfPath(parsed.period))), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Length': String(state.bytes),
      'Content-Disposition': contentDisposition(reportPdfName(parsed.period)),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
