import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { db } from '../../../db/client.server';
import {
  caseStudies,
  discussionCategories,
  resources,
  THREAD_SUBJECT_TYPES,
  threads,
  type ThreadSubjectType,
} from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { slugify } from '~/utils/labels';
import type { FieldErrors } from '~/utils/validation.server';
import { recordAudit } from '../audit.server';
import { canViewCaseStudy } from '../case-studies.server';
import { canViewResource } from '../resources.server';
import { canViewWorkshop, getWorkshopById } from '../workshops.server';
import {
  type Category,
  type Outcome,
  type Reader,
  SUBJECT_DEFAULT_CATEGORY,
  SUBJECT_LABELS,
  SUBJECT_PARAMS,
  canModerate,
  done,
  refused,
} from './shared.server';
import type { CategoryInput } from './input.server';

// ---------------------------------------------------------------------------------------------------------------
// Categories

export function listCategories(): Category[] {
  return db.select().from(discussionCategories).orderBy(asc(discussionCategories.position), asc(discussionCategories.name)).all();
}

export function categoryOptions() {
  return listCategories().map((c) => ({ value: String(c.id), label: c.name }));
}

export function getCategoryBySlug(slug: string): Category | undefined {
  return db.select().from(discussionCategories).where(eq(discussionCategories.slug, slug)).get();
}

export function getCategoryById(id: number, reader: Reader = db): Category | undefined {
  return reader.select().from(discussionCategories).where(eq(discussionCategories.id, id)).get();
}

export type CategoryOutcome = { ok: true; message: string; id: number } | { ok: false; errors: FieldErrors; status: 400 | 403 | 404 };

function nameTaken(tx: Reader, name: string, exceptId?: number): boolean {
  const row = tx
    .select({ id: discussionCategories.id })
    .from(discussionCategories)
    .where(and(sql`lower(${discussionCategories.name}) = lower(${name})`, exceptId ? ne(discussionCategories.id, exceptId) : undefined))
    .get();
  return !!row;
}

export function createCategory(actor: SessionUser, input: CategoryInput): CategoryOutcome {
  if (!canModerate(actor)) return { ok: false, status: 403, errors: { _form: ['Only coordinators manage categories.'] } };
  return db.transaction((tx) => {
    if (nameTaken(tx, input.name)) return { ok: false as const, status: 400 as const, errors: { name: ['There is already a category with that name.'] } };
    const base = slugify(input.name).slice(0, 60);
    let slug = base;
    for (let n = 2; tx.select({ id: discussionCategories.id }).from(discussionCategories).where(eq(discussionCategories.slug, slug)).get(); n++) slug = `${base}-${n}`;
    const row = tx.insert(discussionCategories).values({ slug, name: input.name, description: input.description, position: input.position }).returning({ id: discussionCategories.id }).get();
    recordAudit(tx, { actorId: actor.id, action: 'discussion.category.create', targetType: 'discussion_category', targetId: row.id, summary: `Created discussion category “${input.name}”` });
    return { ok: true as const, id: row.id, message: `Category “${input.name}” created.` };
  });
}

/** Renames or re-describes a category; its address (slug) stays, so links keep working. */
export function updateCategory(actor: SessionUser, categoryId: number, input: CategoryInput): CategoryOutcome {
  if (!canModerate(actor)) return { ok: false, status: 403, errors: { _form: ['Only coordinators manage categories.'] } };
  return db.transaction((tx) => {
    const before = getCategoryById(categoryId, tx);
    if (!before) return { ok: false as const, status: 404 as const, errors: { _form: ['That category no longer exists.'] } };
    if (nameTaken(tx, input.name, categoryId)) return { ok: false as const, status: 400 as const, errors: { name: ['There is already a category with that name.'] } };
    tx.update(discussionCategories).set({ name: input.name, description: input.description, position: input.position }).where(eq(discussionCategories.id, categoryId)).run();
    recordAudit(tx, { actorId: actor.id, action: 'discussion.category.update', targetType: 'discussion_category', targetId: categoryId, summary: before.name === input.name ? `Updated discussion category “${input.name}”` : `Renamed discussion category “${before.name}” to “${input.name}”` });
    return { ok: true as const, id: categoryId, message: `Category “${input.name}” saved.` };
  });
}

