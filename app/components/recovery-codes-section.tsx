// Recovery codes: shown once, right after they are made; afterwards only how many are left, and a way to make new ones.
import { Form, Link } from '@remix-run/react';
import { FormError, SubmitButton } from './forms';

export function NewRecoveryCodes({ codes, continueTo }: { codes: string[]; continueTo: string | null }) {
  return (
    <section aria-labelledby="new-codes-title" className="card">
      <h2 id="new-codes-title">Save your recovery codes</h2>
      <p>
        If you lose your passkeys and your phone, each of these codes signs you in once. Keep them somewhere safe, such as a password manager or on
        paper. <strong>They are shown only now.</strong>
      </p>
      <ul className="recovery-codes" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      {continueTo ? (
        <p>
          <Link className="button" to={continueTo}>
            I have saved them: continue
          </Link>
        </p>
      ) : null}
    </section>
  );
}

export function RecoveryCodesSection({ left, hasFactor, errors }: { left: number; hasFactor: boolean; errors?: string[] }) {
  if (!hasFactor) return null;
  return (
    <section aria-labelledby="recovery-title">
      <h2 id="recovery-title">Recovery codes</h2>
      <p>
        {left === 1 ? 'You have 1 unused recovery code.' : `You have ${left} unused recovery codes.`} Making new ones replaces them all.
      </p>
      <FormError errors={errors} />
      <Form method="post" className="inline-form">
        <input type="hidden" name="intent" value="recovery-regenerate" />
        <SubmitButton className="button button--secondary" pendingText="Making…">
          Make new recovery codes
        </SubmitButton>
      </Form>
    </section>
  );
}
