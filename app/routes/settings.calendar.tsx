// /settings/calendar: the secret address of the member's personal calendar feed, and a way to replace it.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SubmitButton, TextField } from '~/components/forms';
import { getOrCreateCalendarToken, regenerateCalendarToken } from '~/models/rsvps.server';
import { requireUser } from '~/utils/auth.server';
import { absoluteUrl } from '~/utils/env.server';
import { redirectWithFlash } from '~/utils/flash.server';
import type { FieldErrors } from '~/utils/validation.server';
import { readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Calendar · Settings · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const token = getOrCreateCalendarToken(user.id);
  return { feedUrl: absoluteUrl(`/calendar/${token}.ics`) };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = requireUser(request);
  const formData = await readFormData(request);
  if (formData.get('intent') !== 'regenerate') {
    return data<{ errors: FieldErrors }>({ errors: { _form: ['Choose one of the actions on this page.'] } }, { status: 400 });
  }
  regenerateCalendarToken(user.id);
  return redirectWithFlash(request, '/settings/calendar', 'Your calendar link has been replaced. The old link no longer works: subscribe again with the new one.');
}

export default function CalendarSettings() {
  const { feedUrl } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="stack">
      <section aria-labelledby="feed-title">
        <h2 id="feed-title">Your calendar feed</h2>
        <p>
          Subscribe to this address in Google Calendar, Outlook or Apple Calendar and every workshop you have a seat at appears in your calendar,
          with its joining link, and stays up to date when times or places change. Workshops you are waitlisted for are added once you get a seat.
        </p>
        <TextField label="Your personal calendar address" name="feedUrl" readOnly value={feedUrl} className="break-anywhere" hint="Keep it to yourself: anyone with this address can see the workshops you are going to." />
        <p>
          <a href={feedUrl}>Open the calendar feed</a>
        </p>
      </section>
      <section aria-labelledby="regenerate-title">
        <h2 id="regenerate-title">Replace the link</h2>
        <p>
          If you shared the address by mistake, regenerate it. The old link stops working at once, so calendars subscribed to it stop updating until you
          subscribe again with the new address.
        </p>
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="regenerate" />
          <FormError errors={actionData?.errors._form} />
          <SubmitButton className="button button--secondary" pendingText="Regenerating…">
            Regenerate link
          </SubmitButton>
        </Form>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
