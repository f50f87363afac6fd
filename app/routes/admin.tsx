import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { NavLink, Outlet, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { countPendingErasures } from '~/models/erasure.server';
import { countPendingJoinRequests } from '~/models/join-requests.server';
import { requireCoordinator } from '~/utils/auth.server';
import { usesFileTransport } from '~/utils/mail.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Admin · Micro-credentials CoP' }]);

// The layout's check does not protect the pages below it (Remix runs their loaders in parallel):
// every admin loader and action calls requireCoordinator itself.
export async function loader({ request }: LoaderFunctionArgs) {
  requireCoordinator(request);
  return { pendingJoinRequests: countPendingJoinRequests(), pendingErasures: countPendingErasures(), showMail: usesFileTransport() };
}

export default function AdminLayout() {
  const { pendingJoinRequests, pendingErasures, showMail } = useLoaderData<typeof loader>();
  return (
    <div>
      <h1>Admin</h1>
      <nav aria-label="Admin" className="admin-nav">
        <ul>
          <li>
            <NavLink to="/admin" end>
              Overview
            </NavLink>
          </li>
          <li>
            <NavLink to="/admin/organisations">Organisations</NavLink>
          </li>
          <li>
            <NavLink to="/admin/members">Members</NavLink>
          </li>
          <li>
            <NavLink to="/admin/invitations">Invitations</NavLink>
          </li>
          <li>
            <NavLink to="/admin/join-requests">
              Join requests
              {pendingJoinRequests > 0 ? (
                <>
                  {' '}
                  <span className="badge badge--warn">{pendingJoinRequests} pending</span>
                </>
              ) : null}
            </NavLink>
          </li>
          <li>
            <NavLink to="/admin/moderation">Moderation</NavLink>
          </li>
          <li>
            <NavLink to="/admin/digests">Digests</NavLink>
          </li>
          <li>
            <NavLink to="/admin/erasure">
              Erasure
              {pendingErasures > 0 ? (
                <>
                  {' '}
                  <span className="badge badge--warn">{pendingErasures} waiting</span>
                </>
              ) : null}
            </NavLink>
          </li>
          <li>
            <NavLink to="/admin/reports">Reports</NavLink>
          </li>
          <li>
            <NavLink to="/admin/exports">Exports</NavLink>
          </li>
          <li>
            <NavLink to="/admin/audit">Audit log</NavLink>
          </li>
          {showMail ? (
            <li>
              <NavLink to="/dev/mail">Mail (dev)</NavLink>
            </li>
          ) : null}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
