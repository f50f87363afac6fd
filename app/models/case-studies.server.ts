// Pilot case studies: drafts, preview, publishing, edits that keep revisions after publishing, who may do what,
// the filtered list, and "similar work" (the shared duplication radar) so nobody starts again what another
// organisation already did.
// The micro-credentials a pilot awards are saved with it (micro-credentials.server.ts does the writing).
import { and, asc, desc, eq, inArray, isNotNull, isNull, ne, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../../db/client.server';
import {
  CASE_STUDY_STATUSES,
  NZQA_STATUSES,
  ORGANISATION_KINDS,
  VISIBILITIES,
  caseStudies,
  caseStudyManagers,
  caseStudyOutcomes,
  caseStudyPartners,
  caseStudyRevisions,
  caseStudyTags,
  microCredentials,
  organisations,
  qualifications,
  users,
  type CaseStudyStatus,
  type OrganisationKind,
  type Visibility,
} from '../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { once, oncePerKey, oncePerReader } from '~/utils/prepared.server';
import { diffText, type DiffOp } from '~/utils/diff';
import { slugify } from '~/utils/labels';
import { excerpt, renderMarkdown } from '~/utils/markdown.server';
import { formatDate, parseDateInput, toDateInputValue } from '~/utils/time';
import { field, type FieldErrors } from '~/utils/validation.server';
import { recordAudit } from './audit.server';
import { findLookAlikes, type LookAlike } from './search.server';
import {
  CASE_STUDY_STATUS_LABELS,
  DELIVERY_LABELS,
  DELIVERY_MODES,
  LIST_FIELDS,
  MAX_MICRO_CREDENTIAL_ROWS,
  MAX_OUTCOME_ROWS,
  MAX_STACKING_ROWS,
  NZQA_STATUS_LABELS,
  list,
  microCredentialField,
  microCredentialRowFilled,
  outcomeField,
  outcomeRowFilled,
  single,
  stackingField,
  type CaseStudyFormValues,
  type DeliveryMode,
} from './case-study-fields';
import {
  microCredentialProblems,
  microCredentialsForCaseStudy,
  publishedCaseStudyVisibleTo,
  syncCaseStudyMicroCredentials,
  type MicroCredentialDetail,
  type MicroCredentialInput,
  type NzqaStatus,
  type Tx,
} from './micro-credentials.server';

export type CaseStudy = typeof caseStudies.$inferSelect;
type Reader = Tx | typeof db;

// The case-study page, the list and the home page run these reads on every view: each query is built and prepared once
// (drizzle building the SQL cost more than running it), with placeholders for what varies and a JSON array (read with
// json_each) for a list of ids. Queries that take a reader are prepared on `db` and built afresh for a transaction.

/** Slugs that are pages of their own under /case-studies/. */
const RESERVED_SLUGS = new Set(['new', 'similar']);

// ---------------------------------------------------------------------------------------------------------------
// Permissions: one place answers who may create, edit and see a case study; loaders, actions and the UI all ask it.

/** Project managers and coordinators start case studies. */
export function canCreateCaseStudy(user: SessionUser | null): boolean {
  return user?.role === 'project_manager' || user?.role === 'coordinator';
}

const managerQuery = oncePerReader(db as Reader, (reader) =>
  reader
    .select({ userId: caseStudyManagers.userId })
    .from(caseStudyManagers)
    .where(and(eq(caseStudyManagers.caseStudyId, sql.placeholder('caseStudyId')), eq(caseStudyManagers.userId, sql.placeholder('userId'))))
    .prepare(),
);

function isManagerOf(reader: Reader, userId: number, caseStudyId: number): boolean {
  return !!managerQuery(reader).get({ caseStudyId, userId });
}

/**
 * Only the pilot's own project managers (listed in case_study_managers, and still project managers) and
 * coordinators may edit it. A project manager of another pilot, or a member, may not.
 */
export function canEditCaseStudy(user: SessionUser | null, caseStudy: { id: number }, reader: Reader = db): boolean {
  if (!user) return false;
  if (user.role === 'coordinator') return true;
  return user.role === 'project_manager' && isManagerOf(reader, user.id, caseStudy.id);
}

/** Published and public: everyone. Published and members-only: signed-in members. Drafts: their editors only. */
export function canViewCaseStudy(viewer: SessionUser | null, caseStudy: Pick<CaseStudy, 'id' | 'publishedAt' | 'visibility'>): boolean {
  if (caseStudy.publishedAt !== null && (caseStudy.visibility === 'public' || viewer !== null)) return true;
  return canEditCaseStudy(viewer, caseStudy);
}

// ---------------------------------------------------------------------------------------------------------------
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
    m.stacking.forEach((s, stack) => {
      values[stackingField(row, stack, 'qualification')] = String(s.qualificationId);
      values[stackingField(row, stack, 'credits')] = String(s.credits);
    });
  });
  return values;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading one case study

export type CaseStudyDetail = Omit<CaseStudy, 'delivery'> & {
  delivery: DeliveryMode[];
  leadOrganisation: { id: number; name: string; slug: string; kind: OrganisationKind };
  partners: { id: number; name: string; slug: string }[];
  managers: { id: number; name: string }[];
  outcomes: (OutcomeInput & { id: number })[];
  tags: string[];
  microCredentials: MicroCredentialDetail[];
};

