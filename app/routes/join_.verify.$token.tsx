// The link from the "confirm your email address" message. Opening it again is harmless and says the same thing.
// (join_ keeps this page out of the /join layout: it is a page of its own, not a child of the form.)
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { verifyJoinRequest } from '~/models/join-requests.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: `${data?.ok ? 'Email address confirmed' : 'Link not recognised'} · Micro-credentials CoP` },
]);

export async function loader({ params }: LoaderFunctionArgs) {
  const outcome = verifyJoinRequest(params.token ?? '');
  if (!outcome.ok) return data({ ok: false as const, name: null }, { status: 404 });
  return { ok: true as const, name: outcome.name, status: outcome.status };
}

export default function VerifyJoinRequest() {
  const result = useLoaderData<typeof loader>();
  if (!result.ok) {
    return (
      <div className="narrow">
        <h1>That link is not recognised</h1>
        <p>
          The confirmation link may have been copied incompletely, it may be more than seven days old, or it belongs to an earlier request that a newer one replaced. Use the link in
          the most recent email we sent you, or <Link to="/join">request to join</Link> again.
        </p>
      </div>
    );
  }
  return (
    <div className="narrow" role="status">
      <h1>Thanks, your email address is confirmed</h1>
      {result.status === 'approved' ? (
        <p>
          Kia ora {result.name}. Your request has already been approved: <Link to="/login">sign in</Link>.
        </p>
      ) : result.status === 'declined' ? (
        <p>Kia ora {result.name}. A coordinator has already decided on this request and emailed you.</p>
      ) : (
        <p>Kia ora {result.name}. A coordinator will review your request to join and email you as soon as it has been decided.</p>
      )}
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
