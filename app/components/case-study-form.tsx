// The case-study form, shared by /case-studies/new and /case-studies/:slug/edit. Uncontrolled fields whose default
// values come from the saved case study or from what the writer typed, numbered rows for outcomes and
// micro-credentials (filled rows plus blank ones, so rows can be added without JavaScript), and the similar-work
// panel (the shared duplication radar): filled in by the server on preview and on saving a draft, and with
// JavaScript as the title and problem are typed.
import { Form } from '@remix-run/react';
import type { ReactNode } from 'react';
import { DuplicationRadar, type RadarItem } from '~/components/duplication-radar';
import { FormError, SelectField, TextAreaField, TextField, type FieldErrors } from '~/components/forms';
import { ChoiceGroup } from '~/components/workshop-form';
import {
  CASE_STUDY_STATUS_LABELS,
  DELIVERY_LABELS,
  FUNDER_SUGGESTIONS,
  NZQA_STATUS_LABELS,
  VISIBILITY_LABELS,
  list,
  microCredentialField,
  microCredentialRowCount,
  outcomeField,
  outcomeRowCount,
  single,
  stackingField,
  stackingRowCount,
  type CaseStudyFormValues,
} from '~/models/case-study-fields';

/** What the similar-work panel lists: the shared duplication radar's items. */
export type SimilarWorkItem = RadarItem;

type Option = { value: string; label: string };
const options = (labels: Record<string, string>): Option[] => Object.entries(labels).map(([value, label]) => ({ value, label }));
const LEVEL_OPTIONS: Option[] = Array.from({ length: 10 }, (_, i) => ({ value: String(i + 1), label: `Level ${i + 1}` }));

function OutcomeRows({ values, errors }: { values: CaseStudyFormValues; errors: FieldErrors }) {
  const rows = outcomeRowCount(values);
  return (
    <fieldset className="fieldset">
      <legend>Outcomes</legend>
      <p className="field__hint">What you measured, one per row: for example “Enrolments 150” or “Associated with employers 80 %”. Save or preview to get more blank rows.</p>
      {Array.from({ length: rows }, (_, row) => {
        const name = (part: Parameters<typeof outcomeField>[1]) => outcomeField(row, part);
        const filled = ['label', 'value', 'unit', 'asOf'].some((p) => single(values, outcomeField(row, p as 'label')).trim());
        return (
          <fieldset className="row-fieldset" key={row}>
            <legend>Outcome {row + 1}</legend>
            <div className="record-row">
              <TextField label="What was measured" name={name('label')} maxLength={200} defaultValue={single(values, name('label'))} errors={errors[name('label')]} />
              <TextField label="Value" name={name('value')} inputMode="decimal" defaultValue={single(values, name('value'))} errors={errors[name('value')]} />
              <TextField label="Unit" name={name('unit')} maxLength={30} hint="For example %, students" defaultValue={single(values, name('unit'))} errors={errors[name('unit')]} />
              <TextField label="As of (date)" name={name('asOf')} type="date" defaultValue={single(values, name('asOf'))} errors={errors[name('asOf')]} />
            </div>
            {filled ? (
              <div className="checkbox">
                <input type="checkbox" id={`${name('remove')}`} name={name('remove')} value="1" defaultChecked={!!single(values, name('remove'))} />
                <label htmlFor={name('remove')}>Remove outcome {row + 1}</label>
              </div>
            ) : null}
          </fieldset>
        );
      })}
    </fieldset>
  );
}

