// Where single sign-on sends someone it could not sign in as a member: their request to join is waiting for a
// coordinator, or their organisation is not (yet) known by its email domain or Entra ID tenant.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { providerName } from '~/utils/oidc.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: `${data?.outcome === 'requested' ? 'Request to join sent' : 'Organisation not recognised'} · Micro-credentials CoP` },
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const outcome = url.searchParams.get('outcome') === 'requested' ? ('requested' as const) : ('unknown' as const);
  const domain = url.searchParams.get('domain')?.slice(0, 100) ?? null;
  return {
    outcome,
    organisation: url.searchParams.get('organisation')?.slice(0, 150) ?? null,
    domain: domain && /^[a-z0-9.-]+$/.test(domain) ? domain : null,
    providerName: providerName(url.searchParams.get('provider') ?? ''),
  };
}

export default function JoinBySso() {
  const { outcome, organisation, domain, providerName } = useLoaderData<typeof loader>();
  if (outcome === 'requested') {
    return (
      <div className="narrow" role="status">
        <h1>Your request to join has been sent</h1>
        <p>
          You are not a member yet, so we have asked to add you{organisation ? ` as staff of ${organisation}` : ''}. Your organisation's email address
          is already confirmed by the sign-in you just made, so there is nothing to click in your inbox.
        </p>
        <p>A coordinator will review the request and email you the decision. Once approved, use the same button on the sign-in page.</p>
        <p>
          <Link to="/">Go to the home page</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>We do not recognise your organisation yet</h1>
      <p>
        You signed in with {providerName}
        {domain ? (
          <>
            {' '}
            as someone at <strong>{domain}</strong>
          </>
        ) : null}
        , but no member organisation has registered that {domain ? 'email domain' : 'account'} with the community, so we cannot tell which organisation
        you belong to. You have not been signed in, and nothing has been stored.
      </p>
      <h2>How to join</h2>
      <ul>
        <li>
          <Link to="/join">Request to join</Link> with your email address: choose your organisation from the list, and a coordinator reviews the request.
        </li>
        <li>If your organisation is a member already, ask its coordinator or the portal's coordinators to add {domain ?? 'your email domain'} to it, then sign in again.</li>
        <li>
          Already a member with a different address? <Link to="/login">Sign in with your email and password</Link>, then link {providerName} under Settings → Security.
        </li>
      </ul>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
