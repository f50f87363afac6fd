import { eq } from 'drizzle-orm';
import { db } from '../../../db/client.server';
import {
  caseStudies,
  caseStudyManagers,
  caseStudyOutcomes,
  caseStudyPartners,
  caseStudyRevisions,
  caseStudyTags,
} from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { slugify } from '~/utils/labels';
import { renderMarkdown } from '~/utils/markdown.server';
import { recordAudit } from '../audit.server';
import { syncCaseStudyMicroCredentials, type Tx } from '../micro-credentials.server';
import { RESERVED_SLUGS, canEditCaseStudy } from './shared.server';
import type { CaseStudyInput } from './form.server';
import { type CaseStudySnapshot, changedFieldLabels, snapshotOf } from './revisions.server';
import { loadCaseStudyDetail } from './reading.server';

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