function MicroCredentialRows(props: { values: CaseStudyFormValues; errors: FieldErrors; organisations: Option[]; qualifications: Option[] }) {
  const { values, errors } = props;
  const rows = microCredentialRowCount(values);
  return (
    <fieldset className="fieldset" id="micro-credentials-fields">
      <legend>Micro-credentials</legend>
      <p className="field__hint">
        Each micro-credential this pilot awards, and the qualifications it stacks into (how many of its credits count toward each). Leave a row empty to skip it; save or preview to
        get another blank row.
      </p>
      {Array.from({ length: rows }, (_, row) => {
        const name = (part: Parameters<typeof microCredentialField>[1]) => microCredentialField(row, part);
        const v = (part: Parameters<typeof microCredentialField>[1]) => single(values, name(part));
        const saved = v('id') !== '';
        const filled = saved || ['name', 'provider', 'credits', 'level', 'nzqaReference', 'fieldOfStudy', 'imageUrl'].some((p) => v(p as 'name').trim());
        const stacks = stackingRowCount(values, row);
        return (
          <fieldset className="row-fieldset" key={row}>
            <legend>Micro-credential {row + 1}</legend>
            {saved ? <input type="hidden" name={name('id')} value={v('id')} /> : null}
            <TextField label="Name" name={name('name')} maxLength={200} defaultValue={v('name')} errors={errors[name('name')]} />
            <div className="record-row">
              <SelectField label="Provider" name={name('provider')} options={props.organisations} placeholder="Choose…" defaultValue={v('provider')} errors={errors[name('provider')]} />
              <TextField label="Credits" name={name('credits')} type="number" inputMode="numeric" min={1} max={1000} step={1} defaultValue={v('credits')} errors={errors[name('credits')]} />
              <SelectField label="NZQF level" name={name('level')} options={LEVEL_OPTIONS} placeholder="Not given" defaultValue={v('level')} errors={errors[name('level')]} />
            </div>
            <div className="record-row">
              <SelectField label="NZQA status" name={name('nzqaStatus')} options={options(NZQA_STATUS_LABELS)} defaultValue={v('nzqaStatus') || 'not_applicable'} errors={errors[name('nzqaStatus')]} />
              <TextField label="NZQA reference" name={name('nzqaReference')} maxLength={100} defaultValue={v('nzqaReference')} errors={errors[name('nzqaReference')]} />
            </div>
            <div className="record-row">
              <TextField label="Field of study" name={name('fieldOfStudy')} maxLength={120} defaultValue={v('fieldOfStudy')} errors={errors[name('fieldOfStudy')]} />
              <TextField
                label="Badge image address"
                name={name('imageUrl')}
                type="url"
                maxLength={500}
                placeholder="https://"
                defaultValue={v('imageUrl')}
                errors={errors[name('imageUrl')]}
              />
            </div>
            {Array.from({ length: stacks }, (_, stack) => {
              const q = stackingField(row, stack, 'qualification');
              const c = stackingField(row, stack, 'credits');
              return (
                <div className="record-row" key={stack}>
                  <SelectField
                    label={stack === 0 ? 'Stacks into qualification' : `Also stacks into (${stack + 1})`}
                    name={q}
                    options={props.qualifications}
                    placeholder="None"
                    defaultValue={single(values, q)}
                    errors={errors[q]}
                  />
                  <TextField
                    label={stack === 0 ? 'Credits toward it' : `Credits toward it (${stack + 1})`}
                    name={c}
                    type="number"
                    inputMode="numeric"
                    min={1}
                    step={1}
                    defaultValue={single(values, c)}
                    errors={errors[c]}
                  />
                </div>
              );
            })}
            {filled ? (
              <div className="checkbox">
                <input type="checkbox" id={name('remove')} name={name('remove')} value="1" defaultChecked={!!v('remove')} />
                <label htmlFor={name('remove')}>Remove micro-credential {row + 1}</label>
              </div>
            ) : null}
          </fieldset>
        );
      })}
    </fieldset>
  );
}

