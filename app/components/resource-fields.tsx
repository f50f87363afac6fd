// The resource metadata fields, shared by /resources/new and /resources/:id/edit. Uncontrolled, with the values the
// person typed coming back after a failed submit, so the form works the same with JavaScript off.
import { Link } from '@remix-run/react';
import { useId } from 'react';
import { SelectField, TextAreaField, TextField, type FieldErrors } from '~/components/forms';
import { ChoiceGroup } from '~/components/workshop-form';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '~/utils/search-highlight';

export type ResourceFormValues = { [field: string]: string | string[] | undefined };
export type Option = { value: string; label: string };

export type ResourceFieldOptions = {
  kinds: Option[];
  organisations: Option[];
  visibilities: Option[];
  workshops: Option[];
  caseStudies: Option[];
  licences: string[];
};

function single(values: ResourceFormValues, name: string): string {
  const value = values[name];
  return typeof value === 'string' ? value : '';
}

function list(values: ResourceFormValues, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value : typeof value === 'string' && value ? [value] : [];
}

export function ResourceFields({ values, errors = {}, options }: { values: ResourceFormValues; errors?: FieldErrors; options: ResourceFieldOptions }) {
  const v = (name: string) => single(values, name);
  const licenceListId = useId();
  return (
    <>
      <TextField label="Title" name="title" required maxLength={200} defaultValue={v('title')} errors={errors.title} />
      <SelectField label="Kind of resource" name="kind" required options={options.kinds} placeholder="Choose one" defaultValue={v('kind')} errors={errors.kind} />
      <TextField label="Authors" name="authors" hint="Separate names with commas. Leave empty if not known." maxLength={300} defaultValue={v('authors')} errors={errors.authors} />
      <SelectField
        label="Publishing organisation"
        name="organisationId"
        options={options.organisations}
        placeholder="Not stated"
        defaultValue={v('organisationId')}
        errors={errors.organisationId}
      />
      <TextField
        label="Date published"
        name="publishedOn"
        type="date"
        hint="If you only know the year, enter 1 January of that year: the library then shows the year alone."
        defaultValue={v('publishedOn')}
        errors={errors.publishedOn}
      />
      <TextAreaField label="Summary" name="summary" rows={4} hint="What it is about and who it is for, in a few sentences." maxLength={3000} defaultValue={v('summary')} errors={errors.summary} />
      <TextField label="Tags" name="tags" hint="Separate tags with commas, for example: NZDE, stacking, pilots." maxLength={500} defaultValue={v('tags')} errors={errors.tags} />
      <TextField
        label="Licence"
        name="licence"
        list={licenceListId}
        hint="For example CC BY 4.0, or All rights reserved. Leave empty if not known."
        maxLength={100}
        defaultValue={v('licence')}
        errors={errors.licence}
      />
      <datalist id={licenceListId}>
        {options.licences.map((l) => (
          <option key={l} value={l} />
        ))}
      </datalist>
      <ChoiceGroup legend="Who can see it" name="visibility" type="radio" options={options.visibilities} selected={[v('visibility') || 'public']} errors={errors.visibility} />
      <TextField
        label="Review by"
        name="reviewBy"
        type="date"
        hint="Optional: when someone should check it is still current. The library flags it once this date has passed."
        defaultValue={v('reviewBy')}
        errors={errors.reviewBy}
      />
      {options.workshops.length ? (
        <ChoiceGroup
          legend="Workshops it belongs to"
          name="workshopIds"
          type="checkbox"
          className="choice-list choice-list--columns"
          options={options.workshops}
          selected={list(values, 'workshopIds')}
          errors={errors.workshopIds}
          hint="Optional. It will be listed on each workshop's page."
        />
      ) : null}
      {options.caseStudies.length ? (
        <ChoiceGroup
          legend="Pilots it belongs to"
          name="caseStudyIds"
          type="checkbox"
          className="choice-list choice-list--columns"
          options={options.caseStudies}
          selected={list(values, 'caseStudyIds')}
          errors={errors.caseStudyIds}
          hint="Optional. It will be listed on each pilot's case study."
        />
      ) : null}
    </>
  );
}

/** Splits a search snippet on the highlight markers the server put around matches: text only, never HTML. */
export function Highlighted({ text, start = HIGHLIGHT_START, end = HIGHLIGHT_END }: { text: string; start?: string; end?: string }) {
  const [first, ...rest] = text.split(start);
  return (
    <>
      {first}
      {rest.map((piece, i) => {
        const [match, after = ''] = piece.split(end);
        return (
          <span key={i}>
            <mark>{match}</mark>
            {after}
          </span>
        );
      })}
    </>
  );
}

export function TagLinks({ tags }: { tags: string[] }) {
  if (!tags.length) return null;
  return (
    <ul className="tag-list" aria-label="Tags">
      {tags.map((tag) => (
        <li key={tag}>
          <Link className="badge" to={`/resources?tag=${encodeURIComponent(tag)}`}>
            {tag}
          </Link>
        </li>
      ))}
    </ul>
  );
}
