// Password, second factors and sessions. A password change ends every other session; a button ends them without
// one. Second factors (passkeys, authenticator app, recovery codes) are components with their own server module.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { LinkedSignIns } from '~/components/linked-sign-ins';
import { linkedSignIns } from '~/models/sso.server';
import { FormError, SubmitButton, TextField } from '~/components/forms';
import { PasskeysSection } from '~/components/passkeys-section';
import { NewRecoveryCodes, RecoveryCodesSection } from '~/components/recovery-codes-section';
import { TotpSection } from '~/components/totp-section';
import { changePassword, changePasswordSchema } from '~/models/accounts.server';
import { countOtherSessions, getAuth, invalidateUserSessions, requireUser } from '~/utils/auth.server';
import { env } from '~/utils/env.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { PASSWORD_MIN_LENGTH } from '~/utils/password.server';
import { formatDateTime } from '~/utils/time';
import { parseForm, type FieldErrors } from '~/utils/validation.server';
import { readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';
import { secondFactorAction, secondFactorSettings, sensitiveChangeBlocked, type SecondFactorActionData } from '~/utils/second-factor-settings.server';

export const meta: MetaFunction = () => withDescription([{ title: 'Security · Settings · Micro-credentials CoP' }]);

/** The signed-in person and the session this request came with; redirects to sign-in otherwise. */
function requireSession(request: Request) {
  const user = requireUser(request);
  return { user, session: getAuth(request)!.session };
}

function plural(n: number, one: string, many: string) {
  return `${n} ${n === 1 ? one : many}`;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, session } = requireSession(request);
  const { SESSION_IDLE_DAYS, SESSION_MAX_DAYS } = env();
  return {
    email: user.email,
    otherSessions: countOtherSessions(user.id, session.id),
    idleDays: SESSION_IDLE_DAYS,
    maxDays: SESSION_MAX_DAYS,
    sessionEndsAtLatest: formatDateTime(session.absoluteExpiresAt),
    passwordMinLength: PASSWORD_MIN_LENGTH,
    signIns: linkedSignIns(user.id),
    secondFactors: secondFactorSettings(request, user, session),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, session } = requireSession(request);
  const formData = await readFormData(request);
  const intent = formData.get('intent');

  const secondFactorOutcome = await secondFactorAction(request, formData, user, session, context.clientIp);
  if (secondFactorOutcome) return secondFactorOutcome;

  if (intent === 'change-password') {
    const form = parseForm(changePasswordSchema, formData);
    if (!form.ok) return data<{ errors: FieldErrors }>({ errors: form.errors }, { status: 400 });
    // With a second factor, a password change needs it confirmed in the last ten minutes.
    const blocked = sensitiveChangeBlocked(user, session);
    if (blocked) return data<{ errors: FieldErrors }>({ errors: blocked }, { status: 403 });
    const outcome = await changePassword(user, session.id, form.data);
    if (!outcome.ok) return data<{ errors: FieldErrors }>({ errors: outcome.errors }, { status: 400 });
    return redirectWithFlash(request, '/settings/security', 'Your password has been changed, and every other session has been signed out.');
  }

  if (intent === 'sign-out-others') {
    const count = countOtherSessions(user.id, session.id);
    invalidateUserSessions(user.id, session.id);
    return redirectWithFlash(
      request,
      '/settings/security',
      count ? `Signed out of ${plural(count, 'other session', 'other sessions')}.` : 'You had no other sessions; nothing changed.',
    );
  }

  return data<{ errors: FieldErrors }>({ errors: { _form: ['Choose one of the actions on this page.'] } }, { status: 400 });
}

export default function SecuritySettings() {
  const { email, otherSessions, idleDays, maxDays, sessionEndsAtLatest, passwordMinLength, signIns, secondFactors: mfa } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as (SecondFactorActionData & { errors?: FieldErrors }) | undefined;
  const errors = actionData?.errors;
  const confirmLink = `/reauthenticate?redirectTo=${encodeURIComponent('/settings/security')}`;
  return (
    <div className="stack">
      {actionData?.recoveryCodes ? <NewRecoveryCodes codes={actionData.recoveryCodes} continueTo={actionData.continueTo ?? null} /> : null}
      {mfa.setupRequired ? (
        <div className="flash flash--error" role="alert">
          Coordinators need a second factor for admin pages. Add a passkey or set up an authenticator app below; you will then go on to the page you
          asked for.
        </div>
      ) : mfa.coordinatorGraceEnds ? (
        <p className="notice">
          As a coordinator you need a second factor for admin pages from {mfa.coordinatorGraceEnds}. Add a passkey or an authenticator app below.
        </p>
      ) : null}
      <section aria-labelledby="second-factor-title">
        <h2 id="second-factor-title">Second factor</h2>
        <p>
          {mfa.hasFactor
            ? 'After your password, signing in asks for a passkey or a code from your authenticator app.'
            : 'Add a passkey or an authenticator app, and signing in will ask for it after your password, so a stolen password is not enough.'}
        </p>
        {mfa.needsConfirmation ? (
          <p>
            Changing your password, removing your last second factor or making new recovery codes asks you to{' '}
            <Link to={confirmLink}>confirm it is you</Link> first.
          </p>
        ) : null}
      </section>
      <PasskeysSection passkeys={mfa.passkeys} errors={errors} nameMax={mfa.passkeyNameMax} />
      <TotpSection totp={mfa.totp} setup={mfa.totpSetup} errors={errors} />
      <RecoveryCodesSection left={mfa.recoveryCodesLeft} hasFactor={mfa.hasFactor} errors={errors?.recovery} />
      <section aria-labelledby="password-title">
        <h2 id="password-title">Change your password</h2>
        <p>Changing your password signs you out everywhere else; this browser stays signed in.</p>
        {mfa.needsConfirmation ? (
          <p>
            <Link to={confirmLink}>Confirm it is you</Link> with your second factor first.
          </p>
        ) : null}
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="change-password" />
          <input type="hidden" name="username" autoComplete="username" value={email} />
          <FormError errors={errors?._form} />
          <TextField label="Current password" name="currentPassword" type="password" autoComplete="current-password" required errors={errors?.currentPassword} />
          <TextField
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={passwordMinLength}
            hint={`At least ${passwordMinLength} characters. A few unrelated words make a strong passphrase.`}
            errors={errors?.newPassword}
          />
          <TextField label="Type the new password again" name="confirmPassword" type="password" autoComplete="new-password" required errors={errors?.confirmPassword} />
          <SubmitButton pendingText="Changing…">Change password</SubmitButton>
        </Form>
      </section>

      <LinkedSignIns {...signIns} />

      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">Where you are signed in</h2>
        <p>
          {otherSessions === 0
            ? 'You are signed in only here.'
            : `Besides this browser, you are signed in in ${plural(otherSessions, 'other place', 'other places')}.`}
        </p>
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="sign-out-others" />
          <SubmitButton className="button button--secondary" pendingText="Signing out…">
            Sign out of all other sessions
          </SubmitButton>
        </Form>
        <h3>How long you stay signed in</h3>
        <p>
          A session ends after {plural(idleDays, 'day', 'days')} without a visit, and always {plural(maxDays, 'day', 'days')} after you signed
          in, however active you are. This session ends by {sessionEndsAtLatest} at the latest. Signing out ends it at once.
        </p>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