export function CaseStudyForm(props: {
  values: CaseStudyFormValues;
  errors?: FieldErrors;
  organisations: { id: number; name: string }[];
  projectManagers: { id: number; name: string; organisationName: string }[];
  qualifications: { id: number; name: string }[];
  /** Similar work found by the server (on preview or after saving a draft); null before there is anything to compare. */
  similar: SimilarWorkItem[] | null;
  /** Whether to show and update the similar-work panel (while a case study is new or a draft). */
  showSimilar: boolean;
  /** The case study being edited, left out of its own similar work. */
  excludeId?: number;
  /** The submit buttons. */
  children: ReactNode;
}) {
  const { values, errors = {} } = props;
  const v = (name: string) => single(values, name);
  const orgOptions = props.organisations.map((o) => ({ value: String(o.id), label: o.name }));
  const qualificationOptions = props.qualifications.map((q) => ({ value: String(q.id), label: q.name }));

  return (
    <Form method="post" className="form case-study-form" noValidate>
      <FormError errors={errors._form} />
      <fieldset className="fieldset">
        <legend>The pilot</legend>
        <TextField label="Title" name="title" required maxLength={200} defaultValue={v('title')} errors={errors.title} />
        <TextAreaField
          label="The problem it addresses"
          name="problem"
          rows={4}
          hint="Similar pilots are found from the title and the problem."
          defaultValue={v('problem')}
          errors={errors.problem}
        />
        <TextAreaField label="The solution" name="solution" rows={4} defaultValue={v('solution')} errors={errors.solution} />
        <TextAreaField label="Target audience" name="targetAudience" rows={2} defaultValue={v('targetAudience')} errors={errors.targetAudience} />
      </fieldset>

      {props.showSimilar ? (
        <DuplicationRadar
          items={props.similar}
          titleField="title"
          summaryField="problem"
          exclude={props.excludeId ? { kind: 'case_study', id: props.excludeId } : undefined}
          hint="Write the title and the problem, then preview: pilots, micro-credentials, resources, workshops and discussions that look similar are listed here, so you can learn from them before starting again."
        />
      ) : null}

      <fieldset className="fieldset">
        <legend>Who and when</legend>
        <SelectField label="Lead organisation" name="leadOrganisationId" options={orgOptions} placeholder="Choose…" defaultValue={v('leadOrganisationId')} errors={errors.leadOrganisationId} />
        <ChoiceGroup
          legend="Partner organisations"
          name="partnerIds"
          type="checkbox"
          className="choice-list choice-list--columns"
          options={orgOptions}
          selected={list(values, 'partnerIds')}
          errors={errors.partnerIds}
        />
        <ChoiceGroup
          legend="Project managers"
          name="managerIds"
          type="checkbox"
          hint="They, and coordinators, can edit this case study."
          className="choice-list choice-list--columns"
          options={props.projectManagers.map((p) => ({ value: String(p.id), label: `${p.name} (${p.organisationName})` }))}
          selected={list(values, 'managerIds')}
          errors={errors.managerIds}
        />
        <SelectField label="Status" name="status" options={options(CASE_STUDY_STATUS_LABELS)} defaultValue={v('status') || 'proposed'} errors={errors.status} />
        <div className="grid grid--2">
          <TextField label="Start date" name="startsOn" type="date" defaultValue={v('startsOn')} errors={errors.startsOn} />
          <TextField label="End date" name="endsOn" type="date" defaultValue={v('endsOn')} errors={errors.endsOn} />
        </div>
        <TextField label="Funder" name="funder" list="funder-suggestions" maxLength={100} hint="For example TEC, an NZQA pilot, self-funded." defaultValue={v('funder')} errors={errors.funder} />
        <datalist id="funder-suggestions">
          {FUNDER_SUGGESTIONS.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
        <TextAreaField label="Funding notes" name="fundingNotes" rows={2} defaultValue={v('fundingNotes')} errors={errors.fundingNotes} />
      </fieldset>

      <ChoiceGroup legend="Delivery" name="delivery" type="checkbox" className="choice-list choice-list--columns" options={options(DELIVERY_LABELS)} selected={list(values, 'delivery')} errors={errors.delivery} />

      <OutcomeRows values={values} errors={errors} />

      <fieldset className="fieldset">
        <legend>What was learned</legend>
        <TextAreaField label="Lessons learned" name="lessonsLearned" rows={4} defaultValue={v('lessonsLearned')} errors={errors.lessonsLearned} />
        <TextAreaField
          label="The story"
          name="body"
          rows={10}
          hint="Markdown: **bold**, *italic*, “- ” for a list item, [link text](https://…). Preview to see it as readers will."
          defaultValue={v('body')}
          errors={errors.body}
        />
      </fieldset>

      <MicroCredentialRows values={values} errors={errors} organisations={orgOptions} qualifications={qualificationOptions} />

      <fieldset className="fieldset">
        <legend>Tags and visibility</legend>
        <TextField label="Tags" name="tags" maxLength={500} hint="Separated by commas, for example: automotive, secondary school." defaultValue={v('tags')} errors={errors.tags} />
        <ChoiceGroup legend="Who can read it" name="visibility" type="radio" options={options(VISIBILITY_LABELS)} selected={[v('visibility') || 'public']} errors={errors.visibility} />
      </fieldset>

      <div className="actions">{props.children}</div>
    </Form>
  );
}
