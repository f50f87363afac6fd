// /discussions/unwatch/:token: the link in every thread notification. It works without signing in: the token is an
// HMAC of the member and the thread, so it can only have come from an email we sent. GET asks (and changes
// nothing, so a mail scanner following links mutes nothing); POST mutes the thread. Mail providers' one-click
// unsubscribe (List-Unsubscribe-Post) posts here too. A forged or damaged link gets a 400 page.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { SubmitButton } from '~/components/forms';
import { muteByToken, unwatchDetails } from '~/models/discussions.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Stop emails about a thread · Micro-credentials CoP' }, { name: 'robots', content: 'noindex' }]);

export async function loader({ params }: LoaderFunctionArgs) {
  const details = unwatchDetails(params.token ?? '');
  if (!details) return data({ valid: false as const, threadTitle: null, muted: false }, { status: 400 });
  return { valid: true as const, threadTitle: details.threadTitle, muted: details.level === 'muted' };
}

export async function action({ params }: ActionFunctionArgs) {
  const token = params.token ?? '';
  if (!muteByToken(token)) return data({ done: false as const }, { status: 400 });
  return { done: true as const };
}

export default function Unwatch() {
  const { valid, threadTitle, muted } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (!valid || result?.done === false) {
    return (
      <section className="narrow stack-tight" aria-labelledby="unwatch-title">
        <h1 id="unwatch-title">This link does not work</h1>
        <p>The link to stop emails about a thread is damaged or incomplete. Copy the whole link from the email into your browser, or sign in and use the Mute button on the thread.</p>
        <p>
          <Link to="/discussions">Go to the discussions</Link>
        </p>
      </section>
    );
  }
  if (result?.done || muted) {
    return (
      <section className="narrow stack-tight" aria-labelledby="unwatch-title">
        <h1 id="unwatch-title">Emails stopped</h1>
        <p>You will not get any more emails about “{threadTitle}”, even if you reply to it. You can watch it again from the thread page at any time.</p>
        <p>
          <Link to="/discussions">Go to the discussions</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow stack-tight" aria-labelledby="unwatch-title">
      <h1 id="unwatch-title">Stop emails about this thread?</h1>
      <p>
        You are getting emails about new posts in “{threadTitle}”. Stop them, and you will not hear about this thread again unless you watch it from
        its page. Your other threads are not affected.
      </p>
      <Form method="post">
        <SubmitButton pendingText="Stopping…">Stop emails about this thread</SubmitButton>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
