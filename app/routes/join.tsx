import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SelectField, SubmitButton, TextAreaField, TextField } from '~/components/forms';
import { joinRequestSchema, requestToJoin } from '~/models/join-requests.server';
import { organisationOptions } from '~/models/organisations.server';
import { getUser } from '~/utils/auth.server';
import { PASSWORD_MIN_LENGTH } from '~/utils/password.server';
import { parseForm, type FieldErrors, type FormValues } from '~/utils/validation.server';
import { readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Request to join · Micro-credentials CoP' }], 'Request to join the Micro-credentials Community of Practice.');

export async function loader({ request }: LoaderFunctionArgs) {
  if (getUser(request)) throw redirect('/');
  return { organisations: organisationOptions(), passwordMinLength: PASSWORD_MIN_LENGTH };
}

type ActionResult = { sent: true; email: string } | { sent: false; errors: FieldErrors; values: FormValues };

/** What we send back to refill the form: never the passwords. */
function keptValues(values: FormValues): FormValues {
  return { name: values.name ?? '', email: values.email ?? '', organisationId: values.organisationId ?? '', reason: values.reason ?? '' };
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (getUser(request)) throw redirect('/');
  const form = parseForm(joinRequestSchema, await readFormData(request));
  if (!form.ok) return data<ActionResult>({ sent: false, errors: form.errors, values: keptValues(form.values) }, { status: 400 });
  const outcome = await requestToJoin(form.data, context.clientIp);
  if (!outcome.ok) {
    if ('throttled' in outcome) {
      const minutes = Math.ceil(outcome.retryAfterSeconds / 60);
      return data<ActionResult>(
        {
          sent: false,
          errors: { _form: [`Too many requests to join from your network. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`] },
          values: keptValues(form.values),
        },
        { status: 429, headers: { 'Retry-After': String(outcome.retryAfterSeconds) } },
      );
    }
    return data<ActionResult>({ sent: false, errors: outcome.errors, values: keptValues(form.values) }, { status: 400 });
  }
  // The same answer whether or not the address already has an account: the page reveals nothing.
  return data<ActionResult>({ sent: true, email: form.data.email });
}

export default function Join() {
  const { organisations, passwordMinLength } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();

  if (actionData?.sent) {
    return (
      <div className="narrow" role="status">
        <h1>Check your email</h1>
        <p>
          Thanks for asking to join. We have emailed a link to <strong>{actionData.email}</strong>. Open it to confirm your email address; a
          coordinator will then review your request and email you when it is decided.
        </p>
        <p>The email may take a minute or two to arrive. If it does not, check your junk mail folder.</p>
        <p>
          If that address already has an account, no link is sent: <Link to="/login">sign in</Link> or{' '}
          <Link to="/forgot-password">reset your password</Link> instead.
        </p>
      </div>
    );
  }

  const errors = actionData?.errors;
  const values = actionData?.values;
  return (
    <div className="narrow">
      <h1>Request to join</h1>
      <p>
        The community is for people working on micro-credentials in engineering education: ITPs, ITOs, professional bodies, NZBED, TEC, NZQA
        and industry. Tell us who you are; after you confirm your email address a coordinator will review your request.
      </p>
      <Form method="post" className="form" noValidate>
        <FormError errors={errors?._form} />
        <TextField label="Your name" name="name" autoComplete="name" required maxLength={120} defaultValue={values?.name} errors={errors?.name} />
        <TextField label="Email address" name="email" type="email" autoComplete="email" required defaultValue={values?.email} errors={errors?.email} />
        <SelectField
          label="Organisation"
          name="organisationId"
          required
          placeholder="Choose your organisation"
          options={organisations.map((o) => ({ value: String(o.id), label: o.name }))}
          defaultValue={values?.organisationId ?? ''}
          hint="If your organisation is not listed, choose the closest and say so below."
          errors={errors?.organisationId}
        />
        <TextAreaField
          label="Why would you like to join? (optional)"
          name="reason"
          maxLength={2000}
          defaultValue={values?.reason}
          hint="Your role and what you hope to share or learn help the coordinators decide."
          errors={errors?.reason}
        />
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
        <SubmitButton pendingText="Sending…">Send request</SubmitButton>
      </Form>
      <p>
        Already a member? <Link to="/login">Sign in</Link>.
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
