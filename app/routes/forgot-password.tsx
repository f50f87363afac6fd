// Asking for a reset link. The answer never says whether an account exists for the address.
import type { ActionFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData } from '@remix-run/react';
import { z } from 'zod';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SubmitButton, TextField } from '~/components/forms';
import { requestPasswordReset } from '~/models/accounts.server';
import { field, parseForm, type FieldErrors, type FormValues } from '~/utils/validation.server';
import { readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Reset your password · Micro-credentials CoP' }]);

const schema = z.object({ email: field.email() });

const RESET_SENT_MESSAGE = 'If an account exists for that address, we have emailed a link to reset your password. The link works once, for one hour.';

type ActionResult = { sent: true; message: string } | { sent: false; errors: FieldErrors; values: FormValues };

export async function loader() {
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = parseForm(schema, await readFormData(request));
  const values = { email: form.values.email ?? '' };
  if (!form.ok) return data<ActionResult>({ sent: false, errors: form.errors, values }, { status: 400 });
  const outcome = requestPasswordReset(form.data.email, context.clientIp);
  if (!outcome.ok) {
    const minutes = Math.ceil(outcome.retryAfterSeconds / 60);
    return data<ActionResult>(
      { sent: false, errors: { _form: [`Too many reset requests. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`] }, values },
      { status: 429, headers: { 'Retry-After': String(outcome.retryAfterSeconds) } },
    );
  }
  return data<ActionResult>({ sent: true, message: RESET_SENT_MESSAGE });
}

export default function ForgotPassword() {
  const actionData = useActionData<typeof action>();
  if (actionData?.sent) {
    return (
      <div className="narrow" role="status">
        <h1>Check your email</h1>
        <p>{actionData.message}</p>
        <p>The email may take a minute or two to arrive. If it does not, check your junk mail folder.</p>
        <p>
          <Link to="/login">Back to sign in</Link>
        </p>
      </div>
    );
  }
  const errors = actionData?.errors;
  return (
    <div className="narrow">
      <h1>Reset your password</h1>
      <p>Enter the email address you use to sign in and we will email you a link to choose a new password.</p>
      <Form method="post" className="form" noValidate>
        <FormError errors={errors?._form} />
        <TextField label="Email address" name="email" type="email" autoComplete="email" required defaultValue={actionData?.values.email} errors={errors?.email} />
        <SubmitButton pendingText="Sending…">Email me a link</SubmitButton>
      </Form>
      <p>
        Remembered it? <Link to="/login">Sign in</Link>.
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