/** Only an empty category can go: threads are moved elsewhere first, so nothing is lost by accident. */
export function deleteCategory(actor: SessionUser, categoryId: number): Outcome {
  if (!canModerate(actor)) return refused(403, 'Only coordinators manage categories.');
  return db.transaction((tx) => {
    const category = getCategoryById(categoryId, tx);
    if (!category) return refused(404, 'That category no longer exists.');
    const { n } = tx.select({ n: sql<number>`count(*)` }).from(threads).where(eq(threads.categoryId, categoryId)).get()!;
    if (n > 0) return refused(400, `“${category.name}” still has ${n === 1 ? '1 thread' : `${n} threads`}. Move ${n === 1 ? 'it' : 'them'} to another category first.`);
    tx.delete(discussionCategories).where(eq(discussionCategories.id, categoryId)).run();
    recordAudit(tx, { actorId: actor.id, action: 'discussion.category.delete', targetType: 'discussion_category', targetId: categoryId, summary: `Deleted discussion category “${category.name}”` });
    return done(`Category “${category.name}” deleted.`);
  });
}

export function categoryThreadCounts(): Map<number, number> {
  const rows = db.select({ categoryId: threads.categoryId, n: sql<number>`count(*)` }).from(threads).groupBy(threads.categoryId).all();
  return new Map(rows.map((r) => [r.categoryId, r.n]));
}

// ---------------------------------------------------------------------------------------------------------------
// Subjects: the workshop, pilot or resource a thread is about ("Discuss this")

export type Subject = { type: ThreadSubjectType; id: number; title: string; url: string; label: string };

/** The subject if it exists and this viewer may see it; otherwise null. */
export function findSubject(type: ThreadSubjectType, id: number, viewer: SessionUser | null): Subject | null {
  if (type === 'workshop') {
    const w = getWorkshopById(id);
    return w && canViewWorkshop(viewer, w) ? { type, id, title: w.title, url: `/workshops/${w.slug}`, label: SUBJECT_LABELS[type] } : null;
  }
  if (type === 'case_study') {
    const c = db.select({ id: caseStudies.id, slug: caseStudies.slug, title: caseStudies.title, publishedAt: caseStudies.publishedAt, visibility: caseStudies.visibility, leadOrganisationId: caseStudies.leadOrganisationId }).from(caseStudies).where(eq(caseStudies.id, id)).get();
    return c && canViewCaseStudy(viewer, c) ? { type, id, title: c.title, url: `/case-studies/${c.slug}`, label: SUBJECT_LABELS[type] } : null;
  }
  const r = db.select({ id: resources.id, title: resources.title, visibility: resources.visibility, organisationId: resources.organisationId }).from(resources).where(eq(resources.id, id)).get();
  return r && canViewResource(viewer, r) ? { type, id, title: r.title, url: `/resources/${r.id}`, label: SUBJECT_LABELS[type] } : null;
}

/** Reads ?workshop=ID, ?caseStudy=ID or ?resource=ID. */
export function subjectFromSearchParams(params: URLSearchParams): { type: ThreadSubjectType; id: number } | null {
  for (const type of THREAD_SUBJECT_TYPES) {
    const raw = params.get(SUBJECT_PARAMS[type]);
    if (raw && /^[1-9]\d{0,15}$/.test(raw)) return { type, id: Number(raw) };
  }
  return null;
}

export function newThreadUrl(type: ThreadSubjectType, id: number): string {
  return `/discussions/new?${SUBJECT_PARAMS[type]}=${id}`;
}

export function defaultCategoryFor(type: ThreadSubjectType): Category | undefined {
  return getCategoryBySlug(SUBJECT_DEFAULT_CATEGORY[type]);
}
