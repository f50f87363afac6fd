import type { LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { getAdminOverview } from '~/models/admin.server';
import { listAuditLog } from '~/models/audit.server';
import { requireCoordinator } from '~/utils/auth.server';
import { usesFileTransport } from '~/utils/mail.server';
import { formatDateTime } from '~/utils/time';

export async function loader({ request }: LoaderFunctionArgs) {
  requireCoordinator(request);
  return {
    overview: getAdminOverview(),
    showMail: usesFileTransport(),
    recent: listAuditLog({ limit: 5 }).map((e) => ({ id: e.id, when: formatDateTime(e.createdAt), who: e.actorName ?? 'System', summary: e.summary })),
  };
}

function plural(n: number, one: string, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

export default function AdminOverview() {
  const { overview, recent, showMail } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h2>Overview</h2>
      <ul className="grid grid--3 list-cards">
        <li className="card">
          <h3>Join requests</h3>
          <p>
            {plural(overview.pendingJoinRequests, 'request')} waiting for a decision
            {overview.unverifiedJoinRequests ? `, ${overview.unverifiedJoinRequests} waiting for email confirmation` : ''}.
          </p>
          <p>
            <Link to="/admin/join-requests">Review join requests</Link>
          </p>
        </li>
        <li className="card">
          <h3>Invitations</h3>
          <p>{plural(overview.openInvitations, 'open invitation')}.</p>
          <p>
            <Link to="/admin/invitations">Invite someone</Link>
          </p>
        </li>
        <li className="card">
          <h3>Members</h3>
          <p>
            {plural(overview.activeMembers, 'active member')}
            {overview.deactivatedMembers ? `, ${overview.deactivatedMembers} deactivated` : ''}.
          </p>
          <p>
            <Link to="/admin/members">Manage members</Link>
          </p>
        </li>
        <li className="card">
          <h3>Organisations</h3>
          <p>{plural(overview.organisations, 'organisation')}.</p>
          <p>
            <Link to="/admin/organisations">Manage organisations</Link>
          </p>
        </li>
        <li className="card">
          <h3>Outgoing mail</h3>
          <p>
            {plural(overview.mailWaiting, 'message')} waiting to send
            {overview.mailFailed ? `, ${plural(overview.mailFailed, 'message')} failed` : ''}.
          </p>
          {showMail ? (
            <p>
              <Link to="/dev/mail">Read captured mail</Link>
            </p>
          ) : null}
        </li>
      </ul>
      <section aria-labelledby="recent-title">
        <h3 id="recent-title">Recent admin actions</h3>
        {recent.length === 0 ? (
          <p className="empty">Nothing yet. Every change made here is recorded in the audit log.</p>
        ) : (
          <ul className="list-plain">
            {recent.map((e) => (
              <li key={e.id}>
                {e.summary} <span className="meta">· {e.who} · {e.when}</span>
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to="/admin/audit">See the full audit log</Link>
        </p>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
