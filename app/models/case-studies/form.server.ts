import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../../../db/client.server';
import {
  CASE_STUDY_STATUSES,
  type CaseStudyStatus,
  microCredentials,
  NZQA_STATUSES,
  organisations,
  qualifications,
  users,
  VISIBILITIES,
  type Visibility,
} from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { parseDateInput, toDateInputValue } from '~/utils/time';
import { field, type FieldErrors } from '~/utils/validation.server';
import {
  type CaseStudyFormValues,
  DELIVERY_MODES,
  type DeliveryMode,
  list,
  LIST_FIELDS,
  MAX_MICRO_CREDENTIAL_ROWS,
  MAX_OUTCOME_ROWS,
  MAX_STACKING_ROWS,
  microCredentialField,
  microCredentialRowFilled,
  outcomeField,
  outcomeRowFilled,
  single,
  stackingField,
} from '../case-study-fields';
import { type MicroCredentialInput, microCredentialProblems, type NzqaStatus } from '../micro-credentials.server';
import type { CaseStudyDetail } from './reading.server';

// Input

export type OutcomeInput = { label: string; value: number | null; unit: string; asOf: number | null };
export type CaseStudyMicroCredentialInput = MicroCredentialInput & { id: number | null };

export type CaseStudyInput = {
  title: string;
  leadOrganisationId: number;
  partnerIds: number[];
  managerIds: number[];
  status: CaseStudyStatus;
  startsOn: number | null;
  endsOn: number | null;
  funder: string;
  fundingNotes: string;
  targetAudience: string;
  problem: string;
  solution: string;
  delivery: DeliveryMode[];
  lessonsLearned: string;
  bodyMd: string;
  tags: string[];
  visibility: Visibility;
  outcomes: OutcomeInput[];
  microCredentials: CaseStudyMicroCredentialInput[];
};

const scalarSchema = z.object({
  title: field.text('a title', 200),
  status: z.enum(CASE_STUDY_STATUSES, { error: 'Choose the pilot’s status.' }),
  funder: field.optionalText('the funder', 100),
  fundingNotes: field.optionalText('the funding notes', 2000),
  targetAudience: field.optionalText('the target audience', 1000),
  problem: field.optionalText('the problem', 5000),
  solution: field.optionalText('the solution', 5000),
  lessonsLearned: field.optionalText('the lessons learned', 5000),
  body: field.optionalText('the story', 50000),
  tags: field.optionalText('the tags', 500),
  visibility: z.enum(VISIBILITIES, { error: 'Choose who can read the case study.' }),
});

const MAX_TAGS = 10;

/** "Automotive, NCEA,  secondary school" → ["automotive", "ncea", "secondary school"]. */
export function parseTags(raw: string): string[] {
  const tags = raw
    .split(',')
    .map((t) => t.replace(/\s+/g, ' ').trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(tags)];
}

const normaliseText = (s: string) => s.replace(/\r\n?/g, '\n');

/** Every text value (first of each name) and the three lists, as the form shows them again. */
export function caseStudyFormValuesFrom(formData: FormData): CaseStudyFormValues {
  const values: CaseStudyFormValues = {};
  for (const [key, value] of formData) if (typeof value === 'string' && !(key in values)) values[key] = value;
  for (const name of LIST_FIELDS) values[name] = formData.getAll(name).filter((v): v is string => typeof v === 'string');
  return values;
}

export type ParsedCaseStudy =
  | { ok: true; data: CaseStudyInput; values: CaseStudyFormValues }
  | { ok: false; errors: FieldErrors; values: CaseStudyFormValues };

function optionalInt(raw: string): number | null | 'invalid' {
  const s = raw.trim();
  if (s === '') return null;
  if (!/^-?\d{1,7}$/.test(s)) return 'invalid';
  return Number(s);
}

function optionalNumber(raw: string): number | null | 'invalid' {
  // "3,700" and "80 %" are how people write figures; the unit has its own field.
  const s = raw.trim().replace(/,/g, '').replace(/\s*%$/, '');
  if (s === '') return null;
  if (!/^-?\d{1,12}(\.\d{1,4})?$/.test(s)) return 'invalid';
  return Number(s);
}

function ids(raw: string[]): number[] | 'invalid' {
  const out = raw.map((v) => (/^[1-9]\d{0,15}$/.test(v) ? Number(v) : NaN));
  return out.some((n) => !Number.isSafeInteger(n)) ? 'invalid' : [...new Set(out)];
}

