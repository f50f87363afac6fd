import { and, eq, sql } from 'drizzle-orm';
import { reachesAudience } from '../audience.server';
import { db } from '../../../db/client.server';
import { caseStudies, caseStudyManagers } from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { oncePerReader } from '~/utils/prepared.server';
import type { Tx } from '../micro-credentials.server';

export type CaseStudy = typeof caseStudies.$inferSelect;
export type Reader = Tx | typeof db;

// The case-study page, the list and the home page run these reads on every view: each query is built and prepared once
// (drizzle building the SQL cost more than running it), with placeholders for what varies and a JSON array (read with
// json_each) for a list of ids. Queries that take a reader are prepared on `db` and built afresh for a transaction.

/** Slugs that are pages of their own under /case-studies/. */
export const RESERVED_SLUGS = new Set(['new', 'similar']);

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

/** Published: whoever its audience tier reaches (app/models/audience.server.ts). Drafts: their editors only. */
export function canViewCaseStudy(viewer: SessionUser | null, caseStudy: Pick<CaseStudy, 'id' | 'publishedAt' | 'visibility' | 'leadOrganisationId'>): boolean {
  if (caseStudy.publishedAt !== null && reachesAudience(viewer, caseStudy.visibility, caseStudy.leadOrganisationId)) return true;
  return canEditCaseStudy(viewer, caseStudy);
}

// ---------------------------------------------------------------------------------------------------------------
