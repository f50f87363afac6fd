// /settings/*: the signed-in member's own account. Each child page checks sign-in again in its own loader and action.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { NavLink, Outlet } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { requireUser } from '~/utils/auth.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Settings · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  requireUser(request);
  return null;
}

export default function SettingsLayout() {
  return (
    <div>
      <h1>Settings</h1>
      <nav className="admin-nav" aria-label="Settings">
        <ul>
          <li>
            <NavLink to="/settings/profile">Profile</NavLink>
          </li>
          <li>
            <NavLink to="/settings/security">Security</NavLink>
          </li>
          <li>
            <NavLink to="/settings/calendar">Calendar</NavLink>
          </li>
          <li>
            <NavLink to="/settings/notifications">Notifications</NavLink>
          </li>
          <li>
            <NavLink to="/settings/privacy">Privacy</NavLink>
          </li>
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
