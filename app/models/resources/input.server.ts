import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../../../db/client.server';
import { organisations, RESOURCE_KINDS, type ResourceKind, VISIBILITIES, type Visibility } from '../../../db/schema';
import { getZonedParts, parseDateInput } from '~/utils/time';
import { field, type FieldErrors } from '~/utils/validation.server';
import type { ResourceDetail } from './reading.server';

// Input

export type ResourceFormValues = { [field: string]: string | string[] | undefined };

export type ResourceInput = {
  title: string;
  kind: ResourceKind;
  authors: string;
  organisationId: number | null;
  publishedOn: number | null;
  summary: string;
  tags: string[];
  licence: string;
  visibility: Visibility;
  reviewBy: number | null;
  workshopIds: number[];
  caseStudyIds: number[];
};

const optionalId = z
  .string()
  .optional()
  .transform((s) => (s ?? '').trim())
  .pipe(z.union([z.literal('').transform(() => null), z.string().regex(/^[1-9][0-9]{0,9}$/, 'Choose an organisation from the list.').transform(Number)]));

const metadataSchema = z.object({
  title: field.text('a title', 200),
  kind: z.enum(RESOURCE_KINDS, { error: 'Choose what kind of resource this is.' }),
  authors: field.optionalText('the authors', 300),
  organisationId: optionalId,
  summary: field.optionalText('the summary', 3000),
  tags: field.optionalText('the tags', 500),
  licence: field.optionalText('the licence', 100),
  visibility: z.enum(VISIBILITIES, { error: 'Choose who can see this resource.' }),
});

const urlSchema = z
  .string()
  .optional()
  .transform((s) => (s ?? '').trim())
  .pipe(
    z
      .string()
      .min(1, 'Enter the web address of the resource.')
      .max(2000, 'That web address is too long.')
      .refine((s) => {
        try {
          const url = new URL(s);
          return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0 && !url.username && !url.password;
        } catch {
          return false;
        }
      }, 'Enter a web address that starts with https:// (or http://).'),
  );

/** Tags as typed ("NZDE, stacking;  pilots") → ['nzde', 'stacking', 'pilots']: lower case, no repeats. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(/[,;\n]/)
    .map((t) => t.trim().replace(/\s+/g, ' ').toLowerCase())
    .filter(Boolean);
  return [...new Set(tags)];
}

function idList(formData: FormData, name: string): number[] {
  return [
    ...new Set(
      formData
        .getAll(name)
        .filter((v): v is string => typeof v === 'string' && /^[1-9][0-9]{0,9}$/.test(v))
        .map(Number),
    ),
  ];
}

function dateField(value: string | undefined, errors: Record<string, string[]>, key: string): number | null {
  const text = (value ?? '').trim();
  if (!text) return null;
  const parsed = parseDateInput(text);
  if (!parsed.ok) {
    (errors[key] ??= []).push(parsed.error);
    return null;
  }
  return parsed.date.getTime();
}

export type ParsedResourceForm =
  | { ok: true; data: ResourceInput & { url: string | null }; values: ResourceFormValues }
  | { ok: false; errors: FieldErrors; values: ResourceFormValues };

/**
 * Reads the metadata form (new and edit). `source` says whether a link URL is expected ('link'), or a file
 * ('file', the URL is ignored); the file itself is checked by the upload handler.
 */
export function parseResourceForm(formData: FormData, source: 'file' | 'link'): ParsedResourceForm {
  const values: ResourceFormValues = {};
  for (const [key, value] of formData) if (typeof value === 'string' && !(key in values)) values[key] = value;
  values.workshopIds = formData.getAll('workshopIds').filter((v): v is string => typeof v === 'string');
  values.caseStudyIds = formData.getAll('caseStudyIds').filter((v): v is string => typeof v === 'string');
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string) => (errors[key] ??= []).push(message);

  const parsed = metadataSchema.safeParse(values);
  if (!parsed.success) for (const issue of parsed.error.issues) add(String(issue.path[0] ?? '_form'), issue.message);
  const publishedOn = dateField(values.publishedOn as string | undefined, errors, 'publishedOn');
  const reviewBy = dateField(values.reviewBy as string | undefined, errors, 'reviewBy');
  if (publishedOn !== null && publishedOn > Date.now() + 366 * 24 * 3600_000) add('publishedOn', 'The publication date is more than a year away. Check the year.');

  let url: string | null = null;
  if (source === 'link') {
    const parsedUrl = urlSchema.safeParse(values.url);
    if (parsedUrl.success) url = parsedUrl.data;
    else add('url', parsedUrl.error.issues[0]!.message);
  }

  let tags: string[] = [];
  if (parsed.success) {
    tags = parseTags(parsed.data.tags);
    if (tags.length > 15) add('tags', 'Use at most 15 tags.');
    if (tags.some((t) => t.length > 40)) add('tags', 'Keep each tag under 40 characters.');
  }
  if (parsed.success && parsed.data.organisationId !== null && !organisationExists(parsed.data.organisationId)) {
    add('organisationId', 'Choose an organisation from the list.');
  }

  if (!parsed.success || Object.keys(errors).length) return { ok: false, errors, values };
  const d = parsed.data;
  return {
    ok: true,
    values,
    data: {
      title: d.title,
      kind: d.kind,
      authors: d.authors,
      organisationId: d.organisationId,
      publishedOn,
      summary: d.summary,
      tags,
      licence: d.licence,
      visibility: d.visibility,
      reviewBy,
      workshopIds: idList(formData, 'workshopIds'),
      caseStudyIds: idList(formData, 'caseStudyIds'),
      url,
    },
  };
}

function organisationExists(id: number): boolean {
  return db.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, id)).get() !== undefined;
}

/** The form's starting values for an existing resource (the edit page). */
export function resourceFormValues(resource: ResourceDetail): ResourceFormValues {
  const date = (ms: number | null) => {
    if (ms === null) return '';
    const p = getZonedParts(ms);
    return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  };
  return {
    title: resource.title,
    kind: resource.kind,
    authors: resource.authors,
    organisationId: resource.organisationId ? String(resource.organisationId) : '',
    publishedOn: date(resource.publishedOn),
    summary: resource.summary,
    tags: resource.tags.join(', '),
    licence: resource.licence,
    visibility: resource.visibility,
    reviewBy: date(resource.reviewBy),
    url: resource.externalUrl ?? '',
    workshopIds: resource.workshops.map((w) => String(w.id)),
    caseStudyIds: resource.caseStudies.map((c) => String(c.id)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
