import { SelectField, TextAreaField, TextField, type FieldErrors } from '~/components/forms';
import { ORGANISATION_KIND_LABELS } from '~/utils/labels';

const KIND_OPTIONS = Object.entries(ORGANISATION_KIND_LABELS).map(([value, label]) => ({ value, label }));

type Values = { name?: string; kind?: string; description?: string; website?: string | null };

/** The fields coordinators fill in to create or edit an organisation. */
export function OrganisationFields({ values, errors }: { values?: Values; errors?: FieldErrors }) {
  return (
    <>
      <TextField label="Name" name="name" required maxLength={150} defaultValue={values?.name ?? ''} errors={errors?.name} />
      <SelectField
        label="Kind"
        name="kind"
        required
        options={KIND_OPTIONS}
        placeholder="Choose the kind of organisation"
        defaultValue={values?.kind ?? ''}
        errors={errors?.kind}
      />
      <TextAreaField
        label="Description"
        name="description"
        hint="A sentence or two on what the organisation does in micro-credentials. Optional."
        maxLength={2000}
        defaultValue={values?.description ?? ''}
        errors={errors?.description}
      />
      <TextField
        label="Website"
        name="website"
        type="url"
        inputMode="url"
        hint="Optional, starting with https://"
        defaultValue={values?.website ?? ''}
        errors={errors?.website}
      />
    </>
  );
}
