// The micro-credential register: what each pilot awards (credits, NZQF level, NZQA status) and which qualifications
// it stacks into. Micro-credentials are shown wherever their pilot is visible (a draft pilot's are not shown at all).
// The stacking arithmetic itself is in ./stacking.ts.
import { audienceSql } from './audience.server';
import { and, asc, eq, gte, inArray, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { db } from '../../db/client.server';
import { NZQA_STATUSES, caseStudies, microCredentialStacking, microCredentials, organisations, qualifications } from '../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { oncePerReader } from '~/utils/prepared.server';
import { recordAudit } from './audit.server';
import { coverage, groupByProvider, stackingProblems, type StackingRow } from './stacking';

export type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];
type Reader = Tx | typeof db;
export type NzqaStatus = (typeof NZQA_STATUSES)[number];

export { NZQA_STATUS_LABELS } from './case-study-fields';

export const NZQF_LEVELS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
export const MAX_CREDITS = 1000;

export type MicroCredentialInput = {
  name: string;
  providerOrganisationId: number;
  credits: number | null;
  nzqfLevel: number | null;
  nzqaStatus: NzqaStatus;
  nzqaReference: string;
  /** Open Badges `fieldOfStudy`; empty or absent when not known. */
  fieldOfStudy?: string;
  /** An https address of the badge image; empty or absent when there is none. */
  imageUrl?: string;
  stacking: StackingRow[];
};

/**
 * The SQL condition "this case study is published and the viewer may see it": its audience tier
 * (app/models/audience.server.ts) reaches the viewer. Drafts never pass (their editors reach them through getCaseStudyBySlug, not through lists).
 */
export function publishedCaseStudyVisibleTo(viewer: SessionUser | null): SQL {
  return and(isNotNull(caseStudies.publishedAt), sql.raw(audienceSql(viewer, '"case_studies"."visibility"', '"case_studies"."lead_organisation_id"'))) as SQL;
}

/** Micro-credentials whose pilot the viewer can see, or that belong to no pilot. */
function microCredentialVisibleTo(viewer: SessionUser | null): SQL {
  return or(
    isNull(microCredentials.caseStudyId),
    sql`exists (select 1 from ${caseStudies} where ${caseStudies.id} = ${microCredentials.caseStudyId} and ${publishedCaseStudyVisibleTo(viewer)})`,
  ) as SQL;
}

// ---------------------------------------------------------------------------------------------------------------
// Qualifications

export function listQualifications() {
  return db.select().from(qualifications).orderBy(asc(qualifications.nzqfLevel), asc(qualifications.name)).all();
}

export function getQualificationByCode(code: string) {
  return db.select().from(qualifications).where(eq(qualifications.code, code.toLowerCase())).get();
}

// ---------------------------------------------------------------------------------------------------------------
// Validation shared by every writer

