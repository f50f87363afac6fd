import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, TextAreaField } from '~/components/forms';
import { decideJoinRequest, decisionSchema, listJoinRequests } from '~/models/join-requests.server';
import { requireCoordinator } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { formatDateTime } from '~/utils/time';
import { field, parseForm } from '~/utils/validation.server';
import { readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Join requests · Admin · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  requireCoordinator(request);
  return {
    requests: listJoinRequests().map((r) => ({
      id: r.id,
      name: r.name,
      email: r.email,
      organisationName: r.organisationName,
      reason: r.reason,
      status: r.status,
      received: formatDateTime(r.createdAt),
      decided: r.decidedAt ? formatDateTime(r.decidedAt) : null,
    })),
  };
}

const schema = decisionSchema.extend({ requestId: field.id('a join request') });

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireCoordinator(request);
  const form = parseForm(schema, await readFormData(request));
  if (!form.ok) {
    const error = Object.values(form.errors).flat().join(' ') || 'That decision could not be recorded.';
    return data({ error, requestId: form.values.requestId ?? null, note: form.values.note ?? '' }, { status: 400 });
  }
  const outcome = decideJoinRequest(actor, form.data.requestId, { decision: form.data.decision, note: form.data.note });
  if (!outcome.ok) return data({ error: outcome.message, requestId: String(form.data.requestId), note: form.values.note ?? '' }, { status: 400 });
  return redirectWithFlash(request, '/admin/join-requests', outcome.message);
}

const STATUS_TEXT = { unverified: 'Email not confirmed', pending: 'Waiting for a decision', approved: 'Approved', declined: 'Declined' } as const;
const STATUS_BADGE = { unverified: 'badge', pending: 'badge badge--warn', approved: 'badge badge--ok', declined: 'badge badge--bad' } as const;

export default function AdminJoinRequests() {
  const { requests } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const waiting = requests.filter((r) => r.status === 'pending' || r.status === 'unverified');
  const decided = requests.filter((r) => r.status === 'approved' || r.status === 'declined');
  return (
    <div className="stack">
      <h2>Join requests</h2>
      <p className="meta">
        People confirm their email address first; then they wait here. Either way they are emailed your decision, with your
        note if you add one. Approving creates their account as a member.
      </p>
      <section aria-labelledby="waiting-title">
        <h3 id="waiting-title">Waiting</h3>
        {waiting.length === 0 ? (
          <p className="empty">No one is waiting. Requests from the “Request to join” page appear here.</p>
        ) : (
          <ul className="list-plain">
            {waiting.map((r) => {
              const failed = actionData && actionData.requestId === String(r.id) ? actionData : undefined;
              return (
                <li key={r.id}>
                  <h4>
                    {r.name} <span className={STATUS_BADGE[r.status]}>{STATUS_TEXT[r.status]}</span>
                  </h4>
                  <p className="meta">
                    {r.email} · {r.organisationName} · received {r.received}
                  </p>
                  {r.reason ? <p className="pre-wrap">{r.reason}</p> : <p className="empty">No reason given.</p>}
                  {r.status === 'unverified' ? (
                    <p className="muted">Waiting for the person to confirm their email address before you can decide.</p>
                  ) : (
                    <Form method="post" className="form">
                      <FormError errors={failed ? [failed.error] : undefined} />
                      <input type="hidden" name="requestId" value={r.id} />
                      <TextAreaField
                        label={`Note to ${r.name} (optional)`}
                        name="note"
                        rows={2}
                        maxLength={1000}
                        hint="Included in the email they receive."
                        defaultValue={failed?.note ?? ''}
                      />
                      <div className="actions">
                        <button type="submit" name="decision" value="approve" className="button">
                          Approve<span className="visually-hidden"> {r.name}</span>
                        </button>
                        <button type="submit" name="decision" value="decline" className="button button--secondary">
                          Decline<span className="visually-hidden"> {r.name}</span>
                        </button>
                      </div>
                    </Form>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        {actionData && !waiting.some((r) => String(r.id) === actionData.requestId) ? <FormError errors={[actionData.error]} /> : null}
      </section>
      <section aria-labelledby="decided-title">
        <h3 id="decided-title">Decided</h3>
        {decided.length === 0 ? (
          <p className="empty">No requests have been decided yet.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Decided join requests, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Organisation</th>
                  <th scope="col">Decision</th>
                  <th scope="col">Decided</th>
                </tr>
              </thead>
              <tbody>
                {decided.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">
                      {r.name}
                      <div className="meta">{r.email}</div>
                    </th>
                    <td>{r.organisationName}</td>
                    <td>
                      <span className={STATUS_BADGE[r.status]}>{STATUS_TEXT[r.status]}</span>
                    </td>
                    <td>{r.decided}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
