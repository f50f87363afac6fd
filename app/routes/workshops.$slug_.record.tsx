// /workshops/:slug/record: coordinators write what a meeting decided. Rows are numbered fields (decision-0,
// action-0-text ...): the saved rows plus three blank ones, so it works without JavaScript; save to get more.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SelectField, SubmitButton, TextAreaField, TextField, type FieldErrors } from '~/components/forms';
import { ChoiceGroup } from '~/components/workshop-form';
import { organisationOptions } from '~/models/organisations.server';
import { getWorkshopBySlug, getWorkshopRecord, parseRecordForm, saveWorkshopRecord, type Workshop } from '~/models/workshops.server';
import { requireCoordinator } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { notFound, readFormData } from '~/utils/http.server';
import { toDateInputValue } from '~/utils/time';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `Record of ${data.workshop.title} · Micro-credentials CoP` : 'Workshop not found · Micro-credentials CoP' },
]);

/** parseRecordForm reads rows 0..49. */
const MAX_ROWS = 50;
const BLANK_ROWS = 3;

type ActionRow = { text: string; owner: string; due: string; done: boolean };
type RecordValues = { notes: string; attendingOrganisationIds: string[]; decisions: string[]; actions: ActionRow[] };

function workshopFor(slug: string | undefined): Workshop {
  return getWorkshopBySlug(slug ?? '') ?? notFound('There is no workshop at this address.');
}

/** A record can be written once the meeting has happened (or is under way). */
function canWriteRecord(workshop: Workshop, now = Date.now()): boolean {
  return workshop.status === 'completed' || (workshop.status === 'scheduled' && workshop.startsAt <= now);
}

function withBlankRows<T>(rows: T[], blank: () => T): T[] {
  const out = [...rows];
  for (let i = 0; i < BLANK_ROWS; i++) out.push(blank());
  return out.slice(0, MAX_ROWS);
}