/** Problems with a micro-credential's input, keyed by a suffix the caller maps to its own field names. */
export function microCredentialProblems(input: MicroCredentialInput, reader: Reader = db): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (!input.name.trim()) problems.push({ field: 'name', message: 'Enter the micro-credential’s name.' });
  if (input.name.length > 200) problems.push({ field: 'name', message: 'Keep the name under 200 characters.' });
  if (!reader.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, input.providerOrganisationId)).get()) {
    problems.push({ field: 'provider', message: 'Choose the provider from the list.' });
  }
  if (input.credits !== null && (!Number.isInteger(input.credits) || input.credits < 1 || input.credits > MAX_CREDITS)) {
    problems.push({ field: 'credits', message: `Enter the credits as a whole number from 1 to ${MAX_CREDITS}, or leave it empty.` });
  }
  if (input.nzqfLevel !== null && (!Number.isInteger(input.nzqfLevel) || input.nzqfLevel < 1 || input.nzqfLevel > 10)) {
    problems.push({ field: 'level', message: 'Choose an NZQF level from 1 to 10, or leave it empty.' });
  }
  if (!NZQA_STATUSES.includes(input.nzqaStatus)) problems.push({ field: 'nzqaStatus', message: 'Choose an NZQA status from the list.' });
  if (input.nzqaReference.length > 100) problems.push({ field: 'nzqaReference', message: 'Keep the NZQA reference under 100 characters.' });
  if ((input.fieldOfStudy ?? '').length > 120) problems.push({ field: 'fieldOfStudy', message: 'Keep the field of study under 120 characters.' });
  if (input.imageUrl && !isHttpsUrl(input.imageUrl.trim())) problems.push({ field: 'imageUrl', message: 'Enter the image’s address starting with https://, or leave it empty.' });
  const ids = input.stacking.map((s) => s.qualificationId);
  const known = ids.length ? reader.select({ id: qualifications.id, total: qualifications.totalCredits }).from(qualifications).where(inArray(qualifications.id, ids)).all() : [];
  const totals = new Map(known.map((q) => [q.id, q.total]));
  input.stacking.forEach((row, index) => {
    if (!totals.has(row.qualificationId)) problems.push({ field: `stack-${index}-qualification`, message: 'Choose the qualification from the list.' });
  });
  for (const problem of stackingProblems(input.credits, input.stacking, totals)) problems.push({ field: `stack-${problem.index}-credits`, message: problem.message });
  return problems;
}

