import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { requireDevMailAccess } from '~/utils/dev-mail.server';
import { listOutbox } from '~/utils/mail.server';
import { formatDateTime } from '~/utils/time';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Captured mail · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  requireDevMailAccess(request);
  return {
    messages: listOutbox(200).map((m) => ({
      id: m.id,
      to: m.toAddress,
      subject: m.subject,
      status: m.status,
      queued: formatDateTime(m.createdAt),
      sent: m.sentAt ? formatDateTime(m.sentAt) : null,
    })),
  };
}

const STATUS_BADGE = { pending: 'badge', sending: 'badge', sent: 'badge badge--ok', failed: 'badge badge--bad' } as const;

export default function DevMail() {
  const { messages } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <p className="meta">
        <Link to="/admin">Admin</Link>
      </p>
      <h1>Captured mail</h1>
      <p>
        <code>SMTP_URL</code> is not set, so mail is written to <code>.eml</code> files instead of being sent. Open a message to
        read it and follow its links (invitations, password resets, email confirmations). This page does not exist once
        SMTP is configured.
      </p>
      {messages.length === 0 ? (
        <p className="empty">No mail yet. Invite someone or ask for a password reset, and the message appears here.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Outgoing mail, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Subject</th>
                <th scope="col">To</th>
                <th scope="col">Status</th>
                <th scope="col">Queued</th>
                <th scope="col">Sent</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id}>
                  <th scope="row">
                    <Link to={`/dev/mail/${m.id}`}>{m.subject}</Link>
                  </th>
                  <td>{m.to}</td>
                  <td>
                    <span className={STATUS_BADGE[m.status]}>{m.status}</span>
                  </td>
                  <td>{m.queued}</td>
                  <td>{m.sent ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