const detailQueries = oncePerReader(db as Reader, (reader) => {
  const id = sql.placeholder('id');
  return {
    row: reader
      .select({ caseStudy: caseStudies, lead: { id: organisations.id, name: organisations.name, slug: organisations.slug, kind: organisations.kind } })
      .from(caseStudies)
      .innerJoin(organisations, eq(organisations.id, caseStudies.leadOrganisationId))
      .where(eq(caseStudies.id, id))
      .prepare(),
    partners: reader
      .select({ id: organisations.id, name: organisations.name, slug: organisations.slug })
      .from(caseStudyPartners)
      .innerJoin(organisations, eq(organisations.id, caseStudyPartners.organisationId))
      .where(eq(caseStudyPartners.caseStudyId, id))
      .orderBy(asc(organisations.name))
      .prepare(),
    managers: reader
      .select({ id: users.id, name: users.name })
      .from(caseStudyManagers)
      .innerJoin(users, eq(users.id, caseStudyManagers.userId))
      .where(eq(caseStudyManagers.caseStudyId, id))
      .orderBy(asc(users.name))
      .prepare(),
    outcomes: reader
      .select({ id: caseStudyOutcomes.id, label: caseStudyOutcomes.label, value: caseStudyOutcomes.value, unit: caseStudyOutcomes.unit, asOf: caseStudyOutcomes.asOf })
      .from(caseStudyOutcomes)
      .where(eq(caseStudyOutcomes.caseStudyId, id))
      .orderBy(asc(caseStudyOutcomes.position), asc(caseStudyOutcomes.id))
      .prepare(),
    tags: reader.select({ tag: caseStudyTags.tag }).from(caseStudyTags).where(eq(caseStudyTags.caseStudyId, id)).orderBy(asc(caseStudyTags.tag)).prepare(),
  };
});

export function loadCaseStudyDetail(reader: Reader, id: number): CaseStudyDetail | undefined {
  const q = detailQueries(reader);
  const row = q.row.get({ id });
  if (!row) return undefined;
  const partners = q.partners.all({ id });
  const managers = q.managers.all({ id });
  const outcomes = q.outcomes.all({ id });
  const tags = q.tags.all({ id }).map((t) => t.tag);
  return {
    ...row.caseStudy,
    delivery: row.caseStudy.delivery.split(',').filter((d): d is DeliveryMode => (DELIVERY_MODES as readonly string[]).includes(d)),
    leadOrganisation: row.lead,
    partners,
    managers,
    outcomes,
    tags,
    microCredentials: microCredentialsForCaseStudy(id, reader),
  };
}

export function getCaseStudyById(id: number) {
  return db.select().from(caseStudies).where(eq(caseStudies.id, id)).get();
}

const bySlugQuery = once(() => db.select().from(caseStudies).where(eq(caseStudies.slug, sql.placeholder('slug'))).prepare());

/**
 * The case study at a slug, if this viewer may see it (drafts: editors only; members-only: signed-in members),
 * with whether they may edit it. Undefined otherwise, so the page answers 404 without saying a draft exists.
 */
export function getCaseStudyBySlug(slug: string, viewer: SessionUser | null): { caseStudy: CaseStudyDetail; canEdit: boolean } | undefined {
  const row = bySlugQuery().get({ slug });
  if (!row || !canViewCaseStudy(viewer, row)) return undefined;
  return { caseStudy: loadCaseStudyDetail(db, row.id)!, canEdit: canEditCaseStudy(viewer, row) };
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

function uniqueCaseStudySlug(tx: Tx, title: string): string {
  const base = slugify(title).slice(0, 70);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (RESERVED_SLUGS.has(candidate)) continue;
    if (!tx.select({ id: caseStudies.id }).from(caseStudies).where(eq(caseStudies.slug, candidate)).get()) return candidate;
  }
}

function caseStudyColumns(input: CaseStudyInput) {
  return {
    title: input.title,
    leadOrganisationId: input.leadOrganisationId,
    status: input.status,
    startsOn: input.startsOn,
    endsOn: input.endsOn,
    funder: input.funder,
    fundingNotes: input.fundingNotes,
    targetAudience: input.targetAudience,
    problem: input.problem,
    solution: input.solution,
    delivery: input.delivery.join(','),
    lessonsLearned: input.lessonsLearned,
    bodyMd: input.bodyMd,
    // Rendered and sanitised once, here; pages serve the stored HTML.
    bodyHtml: renderMarkdown(input.bodyMd),
    visibility: input.visibility,
  };
}

function writeChildren(tx: Tx, caseStudyId: number, input: CaseStudyInput) {
  tx.delete(caseStudyPartners).where(eq(caseStudyPartners.caseStudyId, caseStudyId)).run();
  for (const organisationId of input.partnerIds) tx.insert(caseStudyPartners).values({ caseStudyId, organisationId }).run();
  tx.delete(caseStudyManagers).where(eq(caseStudyManagers.caseStudyId, caseStudyId)).run();
  for (const userId of input.managerIds) tx.insert(caseStudyManagers).values({ caseStudyId, userId }).run();
  tx.delete(caseStudyOutcomes).where(eq(caseStudyOutcomes.caseStudyId, caseStudyId)).run();
  input.outcomes.forEach((o, position) => tx.insert(caseStudyOutcomes).values({ caseStudyId, position, label: o.label, value: o.value, unit: o.unit, asOf: o.asOf }).run());
  tx.delete(caseStudyTags).where(eq(caseStudyTags.caseStudyId, caseStudyId)).run();
  for (const tag of input.tags) tx.insert(caseStudyTags).values({ caseStudyId, tag }).run();
  if (!syncCaseStudyMicroCredentials(tx, caseStudyId, input.microCredentials)) {
    // parseCaseStudyForm already refused foreign ids; reaching here means the input was not parsed for this pilot.
    throw new Error('A micro-credential id does not belong to this case study.');
  }
}

