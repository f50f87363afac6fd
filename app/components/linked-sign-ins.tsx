// The "Sign in with your organisation's account" section of /settings/security: linked provider accounts, a button to
// link each configured provider, and removal (never of the last way to sign in; the server checks that too).
import { Form } from '@remix-run/react';

export type LinkedSignInsData = {
  providers: { id: string; label: string; name: string }[];
  identities: { id: number; provider: string; providerName: string; email: string; linkedAt: string; lastUsedAt: string | null }[];
  canRemove: boolean;
};

export function LinkedSignIns({ providers, identities, canRemove }: LinkedSignInsData) {
  if (providers.length === 0 && identities.length === 0) return null;
  return (
    <section aria-labelledby="linked-sign-ins-title">
      <h2 id="linked-sign-ins-title">Sign in with your organisation's account</h2>
      {identities.length === 0 ? (
        <p>No other accounts are linked. Link one to sign in with it instead of your password.</p>
      ) : (
        <ul className="stack">
          {identities.map((identity) => (
            <li key={identity.id}>
              <strong>{identity.providerName}</strong>
              {identity.email ? ` (${identity.email})` : ''}: linked {identity.linkedAt}
              {identity.lastUsedAt ? `, last used ${identity.lastUsedAt}` : ''}.{' '}
              {canRemove ? (
                <Form method="post" action={`/auth/${identity.provider}/unlink`} className="inline-form">
                  <input type="hidden" name="identityId" value={identity.id} />
                  <button type="submit" className="button button--secondary">
                    Remove {identity.providerName}
                    {identity.email ? ` (${identity.email})` : ''}
                  </button>
                </Form>
              ) : (
                <span>This is your only way to sign in, so it cannot be removed until you set a password.</span>
              )}
            </li>
          ))}
        </ul>
      )}
      {providers.map((p) => (
        <Form key={p.id} method="post" action={`/auth/${p.id}`} reloadDocument className="inline-form">
          <input type="hidden" name="intent" value="link" />
          <button type="submit" className="button button--secondary">
            Link {p.name}
          </button>
        </Form>
      ))}
    </section>
  );
}
