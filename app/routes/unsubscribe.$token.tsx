// /unsubscribe/:token: the link in every digest's footer and List-Unsubscribe header. It authenticates by its signed
// token alone (no session, cookies or JavaScript), so it is exempt from the Origin check (app/utils/origin.server.ts):
// mail providers POST "List-Unsubscribe=One-Click" (RFC 8058) from their own servers.
// GET shows a confirmation page and changes nothing, so a mail scanner that follows links unsubscribes nobody.
// POST (the one-click request, or the button on the page) turns digests off and answers with a plain confirmation.
// A forged, damaged or expired link gets a 400 page that says so, never a 500.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { SubmitButton } from '~/components/forms';
import { unsubscribeByToken, unsubscribeDetails, type UnsubscribeLookup } from '~/models/digests.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Unsubscribe from the digest · Micro-credentials CoP' }, { name: 'robots', content: 'noindex' }]);

type PageData = { state: 'invalid' | 'expired' | 'confirm' | 'already-off' | 'done'; email?: string };

function problem(lookup: Extract<UnsubscribeLookup, { ok: false }>) {
  return data<PageData>({ state: lookup.reason }, { status: 400, headers: { 'Cache-Control': 'no-store' } });
}

export async function loader({ params }: LoaderFunctionArgs) {
  const lookup = unsubscribeDetails(params.token ?? '');
  if (!lookup.ok) return problem(lookup);
  return data<PageData>({ state: lookup.frequency === 'off' ? 'already-off' : 'confirm', email: lookup.email }, { headers: { 'Cache-Control': 'no-store' } });
}

export async function action({ params }: ActionFunctionArgs) {
  // The body is "List-Unsubscribe=One-Click" from mail providers, or the page's own button: the token decides.
  const lookup = unsubscribeByToken(params.token ?? '');
  if (!lookup.ok) return problem(lookup);
  return data<PageData>({ state: 'done', email: lookup.email }, { headers: { 'Cache-Control': 'no-store' } });
}

export default function Unsubscribe() {
  const loaded = useLoaderData<typeof loader>() as PageData;
  const acted = useActionData<typeof action>() as PageData | undefined;
  const page = acted ?? loaded;

  if (page.state === 'invalid' || page.state === 'expired') {
    return (
      <section className="narrow stack-tight" aria-labelledby="unsubscribe-title">
        <h1 id="unsubscribe-title">This unsubscribe link does not work</h1>
        <p>
          {page.state === 'expired'
            ? 'The link is more than a year old, so it has expired. Use the link in a more recent digest, or sign in and turn the digest off in your notification settings.'
            : 'The link is damaged or incomplete. Copy the whole link from the email into your browser, or sign in and turn the digest off in your notification settings.'}
        </p>
        <p>
          <Link to="/settings/notifications">Notification settings</Link> (you will be asked to sign in)
        </p>
      </section>
    );
  }
  const email = page.email ?? 'your address';
  if (page.state === 'done' || page.state === 'already-off') {
    return (
      <section className="narrow stack-tight" aria-labelledby="unsubscribe-title">
        <h1 id="unsubscribe-title">{page.state === 'done' ? 'You are unsubscribed' : 'You are already unsubscribed'}</h1>
        <p>
          No more digests will be sent to {email}. Other emails, such as workshop confirmations and replies to your posts, are not affected.
        </p>
        <p>
          Changed your mind? Choose weekly, fortnightly or monthly in your <Link to="/settings/notifications">notification settings</Link>.
        </p>
      </section>
    );
  }
  return (
    <section className="narrow stack-tight" aria-labelledby="unsubscribe-title">
      <h1 id="unsubscribe-title">Unsubscribe from the digest?</h1>
      <p>The community digest goes to {email}. Unsubscribe, and no more digests will be sent to this address. Other emails are not affected.</p>
      <Form method="post">
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <SubmitButton pendingText="Unsubscribing…">Unsubscribe</SubmitButton>
      </Form>
      <p className="meta">
        Would you rather get it less often? Choose fortnightly or monthly in your <Link to="/settings/notifications">notification settings</Link>.
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
