// GET /workshops/calendar.ics: the public feed of scheduled workshops, for calendar subscriptions.
// The static segment "calendar.ics" ranks above /workshops/:slug, so no workshop slug can shadow it.
import { publicCalendar } from '~/models/rsvps.server';
import { ICS_CONTENT_TYPE } from '~/utils/ics';

export async function loader() {
  return new Response(publicCalendar(), {
    headers: {
      'Content-Type': ICS_CONTENT_TYPE,
      'Content-Disposition': 'inline; filename="workshops.ics"',
      'Cache-Control': 'public, max-age=300',
    },
  });
}
