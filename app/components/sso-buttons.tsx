// "Sign in with …" buttons for each configured provider. Plain form posts (reloadDocument): the answer is a redirect
// to the provider's own page, which must be a full navigation, with or without JavaScript.
import { Form } from '@remix-run/react';

type SsoButton = { id: string; label: string };

export function SsoButtons({ providers, redirectTo }: { providers: SsoButton[]; redirectTo: string }) {
  if (providers.length === 0) return null;
  return (
    <section aria-labelledby="sso-title" className="stack">
      <h2 id="sso-title">Or use your organisation's account</h2>
      {providers.map((p) => (
        <Form key={p.id} method="post" action={`/auth/${p.id}`} reloadDocument>
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <button type="submit" className="button button--secondary">
            {p.label}
          </button>
        </Form>
      ))}
    </section>
  );
}
