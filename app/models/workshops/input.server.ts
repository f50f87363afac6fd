import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../../../db/client.server';
import {
  organisations,
  WORKSHOP_MODES,
  workshopAudienceOrganisations,
  workshops,
  type WorkshopStatus,
} from '../../../db/schema';
import { slugify } from '~/utils/labels';
import { renderMarkdown } from '~/utils/markdown.server';
import { getZonedParts, parseDateTimeLocal } from '~/utils/time';
import { field, type FieldErrors, type FormValues } from '~/utils/validation.server';
import type { Tx } from '../rsvps.server';

export type Workshop = typeof workshops.$inferSelect;

export const WORKSHOP_MODE_LABELS = { in_person: 'In person', online: 'Online', hybrid: 'Hybrid (in person and online)' } as const;
export const WORKSHOP_STATUS_LABELS: Record<WorkshopStatus, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  cancelled: 'Cancelled',
  completed: 'Completed',
};

// ---------------------------------------------------------------------------------------------------------------
// Input

const baseSchema = z.object({
  title: field.text('a title', 150),
  summary: field.optionalText('the summary', 1000),
  agenda: field.optionalText('the agenda', 20000),
  startsAt: z.string({ error: 'Enter the start date and time.' }).min(1, 'Enter the start date and time.'),
  endsAt: z.string({ error: 'Enter the end date and time.' }).min(1, 'Enter the end date and time.'),
  mode: z.enum(WORKSHOP_MODES, { error: 'Choose in person, online or hybrid.' }),
  venue: field.optionalText('the venue', 300),
  onlineUrl: field.optionalText('the joining link', 500),
  capacity: z
    .string()
    .trim()
    .min(1, 'Enter how many seats there are.')
    .transform(Number)
    .pipe(z.number({ error: 'Enter the number of seats as a whole number.' }).int('Enter the number of seats as a whole number.').min(0, 'Capacity cannot be below zero.').max(100000, 'That is more seats than any venue has.')),
  orgSeatCap: z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim())
    .transform((s) => (s === '' ? null : Number(s)))
    .pipe(z.union([z.null(), z.number({ error: 'Enter the cap as a whole number.' }).int('Enter the cap as a whole number.').min(1, 'A cap must be at least 1 seat (leave it empty for no cap).')])),
  rsvpDeadline: z.string().optional().transform((s) => (s ?? '').trim()),
  audience: z.enum(['all', 'organisations'], { error: 'Choose who the workshop is for.' }),
});

export type WorkshopInput = {
  title: string;
  summary: string;
  agendaMd: string;
  startsAt: number;
  endsAt: number;
  mode: Workshop['mode'];
  venue: string;
  onlineUrl: string;
  capacity: number;
  orgSeatCap: number | null;
  rsvpDeadline: number | null;
  audience: 'all' | 'organisations';
  organisationIds: number[];
};

/** Validates the scheduling form: every impossible combination gets a message on the field it concerns. */
export type WorkshopFormValues = { [field: string]: string | string[] };