/**
 * Reads the case-study form: every field of the pilot, its outcome rows and its micro-credential rows (numbered
 * fields, see case-study-fields.ts). Messages land on the field, or the row's field, they concern.
 * `caseStudyId` is the pilot being edited (null for a new one): micro-credential ids must belong to it.
 */
export function parseCaseStudyForm(formData: FormData, ctx: { actor: SessionUser; caseStudyId: number | null }): ParsedCaseStudy {
  const values = caseStudyFormValuesFrom(formData);
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string) => (errors[key] ??= []).push(message);
  const v = (name: string) => single(values, name);

  const scalars = scalarSchema.safeParse({
    title: v('title'),
    status: v('status'),
    funder: v('funder'),
    fundingNotes: v('fundingNotes'),
    targetAudience: v('targetAudience'),
    problem: v('problem'),
    solution: v('solution'),
    lessonsLearned: v('lessonsLearned'),
    body: v('body'),
    tags: v('tags'),
    visibility: v('visibility'),
  });
  if (!scalars.success) for (const issue of scalars.error.issues) add(String(issue.path[0] ?? '_form'), issue.message);

  // Lead organisation, partners, project managers.
  const lead = /^[1-9]\d{0,15}$/.test(v('leadOrganisationId')) ? Number(v('leadOrganisationId')) : null;
  if (lead === null) add('leadOrganisationId', 'Choose the lead organisation.');
  const partnerIds = ids(list(values, 'partnerIds'));
  const managerIds = ids(list(values, 'managerIds'));
  if (partnerIds === 'invalid') add('partnerIds', 'Choose partner organisations from the list.');
  if (managerIds === 'invalid') add('managerIds', 'Choose project managers from the list.');
  const orgIds = [...(lead ? [lead] : []), ...(partnerIds === 'invalid' ? [] : partnerIds)];
  const knownOrgs = new Set(orgIds.length ? db.select({ id: organisations.id }).from(organisations).where(inArray(organisations.id, orgIds)).all().map((o) => o.id) : []);
  if (lead !== null && !knownOrgs.has(lead)) add('leadOrganisationId', 'Choose the lead organisation from the list.');
  if (partnerIds !== 'invalid' && partnerIds.some((id) => !knownOrgs.has(id))) add('partnerIds', 'One of the partner organisations does not exist. Choose from the list.');
  if (managerIds !== 'invalid') {
    const allowed = new Set(projectManagerOptions().map((u) => u.id));
    if (managerIds.some((id) => !allowed.has(id))) add('managerIds', 'Choose project managers from the list.');
    else if (ctx.actor.role === 'project_manager' && !managerIds.includes(ctx.actor.id)) {
      add('managerIds', 'Keep yourself in the list of project managers; a coordinator can hand the pilot over to someone else.');
    }
  }

  // Dates.
  let startsOn: number | null = null;
  let endsOn: number | null = null;
  for (const [name, set] of [
    ['startsOn', (n: number) => (startsOn = n)],
    ['endsOn', (n: number) => (endsOn = n)],
  ] as const) {
    if (!v(name).trim()) continue;
    const parsed = parseDateInput(v(name));
    if (parsed.ok) set(parsed.date.getTime());
    else add(name, parsed.error);
  }
  if (startsOn !== null && endsOn !== null && endsOn < startsOn) add('endsOn', 'The end date must be on or after the start date.');

  const delivery = list(values, 'delivery');
  if (delivery.some((d) => !(DELIVERY_MODES as readonly string[]).includes(d))) add('delivery', 'Choose delivery modes from the list.');

  const tags = parseTags(v('tags'));
  if (tags.length > MAX_TAGS) add('tags', `Use at most ${MAX_TAGS} tags.`);
  if (tags.some((t) => t.length > 40)) add('tags', 'Keep each tag under 40 characters.');

  // Outcome rows: a row with anything typed in needs a label; a ticked "remove" drops the row.
  const outcomes: OutcomeInput[] = [];
  for (let row = 0; row < MAX_OUTCOME_ROWS; row++) {
    if (!outcomeRowFilled(values, row) || v(outcomeField(row, 'remove'))) continue;
    const label = v(outcomeField(row, 'label')).trim();
    const rawValue = v(outcomeField(row, 'value'));
    const value = optionalNumber(rawValue);
    // "80 %" typed as the value, with no unit, keeps its percent sign as the unit.
    const unit = v(outcomeField(row, 'unit')).trim() || (/%\s*$/.test(rawValue) ? '%' : '');
    let asOf: number | null = null;
    if (!label) add(outcomeField(row, 'label'), 'Enter what was measured (for example “Enrolments”), or clear the row.');
    else if (label.length > 200) add(outcomeField(row, 'label'), 'Keep the label under 200 characters.');
    if (value === 'invalid') add(outcomeField(row, 'value'), 'Enter the value as a number, like 150 or 80.5.');
    if (unit.length > 30) add(outcomeField(row, 'unit'), 'Keep the unit under 30 characters.');
    const asOfRaw = v(outcomeField(row, 'asOf')).trim();
    if (asOfRaw) {
      const parsed = parseDateInput(asOfRaw);
      if (parsed.ok) asOf = parsed.date.getTime();
      else add(outcomeField(row, 'asOf'), parsed.error);
    }
    outcomes.push({ label, value: value === 'invalid' ? null : value, unit, asOf });
  }

  // Micro-credential rows.
  const existingIds = new Set(
    ctx.caseStudyId === null
      ? []
      : db.select({ id: microCredentials.id }).from(microCredentials).where(eq(microCredentials.caseStudyId, ctx.caseStudyId)).all().map((r) => r.id),
  );
  const microCredentialInputs: CaseStudyMicroCredentialInput[] = [];
  for (let row = 0; row < MAX_MICRO_CREDENTIAL_ROWS; row++) {
    if (!microCredentialRowFilled(values, row) || v(microCredentialField(row, 'remove'))) continue;
    const f = (part: Parameters<typeof microCredentialField>[1]) => v(microCredentialField(row, part));
    const rawId = f('id').trim();
    const id = rawId === '' ? null : /^[1-9]\d{0,15}$/.test(rawId) ? Number(rawId) : -1;
    if (id !== null && !existingIds.has(id)) {
      add(microCredentialField(row, 'name'), 'This micro-credential is not part of this pilot. Reload the page and try again.');
      continue;
    }
    const credits = optionalInt(f('credits'));
    const level = optionalInt(f('level'));
    const provider = /^[1-9]\d{0,15}$/.test(f('provider')) ? Number(f('provider')) : 0;
    const status = (NZQA_STATUSES as readonly string[]).includes(f('nzqaStatus')) ? (f('nzqaStatus') as NzqaStatus) : null;
    if (credits === 'invalid') add(microCredentialField(row, 'credits'), 'Enter the credits as a whole number, or leave it empty.');
    if (level === 'invalid') add(microCredentialField(row, 'level'), 'Choose an NZQF level from 1 to 10, or leave it empty.');
    if (!status) add(microCredentialField(row, 'nzqaStatus'), 'Choose an NZQA status from the list.');
    const stacking: { qualificationId: number; credits: number }[] = [];
    const stackFieldOf: string[] = [];
    for (let stack = 0; stack < MAX_STACKING_ROWS; stack++) {
      const q = v(stackingField(row, stack, 'qualification')).trim();
      const c = v(stackingField(row, stack, 'credits')).trim();
      if (!q && !c) continue;
      if (!q) {
        add(stackingField(row, stack, 'qualification'), 'Choose the qualification these credits count toward, or clear the credits.');
        continue;
      }
      const stackCredits = optionalInt(c);
      if (stackCredits === null || stackCredits === 'invalid') {
        add(stackingField(row, stack, 'credits'), 'Enter how many credits count toward the qualification, as a whole number.');
        continue;
      }
      stacking.push({ qualificationId: /^[1-9]\d{0,15}$/.test(q) ? Number(q) : 0, credits: stackCredits });
      stackFieldOf.push(String(stack));
    }
    const input: CaseStudyMicroCredentialInput = {
      id,
      name: f('name').trim(),
      providerOrganisationId: provider,
      credits: credits === 'invalid' ? null : credits,
      nzqfLevel: level === 'invalid' ? null : level,
      nzqaStatus: status ?? 'not_applicable',
      nzqaReference: f('nzqaReference').trim(),
      fieldOfStudy: f('fieldOfStudy').trim(),
      imageUrl: f('imageUrl').trim(),
      stacking,
    };
    for (const problem of microCredentialProblems(input)) {
      // "stack-<i>-..." refers to the i-th stacking row kept above; map it back to the form's stack number.
      const m = /^stack-(\d+)-(qualification|credits)$/.exec(problem.field);
      const key = m ? stackingField(row, Number(stackFieldOf[Number(m[1])]), m[2] as 'qualification' | 'credits') : microCredentialField(row, problem.field as 'name');
      if (!errors[key]?.length) add(key, problem.message);
    }
    microCredentialInputs.push(input);
  }

  const count = Object.keys(errors).length;
  if (count || !scalars.success || lead === null || partnerIds === 'invalid' || managerIds === 'invalid') {
    (errors._form ??= []).unshift(count === 1 ? 'One field needs attention: it is marked below.' : `${count} fields need attention: they are marked below.`);
    return { ok: false, errors, values };
  }
  const s = scalars.data;
  return {
    ok: true,
    values,
    data: {
      title: s.title,
      leadOrganisationId: lead,
      partnerIds: partnerIds.filter((id) => id !== lead),
      managerIds,
      status: s.status,
      startsOn,
      endsOn,
      funder: s.funder,
      fundingNotes: normaliseText(s.fundingNotes),
      targetAudience: normaliseText(s.targetAudience),
      problem: normaliseText(s.problem),
      solution: normaliseText(s.solution),
      delivery: DELIVERY_MODES.filter((d) => delivery.includes(d)),
      lessonsLearned: normaliseText(s.lessonsLearned),
      bodyMd: normaliseText(s.body),
      tags,
      visibility: s.visibility,
      outcomes,
      microCredentials: microCredentialInputs,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Options for the form

/** People who can be a pilot's project managers: active members with the project manager role. */
export function projectManagerOptions() {
  return db
    .select({ id: users.id, name: users.name, organisationName: organisations.name })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(and(eq(users.role, 'project_manager'), isNull(users.deactivatedAt)))
    .orderBy(asc(users.name))
    .all();
}

/** The choices the form offers: organisations, project managers, qualifications. */
export function caseStudyFormOptions() {
  return {
    organisations: db.select({ id: organisations.id, name: organisations.name }).from(organisations).orderBy(asc(organisations.name)).all(),
    projectManagers: projectManagerOptions(),
    qualifications: db.select({ id: qualifications.id, name: qualifications.name }).from(qualifications).orderBy(asc(qualifications.nzqfLevel), asc(qualifications.name)).all(),
  };
}

/** What a new case study's form starts with: the writer's own organisation leads, the writer manages it. */
export function newCaseStudyFormValues(actor: SessionUser): CaseStudyFormValues {
  return {
    status: 'proposed',
    visibility: 'public',
    leadOrganisationId: String(actor.organisationId),
    partnerIds: [],
    managerIds: actor.role === 'project_manager' ? [String(actor.id)] : [],
    delivery: [],
  };
}

/** The form's values for a saved case study. */
export function caseStudyFormValues(detail: CaseStudyDetail): CaseStudyFormValues {
  const values: CaseStudyFormValues = {
    title: detail.title,
    leadOrganisationId: String(detail.leadOrganisation.id),
    partnerIds: detail.partners.map((p) => String(p.id)),
    managerIds: detail.managers.map((m) => String(m.id)),
    status: detail.status,
    startsOn: detail.startsOn === null ? '' : toDateInputValue(detail.startsOn),
    endsOn: detail.endsOn === null ? '' : toDateInputValue(detail.endsOn),
    funder: detail.funder,
    fundingNotes: detail.fundingNotes,
    targetAudience: detail.targetAudience,
    problem: detail.problem,
    solution: detail.solution,
    delivery: detail.delivery,
    lessonsLearned: detail.lessonsLearned,
    body: detail.bodyMd,
    tags: detail.tags.join(', '),
    visibility: detail.visibility,
  };
  detail.outcomes.forEach((o, row) => {
    values[outcomeField(row, 'label')] = o.label;
    values[outcomeField(row, 'value')] = o.value === null ? '' : String(o.value);
    values[outcomeField(row, 'unit')] = o.unit;
    values[outcomeField(row, 'asOf')] = o.asOf === null ? '' : toDateInputValue(o.asOf);
  });
  detail.microCredentials.forEach((m, row) => {
    values[microCredentialField(row, 'id')] = String(m.id);
    values[microCredentialField(row, 'name')] = m.name;
    values[microCredentialField(row, 'provider')] = String(m.providerId);
    values[microCredentialField(row, 'credits')] = m.credits === null ? '' : String(m.credits);
    values[microCredentialField(row, 'level')] = m.nzqfLevel === null ? '' : String(m.nzqfLevel);
    values[microCredentialField(row, 'nzqaStatus')] = m.nzqaStatus;
    values[microCredentialField(row, 'nzqaReference')] = m.nzqaReference;
    values[microCredentialField(row, 'fieldOfStudy')] = m.fieldOfStudy;
    values[microCredentialField(row, 'imageUrl')] = m.imageUrl;
    m.stacking.forEach((s, stack) => {
      values[stackingField(row, stack, 'qualification')] = String(s.qualificationId);
      values[stackingField(row, stack, 'credits')] = String(s.credits);
    });
  });
  return values;
}

// ---------------------------------------------------------------------------------------------------------------
