// Form building blocks: every field has a label, its error is tied to it with aria-describedby,
// and the value the user typed comes back after a failed submit.
import { useNavigation } from '@remix-run/react';
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

export type FieldErrors = Partial<Record<string, string[] | undefined>>;

function describedBy(...ids: unknown[]) {
  const joined = ids.filter(Boolean).join(' ');
  return joined || undefined;
}

function FieldShell(props: { id: string; label: ReactNode; hint?: ReactNode; errors?: string[]; children: ReactNode }) {
  return (
    <div className={`field${props.errors?.length ? ' field--invalid' : ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.hint ? (
        <p className="field__hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.children}
      {props.errors?.length ? (
        <p className="field__error" id={`${props.id}-error`}>
          {props.errors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

type Common = { label: ReactNode; hint?: ReactNode; errors?: string[] };

export function TextField({ label, hint, errors, id, ...input }: Common & InputHTMLAttributes<HTMLInputElement>) {
  const generated = useId();
  const fieldId = id ?? generated;
  return (
    <FieldShell id={fieldId} label={label} hint={hint} errors={errors}>
      <input
        id={fieldId}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(hint && `${fieldId}-hint`, errors?.length && `${fieldId}-error`)}
        {...input}
      />
    </FieldShell>
  );
}

export function TextAreaField({ label, hint, errors, id, ...input }: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const generated = useId();
  const fieldId = id ?? generated;
  return (
    <FieldShell id={fieldId} label={label} hint={hint} errors={errors}>
      <textarea
        id={fieldId}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(hint && `${fieldId}-hint`, errors?.length && `${fieldId}-error`)}
        {...input}
      />
    </FieldShell>
  );
}

export function SelectField({
  label,
  hint,
  errors,
  id,
  options,
  placeholder,
  ...select
}: Common &
  SelectHTMLAttributes<HTMLSelectElement> & { options: { value: string; label: string; lang?: string }[]; placeholder?: string }) {
  const generated = useId();
  const fieldId = id ?? generated;
  return (
    <FieldShell id={fieldId} label={label} hint={hint} errors={errors}>
      <select
        id={fieldId}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(hint && `${fieldId}-hint`, errors?.length && `${fieldId}-error`)}
        {...select}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value} lang={o.lang}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** A summary at the top of a form for errors that belong to no single field. */
export function FormError({ errors }: { errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <div className="form-error" role="alert">
      {errors.join(' ')}
    </div>
  );
}

export function SubmitButton({ children, pendingText, className, ...rest }: { children: ReactNode; pendingText?: string } & React.ButtonHTMLAttributes<HTMLButtonElement>) {
  const navigation = useNavigation();
  const pending = navigation.state === 'submitting' && navigation.formMethod?.toLowerCase() !== 'get';
  return (
    <button type="submit" className={className ?? 'button'} aria-disabled={pending || undefined} {...rest}>
      {pending && pendingText ? pendingText : children}
    </button>
  );
}