function addRevision(tx: Tx, caseStudyId: number, editorId: number | null, snapshot: CaseStudySnapshot, changedFields: string) {
  tx.insert(caseStudyRevisions).values({ caseStudyId, editorId, snapshot: JSON.stringify(snapshot), changedFields, createdAt: Date.now() }).run();
}

export const FIRST_PUBLISHED = 'First published';

/** Creates a case study as a draft, or published at once (which keeps its first revision). */
export function createCaseStudy(actor: SessionUser, input: CaseStudyInput, { publish = false } = {}): { id: number; slug: string } {
  return db.transaction((tx) => {
    const slug = uniqueCaseStudySlug(tx, input.title);
    const now = Date.now();
    const row = tx
      .insert(caseStudies)
      .values({ ...caseStudyColumns(input), slug, createdById: actor.id, publishedAt: publish ? now : null, createdAt: now, updatedAt: now })
      .returning({ id: caseStudies.id })
      .get();
    writeChildren(tx, row.id, input);
    if (publish) addRevision(tx, row.id, actor.id, snapshotOf(loadCaseStudyDetail(tx, row.id)!), FIRST_PUBLISHED);
    recordAudit(tx, {
      actorId: actor.id,
      action: publish ? 'case_study.publish' : 'case_study.create',
      targetType: 'case_study',
      targetId: row.id,
      summary: `${publish ? 'Published' : 'Started a draft of'} case study “${input.title}”`,
    });
    return { id: row.id, slug };
  });
}

export type UpdateCaseStudyOutcome =
  | { ok: true; slug: string; published: boolean; justPublished: boolean; changedFields: string[] }
  | { ok: false; reason: 'not-found' | 'forbidden' };

/**
 * Saves an edit. Drafts change freely; once published, every save that changes anything keeps a revision (who,
 * when, which fields, and a snapshot of the whole case study). `publish` publishes a draft in the same save.
 */
export function updateCaseStudy(actor: SessionUser, caseStudyId: number, input: CaseStudyInput, { publish = false } = {}): UpdateCaseStudyOutcome {
  return db.transaction((tx) => {
    const before = loadCaseStudyDetail(tx, caseStudyId);
    if (!before) return { ok: false as const, reason: 'not-found' as const };
    if (!canEditCaseStudy(actor, before, tx)) return { ok: false as const, reason: 'forbidden' as const };
    const wasPublished = before.publishedAt !== null;
    const now = Date.now();
    tx.update(caseStudies)
      .set({ ...caseStudyColumns(input), updatedAt: now, ...(publish && !wasPublished ? { publishedAt: now } : {}) })
      .where(eq(caseStudies.id, caseStudyId))
      .run();
    writeChildren(tx, caseStudyId, input);
    const after = snapshotOf(loadCaseStudyDetail(tx, caseStudyId)!);
    let changedFields: string[] = [];
    if (wasPublished) {
      changedFields = changedFieldLabels(snapshotOf(before), after);
      if (changedFields.length) addRevision(tx, caseStudyId, actor.id, after, changedFields.join(', '));
    } else if (publish) {
      addRevision(tx, caseStudyId, actor.id, after, FIRST_PUBLISHED);
    }
    recordAudit(tx, {
      actorId: actor.id,
      action: publish && !wasPublished ? 'case_study.publish' : 'case_study.update',
      targetType: 'case_study',
      targetId: caseStudyId,
      summary: `${publish && !wasPublished ? 'Published' : 'Edited'} case study “${input.title}”${changedFields.length ? ` (${changedFields.join(', ')})` : ''}`,
    });
    return { ok: true as const, slug: before.slug, published: wasPublished || publish, justPublished: publish && !wasPublished, changedFields };
  });
}

