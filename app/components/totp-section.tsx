// Authenticator app on /settings/security: set up by QR code or by the secret written out, confirmed by a first
// code; remove. Works without JavaScript.
import { Form } from '@remix-run/react';
import { FormError, SubmitButton, TextField } from './forms';

type Errors = Record<string, string[] | undefined> | undefined;

export function TotpSection({ totp, setup, errors }: { totp: boolean; setup: { secretGroups: string; qrDataUrl: string } | null; errors: Errors }) {
  return (
    <section aria-labelledby="totp-title">
      <h2 id="totp-title">Authenticator app</h2>
      <FormError errors={errors?.totp} />
      {totp ? (
        <>
          <p>
            <span className="badge badge--ok">On</span> Signing in asks for a six-digit code from your authenticator app.
          </p>
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="totp-remove" />
            <SubmitButton className="button button--secondary" pendingText="Removing…">
              Remove authenticator app
            </SubmitButton>
          </Form>
        </>
      ) : setup ? (
        <>
          <ol>
            <li>Open an authenticator app (such as Google Authenticator, Microsoft Authenticator, 1Password or Aegis).</li>
            <li>Scan this QR code, or type the key below into the app.</li>
            <li>Enter the six-digit code the app shows.</li>
          </ol>
          <img src={setup.qrDataUrl} alt="QR code for your authenticator app (the same key is written out below)" width={200} height={200} className="qr-code" />
          <p>
            Key: <code className="secret-key">{setup.secretGroups}</code>
          </p>
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="totp-confirm" />
            <TextField label="Code from the app" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]*" required errors={errors?.code} />
            <div className="actions">
              <SubmitButton pendingText="Checking…">Turn on</SubmitButton>
            </div>
          </Form>
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="totp-cancel" />
            <SubmitButton className="button button--quiet">Cancel set-up</SubmitButton>
          </Form>
        </>
      ) : (
        <>
          <p>Use an app on your phone that shows a new six-digit code every 30 seconds. It works without a signal.</p>
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="totp-start" />
            <SubmitButton className="button button--secondary" pendingText="Starting…">
              Set up an authenticator app
            </SubmitButton>
          </Form>
        </>
      )}
    </section>
  );
}
