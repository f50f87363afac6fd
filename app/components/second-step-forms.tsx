// The second step, for signing in (/login/verify) and for confirming it is you again (/reauthenticate): a code from
// an authenticator app, a recovery code (both work without JavaScript) and a passkey (needs JavaScript).
import { Form, useSubmit } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { FormError, SubmitButton, TextField } from './forms';

type Errors = Record<string, string[] | undefined> | undefined;

export function SecondStepForms({ totp, passkeys, recoveryCodesLeft, errors }: { totp: boolean; passkeys: boolean; recoveryCodesLeft: number; errors: Errors }) {
  return (
    <div className="stack">
      <FormError errors={errors?._form} />
      {passkeys ? <PasskeyStep errors={errors?.passkey} /> : null}
      {totp ? (
        <section aria-labelledby="totp-step-title">
          <h2 id="totp-step-title">Code from your authenticator app</h2>
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="totp" />
            <TextField label="Six-digit code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]*" required errors={errors?.code} />
            <SubmitButton pendingText="Checking…">Continue</SubmitButton>
          </Form>
        </section>
      ) : null}
      <section aria-labelledby="recovery-step-title">
        <h2 id="recovery-step-title">Recovery code</h2>
        <p>
          Lost your {passkeys && !totp ? 'passkeys' : 'phone'}? Use one of the recovery codes you saved ({recoveryCodesLeft} left). Each works once, and we email you
          when one is used.
        </p>
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="recovery" />
          <TextField label="Recovery code" name="recoveryCode" autoComplete="off" spellCheck={false} required errors={errors?.recoveryCode} />
          <SubmitButton className="button button--secondary" pendingText="Checking…">
            Use recovery code
          </SubmitButton>
        </Form>
      </section>
    </div>
  );
}

/** Asks the browser for one of the person's passkeys and posts the answer to this page's action (intent passkey). */
function PasskeyStep({ errors }: { errors?: string[] }) {
  const submit = useSubmit();
  const [ready, setReady] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    void import('@simplewebauthn/browser').then(({ browserSupportsWebAuthn }) => setReady(browserSupportsWebAuthn()));
  }, []);
  async function confirmWithPasskey() {
    setProblem(null);
    try {
      const { startAuthentication } = await import('@simplewebauthn/browser');
      const optionsJSON = await fetchOptions('verify');
      const response = await startAuthentication({ optionsJSON });
      submit({ intent: 'passkey', response: JSON.stringify(response) }, { method: 'post' });
    } catch (error) {
      setProblem(ceremonyProblem(error));
    }
  }
  const messages = [...(errors ?? []), ...(problem ? [problem] : [])];
  return (
    <section aria-labelledby="passkey-step-title">
      <h2 id="passkey-step-title">Passkey</h2>
      <p>Use the passkey on this device or your security key. Passkeys need JavaScript in your browser.</p>
      {messages.length ? (
        <p className="field__error" role="alert">
          {messages.join(' ')}
        </p>
      ) : null}
      <button type="button" className="button" onClick={confirmWithPasskey} disabled={!ready}>
        Use a passkey
      </button>
    </section>
  );
}

/** Asks our server for a WebAuthn ceremony's options (a fresh single-use challenge). */
export async function fetchOptions(purpose: 'register' | 'sign-in' | 'verify') {
  const response = await fetch('/passkeys/options', { method: 'POST', body: new URLSearchParams({ purpose }) });
  if (!response.ok) throw new Error(response.status === 429 ? 'Too many attempts. Please wait a few minutes.' : 'Passkeys are not available right now.');
  return response.json();
}

/** A person-readable sentence for a failed or cancelled browser ceremony. */
export function ceremonyProblem(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'AbortError') return 'The passkey request was cancelled or timed out. Try again when you are ready.';
  if (name === 'InvalidStateError') return 'This passkey is already registered.';
  return error instanceof Error && error.message ? error.message : 'Something went wrong with the passkey. Please try again.';
}
