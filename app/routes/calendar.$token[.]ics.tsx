// GET /calendar/<token>.ics: a member's personal feed (workshops they have a seat at, with joining links).
// The token is the only credential, so the answer is never cached by anything in between.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { personalCalendar } from '~/models/rsvps.server';
import { notFound } from '~/utils/http.server';
import { ICS_CONTENT_TYPE } from '~/utils/ics';

export async function loader({ params }: LoaderFunctionArgs) {
  const calendar = personalCalendar(params.token ?? '') ?? notFound('There is no calendar at this address. The link may have been regenerated.');
  return new Response(calendar, {
    headers: {
      'Content-Type': ICS_CONTENT_TYPE,
      'Content-Disposition': 'inline; filename="my-workshops.ics"',
      'Cache-Control': 'private, no-store',
      'Referrer-Policy': 'no-referrer',
    },
  });
}
