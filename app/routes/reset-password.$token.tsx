// The link from the password reset email: choose a new password. Using it ends every session of the account.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SubmitButton, TextField } from '~/components/forms';
import { findValidPasswordReset, newPasswordSchema, resetPassword } from '~/models/accounts.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { PASSWORD_MIN_LENGTH } from '~/utils/password.server';
import { parseForm, type FieldErrors } from '~/utils/validation.server';
import { readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: `${data?.email ? 'Choose a new password' : 'Reset link not valid'} · Micro-credentials CoP` },
]);

const DEAD_LINK = 'This reset link has expired or has already been used. Ask for a new one.';

export async function loader({ params }: LoaderFunctionArgs) {
  const reset = findValidPasswordReset(params.token ?? '');
  if (!reset) return data({ email: null, passwordMinLength: PASSWORD_MIN_LENGTH }, { status: 404 });
  return { email: reset.email, passwordMinLength: PASSWORD_MIN_LENGTH };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const token = params.token ?? '';
  if (!findValidPasswordReset(token)) return data<{ errors: FieldErrors }>({ errors: { _form: [DEAD_LINK] } }, { status: 404 });
  const form = parseForm(newPasswordSchema, await readFormData(request));
  if (!form.ok) return data<{ errors: FieldErrors }>({ errors: form.errors }, { status: 400 });
  const outcome = await resetPassword(token, form.data.password);
  // A `_form` error means the link was spent meanwhile (two tabs); anything else is about the password.
  if (!outcome.ok) return data<{ errors: FieldErrors }>({ errors: outcome.errors }, { status: outcome.errors._form ? 410 : 400 });
  return redirectWithFlash(request, '/login', 'Password changed; sign in with your new password.');
}

export default function ResetPassword() {
  const { email, passwordMinLength } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors;

  if (!email) {
    return (
      <div className="narrow">
        <h1>This reset link is not valid</h1>
        <p>{DEAD_LINK} Reset links work once, for one hour.</p>
        <p>
          <Link to="/forgot-password">Email me a new link</Link>
        </p>
      </div>
    );
  }

  return (
    <div className="narrow">
      <h1>Choose a new password</h1>
      <p>
        For <strong>{email}</strong>. Saving it signs you out everywhere, so you will sign in again with the new password.
      </p>
      <Form method="post" className="form" noValidate>
        <FormError errors={errors?._form} />
        <input type="hidden" name="username" autoComplete="username" value={email} />
        <TextField
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={passwordMinLength}
          hint={`At least ${passwordMinLength} characters. A few unrelated words make a strong passphrase.`}
          errors={errors?.password}
        />
        <TextField label="Type the new password again" name="confirmPassword" type="password" autoComplete="new-password" required errors={errors?.confirmPassword} />
        <SubmitButton pendingText="Saving…">Save new password</SubmitButton>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