function isHttpsUrl(value: string): boolean {
  if (value.length > 500) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && !url.username && !url.password;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

function columns(input: MicroCredentialInput) {
  return {
    name: input.name.trim(),
    providerOrganisationId: input.providerOrganisationId,
    credits: input.credits,
    nzqfLevel: input.nzqfLevel,
    nzqaStatus: input.nzqaStatus,
    nzqaReference: input.nzqaReference.trim(),
    fieldOfStudy: (input.fieldOfStudy ?? '').trim(),
    imageUrl: (input.imageUrl ?? '').trim(),
  };
}

function setStacking(tx: Tx, microCredentialId: number, stacking: StackingRow[]) {
  tx.delete(microCredentialStacking).where(eq(microCredentialStacking.microCredentialId, microCredentialId)).run();
  for (const row of stacking) tx.insert(microCredentialStacking).values({ microCredentialId, qualificationId: row.qualificationId, credits: row.credits }).run();
}

export function insertMicroCredential(tx: Tx, caseStudyId: number | null, input: MicroCredentialInput): number {
  const row = tx.insert(microCredentials).values({ ...columns(input), caseStudyId }).returning({ id: microCredentials.id }).get();
  setStacking(tx, row.id, input.stacking);
  return row.id;
}

/**
 * Makes a pilot's micro-credentials exactly `rows`: rows with an id update that micro-credential (it must already
 * belong to this pilot, otherwise the caller's ids were swapped and nothing is written), rows without one are
 * added, and the pilot's micro-credentials not named are removed. Returns false when an id did not belong.
 */
export function syncCaseStudyMicroCredentials(tx: Tx, caseStudyId: number, rows: (MicroCredentialInput & { id: number | null })[]): boolean {
  const existing = new Set(
    tx.select({ id: microCredentials.id }).from(microCredentials).where(eq(microCredentials.caseStudyId, caseStudyId)).all().map((r) => r.id),
  );
  if (rows.some((r) => r.id !== null && !existing.has(r.id))) return false;
  const kept = new Set<number>();
  for (const row of rows) {
    if (row.id === null) {
      insertMicroCredential(tx, caseStudyId, row);
    } else {
      tx.update(microCredentials).set(columns(row)).where(eq(microCredentials.id, row.id)).run();
      setStacking(tx, row.id, row.stacking);
      kept.add(row.id);
    }
  }
  const gone = [...existing].filter((id) => !kept.has(id));
  if (gone.length) tx.delete(microCredentials).where(inArray(microCredentials.id, gone)).run();
  return true;
}

export type MicroCredentialOutcome = { ok: true; id: number } | { ok: false; problems: { field: string; message: string }[] };

/** Adds one micro-credential to a pilot (or to none). Callers check the actor may edit that pilot. */
export function createMicroCredential(actor: SessionUser, caseStudyId: number | null, input: MicroCredentialInput): MicroCredentialOutcome {
  return db.transaction((tx) => {
    const problems = microCredentialProblems(input, tx);
    if (problems.length) return { ok: false as const, problems };
    const id = insertMicroCredential(tx, caseStudyId, input);
    recordAudit(tx, { actorId: actor.id, action: 'micro_credential.create', targetType: 'micro_credential', targetId: id, summary: `Added micro-credential “${input.name}”` });
    return { ok: true as const, id };
  });
}

export function updateMicroCredential(actor: SessionUser, id: number, input: MicroCredentialInput): MicroCredentialOutcome {
  return db.transaction((tx) => {
    if (!tx.select({ id: microCredentials.id }).from(microCredentials).where(eq(microCredentials.id, id)).get()) {
      return { ok: false as const, problems: [{ field: '_form', message: 'That micro-credential no longer exists.' }] };
    }
    const problems = microCredentialProblems(input, tx);
    if (problems.length) return { ok: false as const, problems };
    tx.update(microCredentials).set(columns(input)).where(eq(microCredentials.id, id)).run();
    setStacking(tx, id, input.stacking);
    recordAudit(tx, { actorId: actor.id, action: 'micro_credential.update', targetType: 'micro_credential', targetId: id, summary: `Edited micro-credential “${input.name}”` });
    return { ok: true as const, id };
  });
}

export function deleteMicroCredential(actor: SessionUser, id: number): boolean {
  return db.transaction((tx) => {
    const row = tx.select({ name: microCredentials.name }).from(microCredentials).where(eq(microCredentials.id, id)).get();
    if (!row) return false;
    tx.delete(microCredentials).where(eq(microCredentials.id, id)).run();
    recordAudit(tx, { actorId: actor.id, action: 'micro_credential.delete', targetType: 'micro_credential', targetId: id, summary: `Removed micro-credential “${row.name}”` });
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

export function getMicroCredential(id: number) {
  return db.select().from(microCredentials).where(eq(microCredentials.id, id)).get();
}

export type MicroCredentialDetail = {
  id: number;
  caseStudyId: number | null;
  name: string;
  providerId: number;
  providerName: string;
  providerSlug: string;
  credits: number | null;
  nzqfLevel: number | null;
  nzqaStatus: NzqaStatus;
  nzqaReference: string;
  fieldOfStudy: string;
  imageUrl: string;
  stacking: { qualificationId: number; code: string; name: string; credits: number }[];
};

// A pilot's micro-credentials are read on every view of its page: these queries are built once (drizzle building the
// SQL cost more than running it) and take their ids as placeholders; a list of ids goes in as one JSON array.
const stackingQuery = oncePerReader(db as Reader, buildStackingQuery);

function buildStackingQuery(reader: Reader) {
  return reader
    .select({
      microCredentialId: microCredentialStacking.microCredentialId,
      qualificationId: qualifications.id,
      code: qualifications.code,
      name: qualifications.name,
      credits: microCredentialStacking.credits,
    })
    .from(microCredentialStacking)
    .innerJoin(qualifications, eq(qualifications.id, microCredentialStacking.qualificationId))
    .where(sql`${microCredentialStacking.microCredentialId} in (select value from json_each(${sql.placeholder('ids')}))`)
    .orderBy(asc(qualifications.nzqfLevel), asc(qualifications.name))
    .prepare();
}

function withStacking(reader: Reader, rows: Omit<MicroCredentialDetail, 'stacking'>[]): MicroCredentialDetail[] {
  if (rows.length === 0) return [];
  const stacks = stackingQuery(reader).all({ ids: JSON.stringify(rows.map((r) => r.id)) });
  return rows.map((r) => ({
    ...r,
    stacking: stacks.filter((s) => s.microCredentialId === r.id).map(({ microCredentialId: _id, ...s }) => s),
  }));
}

const detailColumns = {
  id: microCredentials.id,
  caseStudyId: microCredentials.caseStudyId,
  name: microCredentials.name,
  providerId: organisations.id,
  providerName: organisations.name,
  providerSlug: organisations.slug,
  credits: microCredentials.credits,
  nzqfLevel: microCredentials.nzqfLevel,
  nzqaStatus: microCredentials.nzqaStatus,
  nzqaReference: microCredentials.nzqaReference,
  fieldOfStudy: microCredentials.fieldOfStudy,
  imageUrl: microCredentials.imageUrl,
};

const forCaseStudyQuery = oncePerReader(db as Reader, buildForCaseStudyQuery);

function buildForCaseStudyQuery(reader: Reader) {
  return reader
    .select(detailColumns)
    .from(microCredentials)
    .innerJoin(organisations, eq(organisations.id, microCredentials.providerOrganisationId))
    .where(eq(microCredentials.caseStudyId, sql.placeholder('caseStudyId')))
    .orderBy(asc(microCredentials.id))
    .prepare();
}

/** A pilot's micro-credentials in the order they were added, with what they stack into. */
export function microCredentialsForCaseStudy(caseStudyId: number, reader: Reader = db): MicroCredentialDetail[] {
  return withStacking(reader, forCaseStudyQuery(reader).all({ caseStudyId }));
}

export type MicroCredentialFilters = {
  /** One entry of the register (its own page); never read from the filter form. */
  id?: number | null;
  level?: number | null;
  minCredits?: number | null;
  maxCredits?: number | null;
  providerId?: number | null;
  /** Qualification code, e.g. "nzde". */
  qualification?: string | null;
};

/** Reads the /micro-credentials filter form (GET). Anything out of range is dropped, never an error page. */
export function parseMicroCredentialFilters(params: URLSearchParams): MicroCredentialFilters {
  const int = (name: string, min: number, max: number) => {
    const raw = params.get(name)?.trim() ?? '';
    if (!/^\d{1,6}$/.test(raw)) return null;
    const n = Number(raw);
    return n >= min && n <= max ? n : null;
  };
  const qualification = params.get('qualification')?.trim().toLowerCase() ?? '';
  return {
    level: int('level', 1, 10),
    minCredits: int('minCredits', 0, MAX_CREDITS),
    maxCredits: int('maxCredits', 0, MAX_CREDITS),
    providerId: int('provider', 1, Number.MAX_SAFE_INTEGER),
    qualification: /^[a-z0-9-]{1,40}$/.test(qualification) ? qualification : null,
  };
}

export type MicroCredentialListItem = MicroCredentialDetail & { caseStudySlug: string | null; caseStudyTitle: string | null };

export function listMicroCredentials(viewer: SessionUser | null, filters: MicroCredentialFilters = {}): MicroCredentialListItem[] {
  const conditions: SQL[] = [microCredentialVisibleTo(viewer)];
  if (filters.id) conditions.push(eq(microCredentials.id, filters.id));
  if (filters.level) conditions.push(eq(microCredentials.nzqfLevel, filters.level));
  if (filters.minCredits !== null && filters.minCredits !== undefined) conditions.push(gte(microCredentials.credits, filters.minCredits));
  if (filters.maxCredits !== null && filters.maxCredits !== undefined) conditions.push(lte(microCredentials.credits, filters.maxCredits));
  if (filters.providerId) conditions.push(eq(microCredentials.providerOrganisationId, filters.providerId));
  if (filters.qualification) {
    conditions.push(
      sql`exists (select 1 from ${microCredentialStacking} join ${qualifications} on ${qualifications.id} = ${microCredentialStacking.qualificationId} where ${microCredentialStacking.microCredentialId} = ${microCredentials.id} and ${qualifications.code} = ${filters.qualification})`,
    );
  }
  const rows = db
    .select({ ...detailColumns, caseStudySlug: caseStudies.slug, caseStudyTitle: caseStudies.title })
    .from(microCredentials)
    .innerJoin(organisations, eq(organisations.id, microCredentials.providerOrganisationId))
    .leftJoin(caseStudies, eq(caseStudies.id, microCredentials.caseStudyId))
    .where(and(...conditions))
    .orderBy(asc(microCredentials.nzqfLevel), asc(microCredentials.name), asc(microCredentials.id))
    .all();
  const detailed = withStacking(db, rows);
  return detailed.map((d, i) => ({ ...d, caseStudySlug: rows[i].caseStudySlug, caseStudyTitle: rows[i].caseStudyTitle }));
}

/** What the filter form offers: providers that have visible micro-credentials, and every qualification. */
export function microCredentialFilterOptions(viewer: SessionUser | null) {
  const providers = db
    .selectDistinct({ id: organisations.id, name: organisations.name })
    .from(microCredentials)
    .innerJoin(organisations, eq(organisations.id, microCredentials.providerOrganisationId))
    .where(microCredentialVisibleTo(viewer))
    .orderBy(asc(organisations.name))
    .all();
  return { providers, qualifications: listQualifications().map((q) => ({ code: q.code, name: q.name })) };
}

// ---------------------------------------------------------------------------------------------------------------
// Pathways

export type PathwayItem = {
  id: number;
  name: string;
  providerId: number;
  providerName: string;
  providerSlug: string;
  credits: number | null;
  nzqfLevel: number | null;
  nzqaStatus: NzqaStatus;
  stackingCredits: number;
  caseStudySlug: string | null;
  caseStudyTitle: string | null;
};

/**
 * A qualification's pathway: the micro-credentials (visible to the viewer) that stack into it, grouped by provider,
 * the credits they cover (capped at the qualification's total) and the gap still to close. Undefined for an
 * unknown qualification code.
 */
export function pathwayFor(code: string, viewer: SessionUser | null = null) {
  const qualification = getQualificationByCode(code);
  if (!qualification) return undefined;
  const items: PathwayItem[] = db
    .select({
      id: microCredentials.id,
      name: microCredentials.name,
      providerId: organisations.id,
      providerName: organisations.name,
      providerSlug: organisations.slug,
      credits: microCredentials.credits,
      nzqfLevel: microCredentials.nzqfLevel,
      nzqaStatus: microCredentials.nzqaStatus,
      stackingCredits: microCredentialStacking.credits,
      caseStudySlug: caseStudies.slug,
      caseStudyTitle: caseStudies.title,
    })
    .from(microCredentialStacking)
    .innerJoin(microCredentials, eq(microCredentials.id, microCredentialStacking.microCredentialId))
    .innerJoin(organisations, eq(organisations.id, microCredentials.providerOrganisationId))
    .leftJoin(caseStudies, eq(caseStudies.id, microCredentials.caseStudyId))
    .where(and(eq(microCredentialStacking.qualificationId, qualification.id), microCredentialVisibleTo(viewer)))
    .orderBy(asc(microCredentials.nzqfLevel), asc(microCredentials.name), asc(microCredentials.id))
    .all();
  const providers = groupByProvider(items);
  return {
    qualification,
    providers,
    count: items.length,
    ...coverage(
      items.map((i) => i.stackingCredits),
      qualification.totalCredits,
    ),
  };
}

/** Every qualification with how many visible micro-credentials stack into it (for the pathways index). */
export function qualificationsWithCounts(viewer: SessionUser | null) {
  return listQualifications().map((q) => {
    const pathway = pathwayFor(q.code, viewer)!;
    return { code: q.code, name: q.name, nzqfLevel: q.nzqfLevel, totalCredits: q.totalCredits, count: pathway.count, covered: pathway.covered, remaining: pathway.remaining };
  });
}
