// One way to read a form: zod on the server, per-field messages, and the user's input kept for re-display.
import { z } from 'zod';

export type FormValues = Record<string, string>;
/** Messages per field name; `_form` holds those that belong to no single field. */
export type FieldErrors = Record<string, string[] | undefined>;
export type FormResult<T> =
  | { ok: true; data: T; values: FormValues }
  | { ok: false; errors: FieldErrors; values: FormValues };

/** Text values of a form (files and repeated keys are handled by the caller where a form has them). */
export function formValues(formData: FormData): FormValues {
  const values: FormValues = {};
  for (const [key, value] of formData) if (typeof value === 'string' && !(key in values)) values[key] = value;
  return values;
}

export function parseForm<S extends z.ZodType>(schema: S, formData: FormData | FormValues): FormResult<z.infer<S>> {
  const values = formData instanceof FormData ? formValues(formData) : formData;
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data, values };
  const errors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : '_form';
    (errors[key] ??= []).push(issue.message);
  }
  return { ok: false, errors, values };
}

// Shared field rules, so every form words the same problem the same way.
// Control characters (other than tab and newline) are stripped: they never belong in a name or a paragraph.
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim();

export const field = {
  text: (label: string, max = 200) =>
    z
      .string({ error: `Enter ${label}.` })
      .transform(clean)
      .pipe(z.string().min(1, `Enter ${label}.`).max(max, `Keep ${label} under ${max} characters.`)),
  optionalText: (label: string, max = 5000) =>
    z
      .string()
      .optional()
      .transform((s) => clean(s ?? ''))
      .pipe(z.string().max(max, `Keep ${label} under ${max} characters.`)),
  email: () =>
    z
      .string({ error: 'Enter an email address.' })
      .transform((s) => clean(s).toLowerCase())
      .pipe(z.string().min(1, 'Enter an email address.').max(254, 'That email address is too long.').email('Enter an email address like name@example.nz.')),
  id: (label: string) =>
    z.coerce.number({ error: `Choose ${label}.` }).int(`Choose ${label}.`).positive(`Choose ${label}.`),
  password: () => z.string({ error: 'Enter a password.' }).min(1, 'Enter a password.').max(1000, 'That password is too long.'),
};
