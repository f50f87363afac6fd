import { asc, eq, inArray, sql } from 'drizzle-orm';
import { audienceKey } from '../audience.server';
import { db } from '../../../db/client.server';
import {
  caseStudies,
  caseStudyManagers,
  caseStudyOutcomes,
  caseStudyPartners,
  type CaseStudyStatus,
  caseStudyTags,
  type OrganisationKind,
  organisations,
  qualifications,
  users,
  type Visibility,
} from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { once, oncePerReader } from '~/utils/prepared.server';
import { renderMarkdown } from '~/utils/markdown.server';
import { formatDate } from '~/utils/time';
import { findLookAlikes, type LookAlike } from '../search.server';
import {
  CASE_STUDY_STATUS_LABELS,
  DELIVERY_LABELS,
  DELIVERY_MODES,
  type DeliveryMode,
  NZQA_STATUS_LABELS,
} from '../case-study-fields';
import {
  type MicroCredentialDetail,
  microCredentialsForCaseStudy,
  publishedCaseStudyVisibleTo,
} from '../micro-credentials.server';
import { type CaseStudy, type Reader, canEditCaseStudy, canViewCaseStudy } from './shared.server';
import type { CaseStudyInput, OutcomeInput } from './form.server';
import { formatDates, formatOutcomeValue } from './revisions.server';
import { type CaseStudyListItem, preparedListItems } from './lists.server';

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

// Similar work: the case-study form's view of the community-wide duplication radar (app/models/search.server.ts).

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
  return preparedListItems(audienceKey(viewer), () => publishedCaseStudyVisibleTo(viewer), 'published', limit);
}
