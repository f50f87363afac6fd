// /pathways: the qualifications micro-credentials can stack into, with how far each is covered so far.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { qualificationsWithCounts } from '~/models/micro-credentials.server';
import { getUser } from '~/utils/auth.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Stacking pathways · Micro-credentials CoP' }], 'How micro-credentials stack into New Zealand engineering qualifications, and how far each pathway is from the total.');

export async function loader({ request }: LoaderFunctionArgs) {
  return { qualifications: qualificationsWithCounts(getUser(request)) };
}

export default function Pathways() {
  const { qualifications } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <header>
        <p className="meta">
          <Link to="/micro-credentials">Micro-credential register</Link>
        </p>
        <h1>Stacking pathways</h1>
        <p className="muted">How the pilots’ micro-credentials add up toward more substantial qualifications.</p>
      </header>
      {qualifications.length === 0 ? (
        <p className="empty">No qualifications are recorded yet.</p>
      ) : (
        <ul className="list-plain">
          {qualifications.map((q) => (
            <li key={q.code}>
              <h2>
                <Link to={`/pathways/${q.code}`}>{q.name}</Link>
              </h2>
              <p className="meta">
                {q.nzqfLevel !== null ? `NZQF Level ${q.nzqfLevel}` : 'Level not recorded'} ·{' '}
                {q.count === 1 ? '1 micro-credential stacks into it' : `${q.count} micro-credentials stack into it`} ·{' '}
                {q.totalCredits !== null ? `${q.covered} of ${q.totalCredits} credits covered` : `${q.covered} credits (total not recorded)`}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
