// /admin/erasure: coordinators confirm or decline members' requests to be erased, and act on written requests.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { withDescription } from '~/utils/meta';
import { FormError, SubmitButton, TextField } from '~/components/forms';
import { declineErasureRequest, eraseAccount, eraseOnWrittenRequest, listErasureRequests } from '~/models/erasure.server';
import { requireCoordinator } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { readFormData } from '~/utils/http.server';
import { formatDateTime } from '~/utils/time';
import { field, parseForm, type FieldErrors } from '~/utils/validation.server';

export const meta: MetaFunction = () => withDescription([{ title: 'Erasure · Admin · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  requireCoordinator(request);
  const rows = listErasureRequests();
  return {
    pending: rows
      .filter((r) => r.status === 'pending')
      .map((r) => ({ id: r.id, name: r.name, email: r.email, organisationName: r.organisationName, removePosts: !!r.removePosts, requestedAt: formatDateTime(r.createdAt) })),
    decided: rows
      .filter((r) => r.status !== 'pending')
      .slice(0, 30)
      .map((r) => ({ id: r.id, status: r.status, source: r.source, decidedAt: r.decidedAt ? formatDateTime(r.decidedAt) : '', filesPending: !!r.filesPending })),
  };
}

const writtenSchema = z.object({
  email: field.email(),
  reference: field.optionalText('the reference', 200),
  removePosts: z.string().optional(),
  confirm: z.literal('yes', { error: 'Tick the box to confirm the erasure.' }),
});

type ActionData = { errors: FieldErrors; values?: Record<string, string> };

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireCoordinator(request);
  const formData = await readFormData(request);
  const intent = formData.get('intent');
  if (intent === 'confirm' || intent === 'decline') {
    const requestId = Number(formData.get('requestId'));
    if (!Number.isInteger(requestId) || requestId <= 0) return data<ActionData>({ errors: { _form: ['Choose a request.'] } }, { status: 400 });
    const outcome = intent === 'confirm' ? await eraseAccount(actor, requestId) : declineErasureRequest(actor, requestId);
    if (!outcome.ok) return data<ActionData>({ errors: { _form: [outcome.message] } }, { status: 409 });
    return redirectWithFlash(request, '/admin/erasure', outcome.message);
  }
  if (intent === 'written') {
    const form = parseForm(writtenSchema, formData);
    const values = { email: String(formData.get('email') ?? ''), reference: String(formData.get('reference') ?? '') };
    if (!form.ok) return data<ActionData>({ errors: form.errors, values }, { status: 400 });
    const outcome = await eraseOnWrittenRequest(actor, { email: form.data.email, reference: form.data.reference, removePosts: form.data.removePosts === 'yes' });
    if (!outcome.ok) return data<ActionData>({ errors: outcome.field ? { [outcome.field]: [outcome.message] } : { _form: [outcome.message] }, values }, { status: 409 });
    return redirectWithFlash(request, '/admin/erasure', outcome.message);
  }
  return data<ActionData>({ errors: { _form: ['Choose one of the actions on this page.'] } }, { status: 400 });
}

export default function AdminErasure() {
  const { pending, decided } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors;
  return (
    <div className="stack">
      <h2>Erasure</h2>
      <p className="meta">
        Erasing an account renames it “Former member”, removes its email and profile, signs it out everywhere, withdraws future RSVPs (the waitlist
        moves up), cancels mail waiting for it, and deletes files it uploaded unless another resource uses them. Posts stay as “Former member” unless
        removal was asked for. It cannot be undone. The audit log records it without the erased details.
      </p>
      <FormError errors={errors?._form} />
      <section aria-labelledby="waiting-title">
        <h3 id="waiting-title">Requests from members</h3>
        {pending.length === 0 ? (
          <p className="empty">No one is waiting. Members ask at Settings → Privacy.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Erasure requests waiting for a coordinator</caption>
              <thead>
                <tr>
                  <th scope="col">Member</th>
                  <th scope="col">Asked</th>
                  <th scope="col">Posts</th>
                  <th scope="col">Decision</th>
                </tr>
              </thead>
              <tbody>
                {pending.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">
                      {r.name}
                      <div className="meta">
                        {r.email} · {r.organisationName}
                      </div>
                    </th>
                    <td>{r.requestedAt}</td>
                    <td>{r.removePosts ? 'Remove' : 'Keep as Former member'}</td>
                    <td>
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="requestId" value={r.id} />
                        <button type="submit" name="intent" value="confirm" className="button button--small button--danger">
                          Erase<span className="visually-hidden"> {r.name}</span>
                        </button>{' '}
                        <button type="submit" name="intent" value="decline" className="button button--small button--secondary">
                          Decline<span className="visually-hidden"> the request from {r.name}</span>
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="written-title">
        <h3 id="written-title">Erase on a written request</h3>
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="written" />
          <TextField label="Member’s email address" name="email" type="email" defaultValue={actionData?.values?.email} errors={errors?.email} required />
          <TextField
            label="Reference (optional)"
            hint="Where the request is filed, such as a ticket number. Not the person’s name or details: this goes into the audit log."
            name="reference"
            defaultValue={actionData?.values?.reference}
            errors={errors?.reference}
            maxLength={200}
          />
          <div className="checkbox">
            <input type="checkbox" id="written-remove-posts" name="removePosts" value="yes" />
            <label htmlFor="written-remove-posts">They also asked for their posts to be removed</label>
          </div>
          <div>
            <div className="checkbox">
              <input
                type="checkbox"
                id="written-confirm"
                name="confirm"
                value="yes"
                aria-invalid={errors?.confirm ? true : undefined}
                aria-describedby={errors?.confirm ? 'written-confirm-error' : undefined}
              />
              <label htmlFor="written-confirm">I have checked the request is from this member; erase the account now</label>
            </div>
            {errors?.confirm ? (
              <p className="field__error" id="written-confirm-error">
                {errors.confirm.join(' ')}
              </p>
            ) : null}
          </div>
          <div>
            <SubmitButton className="button button--danger" pendingText="Erasing…">
              Erase account
            </SubmitButton>
          </div>
        </Form>
      </section>

      {decided.length ? (
        <section aria-labelledby="decided-title">
          <h3 id="decided-title">Decided</h3>
          <ul>
            {decided.map((r) => (
              <li key={r.id}>
                Request #{r.id} ({r.source === 'written' ? 'written' : 'from the member'}): {r.status === 'erased' ? 'erased' : 'declined or withdrawn'} {r.decidedAt}
                {r.filesPending ? ' (files still being removed)' : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
