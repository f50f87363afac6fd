import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SelectField, SubmitButton, TextField } from '~/components/forms';
import { organisationOptions } from '~/models/organisations.server';
import { createInvitation, invitationSchema, listInvitations, revokeInvitation } from '~/models/invitations.server';
import { requireCoordinator } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { ROLE_LABELS } from '~/utils/labels';
import { usesFileTransport } from '~/utils/mail.server';
import { formatDateTime } from '~/utils/time';
import { field, parseForm } from '~/utils/validation.server';
import { readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Invitations · Admin · Micro-credentials CoP' }]);

export type InvitationStatus = 'pending' | 'accepted' | 'expired' | 'revoked';

function statusOf(i: { acceptedAt: number | null; revokedAt: number | null; expiresAt: number }, now: number): InvitationStatus {
  if (i.acceptedAt !== null) return 'accepted';
  if (i.revokedAt !== null) return 'revoked';
  if (i.expiresAt <= now) return 'expired';
  return 'pending';
}

export async function loader({ request }: LoaderFunctionArgs) {
  requireCoordinator(request);
  const now = Date.now();
  return {
    showMail: usesFileTransport(),
    organisations: organisationOptions().map((o) => ({ value: String(o.id), label: o.name })),
    invitations: listInvitations().map((i) => ({
      id: i.id,
      email: i.email,
      organisationName: i.organisationName,
      roleLabel: ROLE_LABELS[i.role],
      status: statusOf(i, now),
      sent: formatDateTime(i.createdAt),
      expires: formatDateTime(i.expiresAt),
    })),
  };
}

const revokeSchema = z.object({ invitationId: field.id('an invitation') });

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireCoordinator(request);
  const formData = await readFormData(request);
  const intent = formData.get('intent');
  if (intent === 'revoke') {
    const form = parseForm(revokeSchema, formData);
    if (!form.ok) return data({ intent: 'revoke' as const, error: 'Choose an invitation to revoke.' }, { status: 400 });
    if (!revokeInvitation(actor, form.data.invitationId)) {
      return data({ intent: 'revoke' as const, error: 'That invitation has already been accepted, revoked or replaced.' }, { status: 400 });
    }
    return redirectWithFlash(request, '/admin/invitations', 'Invitation revoked: its link no longer works.');
  }
  const form = parseForm(invitationSchema, formData);
  if (!form.ok) return data({ intent: 'invite' as const, errors: form.errors, values: form.values }, { status: 400 });
  const outcome = createInvitation(actor, form.data);
  if (!outcome.ok) return data({ intent: 'invite' as const, errors: outcome.errors, values: form.values }, { status: 400 });
  return redirectWithFlash(request, '/admin/invitations', `Invitation emailed to ${form.data.email}. The link works once, for 7 days.`);
}

const STATUS_BADGE: Record<InvitationStatus, string> = {
  pending: 'badge',
  accepted: 'badge badge--ok',
  expired: 'badge badge--warn',
  revoked: 'badge badge--bad',
};

const ROLE_SELECT = Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label }));

export default function AdminInvitations() {
  const { invitations, organisations, showMail } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const invite = actionData?.intent === 'invite' ? actionData : undefined;
  const revokeError = actionData?.intent === 'revoke' ? actionData.error : undefined;
  return (
    <div className="stack">
      <h2>Invitations</h2>
      <section aria-labelledby="invite-title">
        <h3 id="invite-title">Invite someone</h3>
        <p className="meta">
          They get an email with a link that works once and lasts 7 days. Inviting the same address again replaces the earlier link.
          {showMail ? (
            <>
              {' '}
              Mail is not being sent in this environment: read it under <Link to="/dev/mail">Mail (dev)</Link>.
            </>
          ) : null}
        </p>
        <Form method="post" className="form" noValidate key={invitations[0]?.id ?? 0}>
          <input type="hidden" name="intent" value="invite" />
          <FormError errors={invite?.errors._form} />
          <TextField label="Email address" name="email" type="email" autoComplete="off" required defaultValue={invite?.values.email ?? ''} errors={invite?.errors.email} />
          <SelectField
            label="Organisation"
            name="organisationId"
            required
            options={organisations}
            placeholder="Choose an organisation"
            defaultValue={invite?.values.organisationId ?? ''}
            errors={invite?.errors.organisationId}
            hint={
              <>
                Not listed? <Link to="/admin/organisations">Add the organisation</Link> first.
              </>
            }
          />
          <SelectField label="Role" name="role" options={ROLE_SELECT} defaultValue={invite?.values.role ?? 'member'} errors={invite?.errors.role} />
          <SubmitButton pendingText="Sending…">Send invitation</SubmitButton>
        </Form>
      </section>
      <section aria-labelledby="invitations-title">
        <h3 id="invitations-title">Sent invitations</h3>
        <FormError errors={revokeError ? [revokeError] : undefined} />
        {invitations.length === 0 ? (
          <p className="empty">No invitations yet.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Invitations, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Organisation and role</th>
                  <th scope="col">Sent</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {invitations.map((i) => (
                  <tr key={i.id}>
                    <th scope="row">{i.email}</th>
                    <td>
                      {i.organisationName}
                      <div className="meta">{i.roleLabel}</div>
                    </td>
                    <td>{i.sent}</td>
                    <td>
                      <span className={STATUS_BADGE[i.status]}>{i.status[0]!.toUpperCase() + i.status.slice(1)}</span>
                      {i.status === 'pending' ? (
                        <>
                          <div className="meta">Expires {i.expires}</div>
                          <Form method="post" className="inline-form">
                            <input type="hidden" name="intent" value="revoke" />
                            <input type="hidden" name="invitationId" value={i.id} />
                            <button type="submit" className="button button--small button--secondary">
                              Revoke<span className="visually-hidden"> the invitation for {i.email}</span>
                            </button>
                          </Form>
                        </>
                      ) : null}
                    </td>
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
