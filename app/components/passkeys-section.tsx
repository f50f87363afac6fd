// Passkeys on /settings/security: add (named), rename, remove; created and last-used dates. Adding one needs
// JavaScript (the browser's WebAuthn API); renaming and removing do not.
import { Form, useNavigation, useSubmit } from '@remix-run/react';
import { useEffect, useState, type FormEvent } from 'react';
import { FormError, SubmitButton, TextField } from './forms';
import { ceremonyProblem, fetchOptions } from './second-step-forms';

type Errors = Record<string, string[] | undefined> | undefined;
type Passkey = { id: number; name: string; created: string; lastUsed: string | null };

export function PasskeysSection({ passkeys, errors, nameMax }: { passkeys: Passkey[]; errors: Errors; nameMax: number }) {
  const submit = useSubmit();
  const navigation = useNavigation();
  const [supported, setSupported] = useState<boolean | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    void import('@simplewebauthn/browser').then(({ browserSupportsWebAuthn }) => setSupported(browserSupportsWebAuthn()));
  }, []);

  async function addPasskey(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    if (!name) {
      setProblem('Give the passkey a name, such as “Work laptop”.');
      return;
    }
    try {
      const { startRegistration } = await import('@simplewebauthn/browser');
      const optionsJSON = await fetchOptions('register');
      const response = await startRegistration({ optionsJSON });
      submit({ intent: 'passkey-add', name, response: JSON.stringify(response) }, { method: 'post' });
    } catch (error) {
      setProblem(ceremonyProblem(error));
    }
  }

  const addErrors = [...(errors?.passkey ?? []), ...(problem ? [problem] : [])];
  return (
    <section aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      <p>
        A passkey signs you in with your fingerprint, face, device PIN or security key: no password to type or steal. You can add one for each device
        you use. Adding one needs JavaScript in your browser.
      </p>
      {passkeys.length ? (
        <ul className="list-plain">
          {passkeys.map((p) => (
            <li key={p.id}>
              <h3>{p.name}</h3>
              <p className="meta">
                Added {p.created}. {p.lastUsed ? `Last used ${p.lastUsed}.` : 'Not used yet.'}
              </p>
              <div className="actions">
                <Form method="post" className="inline-form" noValidate>
                  <input type="hidden" name="intent" value="passkey-rename" />
                  <input type="hidden" name="passkeyId" value={p.id} />
                  <TextField label={`New name for ${p.name}`} name="name" defaultValue={p.name} maxLength={nameMax} required errors={errors?.[`rename-${p.id}`]} />
                  <SubmitButton className="button button--quiet">Rename</SubmitButton>
                </Form>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="passkey-remove" />
                  <input type="hidden" name="passkeyId" value={p.id} />
                  <SubmitButton className="button button--quiet" aria-label={`Remove ${p.name}`}>
                    Remove
                  </SubmitButton>
                </Form>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty">You have no passkeys yet.</p>
      )}
      <Form method="post" className="form" noValidate onSubmit={addPasskey}>
        <input type="hidden" name="intent" value="passkey-add" />
        <FormError errors={addErrors.length ? addErrors : undefined} />
        <TextField label="Name for a new passkey" name="name" hint="Where it lives, such as “Work laptop” or “Phone”." maxLength={nameMax} required errors={errors?.passkeyName} />
        {supported === false ? <p className="muted">This browser cannot make passkeys.</p> : null}
        <SubmitButton className="button button--secondary" disabled={supported === false || navigation.state !== 'idle'}>
          Add a passkey
        </SubmitButton>
      </Form>
    </section>
  );
}
