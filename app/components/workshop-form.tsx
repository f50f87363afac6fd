// The scheduling form, shared by /workshops/new and /workshops/:slug/edit. Uncontrolled fields with default
// values from the workshop or from what the coordinator typed, so it works the same with JavaScript off.
import { Form } from '@remix-run/react';
import { useId, type ReactNode } from 'react';
import { FormError, TextAreaField, TextField, type FieldErrors } from '~/components/forms';

/** What the form shows: single values by field name, and `organisationIds` as a list (parseWorkshopForm's `values`). */
export type WorkshopFormValues = { [field: string]: string | string[] | undefined };

function single(values: WorkshopFormValues, name: string): string {
  const value = values[name];
  return typeof value === 'string' ? value : '';
}

function list(values: WorkshopFormValues, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value : typeof value === 'string' && value ? [value] : [];
}
export type Option = { value: string; label: string };

/** The names of every field the form sends, in order (hidden copies in the over-capacity panel use them too). */
export const WORKSHOP_FIELD_NAMES = [
  'title',
  'summary',
  'agenda',
  'startsAt',
  'endsAt',
  'mode',
  'venue',
  'onlineUrl',
  'capacity',
  'orgSeatCap',
  'rsvpDeadline',
  'audience',
] as const;

const AUDIENCE_OPTIONS: Option[] = [
  { value: 'all', label: 'All members' },
  { value: 'organisations', label: 'Only people from the organisations chosen below' },
];

/** A radio or checkbox group: a fieldset with a legend, its error tied to the group. */
export function ChoiceGroup(props: {
  legend: ReactNode;
  name: string;
  type: 'radio' | 'checkbox';
  options: Option[];
  selected: string[];
  errors?: string[];
  hint?: ReactNode;
  className?: string;
}) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.errors?.length ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset className={`fieldset${props.errors?.length ? ' fieldset--invalid' : ''}`} aria-describedby={describedBy}>
      <legend>{props.legend}</legend>
      {props.hint ? (
        <p className="field__hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      <div className={props.className ?? 'choice-list'}>
        {props.options.map((option) => (
          <div className="checkbox" key={option.value}>
            <input
              type={props.type}
              id={`${id}-${option.value}`}
              name={props.name}
              value={option.value}
              defaultChecked={props.selected.includes(option.value)}
              aria-invalid={props.errors?.length ? true : undefined}
            />
            <label htmlFor={`${id}-${option.value}`}>{option.label}</label>
          </div>
        ))}
      </div>
      {props.errors?.length ? (
        <p className="field__error" id={errorId}>
          {props.errors.join(' ')}
        </p>
      ) : null}
    </fieldset>
  );
}

/** Hidden copies of every value, so a second submit (the over-capacity choice) loses nothing. */
export function HiddenWorkshopValues({ values }: { values: WorkshopFormValues }) {
  return (
    <>
      {WORKSHOP_FIELD_NAMES.map((name) => (
        <input key={name} type="hidden" name={name} value={single(values, name)} />
      ))}
      {list(values, 'organisationIds').map((id) => (
        <input key={`org-${id}`} type="hidden" name="organisationIds" value={id} />
      ))}
    </>
  );
}

export function WorkshopForm(props: {
  values: WorkshopFormValues;
  errors?: FieldErrors;
  organisations: { id: number; name: string }[];
  modeOptions: Option[];
  /** Shown inside the form above the buttons (the duplication radar on a new workshop). */
  beforeActions?: ReactNode;
  /** The submit buttons (Save draft / Publish, or Save changes). */
  children: ReactNode;
}) {
  const { values, errors = {}, organisations } = props;
  const v = (name: string) => single(values, name);
  return (
    <Form method="post" className="form" noValidate>
      <FormError errors={errors._form} />
      <TextField label="Title" name="title" required maxLength={150} defaultValue={v('title')} errors={errors.title} />
      <TextAreaField
        label="Summary"
        name="summary"
        rows={3}
        hint="One or two sentences for the list of workshops and the calendar entry."
        defaultValue={v('summary')}
        errors={errors.summary}
      />
      <TextAreaField
        label="Agenda"
        name="agenda"
        rows={8}
        hint="Markdown: a line starting with “- ” is a list item, **bold**, [link text](https://…)."
        defaultValue={v('agenda')}
        errors={errors.agenda}
      />
      <div className="grid grid--2">
        <TextField label="Starts (New Zealand time)" name="startsAt" type="datetime-local" required defaultValue={v('startsAt')} errors={errors.startsAt} />
        <TextField label="Ends (New Zealand time)" name="endsAt" type="datetime-local" required defaultValue={v('endsAt')} errors={errors.endsAt} />
      </div>
      <ChoiceGroup legend="Format" name="mode" type="radio" options={props.modeOptions} selected={[v('mode')]} errors={errors.mode} />
      <TextField
        label="Venue"
        name="venue"
        hint="Needed for in-person and hybrid workshops."
        maxLength={300}
        defaultValue={v('venue')}
        errors={errors.venue}
      />
      <TextField
        label="Online joining link"
        name="onlineUrl"
        type="url"
        inputMode="url"
        hint="Needed for online and hybrid workshops. Shown only to people with a seat."
        maxLength={500}
        defaultValue={v('onlineUrl')}
        errors={errors.onlineUrl}
      />
      <div className="grid grid--2">
        <TextField label="Capacity (seats)" name="capacity" type="number" inputMode="numeric" min={0} step={1} required defaultValue={v('capacity')} errors={errors.capacity} />
        <TextField
          label="Seat cap per organisation (optional)"
          name="orgSeatCap"
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          hint="Leave empty for no cap."
          defaultValue={v('orgSeatCap')}
          errors={errors.orgSeatCap}
        />
      </div>
      <TextField
        label="RSVP deadline (New Zealand time, optional)"
        name="rsvpDeadline"
        type="datetime-local"
        hint="After this, members can no longer RSVP, change or withdraw. Must be before the start."
        defaultValue={v('rsvpDeadline')}
        errors={errors.rsvpDeadline}
      />
      <ChoiceGroup legend="Who is it for?" name="audience" type="radio" options={AUDIENCE_OPTIONS} selected={[v('audience')]} errors={errors.audience} />
      <ChoiceGroup
        legend="Organisations"
        name="organisationIds"
        type="checkbox"
        hint="Only used when the workshop is for chosen organisations."
        className="choice-list choice-list--columns"
        options={organisations.map((o) => ({ value: String(o.id), label: o.name }))}
        selected={list(values, 'organisationIds')}
        errors={errors.organisationIds}
      />
      {props.beforeActions}
      <div className="actions">{props.children}</div>
    </Form>
  );
}
