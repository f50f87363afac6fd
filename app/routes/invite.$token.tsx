// Accepting an invitation: the coordinator chose the organisation and role; the person chooses a name and password.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SubmitButton, TextField } from '~/components/forms';
import { acceptInvitation, acceptInvitationSchema, findOpenInvitation } from '~/models/invitations.server';
import { createSession, generateToken, getAuth, invalidateSession, sessionCookie } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { ROLE_LABELS } from '~/utils/labels';
import { PASSWORD_MIN_LENGTH } from '~/utils/password.server';
import { parseForm, type FieldErrors, type FormValues } from '~/utils/validation.server';
import { readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: `${data?.invitation ? 'Accept your invitation' : 'Invitation not available'} · Micro-credentials CoP` },
]);

const GONE = 'This invitation has expired, been replaced, or already been used. Ask a coordinator for a new one.';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const invitation = findOpenInvitation(params.token ?? '');
  if (!invitation) return data({ invitation: null, signedInAs: null, passwordMinLength: PASSWORD_MIN_LENGTH }, { status: 404 });
  return {
    invitation: { email: invitation.email, organisationName: invitation.organisationName, roleLabel: ROLE_LABELS[invitation.role] },
    signedInAs: getAuth(request)?.user.email ?? null,
    passwordMinLength: PASSWORD_MIN_LENGTH,
  };
}

type ActionResult = { errors: FieldErrors; values: FormValues };

export async function action({ request, params }: ActionFunctionArgs) {
  const token = params.token ?? '';
  if (!findOpenInvitation(token)) return data<ActionResult>({ errors: { _form: [GONE] }, values: {} }, { status: 404 });
  const form = parseForm(acceptInvitationSchema, await readFormData(request));
  const values = { name: form.values.name ?? '' };
  if (!form.ok) return data<ActionResult>({ errors: form.errors, values }, { status: 400 });
  const outcome = await acceptInvitation(token, form.data);
  // A `_form` error here means the link was spent while the password was being hashed (another tab, say).
  if (!outcome.ok) return data<ActionResult>({ errors: outcome.errors, values }, { status: outcome.errors._form ? 410 : 400 });

  // Whoever was signed in on this browser is signed out: the browser now belongs to the new account.
  const previous = getAuth(request);
  if (previous) invalidateSession(previous.session.id);
  const sessionToken = generateToken();
  const session = createSession(sessionToken, outcome.userId, request.headers.get('User-Agent') ?? '');
  return redirectWithFlash(request, '/', `Welcome, ${form.data.name}! Your account is ready.`, 'success', {
    'Set-Cookie': sessionCookie(sessionToken, session),
  });
}

export default function AcceptInvitation() {
  const { invitation, signedInAs, passwordMinLength } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors;

  if (!invitation) {
    return (
      <div className="narrow">
        <h1>This invitation is not available</h1>
        <p>{GONE}</p>
        <p>
          Already accepted it? <Link to="/login">Sign in</Link>. Otherwise you can also <Link to="/join">request to join</Link>.
        </p>
      </div>
    );
  }

  return (
    <div className="narrow">
      <h1>Accept your invitation</h1>
      <p>You have been invited to join the Micro-credentials Community of Practice.</p>
      <dl className="details card">
        <dt>Email address</dt>
        <dd>{invitation.email}</dd>
        <dt>Organisation</dt>
        <dd>{invitation.organisationName}</dd>
        <dt>Role</dt>
        <dd>{invitation.roleLabel}</dd>
      </dl>
      {signedInAs ? (
        <p className="flash">
          You are signed in as {signedInAs}. Accepting this invitation signs you out of that account and into the new one.
        </p>
      ) : null}
      <Form method="post" className="form" noValidate>
        <FormError errors={errors?._form} />
        {/* Lets password managers store the new password against the right address. */}
        <input type="hidden" name="username" autoComplete="username" value={invitation.email} />
        <TextField label="Your name" name="name" autoComplete="name" required maxLength={120} defaultValue={actionData?.values.name} errors={errors?.name} />
        <TextField
          label="Choose a password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={passwordMinLength}
          hint={`At least ${passwordMinLength} characters. A few unrelated words make a strong passphrase.`}
          errors={errors?.password}
        />
        <TextField label="Type the password again" name="confirmPassword" type="password" autoComplete="new-password" required errors={errors?.confirmPassword} />
        <SubmitButton pendingText="Creating your account…">Create my account</SubmitButton>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
