// /login/verify: the second step of signing in, for people with a second factor. Reached only with a pending
// sign-in (a right password a few minutes ago); it is spent when this step succeeds.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { SecondStepForms } from '~/components/second-step-forms';
import { secondFactorSummary } from '~/models/second-factors/factors.server';
import { withDescription } from '~/utils/meta';
import { readFormData } from '~/utils/http.server';
import { checkSecondStep, completePendingSignIn, getPendingSignIn } from '~/utils/second-factor.server';

export const meta: MetaFunction = () => withDescription([{ title: 'Confirm it is you · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  const pending = getPendingSignIn(request);
  if (!pending) throw redirect('/login');
  const summary = secondFactorSummary(pending.userId);
  return { email: pending.email, totp: summary.totp, passkeys: summary.passkeys > 0, recoveryCodesLeft: summary.recoveryCodesLeft };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const pending = getPendingSignIn(request);
  if (!pending) {
    return data({ errors: { _form: ['This sign-in has expired or is already finished. Please sign in again.'] } as Record<string, string[]> }, { status: 400 });
  }
  const result = await checkSecondStep(await readFormData(request), pending.userId, context.clientIp);
  if (!result.ok) {
    const headers: HeadersInit = result.retryAfterSeconds ? { 'Retry-After': String(result.retryAfterSeconds) } : {};
    return data({ errors: result.errors }, { status: result.status, headers });
  }
  const response = completePendingSignIn(request, pending, result.method);
  if (!response) return data({ errors: { _form: ['This sign-in is already finished. Please sign in again.'] } as Record<string, string[]> }, { status: 400 });
  return response;
}

export default function VerifySignIn() {
  const { email, totp, passkeys, recoveryCodesLeft } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="narrow">
      <h1>Confirm it is you</h1>
      <p>
        Your password for <strong>{email}</strong> was right. Now confirm with your second factor.
      </p>
      <SecondStepForms totp={totp} passkeys={passkeys} recoveryCodesLeft={recoveryCodesLeft} errors={actionData?.errors} />
      <p>
        <Link to="/login">Start again</Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