export function parseWorkshopForm(formData: FormData):
  | { ok: true; data: WorkshopInput; values: WorkshopFormValues }
  | { ok: false; errors: FieldErrors; values: WorkshopFormValues } {
  const values: FormValues = {};
  for (const [key, value] of formData) if (typeof value === 'string' && !(key in values)) values[key] = value;
  const organisationIdValues = formData.getAll('organisationIds').filter((v): v is string => typeof v === 'string');
  const allValues: WorkshopFormValues = { ...values, organisationIds: organisationIdValues };
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string) => (errors[key] ??= []).push(message);

  const parsed = baseSchema.safeParse(values);
  if (!parsed.success) for (const issue of parsed.error.issues) add(String(issue.path[0] ?? '_form'), issue.message);

  const start = values.startsAt ? parseDateTimeLocal(values.startsAt) : null;
  const end = values.endsAt ? parseDateTimeLocal(values.endsAt) : null;
  if (start && !start.ok) add('startsAt', start.error);
  if (end && !end.ok) add('endsAt', end.error);
  if (start?.ok && end?.ok && end.date.getTime() <= start.date.getTime()) add('endsAt', 'The end must be after the start.');

  let deadline: number | null = null;
  if (values.rsvpDeadline?.trim()) {
    const d = parseDateTimeLocal(values.rsvpDeadline);
    if (!d.ok) add('rsvpDeadline', d.error);
    else {
      deadline = d.date.getTime();
      if (start?.ok && deadline > start.date.getTime()) add('rsvpDeadline', 'The RSVP deadline must be before the workshop starts.');
    }
  }

  const mode = parsed.success ? parsed.data.mode : undefined;
  if ((mode === 'in_person' || mode === 'hybrid') && !values.venue?.trim()) add('venue', 'Enter the venue for people attending in person.');
  if (mode === 'online' || mode === 'hybrid') {
    const link = values.onlineUrl?.trim() ?? '';
    if (!link) add('onlineUrl', 'Enter the joining link for people attending online.');
    else if (!isHttpUrl(link)) add('onlineUrl', 'Enter a joining link that starts with https://.');
  } else if (values.onlineUrl?.trim() && !isHttpUrl(values.onlineUrl.trim())) add('onlineUrl', 'Enter a joining link that starts with https://.');

  const organisationIds = [...new Set(organisationIdValues.map(Number))];
  if (organisationIds.some((id) => !Number.isInteger(id) || id <= 0)) add('organisationIds', 'Choose organisations from the list.');
  else if (organisationIds.length) {
    const known = db.select({ id: organisations.id }).from(organisations).where(inArray(organisations.id, organisationIds)).all();
    if (known.length !== organisationIds.length) add('organisationIds', 'One of the chosen organisations does not exist. Choose from the list.');
  }
  if (parsed.success && parsed.data.audience === 'organisations' && organisationIds.length === 0) {
    add('organisationIds', 'Choose at least one organisation, or open the workshop to all members.');
  }

  if (Object.keys(errors).length || !parsed.success || !start?.ok || !end?.ok) {
    return { ok: false, errors, values: allValues };
  }
  const p = parsed.data;
  return {
    ok: true,
    values: allValues,
    data: {
      title: p.title,
      summary: p.summary,
      agendaMd: p.agenda,
      startsAt: start.date.getTime(),
      endsAt: end.date.getTime(),
      mode: p.mode,
      venue: p.mode === 'online' ? '' : p.venue,
      onlineUrl: p.mode === 'in_person' ? '' : p.onlineUrl,
      capacity: p.capacity,
      orgSeatCap: p.orgSeatCap,
      rsvpDeadline: deadline,
      audience: p.audience,
      organisationIds: p.audience === 'organisations' ? organisationIds : [],
    },
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

export function uniqueWorkshopSlug(tx: Tx, title: string, startsAt: number): string {
  const year = getZonedParts(startsAt).year; // the NZ year: a New Year's Day morning is still the previous year in UTC
  const base = `${slugify(title).slice(0, 60)}-${year}`;
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!tx.select({ id: workshops.id }).from(workshops).where(eq(workshops.slug, candidate)).get()) return candidate;
  }
}

export function workshopColumns(input: WorkshopInput) {
  return {
    title: input.title,
    summary: input.summary,
    agendaMd: input.agendaMd,
    agendaHtml: renderMarkdown(input.agendaMd),
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    mode: input.mode,
    venue: input.venue,
    onlineUrl: input.onlineUrl,
    capacity: input.capacity,
    orgSeatCap: input.orgSeatCap,
    rsvpDeadline: input.rsvpDeadline,
    audience: input.audience,
  };
}

export function setAudience(tx: Tx, workshopId: number, organisationIds: number[]) {
  tx.delete(workshopAudienceOrganisations).where(eq(workshopAudienceOrganisations.workshopId, workshopId)).run();
  for (const organisationId of organisationIds) tx.insert(workshopAudienceOrganisations).values({ workshopId, organisationId }).run();
}

// ---------------------------------------------------------------------------------------------------------------