/** What the coordinator sent, row for row (so an error on row 4 stays on row 4). */
function submittedValues(formData: FormData): RecordValues {
  const text = (key: string) => {
    const v = formData.get(key);
    return typeof v === 'string' ? v : '';
  };
  const decisions: string[] = [];
  const actions: ActionRow[] = [];
  for (let i = 0; i < MAX_ROWS; i++) {
    if (formData.has(`decision-${i}`)) decisions.push(text(`decision-${i}`));
    if (formData.has(`action-${i}-text`)) actions.push({ text: text(`action-${i}-text`), owner: text(`action-${i}-owner`), due: text(`action-${i}-due`), done: formData.get(`action-${i}-done`) !== null });
  }
  return {
    notes: text('notes'),
    attendingOrganisationIds: formData.getAll('attendingOrganisationIds').filter((v): v is string => typeof v === 'string'),
    decisions,
    actions,
  };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireCoordinator(request);
  const workshop = workshopFor(params.slug);
  const record = getWorkshopRecord(workshop.id);
  const values: RecordValues = {
    notes: workshop.recordNotesMd,
    attendingOrganisationIds: record.attendingOrganisations.map((o) => String(o.id)),
    decisions: withBlankRows(
      record.decisions.map((d) => d.text),
      () => '',
    ),
    actions: withBlankRows(
      record.actionItems.map((a) => ({
        text: a.text,
        owner: a.ownerOrganisationId === null ? '' : String(a.ownerOrganisationId),
        due: a.dueDate === null ? '' : toDateInputValue(a.dueDate),
        done: a.doneAt !== null,
      })),
      () => ({ text: '', owner: '', due: '', done: false }),
    ),
  };
  return {
    workshop: { slug: workshop.slug, title: workshop.title },
    writable: canWriteRecord(workshop),
    organisations: organisationOptions(),
    values,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = requireCoordinator(request);
  const workshop = workshopFor(params.slug);
  const formData = await readFormData(request);
  if (!canWriteRecord(workshop)) {
    return data<{ errors: FieldErrors; values: RecordValues }>(
      { errors: { _form: ['The record can be written once the workshop has taken place.'] }, values: submittedValues(formData) },
      { status: 400 },
    );
  }
  const parsed = parseRecordForm(formData);
  if (!parsed.ok) return data<{ errors: FieldErrors; values: RecordValues }>({ errors: parsed.errors, values: submittedValues(formData) }, { status: 400 });
  saveWorkshopRecord(user, workshop.id, parsed.data);
  return redirectWithFlash(request, `/workshops/${workshop.slug}`, 'The record of the meeting is saved.');
}

export default function WorkshopRecordEditor() {
  const { workshop, writable, organisations, values: saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const values = actionData?.values ?? saved;
  const errors = actionData?.errors ?? {};
  const orgOptions = organisations.map((o) => ({ value: String(o.id), label: o.name }));
  const hasRowErrors = Object.keys(errors).some((k) => k !== '_form');
  return (
    <div className="stack">
      <header>
        <p className="meta">
          <Link to="/workshops">Workshops</Link> · <Link to={`/workshops/${workshop.slug}`}>{workshop.title}</Link>
        </p>
        <h1>Record of the meeting</h1>
        <p>What the meeting discussed and decided, who came, and who does what next. Members see it on the workshop page.</p>
      </header>
      {!writable ? (
        <p className="notice">The record can be written once the workshop has taken place.</p>
      ) : (
        <Form method="post" className="form" noValidate>
          <FormError errors={errors._form ?? (hasRowErrors ? ['Some rows need attention: see the messages below.'] : undefined)} />
          <TextAreaField
            label="Notes"
            name="notes"
            rows={10}
            hint="Markdown: **bold**, *italic*, lists starting with “- ”, [link text](https://…)."
            defaultValue={values.notes}
            errors={errors.notes}
          />
          <ChoiceGroup
            legend="Attending organisations"
            name="attendingOrganisationIds"
            type="checkbox"
            hint="Filled in from attendance; change it if someone came without an RSVP."
            className="choice-list choice-list--columns"
            options={orgOptions}
            selected={values.attendingOrganisationIds}
            errors={errors.attendingOrganisationIds}
          />
          <fieldset className="fieldset">
            <legend>Decisions</legend>
            <p className="field__hint">One decision per box. Empty boxes are ignored; save to get more boxes.</p>
            {values.decisions.map((text, i) => (
              <TextField key={`decision-${i}`} label={`Decision ${i + 1}`} name={`decision-${i}`} maxLength={1000} defaultValue={text} errors={errors[`decision-${i}`]} />
            ))}
          </fieldset>
          <fieldset className="fieldset">
            <legend>Action items</legend>
            <p className="field__hint">Each action can have an owner organisation and a due date; tick it when it is done. Empty rows are ignored; save to get more rows.</p>
            {values.actions.map((row, i) => (
              <div className="record-row" key={`action-${i}`}>
                <TextField label={`Action ${i + 1}`} name={`action-${i}-text`} maxLength={1000} defaultValue={row.text} errors={errors[`action-${i}-text`]} />
                <SelectField
                  label={`Owner of action ${i + 1}`}
                  name={`action-${i}-owner`}
                  options={orgOptions}
                  placeholder="No owner"
                  defaultValue={row.owner}
                  errors={errors[`action-${i}-owner`]}
                />
                <TextField label={`Due date of action ${i + 1}`} name={`action-${i}-due`} type="date" defaultValue={row.due} errors={errors[`action-${i}-due`]} />
                <div className="checkbox">
                  <input type="checkbox" id={`action-${i}-done`} name={`action-${i}-done`} value="1" defaultChecked={row.done} />
                  <label htmlFor={`action-${i}-done`}>Action {i + 1} is done</label>
                </div>
              </div>
            ))}
          </fieldset>
          <div className="actions">
            <SubmitButton pendingText="Saving…">Save the record</SubmitButton>
            <Link to={`/workshops/${workshop.slug}`}>Back to the workshop</Link>
          </div>
        </Form>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
