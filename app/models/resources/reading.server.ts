import { audienceSql, reachesAudience } from '../audience.server';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { db, sqlite } from '../../../db/client.server';
import {
  caseStudies,
  organisations,
  resourceCaseStudies,
  type ResourceKind,
  resourceDownloads,
  resources,
  resourceTags,
  resourceVersions,
  resourceWorkshops,
  storedFiles,
  users,
  VISIBILITIES,
  type Visibility,
  workshops,
} from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { oncePerKey } from '~/utils/prepared.server';
import { formatDate, getZonedParts } from '~/utils/time';
import { fileTypeLabel } from '~/utils/uploads.server';
import {
  LICENCE_SUGGESTIONS,
  RESOURCE_KIND_LABELS,
  RESOURCE_KIND_OPTIONS,
  type Resource,
  VISIBILITY_LABELS,
  canViewResource,
} from './shared.server';

// Reading

export function getResource(id: number): Resource | undefined {
  return db.select().from(resources).where(eq(resources.id, id)).get();
}

export function listVersions(resourceId: number) {
  return db
    .select({
      id: resourceVersions.id,
      versionNumber: resourceVersions.versionNumber,
      originalName: resourceVersions.originalName,
      note: resourceVersions.note,
      createdAt: resourceVersions.createdAt,
      downloadCount: resourceVersions.downloadCount,
      sha256: resourceVersions.sha256,
      size: storedFiles.size,
      mimeType: storedFiles.mimeType,
      extracted: sql<number>`${storedFiles.extractedText} is not null`,
      extractionError: storedFiles.extractionError,
      extractionRefused: storedFiles.extractionRefused,
      uploadedByName: users.name,
    })
    .from(resourceVersions)
    .innerJoin(storedFiles, eq(storedFiles.sha256, resourceVersions.sha256))
    .leftJoin(users, eq(users.id, resourceVersions.uploadedById))
    .where(eq(resourceVersions.resourceId, resourceId))
    .orderBy(desc(resourceVersions.versionNumber))
    .all();
}

export type ResourceDetail = NonNullable<ReturnType<typeof getResourceDetail>>;

/** Everything the resource page shows; links to drafts and members-only pilots are left out for those who may not see them. */
export function getResourceDetail(id: number, viewer: SessionUser | null) {
  const resource = getResource(id);
  if (!resource || !canViewResource(viewer, resource)) return null;
  const organisation = resource.organisationId
    ? db.select({ id: organisations.id, name: organisations.name, slug: organisations.slug }).from(organisations).where(eq(organisations.id, resource.organisationId)).get() ?? null
    : null;
  const uploader = resource.uploadedById ? db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, resource.uploadedById)).get() ?? null : null;
  const tags = db.select({ tag: resourceTags.tag }).from(resourceTags).where(eq(resourceTags.resourceId, id)).orderBy(asc(resourceTags.tag)).all().map((t) => t.tag);
  const linkedWorkshops = db
    .select({ id: workshops.id, slug: workshops.slug, title: workshops.title, startsAt: workshops.startsAt, status: workshops.status })
    .from(resourceWorkshops)
    .innerJoin(workshops, eq(workshops.id, resourceWorkshops.workshopId))
    .where(eq(resourceWorkshops.resourceId, id))
    .orderBy(desc(workshops.startsAt))
    .all()
    .filter((w) => w.status !== 'draft' || viewer?.role === 'coordinator');
  const linkedCaseStudies = db
    .select({ id: caseStudies.id, slug: caseStudies.slug, title: caseStudies.title, visibility: caseStudies.visibility, publishedAt: caseStudies.publishedAt, leadOrganisationId: caseStudies.leadOrganisationId })
    .from(resourceCaseStudies)
    .innerJoin(caseStudies, eq(caseStudies.id, resourceCaseStudies.caseStudyId))
    .where(eq(resourceCaseStudies.resourceId, id))
    .orderBy(asc(caseStudies.title))
    .all()
    .filter((c) => (c.publishedAt !== null || viewer?.role === 'coordinator') && reachesAudience(viewer, c.visibility, c.leadOrganisationId));
  return { ...resource, organisation, uploader, tags, workshops: linkedWorkshops, caseStudies: linkedCaseStudies, versions: listVersions(id) };
}

