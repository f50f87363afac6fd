// /reauthenticate?redirectTo=…: confirm your second factor again (a step-up). Admin pages ask for it when the
// session's last second factor is more than twelve hours old; removing the last factor or changing the password
// when it is more than ten minutes old. Then back to where the person was going.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { SecondStepForms } from '~/components/second-step-forms';
import { secondFactorSummary } from '~/models/second-factors/factors.server';
import { getAuth, recordSecondFactor, requireUser } from '~/utils/auth.server';
import { withDescription } from '~/utils/meta';
import { readFormData, safeRedirectPath } from '~/utils/http.server';
import { checkSecondStep } from '~/utils/second-factor.server';

export const meta: MetaFunction = () => withDescription([{ title: 'Confirm it is you · Micro-credentials CoP' }]);

function destination(request: Request): string {
  return safeRedirectPath(new URL(request.url).searchParams.get('redirectTo'));
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const summary = secondFactorSummary(user.id);
  if (!summary.totp && summary.passkeys === 0) throw redirect('/settings/security');
  return { totp: summary.totp, passkeys: summary.passkeys > 0, recoveryCodesLeft: summary.recoveryCodesLeft };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireUser(request);
  const result = await checkSecondStep(await readFormData(request), user.id, context.clientIp);
  if (!result.ok) {
    const headers: HeadersInit = result.retryAfterSeconds ? { 'Retry-After': String(result.retryAfterSeconds) } : {};
    return data({ errors: result.errors }, { status: result.status, headers });
  }
  recordSecondFactor(getAuth(request)!.session, result.method);
  return redirect(destination(request));
}

export default function Reauthenticate() {
  const { totp, passkeys, recoveryCodesLeft } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="narrow">
      <h1>Confirm it is you</h1>
      <p>This needs your second factor again. You will then go straight back to what you were doing.</p>
      <SecondStepForms totp={totp} passkeys={passkeys} recoveryCodesLeft={recoveryCodesLeft} errors={actionData?.errors} />
      <p>
        <Link to="/">Not now</Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
