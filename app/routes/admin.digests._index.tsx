// /admin/digests: every digest with its status and delivery counts, and "New digest", which gathers what is new
// since the last one into a draft and opens it for composing.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SubmitButton } from '~/components/forms';
import { DIGEST_STATUS_LABELS, automaticDigestsEnabled, createDigest, lastDigestSentAt, listDigests } from '~/models/digests.server';
import { requireCoordinator } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { formatDate, formatDateTime } from '~/utils/time';
import { readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Digests · Admin · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  requireCoordinator(request);
  const last = lastDigestSentAt();
  return {
    lastSent: last ? formatDate(last) : null,
    automatic: automaticDigestsEnabled(),
    digests: listDigests().map((d) => ({
      id: d.id,
      subject: d.subject,
      status: d.status,
      statusLabel: DIGEST_STATUS_LABELS[d.status],
      automatic: d.automatic,
      when:
        d.sentAt !== null
          ? `Sent ${formatDateTime(d.sentAt)}`
          : d.scheduledFor !== null
            ? `Scheduled for ${formatDateTime(d.scheduledFor)}`
            : `Started ${formatDateTime(d.createdAt)}${d.createdByName ? ` by ${d.createdByName}` : ''}`,
      counts: d.counts,
    })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireCoordinator(request);
  const formData = await readFormData(request);
  if (formData.get('intent') !== 'create') return data({ error: 'Choose one of the actions on this page.' }, { status: 400 });
  const id = createDigest(actor);
  return redirectWithFlash(request, `/admin/digests/${id}`, 'A new draft digest holds everything new since the last one. Edit it, preview it, then send it.');
}

const STATUS_BADGE: Record<string, string> = { draft: 'badge', scheduled: 'badge badge--warn', sending: 'badge badge--warn', sent: 'badge badge--ok' };

export default function DigestsIndex() {
  const { digests, lastSent, automatic } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="stack">
      <h2>Digests</h2>
      <p>
        The digest tells every member what other organisations have started, published and decided, so nobody repeats work that is already under way.
        {lastSent ? ` The last digest went out on ${lastSent}; a new one gathers everything since then.` : ' A new digest gathers what happened in the last seven days.'}
      </p>
      {automatic ? (
        <p className="notice">
          Automatic digests are on: each member also gets their own digest at the frequency they chose, with only what they have not been sent before.
        </p>
      ) : null}
      {/* Full page loads into a digest's page: its preview frame needs that page's own Content-Security-Policy. */}
      <Form method="post" className="inline-form" reloadDocument>
        <input type="hidden" name="intent" value="create" />
        <FormError errors={actionData?.error ? [actionData.error] : undefined} />
        <SubmitButton pendingText="Gathering…">New digest</SubmitButton>
      </Form>
      {digests.length === 0 ? (
        <p className="empty">No digests yet. Start one with “New digest”: it gathers what is new for you to edit.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Digests, newest first, with their delivery counts</caption>
            <thead>
              <tr>
                <th scope="col">Digest</th>
                <th scope="col">Status</th>
                <th scope="col">Recipients</th>
                <th scope="col">Queued</th>
                <th scope="col">Sent</th>
                <th scope="col">Failed</th>
              </tr>
            </thead>
            <tbody>
              {digests.map((d) => (
                <tr key={d.id}>
                  <th scope="row">
                    <Link to={`/admin/digests/${d.id}`} reloadDocument>
                      {d.subject}
                    </Link>
                    <div className="meta">
                      {d.when}
                      {d.automatic ? ' · automatic (per member)' : ''}
                    </div>
                  </th>
                  <td>
                    <span className={STATUS_BADGE[d.status] ?? 'badge'}>{d.statusLabel}</span>
                  </td>
                  <td>{d.counts.recipients}</td>
                  <td>{d.counts.queued}</td>
                  <td>{d.counts.sent}</td>
                  <td>{d.counts.failed ? <span className="badge badge--bad">{d.counts.failed}</span> : 0}</td>
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
