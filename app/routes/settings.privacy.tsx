// /settings/privacy: "Download my data" (a ZIP prepared off the request path and offered by email) and "Erase my
// account" (a request a coordinator confirms). Both say plainly what happens when asked twice.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { withDescription } from '~/utils/meta';
import { FormError, SubmitButton } from '~/components/forms';
import { exportStatus, requestDataExport } from '~/models/data-export.server';
import { pendingErasureFor, requestErasure, withdrawErasureRequest } from '~/models/erasure.server';
import { retentionSettings } from '~/models/retention.server';
import { requireUser } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { readFormData } from '~/utils/http.server';
import { formatDateTime } from '~/utils/time';
import type { FieldErrors } from '~/utils/validation.server';

export const meta: MetaFunction = () => withDescription([{ title: 'Privacy · Settings · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const status = exportStatus(user.id);
  const erasure = pendingErasureFor(user.id);
  return {
    email: user.email,
    exportPending: status.pending,
    exportReadyUntil: status.ready ? formatDateTime(status.ready.expiresAt) : null,
    lastDownloadedAt: status.lastDownloadedAt ? formatDateTime(status.lastDownloadedAt) : null,
    exportHours: retentionSettings().exportHours,
    erasureRequestedAt: erasure ? formatDateTime(erasure.createdAt) : null,
    erasureRemovesPosts: erasure?.removePosts ?? false,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = requireUser(request);
  const formData = await readFormData(request);
  const intent = formData.get('intent');
  if (intent === 'export') {
    const outcome = requestDataExport(user);
    if (!outcome.ok) return data<{ errors: FieldErrors; intent: string }>({ errors: { _form: [outcome.message] }, intent: 'export' }, { status: 409 });
    return redirectWithFlash(request, '/settings/privacy', outcome.message);
  }
  if (intent === 'erase') {
    if (formData.get('confirm') !== 'yes') {
      return data<{ errors: FieldErrors; intent: string }>(
        { errors: { confirm: ['Tick the box to confirm that you want your account erased.'] }, intent: 'erase' },
        { status: 400 },
      );
    }
    const outcome = requestErasure(user, { removePosts: formData.get('removePosts') === 'yes' });
    if (!outcome.ok) return data<{ errors: FieldErrors; intent: string }>({ errors: { _form: [outcome.message] }, intent: 'erase' }, { status: 409 });
    return redirectWithFlash(request, '/settings/privacy', outcome.message);
  }
  if (intent === 'withdraw-erasure') {
    const outcome = withdrawErasureRequest(user);
    return redirectWithFlash(request, '/settings/privacy', outcome.message, outcome.ok ? 'success' : 'info');
  }
  return data<{ errors: FieldErrors; intent: string }>({ errors: { _form: ['Choose one of the actions on this page.'] }, intent: '' }, { status: 400 });
}

export default function PrivacySettings() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const exportErrors = actionData?.intent === 'export' ? actionData.errors : undefined;
  const eraseErrors = actionData?.intent === 'erase' || actionData?.intent === '' ? actionData.errors : undefined;
  return (
    <div className="stack">
      <p>
        What the portal keeps about you, and for how long, is on the <Link to="/privacy">privacy page</Link>.
      </p>
      <section aria-labelledby="export-title">
        <h2 id="export-title">Download my data</h2>
        <p>
          One ZIP file with everything the portal holds about you (profile, organisation, sign-ins, RSVPs, posts and their edits, case studies,
          resources and the files you uploaded, watches, emails sent to you, audit entries) as JSON, with a README explaining each file. We prepare it
          in the background and email {d.email} a link that works once, for {d.exportHours} hours.
        </p>
        {d.exportPending ? (
          <p className="notice" role="status">
            Your copy is being prepared. We will email you when it is ready.
          </p>
        ) : null}
        {d.exportReadyUntil ? (
          <p className="notice" role="status">
            A copy is ready: follow the link in the email we sent you (it works until {d.exportReadyUntil}).
          </p>
        ) : null}
        {d.lastDownloadedAt ? <p>You last downloaded your data {d.lastDownloadedAt}.</p> : null}
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="export" />
          <FormError errors={exportErrors?._form} />
          <SubmitButton pendingText="Asking…">Download my data</SubmitButton>
        </Form>
      </section>

      <section aria-labelledby="erase-title">
        <h2 id="erase-title">Erase my account</h2>
        {d.erasureRequestedAt ? (
          <>
            <p className="notice" role="status">
              You asked for your account to be erased on {d.erasureRequestedAt}
              {d.erasureRemovesPosts ? ', with your posts removed' : ''}. A coordinator will confirm it; until then nothing changes.
            </p>
            <FormError errors={eraseErrors?._form} />
            <Form method="post" className="form">
              <input type="hidden" name="intent" value="withdraw-erasure" />
              <SubmitButton className="button button--secondary">Withdraw my request</SubmitButton>
            </Form>
          </>
        ) : (
          <>
            <p>
              Once a coordinator confirms, your name becomes “Former member”, your email address and profile are removed, you are signed out everywhere,
              your RSVPs to future workshops are withdrawn and mail waiting for you is cancelled. Your posts stay, as “Former member”, unless you ask for
              them to be removed too. Files you uploaded are deleted unless someone else’s resource uses them. This cannot be undone; you may want
              to download your data first.
            </p>
            <Form method="post" className="form" noValidate>
              <input type="hidden" name="intent" value="erase" />
              <FormError errors={eraseErrors?._form} />
              <div className="checkbox">
                <input type="checkbox" id="removePosts" name="removePosts" value="yes" />
                <label htmlFor="removePosts">Also remove my posts (they are hidden with a note saying they were removed at my request)</label>
              </div>
              <div>
                <div className="checkbox">
                  <input
                    type="checkbox"
                    id="confirm"
                    name="confirm"
                    value="yes"
                    aria-invalid={eraseErrors?.confirm ? true : undefined}
                    aria-describedby={eraseErrors?.confirm ? 'confirm-error' : undefined}
                  />
                  <label htmlFor="confirm">I understand that my account will be erased and this cannot be undone</label>
                </div>
                {eraseErrors?.confirm ? (
                  <p className="field__error" id="confirm-error">
                    {eraseErrors.confirm.join(' ')}
                  </p>
                ) : null}
              </div>
              <SubmitButton className="button button--danger">Ask for my account to be erased</SubmitButton>
            </Form>
          </>
        )}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
