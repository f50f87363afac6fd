import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { z } from 'zod';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SubmitButton, TextField } from '~/components/forms';
import { PasskeySignIn } from '~/components/passkey-sign-in';
import { signIn } from '~/models/accounts.server';
import { getUser } from '~/utils/auth.server';
import { afterFirstFactor } from '~/utils/second-factor.server';
import { field, parseForm } from '~/utils/validation.server';
import { readFormData, safeRedirectPath } from '~/utils/http.server';
import { SsoButtons } from '~/components/sso-buttons';
import { ssoSignInOptions } from '~/utils/oidc.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Sign in · Micro-credentials CoP' }], 'Sign in to the Micro-credentials Community of Practice.');

const schema = z.object({ email: field.email(), password: field.password(), redirectTo: z.string().optional() });

export async function loader({ request }: LoaderFunctionArgs) {
  if (getUser(request)) throw redirect(safeRedirectPath(new URL(request.url).searchParams.get('redirectTo')));
  return { sso: ssoSignInOptions(new URL(request.url).searchParams) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = parseForm(schema, await readFormData(request));
  if (!form.ok) return data({ errors: form.errors, values: { email: form.values.email ?? '' } }, { status: 400 });
  const outcome = await signIn(form.data.email, form.data.password, context.clientIp);
  if (!outcome.ok) {
    const values = { email: form.data.email };
    if (outcome.reason === 'throttled') {
      const minutes = Math.ceil(outcome.retryAfterSeconds / 60);
      return data(
        { errors: { _form: [`Too many sign-in attempts. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`] }, values },
        { status: 429, headers: { 'Retry-After': String(outcome.retryAfterSeconds) } },
      );
    }
    return data({ errors: { _form: ['That email and password do not match an active account.'] }, values }, { status: 400 });
  }
  // Where to go is settled before the session exists, so nothing after creating it can fail.
  const next = safeRedirectPath(form.data.redirectTo);
  // Someone with a second factor is asked for it next (/login/verify); anyone else is signed in.
  return afterFirstFactor(request, outcome.userId, { signInMethod: 'password', signInProvider: null, providerMfa: false }, next);
}

export default function Login() {
  const { sso } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const errors = actionData?.errors as Record<string, string[] | undefined> | undefined;
  return (
    <div className="narrow">
      <h1>Sign in</h1>
      <Form method="post" className="form" noValidate>
        <FormError errors={errors?._form ?? (sso.error ? [sso.error] : undefined)} />
        <input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? '/'} />
        <TextField label="Email address" name="email" type="email" autoComplete="username webauthn" required defaultValue={actionData?.values.email} errors={errors?.email} />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required errors={errors?.password} />
        <SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
      </Form>
      <SsoButtons providers={sso.providers} redirectTo={searchParams.get('redirectTo') ?? '/'} />
      <PasskeySignIn redirectTo={searchParams.get('redirectTo') ?? '/'} />
      <p>
        <Link to="/forgot-password">Forgotten your password?</Link>
      </p>
      <p>
        Not a member yet? <Link to="/join">Request to join</Link>.
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