/** Workshops and pilots a resource can be linked to, for the form. */
export function linkOptions(viewer: SessionUser) {
  const coordinator = viewer.role === 'coordinator';
  const workshopRows = db
    .select({ id: workshops.id, title: workshops.title, startsAt: workshops.startsAt, status: workshops.status })
    .from(workshops)
    .orderBy(desc(workshops.startsAt))
    .all()
    .filter((w) => coordinator || w.status !== 'draft');
  const caseStudyRows = db
    .select({ id: caseStudies.id, title: caseStudies.title, publishedAt: caseStudies.publishedAt })
    .from(caseStudies)
    .orderBy(asc(caseStudies.title))
    .all()
    .filter((c) => coordinator || c.publishedAt !== null);
  return { workshops: workshopRows, caseStudies: caseStudyRows };
}

export type ResourceSummary = {
  id: number;
  title: string;
  kind: ResourceKind;
  kindLabel: string;
  publishedOn: number | null;
  visibility: Visibility;
  isLink: boolean;
  mimeType: string | null;
};

type SummaryRow = { id: number; title: string; kind: ResourceKind; publishedOn: number | null; visibility: Visibility; externalUrl: string | null; mimeType: string | null };

/** One statement per condition (a few fixed strings) and per visitor or member, prepared on first use. */
const summariesQuery = oncePerKey<string, ReturnType<typeof sqlite.prepare<[number], SummaryRow>>>();

function summaries(condition: string, param: number, viewer: SessionUser | null): ResourceSummary[] {
  const publicOnly = `and ${audienceSql(viewer, 'r.visibility', 'r.organisation_id')}`;
  const statement = summariesQuery(`${condition} ${publicOnly}`, () =>
    sqlite.prepare<[number], SummaryRow>(
      `select r.id, r.title, r.kind, r.published_on as publishedOn, r.visibility, r.external_url as externalUrl, f.mime_type as mimeType
       from resources r
       left join resource_versions v on v.id = (select v2.id from resource_versions v2 where v2.resource_id = r.id order by v2.version_number desc limit 1)
       left join stored_files f on f.sha256 = v.sha256
       where ${condition} ${publicOnly}
       order by coalesce(r.published_on, r.created_at) desc, r.id desc
       limit 100`,
    ),
  );
  const rows = statement.all(param);
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    kind: r.kind,
    kindLabel: RESOURCE_KIND_LABELS[r.kind],
    publishedOn: r.publishedOn,
    visibility: r.visibility,
    isLink: r.externalUrl !== null,
    mimeType: r.mimeType,
  }));
}

/** Resources an organisation published, for its page (members-only ones left out for visitors). */
export function resourcesForOrganisation(organisationId: number, viewer: SessionUser | null): ResourceSummary[] {
  return summaries('r.organisation_id = ?', organisationId, viewer);
}

/** Resources linked to a workshop, for its page. */
export function resourcesForWorkshop(workshopId: number, viewer: SessionUser | null): ResourceSummary[] {
  // `r.id in (...)` starts from the link table's index; `exists (...)` tested every resource in the library.
  return summaries('r.id in (select rw.resource_id from resource_workshops rw where rw.workshop_id = ?)', workshopId, viewer);
}

/** Resources linked to a pilot case study, for its page. */
export function resourcesForCaseStudy(caseStudyId: number, viewer: SessionUser | null): ResourceSummary[] {
  return summaries('r.id in (select rc.resource_id from resource_case_studies rc where rc.case_study_id = ?)', caseStudyId, viewer);
}

/** Resources whose review-by date has passed (for coordinators' attention). */
export function countResourcesDueForReview(now = Date.now()): number {
  return (sqlite.prepare('select count(*) as n from resources where review_by is not null and review_by < ?').get(now) as { n: number }).n;
}

// Downloads ----------------------------------------------------------------------------------------------------

