import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { linksInText, requireDevMailAccess } from '~/utils/dev-mail.server';
import { idParam, notFound } from '~/utils/http.server';
import { getOutboxMessage, readMailFile } from '~/utils/mail.server';
import { formatDateTime } from '~/utils/time';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: `${data ? data.message.subject : 'Message not found'} · Captured mail · Micro-credentials CoP` },
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireDevMailAccess(request);
  const id = idParam(params.id);
  const m = getOutboxMessage(id) ?? notFound('There is no such message.');
  return {
    message: {
      id: m.id,
      to: m.toAddress,
      subject: m.subject,
      status: m.status,
      messageId: m.messageId,
      attempts: m.attempts,
      lastError: m.lastError,
      queued: formatDateTime(m.createdAt),
      sent: m.sentAt ? formatDateTime(m.sentAt) : null,
      text: m.text,
    },
    links: linksInText(m.text),
    hasFile: readMailFile(id) !== null,
  };
}

export default function DevMailMessage() {
  const { message, links, hasFile } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <p className="meta">
        <Link to="/dev/mail">All captured mail</Link>
      </p>
      <h1>{message.subject}</h1>
      <dl className="details">
        <dt>To</dt>
        <dd>{message.to}</dd>
        <dt>Subject</dt>
        <dd>{message.subject}</dd>
        <dt>Status</dt>
        <dd>{message.status}</dd>
        <dt>Queued</dt>
        <dd>{message.queued}</dd>
        <dt>Sent</dt>
        <dd>{message.sent ?? 'Not yet'}</dd>
        <dt>Message-ID</dt>
        <dd>
          <code>{message.messageId ?? 'Assigned when sent'}</code>
        </dd>
        <dt>Attempts</dt>
        <dd>{message.attempts}</dd>
        {message.lastError ? (
          <>
            <dt>Last error</dt>
            <dd className="pre-wrap">{message.lastError}</dd>
          </>
        ) : null}
      </dl>
      <p>
        {hasFile ? (
          <a href={`/dev/mail/${message.id}.eml`} download={`message-${message.id}.eml`}>
            Download the raw .eml file
          </a>
        ) : (
          <span className="muted">The .eml file is written when the message is sent.</span>
        )}
      </p>

      <section aria-labelledby="links-title">
        <h2 id="links-title">Links in this message</h2>
        {links.length === 0 ? (
          <p className="empty">This message has no links.</p>
        ) : (
          <ul className="list-plain">
            {links.map((href) => (
              <li key={href}>
                <a href={href} rel="noreferrer" className="break-anywhere">
                  {href}
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="text-title">
        <h2 id="text-title">Plain text</h2>
        <pre className="pre-wrap card">{message.text}</pre>
      </section>

      <section aria-labelledby="html-title">
        <h2 id="html-title">HTML version</h2>
        <p className="meta">Shown in a sandbox: scripts never run and links inside it do not open. Use the links above.</p>
        <iframe sandbox="" src={`/dev/mail/${message.id}/email.html`} title="HTML version of the email" className="mail-frame" />
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
