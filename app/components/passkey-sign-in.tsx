// "Sign in with a passkey" on /login: a discoverable credential names the person, so no email is needed. Where the
// browser supports it, the passkeys are also offered in the email field's autofill (conditional UI).
import { useFetcher } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { ceremonyProblem, fetchOptions } from './second-step-forms';

export function PasskeySignIn({ redirectTo }: { redirectTo: string }) {
  const fetcher = useFetcher<{ error?: string }>();
  const [ready, setReady] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  function send(response: unknown) {
    fetcher.submit({ response: JSON.stringify(response), redirectTo }, { method: 'post', action: '/login/passkey' });
  }

  useEffect(() => {
    let stopped = false;
    void (async () => {
      const { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, startAuthentication } = await import('@simplewebauthn/browser');
      if (stopped) return;
      setReady(browserSupportsWebAuthn());
      if (!(await browserSupportsWebAuthnAutofill())) return;
      try {
        const optionsJSON = await fetchOptions('sign-in');
        const response = await startAuthentication({ optionsJSON, useBrowserAutofill: true });
        if (!stopped) send(response);
      } catch {
        // Cancelled, replaced by the button's own request, or not offered: the button still works.
      }
    })();
    return () => {
      stopped = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function signInWithPasskey() {
    setProblem(null);
    try {
      const { startAuthentication } = await import('@simplewebauthn/browser');
      const optionsJSON = await fetchOptions('sign-in');
      send(await startAuthentication({ optionsJSON }));
    } catch (error) {
      setProblem(ceremonyProblem(error));
    }
  }

  const message = problem ?? fetcher.data?.error ?? null;
  return (
    <section aria-labelledby="passkey-sign-in-title" className="card">
      <h2 id="passkey-sign-in-title">Or use a passkey</h2>
      <p>No password needed: your device checks it is you. Passkeys need JavaScript in your browser.</p>
      {message ? (
        <p className="field__error" role="alert">
          {message}
        </p>
      ) : null}
      <button type="button" className="button button--secondary" onClick={signInWithPasskey} disabled={!ready || fetcher.state !== 'idle'}>
        Sign in with a passkey
      </button>
    </section>
  );
}