/** Publishes a draft as it stands. */
export function publishCaseStudy(actor: SessionUser, caseStudyId: number): { ok: true } | { ok: false; message: string } {
  return db.transaction((tx) => {
    const row = tx.select().from(caseStudies).where(eq(caseStudies.id, caseStudyId)).get();
    if (!row || !canEditCaseStudy(actor, row, tx)) return { ok: false as const, message: 'You cannot publish this case study.' };
    if (row.publishedAt !== null) return { ok: false as const, message: 'This case study is already published.' };
    tx.update(caseStudies).set({ publishedAt: Date.now(), updatedAt: Date.now() }).where(eq(caseStudies.id, caseStudyId)).run();
    addRevision(tx, caseStudyId, actor.id, snapshotOf(loadCaseStudyDetail(tx, caseStudyId)!), FIRST_PUBLISHED);
    recordAudit(tx, { actorId: actor.id, action: 'case_study.publish', targetType: 'case_study', targetId: caseStudyId, summary: `Published case study “${row.title}”` });
    return { ok: true as const };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Revisions: snapshots, the fields that changed, and differences between two revisions

export type CaseStudySnapshot = {
  version: 1;
  title: string;
  leadOrganisation: string;
  partners: string[];
  managers: string[];
  status: CaseStudyStatus;
  startsOn: number | null;
  endsOn: number | null;
  funder: string;
  fundingNotes: string;
  targetAudience: string;
  problem: string;
  solution: string;
  delivery: DeliveryMode[];
  outcomes: OutcomeInput[];
  lessonsLearned: string;
  bodyMd: string;
  tags: string[];
  visibility: Visibility;
  microCredentials: {
    name: string;
    provider: string;
    credits: number | null;
    nzqfLevel: number | null;
    nzqaStatus: NzqaStatus;
    nzqaReference: string;
    stacking: { qualification: string; credits: number }[];
  }[];
};

/** Names rather than ids, so the history reads as it was even after an organisation is renamed. */
export function snapshotOf(detail: CaseStudyDetail): CaseStudySnapshot {
  return {
    version: 1,
    title: detail.title,
    leadOrganisation: detail.leadOrganisation.name,
    partners: detail.partners.map((p) => p.name),
    managers: detail.managers.map((m) => m.name),
    status: detail.status,
    startsOn: detail.startsOn,
    endsOn: detail.endsOn,
    funder: detail.funder,
    fundingNotes: detail.fundingNotes,
    targetAudience: detail.targetAudience,
    problem: detail.problem,
    solution: detail.solution,
    delivery: detail.delivery,
    outcomes: detail.outcomes.map(({ label, value, unit, asOf }) => ({ label, value, unit, asOf })),
    lessonsLearned: detail.lessonsLearned,
    bodyMd: detail.bodyMd,
    tags: detail.tags,
    visibility: detail.visibility,
    microCredentials: detail.microCredentials.map((m) => ({
      name: m.name,
      provider: m.providerName,
      credits: m.credits,
      nzqfLevel: m.nzqfLevel,
      nzqaStatus: m.nzqaStatus,
      nzqaReference: m.nzqaReference,
      stacking: m.stacking.map((s) => ({ qualification: s.name, credits: s.credits })),
    })),
  };
}

/** The fields a revision can change, in page order, with their labels. */
export const SNAPSHOT_FIELDS = [
  ['title', 'Title'],
  ['leadOrganisation', 'Lead organisation'],
  ['partners', 'Partner organisations'],
  ['managers', 'Project managers'],
  ['status', 'Status'],
  ['dates', 'Dates'],
  ['funder', 'Funder'],
  ['fundingNotes', 'Funding notes'],
  ['targetAudience', 'Target audience'],
  ['problem', 'Problem'],
  ['solution', 'Solution'],
  ['delivery', 'Delivery'],
  ['outcomes', 'Outcomes'],
  ['lessonsLearned', 'Lessons learned'],
  ['body', 'Story'],
  ['tags', 'Tags'],
  ['visibility', 'Visibility'],
  ['microCredentials', 'Micro-credentials'],
] as const;
export type SnapshotField = (typeof SNAPSHOT_FIELDS)[number][0];

const numberFormat = new Intl.NumberFormat('en-NZ', { maximumFractionDigits: 4 });
export function formatOutcomeValue(value: number | null, unit: string): string {
  return [value === null ? '' : numberFormat.format(value), unit].filter(Boolean).join(' ');
}

export function formatDates(startsOn: number | null, endsOn: number | null): string {
  if (startsOn === null && endsOn === null) return '';
  if (startsOn !== null && endsOn !== null) return `${formatDate(startsOn)} to ${formatDate(endsOn)}`;
  return startsOn !== null ? `From ${formatDate(startsOn)}` : `Until ${formatDate(endsOn!)}`;
}

function microCredentialLine(m: CaseStudySnapshot['microCredentials'][number]): string {
  const parts = [`${m.name} (${m.provider})`];
  if (m.credits !== null) parts.push(`${m.credits} credits`);
  if (m.nzqfLevel !== null) parts.push(`Level ${m.nzqfLevel}`);
  parts.push(`NZQA: ${NZQA_STATUS_LABELS[m.nzqaStatus] ?? m.nzqaStatus}${m.nzqaReference ? ` ${m.nzqaReference}` : ''}`);
  if (m.stacking.length) parts.push(`stacks into ${m.stacking.map((s) => `${s.qualification} (${s.credits} credits)`).join(', ')}`);
  return parts.join('; ');
}

/** Each field of a snapshot as the text a reader compares. */
export function snapshotTexts(s: CaseStudySnapshot): Record<SnapshotField, string> {
  return {
    title: s.title,
    leadOrganisation: s.leadOrganisation,
    partners: s.partners.join('\n'),
    managers: s.managers.join('\n'),
    status: CASE_STUDY_STATUS_LABELS[s.status] ?? s.status,
    dates: formatDates(s.startsOn, s.endsOn),
    funder: s.funder,
    fundingNotes: s.fundingNotes,
    targetAudience: s.targetAudience,
    problem: s.problem,
    solution: s.solution,
    delivery: s.delivery.map((d) => DELIVERY_LABELS[d] ?? d).join('\n'),
    outcomes: s.outcomes.map((o) => `${o.label}: ${formatOutcomeValue(o.value, o.unit) || '–'}${o.asOf !== null ? ` (as of ${formatDate(o.asOf)})` : ''}`).join('\n'),
    lessonsLearned: s.lessonsLearned,
    body: s.bodyMd,
    tags: s.tags.join(', '),
    visibility: s.visibility === 'members' ? 'Members only' : 'Public',
    microCredentials: s.microCredentials.map(microCredentialLine).join('\n'),
  };
}

export function changedFieldLabels(before: CaseStudySnapshot, after: CaseStudySnapshot): string[] {
  const a = snapshotTexts(before);
  const b = snapshotTexts(after);
  return SNAPSHOT_FIELDS.filter(([key]) => a[key] !== b[key]).map(([, label]) => label);
}

export type FieldDiff = { field: SnapshotField; label: string; ops: DiffOp[]; multiline: boolean };

/** Field-by-field differences between two snapshots; unchanged fields are left out. */
export function diffSnapshots(from: CaseStudySnapshot, to: CaseStudySnapshot): FieldDiff[] {
  const a = snapshotTexts(from);
  const b = snapshotTexts(to);
  return SNAPSHOT_FIELDS.filter(([key]) => a[key] !== b[key]).map(([key, label]) => ({
    field: key,
    label,
    ops: diffText(a[key], b[key]),
    multiline: a[key].includes('\n') || b[key].includes('\n'),
  }));
}

function parseSnapshot(json: string): CaseStudySnapshot {
  const raw = JSON.parse(json) as Partial<CaseStudySnapshot>;
  // Tolerate snapshots missing a field (an older shape): an absent field reads as empty.
  return {
    version: 1,
    title: raw.title ?? '',
    leadOrganisation: raw.leadOrganisation ?? '',
    partners: raw.partners ?? [],
    managers: raw.managers ?? [],
    status: raw.status ?? 'proposed',
    startsOn: raw.startsOn ?? null,
    endsOn: raw.endsOn ?? null,
    funder: raw.funder ?? '',
    fundingNotes: raw.fundingNotes ?? '',
    targetAudience: raw.targetAudience ?? '',
    problem: raw.problem ?? '',
    solution: raw.solution ?? '',
    delivery: raw.delivery ?? [],
    outcomes: raw.outcomes ?? [],
    lessonsLearned: raw.lessonsLearned ?? '',
    bodyMd: raw.bodyMd ?? '',
    tags: raw.tags ?? [],
    visibility: raw.visibility ?? 'public',
    microCredentials: raw.microCredentials ?? [],
  };
}

const revisionsQuery = once(() =>
  db
    .select({ id: caseStudyRevisions.id, editorId: caseStudyRevisions.editorId, editorName: users.name, changedFields: caseStudyRevisions.changedFields, createdAt: caseStudyRevisions.createdAt })
    .from(caseStudyRevisions)
    .leftJoin(users, eq(users.id, caseStudyRevisions.editorId))
    .where(eq(caseStudyRevisions.caseStudyId, sql.placeholder('caseStudyId')))
    .orderBy(asc(caseStudyRevisions.id))
    .prepare(),
);

/** A case study's revisions, newest first, numbered from 1 (the first published version). */
export function listRevisions(caseStudyId: number) {
  const rows = revisionsQuery().all({ caseStudyId });
  return rows.map((r, i) => ({ ...r, number: i + 1 })).reverse();
}

const snapshotQuery = once(() =>
  db
    .select({ snapshot: caseStudyRevisions.snapshot })
    .from(caseStudyRevisions)
    .where(and(eq(caseStudyRevisions.id, sql.placeholder('revisionId')), eq(caseStudyRevisions.caseStudyId, sql.placeholder('caseStudyId'))))
    .prepare(),
);

export function getRevisionSnapshot(caseStudyId: number, revisionId: number): CaseStudySnapshot | undefined {
  const row = snapshotQuery().get({ caseStudyId, revisionId });
  return row ? parseSnapshot(row.snapshot) : undefined;
}

/** Differences between two revisions of the same case study; undefined when either is not one of its revisions. */
export function diffRevisions(caseStudyId: number, fromId: number, toId: number): FieldDiff[] | undefined {
  const from = getRevisionSnapshot(caseStudyId, fromId);
  const to = getRevisionSnapshot(caseStudyId, toId);
  if (!from || !to) return undefined;
  return diffSnapshots(from, to);
}

// ---------------------------------------------------------------------------------------------------------------
// Lists

export type CaseStudyFilters = {
  status?: CaseStudyStatus | null;
  kind?: OrganisationKind | null;
  funder?: string | null;
  level?: number | null;
  tag?: string | null;
};

/** Reads the /case-studies filter form (GET); unknown values are dropped rather than answered with an error. */
export function parseCaseStudyFilters(params: URLSearchParams): CaseStudyFilters {
  const status = params.get('status') ?? '';
  const kind = params.get('kind') ?? '';
  const level = params.get('level') ?? '';
  const funder = (params.get('funder') ?? '').trim();
  const tag = (params.get('tag') ?? '').trim().toLowerCase();
  return {
    status: (CASE_STUDY_STATUSES as readonly string[]).includes(status) ? (status as CaseStudyStatus) : null,
    kind: (ORGANISATION_KINDS as readonly string[]).includes(kind) ? (kind as OrganisationKind) : null,
    funder: funder && funder.length <= 100 ? funder : null,
    level: /^(?:[1-9]|10)$/.test(level) ? Number(level) : null,
    tag: tag && tag.length <= 40 ? tag : null,
  };
}

export type CaseStudyListItem = {
  id: number;
  slug: string;
  title: string;
  status: CaseStudyStatus;
  visibility: Visibility;
  funder: string;
  startsOn: number | null;
  endsOn: number | null;
  leadOrganisationName: string;
  leadOrganisationSlug: string;
  summary: string;
  tags: string[];
  levels: number[];
  microCredentialCount: number;
  publishedAt: number | null;
};

const listItemColumns = {
  id: caseStudies.id,
  slug: caseStudies.slug,
  title: caseStudies.title,
  status: caseStudies.status,
  visibility: caseStudies.visibility,
  funder: caseStudies.funder,
  startsOn: caseStudies.startsOn,
  endsOn: caseStudies.endsOn,
  problem: caseStudies.problem,
  solution: caseStudies.solution,
  publishedAt: caseStudies.publishedAt,
  leadOrganisationName: organisations.name,
  leadOrganisationSlug: organisations.slug,
};

function listRowsQuery(where: SQL | undefined, order: 'published' | 'updated', limit: number | Placeholder) {
  return db
    .select(listItemColumns)
    .from(caseStudies)
    .innerJoin(organisations, eq(organisations.id, caseStudies.leadOrganisationId))
    .where(where)
    .orderBy(order === 'published' ? desc(caseStudies.publishedAt) : desc(caseStudies.updatedAt), asc(caseStudies.title))
    .limit(limit);
}

type ListRow = ReturnType<ReturnType<typeof listRowsQuery>['all']>[number];

/** The lists every view of the home page and /case-studies runs, prepared once per variant (visitor, member, drafts). */
const preparedList = oncePerKey<string, ReturnType<ReturnType<typeof listRowsQuery>['prepare']>>();

const listTagsQuery = once(() =>
  db
    .select()
    .from(caseStudyTags)
    .where(sql`${caseStudyTags.caseStudyId} in (select value from json_each(${sql.placeholder('ids')}))`)
    .orderBy(asc(caseStudyTags.tag))
    .prepare(),
);

const listCredentialsQuery = once(() =>
  db
    .select({ caseStudyId: microCredentials.caseStudyId, level: microCredentials.nzqfLevel })
    .from(microCredentials)
    .where(sql`${microCredentials.caseStudyId} in (select value from json_each(${sql.placeholder('ids')}))`)
    .prepare(),
);

function listItems(where: SQL | undefined, order: 'published' | 'updated', limit = -1): CaseStudyListItem[] {
  return withListDetails(listRowsQuery(where, order, limit).all());
}

/**
 * As listItems, through the list prepared under `key`: `where` must give the same SQL text every time for a key,
 * with anything that varies as a placeholder whose value is in `params`.
 */
function preparedListItems(key: string, where: () => SQL, order: 'published' | 'updated', limit = -1, params: Record<string, unknown> = {}): CaseStudyListItem[] {
  const query = preparedList(`${key}:${order}`, () => listRowsQuery(where(), order, sql.placeholder('limit')).prepare());
  // A negative limit means none (drizzle leaves the clause out; SQLite reads `limit -1` the same way).
  return withListDetails(query.all({ ...params, limit: limit >= 0 ? limit : -1 }));
}

/** Groups rows by a key, keeping their order. */
function groupBy<T, K>(rows: T[], keyOf: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

function withListDetails(rows: ListRow[]): CaseStudyListItem[] {
  if (rows.length === 0) return [];
  const ids = JSON.stringify(rows.map((r) => r.id));
  const tags = groupBy(listTagsQuery().all({ ids }), (t) => t.caseStudyId);
  const credentials = groupBy(listCredentialsQuery().all({ ids }), (c) => c.caseStudyId);
  return rows.map(({ problem, solution, ...r }) => {
    const mine = credentials.get(r.id) ?? [];
    return {
      ...r,
      summary: excerpt(problem || solution, 220),
      tags: (tags.get(r.id) ?? []).map((t) => t.tag),
      levels: [...new Set(mine.map((c) => c.level).filter((l): l is number => l !== null))].sort((a, b) => a - b),
      microCredentialCount: mine.length,
    };
  });
}

function hasFilters(filters: CaseStudyFilters): boolean {
  return Boolean(filters.status || filters.funder || filters.kind || filters.level || filters.tag);
}

/** Published case studies the viewer may see, filtered; newest first. */
export function listCaseStudies(viewer: SessionUser | null, filters: CaseStudyFilters = {}): CaseStudyListItem[] {
  if (!hasFilters(filters)) return preparedListItems(viewer ? 'member' : 'visitor', () => publishedCaseStudyVisibleTo(viewer), 'published');
  const conditions: SQL[] = [publishedCaseStudyVisibleTo(viewer)];
  if (filters.status) conditions.push(eq(caseStudies.status, filters.status));
  if (filters.funder) conditions.push(sql`lower(${caseStudies.funder}) = lower(${filters.funder})`);
  if (filters.kind) {
    // The lead or any partner is of that kind.
    conditions.push(
      or(
        eq(organisations.kind, filters.kind),
        sql`exists (select 1 from ${caseStudyPartners} p join ${organisations} po on po.id = p.organisation_id where p.case_study_id = ${caseStudies.id} and po.kind = ${filters.kind})`,
      ) as SQL,
    );
  }
  if (filters.level) {
    conditions.push(sql`exists (select 1 from ${microCredentials} m where m.case_study_id = ${caseStudies.id} and m.nzqf_level = ${filters.level})`);
  }
  if (filters.tag) {
    conditions.push(sql`exists (select 1 from ${caseStudyTags} t where t.case_study_id = ${caseStudies.id} and t.tag = ${filters.tag})`);
  }
  return listItems(and(...conditions), 'published');
}

const filterOptionQueries = oncePerKey<'visitor' | 'member', ReturnType<typeof buildFilterOptionQueries>>();

function buildFilterOptionQueries(visible: SQL) {
  return {
    funders: db
      .selectDistinct({ funder: caseStudies.funder })
      .from(caseStudies)
      .where(and(visible, ne(caseStudies.funder, '')))
      .orderBy(asc(caseStudies.funder))
      .prepare(),
    tags: db
      .selectDistinct({ tag: caseStudyTags.tag })
      .from(caseStudyTags)
      .innerJoin(caseStudies, eq(caseStudies.id, caseStudyTags.caseStudyId))
      .where(visible)
      .orderBy(asc(caseStudyTags.tag))
      .prepare(),
    levels: db
      .selectDistinct({ level: microCredentials.nzqfLevel })
      .from(microCredentials)
      .innerJoin(caseStudies, eq(caseStudies.id, microCredentials.caseStudyId))
      .where(and(visible, isNotNull(microCredentials.nzqfLevel)))
      .orderBy(asc(microCredentials.nzqfLevel))
      .prepare(),
  };
}

/** What the filter form offers: the funders, tags and NZQF levels found on case studies the viewer can see. */
export function caseStudyFilterOptions(viewer: SessionUser | null) {
  const q = filterOptionQueries(viewer ? 'member' : 'visitor', () => buildFilterOptionQueries(publishedCaseStudyVisibleTo(viewer)));
  const funders = q.funders.all().map((r) => r.funder);
  const tags = q.tags.all().map((r) => r.tag);
  const levels = q.levels.all().map((r) => r.level!);
  return { funders: [...new Set(funders)], tags, levels };
}

/** Drafts this person may edit: every draft for a coordinator, their own pilots' drafts for a project manager. */
export function draftsFor(viewer: SessionUser | null): CaseStudyListItem[] {
  if (!canCreateCaseStudy(viewer)) return [];
  if (viewer!.role === 'coordinator') return preparedListItems('drafts', () => isNull(caseStudies.publishedAt) as SQL, 'updated');
  return preparedListItems(
    'managerDrafts',
    () =>
      and(
        isNull(caseStudies.publishedAt),
        sql`exists (select 1 from ${caseStudyManagers} cm where cm.case_study_id = ${caseStudies.id} and cm.user_id = ${sql.placeholder('userId')})`,
      ) as SQL,
    'updated',
    -1,
    { userId: viewer!.id },
  );
}

/** The published pilots an organisation leads or partners in (for its directory page), as the viewer may see them. */
export function caseStudiesForOrganisation(organisationId: number, viewer: SessionUser | null = null) {
  const partnerOf = sql`exists (select 1 from ${caseStudyPartners} p where p.case_study_id = ${caseStudies.id} and p.organisation_id = ${organisationId})`;
  const rows = listItems(and(publishedCaseStudyVisibleTo(viewer), or(eq(caseStudies.leadOrganisationId, organisationId), partnerOf)), 'published');
  const leads = new Set(
    db.select({ id: caseStudies.id }).from(caseStudies).where(eq(caseStudies.leadOrganisationId, organisationId)).all().map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, role: leads.has(r.id) ? ('lead' as const) : ('partner' as const) }));
}

// ---------------------------------------------------------------------------------------------------------------
// Similar work: the case-study form's view of the community-wide duplication radar (app/models/search.server.ts).

export { significantWords } from '~/utils/significant-words';

export type SimilarWork = LookAlike;

/**
 * Things across the community (published pilots and their micro-credentials, resources, workshops, discussions)
 * that look like a new pilot's title and problem, best first; the pilot being edited is left out.
 */
export function findSimilarWork(
  query: { title: string; summary: string },
  { viewer = null, excludeId = null, limit = 5 }: { viewer?: SessionUser | null; excludeId?: number | null; limit?: number } = {},
): SimilarWork[] {
  return findLookAlikes({ title: query.title, summary: query.summary, excludeKind: 'case_study', excludeId }, viewer, { limit });
}

// ---------------------------------------------------------------------------------------------------------------
// What a page shows: the same shape for a saved case study and for a preview of the form

export type CaseStudyView = {
  title: string;
  status: CaseStudyStatus;
  statusLabel: string;
  published: boolean;
  visibility: Visibility;
  leadOrganisation: { name: string; slug: string } | null;
  partners: { name: string; slug: string }[];
  /** Null when the viewer may not see names (visitors, as on organisation pages): the count is still given. */
  managers: { id: number; name: string }[] | null;
  managerCount: number;
  dates: string;
  funder: string;
  fundingNotes: string;
  targetAudience: string;
  problem: string;
  solution: string;
  delivery: string[];
  outcomes: { label: string; value: string; asOf: string | null }[];
  lessonsLearned: string;
  bodyHtml: string;
  tags: string[];
  microCredentials: {
    key: string;
    name: string;
    providerName: string;
    providerSlug: string;
    credits: number | null;
    nzqfLevel: number | null;
    nzqaStatusLabel: string;
    nzqaReference: string;
    stacking: { code: string; name: string; credits: number }[];
  }[];
};

export function viewOfDetail(d: CaseStudyDetail, { showNames }: { showNames: boolean }): CaseStudyView {
  return {
    title: d.title,
    status: d.status,
    statusLabel: CASE_STUDY_STATUS_LABELS[d.status],
    published: d.publishedAt !== null,
    visibility: d.visibility,
    leadOrganisation: { name: d.leadOrganisation.name, slug: d.leadOrganisation.slug },
    partners: d.partners.map(({ name, slug }) => ({ name, slug })),
    managers: showNames ? d.managers : null,
    managerCount: d.managers.length,
    dates: formatDates(d.startsOn, d.endsOn),
    funder: d.funder,
    fundingNotes: d.fundingNotes,
    targetAudience: d.targetAudience,
    problem: d.problem,
    solution: d.solution,
    delivery: d.delivery.map((m) => DELIVERY_LABELS[m]),
    outcomes: d.outcomes.map((o) => ({ label: o.label, value: formatOutcomeValue(o.value, o.unit), asOf: o.asOf === null ? null : formatDate(o.asOf) })),
    lessonsLearned: d.lessonsLearned,
    bodyHtml: d.bodyHtml,
    tags: d.tags,
    microCredentials: d.microCredentials.map((m) => ({
      key: String(m.id),
      name: m.name,
      providerName: m.providerName,
      providerSlug: m.providerSlug,
      credits: m.credits,
      nzqfLevel: m.nzqfLevel,
      nzqaStatusLabel: NZQA_STATUS_LABELS[m.nzqaStatus],
      nzqaReference: m.nzqaReference,
      stacking: m.stacking.map(({ code, name, credits }) => ({ code, name, credits })),
    })),
  };
}

/** The page a valid form would produce, rendered (and sanitised) exactly as saving would, without saving. */
export function previewOfInput(input: CaseStudyInput, published: boolean): CaseStudyView {
  const orgIds = [input.leadOrganisationId, ...input.partnerIds, ...input.microCredentials.map((m) => m.providerOrganisationId)];
  const orgs = new Map(db.select({ id: organisations.id, name: organisations.name, slug: organisations.slug }).from(organisations).where(inArray(organisations.id, orgIds)).all().map((o) => [o.id, o]));
  const people = input.managerIds.length ? db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, input.managerIds)).orderBy(asc(users.name)).all() : [];
  const qualIds = input.microCredentials.flatMap((m) => m.stacking.map((s) => s.qualificationId));
  const quals = new Map(qualIds.length ? db.select().from(qualifications).where(inArray(qualifications.id, qualIds)).all().map((q) => [q.id, q]) : []);
  const org = (id: number) => orgs.get(id) ?? { name: 'Unknown organisation', slug: '' };
  return {
    title: input.title,
    status: input.status,
    statusLabel: CASE_STUDY_STATUS_LABELS[input.status],
    published,
    visibility: input.visibility,
    leadOrganisation: org(input.leadOrganisationId),
    partners: input.partnerIds.map(org).sort((a, b) => a.name.localeCompare(b.name)),
    managers: people,
    managerCount: people.length,
    dates: formatDates(input.startsOn, input.endsOn),
    funder: input.funder,
    fundingNotes: input.fundingNotes,
    targetAudience: input.targetAudience,
    problem: input.problem,
    solution: input.solution,
    delivery: input.delivery.map((m) => DELIVERY_LABELS[m]),
    outcomes: input.outcomes.map((o) => ({ label: o.label, value: formatOutcomeValue(o.value, o.unit), asOf: o.asOf === null ? null : formatDate(o.asOf) })),
    lessonsLearned: input.lessonsLearned,
    bodyHtml: renderMarkdown(input.bodyMd),
    tags: input.tags,
    microCredentials: input.microCredentials.map((m, i) => ({
      key: `preview-${i}`,
      name: m.name,
      providerName: org(m.providerOrganisationId).name,
      providerSlug: org(m.providerOrganisationId).slug,
      credits: m.credits,
      nzqfLevel: m.nzqfLevel,
      nzqaStatusLabel: NZQA_STATUS_LABELS[m.nzqaStatus],
      nzqaReference: m.nzqaReference,
      stacking: m.stacking.map((s) => ({ code: quals.get(s.qualificationId)?.code ?? '', name: quals.get(s.qualificationId)?.name ?? '', credits: s.credits })),
    })),
  };
}

/** The most recently published pilots this viewer may see, for the home page. */
export function latestCaseStudies(viewer: SessionUser | null, limit = 3): CaseStudyListItem[] {
  return preparedListItems(viewer ? 'member' : 'visitor', () => publishedCaseStudyVisibleTo(viewer), 'published', limit);
}