export type DownloadTarget = {
  resourceId: number;
  title: string;
  externalUrl: string | null;
  version: { id: number; versionNumber: number; sha256: string; originalName: string; mimeType: string; size: number } | null;
};

/**
 * What a download URL serves: the current version (no `versionNumber`) or a given one. Null when the resource or
 * version does not exist or this viewer may not see it (a members-only resource is a 404 to visitors).
 */
export function getDownloadTarget(viewer: SessionUser | null, resourceId: number, versionNumber?: number): DownloadTarget | null {
  const resource = getResource(resourceId);
  if (!resource || !canViewResource(viewer, resource)) return null;
  if (resource.externalUrl) {
    return versionNumber === undefined ? { resourceId, title: resource.title, externalUrl: resource.externalUrl, version: null } : null;
  }
  const version = db
    .select({
      id: resourceVersions.id,
      versionNumber: resourceVersions.versionNumber,
      sha256: resourceVersions.sha256,
      originalName: resourceVersions.originalName,
      mimeType: storedFiles.mimeType,
      size: storedFiles.size,
    })
    .from(resourceVersions)
    .innerJoin(storedFiles, eq(storedFiles.sha256, resourceVersions.sha256))
    .where(
      versionNumber === undefined
        ? eq(resourceVersions.resourceId, resourceId)
        : and(eq(resourceVersions.resourceId, resourceId), eq(resourceVersions.versionNumber, versionNumber)),
    )
    .orderBy(desc(resourceVersions.versionNumber))
    .get();
  if (!version) return null;
  return { resourceId, title: resource.title, externalUrl: null, version };
}

/** Counts one download of the resource (and of the version), in one statement each, in one transaction. */
export function recordDownload(resourceId: number, versionId: number | null): void {
  db.transaction((tx) => {
    // A dated event per download, so activity reports can count the downloads in a period.
    tx.insert(resourceDownloads).values({ resourceId }).run();
    tx.update(resources).set({ downloadCount: sql`${resources.downloadCount} + 1` }).where(eq(resources.id, resourceId)).run();
    if (versionId !== null) tx.update(resourceVersions).set({ downloadCount: sql`${resourceVersions.downloadCount} + 1` }).where(eq(resourceVersions.id, versionId)).run();
  });
}

// Display helpers ------------------------------------------------------------------------------------------------

/** "2017" for a date entered as 1 January (the year is all that is known), otherwise "14 May 2019". */
export function formatPublished(ms: number | null): string {
  if (ms === null) return '';
  const p = getZonedParts(ms);
  return p.month === 1 && p.day === 1 ? String(p.year) : formatDate(ms);
}

export function publishedYear(ms: number | null): number | null {
  return ms === null ? null : getZonedParts(ms).year;
}

/** The choices the resource form offers this person. */
export function resourceFieldOptions(viewer: SessionUser) {
  const links = linkOptions(viewer);
  return {
    kinds: RESOURCE_KIND_OPTIONS,
    organisations: db
      .select({ id: organisations.id, name: organisations.name })
      .from(organisations)
      .orderBy(asc(organisations.name))
      .all()
      .map((o) => ({ value: String(o.id), label: o.name })),
    visibilities: VISIBILITIES.map((v) => ({ value: v, label: VISIBILITY_LABELS[v] })),
    workshops: links.workshops.map((w) => ({ value: String(w.id), label: `${w.title} (${formatDate(w.startsAt)})${w.status === 'draft' ? ' – draft' : ''}` })),
    caseStudies: links.caseStudies.map((c) => ({ value: String(c.id), label: c.publishedAt === null ? `${c.title} – draft` : c.title })),
    licences: LICENCE_SUGGESTIONS,
  };
}

/** Summaries ready for the "Resources" list on organisation, workshop and case-study pages. */
export function relatedResourceItems(list: ResourceSummary[]) {
  return list.map((r) => ({
    id: r.id,
    title: r.title,
    kindLabel: r.kindLabel,
    published: formatPublished(r.publishedOn),
    typeLabel: r.isLink ? 'Link' : r.mimeType ? fileTypeLabel(r.mimeType) : '',
    membersOnly: r.visibility === 'members',
  }));
}
