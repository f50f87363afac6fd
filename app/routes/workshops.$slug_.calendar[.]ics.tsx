// GET /workshops/:slug/calendar.ics: one workshop as a calendar file (no joining link: files get shared).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { workshopCalendar } from '~/models/rsvps.server';
import { getWorkshopBySlug } from '~/models/workshops.server';
import { notFound } from '~/utils/http.server';
import { ICS_CONTENT_TYPE } from '~/utils/ics';

export async function loader({ params }: LoaderFunctionArgs) {
  const workshop = getWorkshopBySlug(params.slug ?? '');
  // Drafts are not announced yet: not even coordinators get a calendar file for one.
  if (!workshop || workshop.status === 'draft') notFound('There is no workshop at this address.');
  return new Response(workshopCalendar(workshop), {
    headers: {
      'Content-Type': ICS_CONTENT_TYPE,
      'Content-Disposition': `attachment; filename="${workshop.slug}.ics"`,
      'Cache-Control': 'no-cache',
    },
  });
}
