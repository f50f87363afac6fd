// /admin/exports: the coordinator's spreadsheets of the community's whole record, one link each (works without
// JavaScript). The activity report for a period is at /admin/reports.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { COORDINATOR_EXPORTS } from '~/models/exports.server';
import { requireCoordinator } from '~/utils/auth.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Exports · Admin · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  requireCoordinator(request);
  return { exports: Object.entries(COORDINATOR_EXPORTS).map(([name, e]) => ({ href: `/admin/exports/${name}.csv`, title: e.title })) };
}

export default function Exports() {
  const { exports } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h2>Exports</h2>
      <p className="meta">
        Spreadsheets (CSV, UTF-8) of everything recorded so far, including members-only pilots and resources: keep them within the community. For one period, with charts and a
        PDF, see the <Link to="/admin/reports">activity report</Link>.
      </p>
      <ul className="list-plain">
        {exports.map((e) => (
          <li key={e.href}>
            <a href={e.href} download>
              {e.title} (CSV)
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
