// The resource library: files and links the community shares, their versions, who may change them, the lists and
// the full-text search (FTS5 over metadata and the text inside each resource's current file), and download counts.
//
// Files live on disk named by SHA-256 (app/utils/uploads.server.ts); stored_files holds one row per distinct file.
// resources_fts (rowid = resources.id) is rewritten in the same transaction as every change to a resource; the
// text inside a file arrives later from extractPendingTexts(), which reindexes the resources using that file.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db, sqlite } from '../../db/client.server';
import {
  RESOURCE_KINDS,
  VISIBILITIES,
  caseStudies,
  organisations,
  resourceCaseStudies,
  resourceTags,
  resourceVersions,
  resourceWorkshops,
  resources,
  storedFiles,
  users,
  workshops,
  type ResourceKind,
  type Visibility,
} from '../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { once, oncePerKey } from '~/utils/prepared.server';
import { toFtsQuery } from '~/utils/fts-query';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '~/utils/search-highlight';
import { EXTRACTABLE_TYPES, extractTextFromFile } from '~/utils/text-extraction.server';
import { formatDate, getZonedParts, parseDateInput } from '~/utils/time';
import { fileTypeLabel, removeStoredFile, storeUpload, storedFilePath, type AcceptedUpload } from '~/utils/uploads.server';
import { field, type FieldErrors } from '~/utils/validation.server';
import { recordAudit } from './audit.server';

export type Resource = typeof resources.$inferSelect;
type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];

export const RESOURCE_KIND_LABELS: Record<ResourceKind, string> = {
  report: 'Report',
  info_sheet: 'Info sheet',
  presentation: 'Presentation',
  template: 'Template',
  evaluation: 'Evaluation',
  programme_document: 'Programme document',
  assessment: 'Assessment',
  other: 'Other',
};

export const RESOURCE_KIND_OPTIONS = RESOURCE_KINDS.map((k) => ({ value: k as string, label: RESOURCE_KIND_LABELS[k] }));

export const VISIBILITY_LABELS: Record<Visibility, string> = { public: 'Public: anyone can see and download it', members: 'Members only' };

export const LICENCE_SUGGESTIONS = ['CC BY 4.0', 'CC BY-SA 4.0', 'CC BY-NC 4.0', 'All rights reserved'];

export const PAGE_SIZE = 20;

export { HIGHLIGHT_END, HIGHLIGHT_START };

// ---------------------------------------------------------------------------------------------------------------
// Permissions: anyone may see public resources; members see everything; members and project managers add; the
// uploader and coordinators edit, add versions and remove.

export function canViewResource(viewer: SessionUser | null, resource: Pick<Resource, 'visibility'>): boolean {
  return resource.visibility === 'public' || viewer !== null;
}

export function canAddResource(viewer: SessionUser | null): viewer is SessionUser {
  return viewer !== null;
}

export function canEditResource(user: SessionUser | null, resource: Pick<Resource, 'uploadedById'>): boolean {
  if (!user) return false;
  return user.role === 'coordinator' || (resource.uploadedById !== null && resource.uploadedById === user.id);
}

// ---------------------------------------------------------------------------------------------------------------
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
// Full-text index

const deleteFts = sqlite.prepare('delete from resources_fts where rowid = ?');
const insertFts = sqlite.prepare('insert into resources_fts (rowid, title, summary, authors, tags, body) values (?, ?, ?, ?, ?, ?)');
const ftsSource = sqlite.prepare(`
  select r.title, r.summary, r.authors,
    coalesce((select group_concat(t.tag, ' ') from resource_tags t where t.resource_id = r.id), '') as tags,
    coalesce((select f.extracted_text from resource_versions v join stored_files f on f.sha256 = v.sha256
              where v.resource_id = r.id order by v.version_number desc limit 1), '') as body
  from resources r where r.id = ?`);

const stripMarkers = (s: string) => s.replace(/[\uE000\uE001]/g, ' ');

/** Rewrites one resource's row in resources_fts. Call inside the transaction that changed the resource. */
export function reindexResource(resourceId: number) {
  deleteFts.run(resourceId);
  const row = ftsSource.get(resourceId) as { title: string; summary: string; authors: string; tags: string; body: string } | undefined;
  if (!row) return;
  insertFts.run(resourceId, stripMarkers(row.title), stripMarkers(row.summary), stripMarkers(row.authors), stripMarkers(row.tags), stripMarkers(row.body));
}

/** Rebuilds the whole index (after a restore, say). */
export function reindexAllResources(): number {
  const ids = db.select({ id: resources.id }).from(resources).all();
  db.transaction(() => {
    sqlite.prepare('delete from resources_fts').run();
    for (const { id } of ids) reindexResource(id);
  });
  return ids.length;
}

// toFtsQuery (what a person typed → a safe FTS5 query) is shared with the community-wide search: ~/utils/fts-query.
export { toFtsQuery };

// ---------------------------------------------------------------------------------------------------------------
// Writing

export type ResourceOutcome =
  | { ok: true; id: number; message: string }
  | { ok: false; errors: FieldErrors; duplicateOf?: { id: number; title: string } };

/** Which resource (and version) already holds these bytes, if any. */
export function findFileHolder(sha256: string) {
  return (
    db
      .select({ id: resources.id, title: resources.title, versionNumber: resourceVersions.versionNumber })
      .from(resourceVersions)
      .innerJoin(resources, eq(resources.id, resourceVersions.resourceId))
      .where(eq(resourceVersions.sha256, sha256))
      .orderBy(asc(resources.id), asc(resourceVersions.versionNumber))
      .get() ?? null
  );
}

function duplicateOutcome(holder: { id: number; title: string; versionNumber: number }, sameResource: boolean): ResourceOutcome {
  const message = sameResource
    ? `This file is already version ${holder.versionNumber} of this resource. Choose the new file.`
    : `The library already has this file: “${holder.title}”${holder.versionNumber > 1 ? ` (version ${holder.versionNumber})` : ''}. Open that resource instead of adding it again.`;
  return { ok: false, errors: { file: [message] }, duplicateOf: { id: holder.id, title: holder.title } };
}

function insertStoredFile(tx: Tx, upload: AcceptedUpload) {
  tx.insert(storedFiles)
    .values({
      sha256: upload.sha256,
      size: upload.size,
      mimeType: upload.mimeType,
      // null = waiting for extractPendingTexts(); types we cannot read are done at once.
      extractedText: EXTRACTABLE_TYPES.has(upload.mimeType) ? null : '',
    })
    .onConflictDoNothing()
    .run();
}

function validLinkIds(tx: Tx, input: Pick<ResourceInput, 'workshopIds' | 'caseStudyIds'>) {
  const workshopIds = input.workshopIds.length
    ? tx.select({ id: workshops.id }).from(workshops).where(inArray(workshops.id, input.workshopIds)).all().map((w) => w.id)
    : [];
  const caseStudyIds = input.caseStudyIds.length
    ? tx.select({ id: caseStudies.id }).from(caseStudies).where(inArray(caseStudies.id, input.caseStudyIds)).all().map((c) => c.id)
    : [];
  return { workshopIds, caseStudyIds };
}

function writeTagsAndLinks(tx: Tx, resourceId: number, input: ResourceInput) {
  tx.delete(resourceTags).where(eq(resourceTags.resourceId, resourceId)).run();
  for (const tag of input.tags) tx.insert(resourceTags).values({ resourceId, tag }).onConflictDoNothing().run();
  const links = validLinkIds(tx, input);
  tx.delete(resourceWorkshops).where(eq(resourceWorkshops.resourceId, resourceId)).run();
  for (const workshopId of links.workshopIds) tx.insert(resourceWorkshops).values({ resourceId, workshopId }).run();
  tx.delete(resourceCaseStudies).where(eq(resourceCaseStudies.resourceId, resourceId)).run();
  for (const caseStudyId of links.caseStudyIds) tx.insert(resourceCaseStudies).values({ resourceId, caseStudyId }).run();
}

function metadataColumns(input: ResourceInput) {
  return {
    title: input.title,
    kind: input.kind,
    authors: input.authors,
    organisationId: input.organisationId,
    publishedOn: input.publishedOn,
    summary: input.summary,
    licence: input.licence,
    visibility: input.visibility,
    reviewBy: input.reviewBy,
  };
}

/** If a database write failed after the file was moved into place, take the file away again (unless it is used). */
async function undoStoredFile(sha256: string, created: boolean) {
  if (!created) return;
  const used = db.select({ sha: storedFiles.sha256 }).from(storedFiles).where(eq(storedFiles.sha256, sha256)).get();
  if (!used) await removeStoredFile(sha256);
}

/**
 * Adds a resource: a file (`upload`, already checked by the upload handler) or a link (`input.url`).
 * A file the library already holds is refused with the resource that has it.
 */
export async function createResource(
  actor: SessionUser,
  input: ResourceInput & { url: string | null },
  upload: AcceptedUpload | null,
): Promise<ResourceOutcome> {
  if (!upload && !input.url) return { ok: false, errors: { file: ['Choose a file to upload, or add a link instead.'] } };
  if (upload) {
    const holder = findFileHolder(upload.sha256);
    if (holder) return duplicateOutcome(holder, false);
  }
  const stored = upload ? await storeUpload(upload) : null;
  try {
    const created = db.transaction(
      (tx) => {
        if (upload) {
          // Checked again inside the write lock: two people uploading the same file at once get one resource.
          const holder = tx
            .select({ id: resources.id, title: resources.title, versionNumber: resourceVersions.versionNumber })
            .from(resourceVersions)
            .innerJoin(resources, eq(resources.id, resourceVersions.resourceId))
            .where(eq(resourceVersions.sha256, upload.sha256))
            .get();
          if (holder) return { kind: 'duplicate' as const, holder };
          insertStoredFile(tx, upload);
        }
        const { id } = tx
          .insert(resources)
          .values({ ...metadataColumns(input), externalUrl: upload ? null : input.url, uploadedById: actor.id })
          .returning({ id: resources.id })
          .get();
        if (upload) {
          tx.insert(resourceVersions)
            .values({ resourceId: id, versionNumber: 1, sha256: upload.sha256, originalName: upload.originalName || 'file', uploadedById: actor.id })
            .run();
        }
        writeTagsAndLinks(tx, id, input);
        reindexResource(id);
        return { kind: 'created' as const, id };
      },
      { behavior: 'immediate' },
    );
    if (created.kind === 'duplicate') return duplicateOutcome(created.holder, false);
    return { ok: true, id: created.id, message: upload ? 'Resource added. Its text will be searchable in a moment.' : 'Link added to the library.' };
  } catch (error) {
    if (stored) await undoStoredFile(stored.sha256, stored.created);
    throw error;
  }
}

/** A new version of a file resource; earlier versions stay downloadable. */
export async function addResourceVersion(actor: SessionUser, resourceId: number, upload: AcceptedUpload, note: string): Promise<ResourceOutcome> {
  const resource = getResource(resourceId);
  if (!resource) return { ok: false, errors: { _form: ['This resource no longer exists.'] } };
  if (!canEditResource(actor, resource)) return { ok: false, errors: { _form: ['Only the person who added this resource, or a coordinator, can upload a new version.'] } };
  if (resource.externalUrl) return { ok: false, errors: { _form: ['This resource is a link; edit it to change the address.'] } };
  const holder = findFileHolder(upload.sha256);
  if (holder) return duplicateOutcome(holder, holder.id === resourceId);
  const stored = await storeUpload(upload);
  try {
    const result = db.transaction(
      (tx) => {
        const again = tx
          .select({ id: resources.id, title: resources.title, versionNumber: resourceVersions.versionNumber })
          .from(resourceVersions)
          .innerJoin(resources, eq(resources.id, resourceVersions.resourceId))
          .where(eq(resourceVersions.sha256, upload.sha256))
          .get();
        if (again) return { kind: 'duplicate' as const, holder: again };
        insertStoredFile(tx, upload);
        const { next } = tx
          .select({ next: sql<number>`coalesce(max(${resourceVersions.versionNumber}), 0) + 1` })
          .from(resourceVersions)
          .where(eq(resourceVersions.resourceId, resourceId))
          .get()!;
        tx.insert(resourceVersions)
          .values({ resourceId, versionNumber: next, sha256: upload.sha256, originalName: upload.originalName || 'file', note: note.slice(0, 500), uploadedById: actor.id })
          .run();
        tx.update(resources).set({ updatedAt: Date.now() }).where(eq(resources.id, resourceId)).run();
        reindexResource(resourceId);
        return { kind: 'created' as const, version: next };
      },
      { behavior: 'immediate' },
    );
    if (result.kind === 'duplicate') return duplicateOutcome(result.holder, result.holder.id === resourceId);
    return { ok: true, id: resourceId, message: `Version ${result.version} uploaded. Earlier versions stay available below.` };
  } catch (error) {
    await undoStoredFile(stored.sha256, stored.created);
    throw error;
  }
}

export type EditOutcome = { ok: true; message: string } | { ok: false; status: 403 | 404; message: string };

export function updateResource(actor: SessionUser, resourceId: number, input: ResourceInput & { url: string | null }): EditOutcome {
  const resource = getResource(resourceId);
  if (!resource) return { ok: false, status: 404, message: 'This resource no longer exists.' };
  if (!canEditResource(actor, resource)) return { ok: false, status: 403, message: 'Only the person who added this resource, or a coordinator, can edit it.' };
  db.transaction(
    (tx) => {
      tx.update(resources)
        .set({ ...metadataColumns(input), externalUrl: resource.externalUrl ? input.url ?? resource.externalUrl : null, updatedAt: Date.now() })
        .where(eq(resources.id, resourceId))
        .run();
      writeTagsAndLinks(tx, resourceId, input);
      if (actor.id !== resource.uploadedById) {
        recordAudit(tx, { actorId: actor.id, action: 'resource.edit', targetType: 'resource', targetId: resourceId, summary: `Edited “${input.title}”` });
      }
      reindexResource(resourceId);
    },
    { behavior: 'immediate' },
  );
  return { ok: true, message: 'Changes saved.' };
}

/** Removes a resource with all its versions; files no other resource uses are deleted from disk. */
export async function removeResource(actor: SessionUser, resourceId: number): Promise<EditOutcome> {
  const resource = getResource(resourceId);
  if (!resource) return { ok: false, status: 404, message: 'This resource no longer exists.' };
  if (!canEditResource(actor, resource)) return { ok: false, status: 403, message: 'Only the person who added this resource, or a coordinator, can remove it.' };
  const orphaned = db.transaction(
    (tx) => {
      const shas = [...new Set(tx.select({ sha: resourceVersions.sha256 }).from(resourceVersions).where(eq(resourceVersions.resourceId, resourceId)).all().map((v) => v.sha))];
      tx.delete(resources).where(eq(resources.id, resourceId)).run();
      deleteFts.run(resourceId);
      const unused: string[] = [];
      for (const sha of shas) {
        const stillUsed = tx.select({ id: resourceVersions.id }).from(resourceVersions).where(eq(resourceVersions.sha256, sha)).get();
        if (!stillUsed) {
          tx.delete(storedFiles).where(eq(storedFiles.sha256, sha)).run();
          unused.push(sha);
        }
      }
      recordAudit(tx, { actorId: actor.id, action: 'resource.remove', targetType: 'resource', targetId: resourceId, summary: `Removed “${resource.title}”` });
      return unused;
    },
    { behavior: 'immediate' },
  );
  await Promise.all(orphaned.map(removeStoredFile));
  return { ok: true, message: `“${resource.title}” was removed from the library.` };
}

// ---------------------------------------------------------------------------------------------------------------
// Text extraction (the background job)

let extractionQueue: Promise<unknown> = Promise.resolve();

const resourcesUsingAsCurrent = sqlite.prepare(`
  select v.resource_id as id from resource_versions v
  where v.sha256 = ? and v.version_number = (select max(v2.version_number) from resource_versions v2 where v2.resource_id = v.resource_id)`);

async function extractBatch(limit: number): Promise<number> {
  let done = 0;
  for (;;) {
    const pending = db
      .select({ sha256: storedFiles.sha256, mimeType: storedFiles.mimeType })
      .from(storedFiles)
      .where(sql`${storedFiles.extractedText} is null and ${storedFiles.extractionError} is null`)
      .orderBy(asc(storedFiles.createdAt))
      .limit(limit)
      .all();
    if (!pending.length) return done;
    for (const file of pending) {
      let text = '';
      let error: string | null = null;
      try {
        text = await extractTextFromFile(storedFilePath(file.sha256), file.mimeType);
      } catch (e) {
        error = (e instanceof Error ? e.message : String(e)).slice(0, 500) || 'Unreadable';
      }
      db.transaction(
        (tx) => {
          tx.update(storedFiles).set({ extractedText: text, extractionError: error }).where(eq(storedFiles.sha256, file.sha256)).run();
          for (const { id } of resourcesUsingAsCurrent.all(file.sha256) as { id: number }[]) reindexResource(id);
        },
        { behavior: 'immediate' },
      );
      done++;
    }
  }
}

/**
 * Reads the text of every stored file still waiting (extracted_text null) and reindexes the resources whose
 * current version it is. Calls queue behind each other, so a call always covers every file pending when it was
 * made. Returns how many files this call processed.
 */
export function extractPendingTexts({ batchSize = 10 } = {}): Promise<number> {
  const run = extractionQueue.then(() => extractBatch(batchSize));
  extractionQueue = run.catch(() => 0);
  return run;
}

/**
 * Starts reading new files soon after the response has gone (the upload pages call it), so search inside a new
 * document works within moments even between the background job's rounds.
 */
export function queueTextExtraction(): void {
  setImmediate(() => {
    extractPendingTexts().catch((error) => console.error('text extraction:', error));
  });
}

// ---------------------------------------------------------------------------------------------------------------
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
    .select({ id: caseStudies.id, slug: caseStudies.slug, title: caseStudies.title, visibility: caseStudies.visibility, publishedAt: caseStudies.publishedAt })
    .from(resourceCaseStudies)
    .innerJoin(caseStudies, eq(caseStudies.id, resourceCaseStudies.caseStudyId))
    .where(eq(resourceCaseStudies.resourceId, id))
    .orderBy(asc(caseStudies.title))
    .all()
    .filter((c) => (c.publishedAt !== null || viewer?.role === 'coordinator') && (c.visibility === 'public' || viewer !== null));
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

// Lists and search ---------------------------------------------------------------------------------------------

export type LibrarySort = 'newest' | 'downloads' | 'relevance';

export type LibraryFilters = {
  q?: string;
  kind?: ResourceKind;
  /** Organisation slug. */
  organisation?: string;
  year?: number;
  tag?: string;
  visibility?: Visibility;
  /** Only resources whose review-by date has passed. */
  overdue?: boolean;
  sort?: LibrarySort;
  page?: number;
};

export type ResourceListItem = {
  id: number;
  title: string;
  kind: ResourceKind;
  authors: string;
  summary: string;
  visibility: Visibility;
  publishedOn: number | null;
  reviewBy: number | null;
  externalUrl: string | null;
  downloadCount: number;
  createdAt: number;
  organisationName: string | null;
  organisationSlug: string | null;
  versionNumber: number | null;
  mimeType: string | null;
  size: number | null;
  tags: string[];
  /** With a search: a short passage around the match, matches between HIGHLIGHT_START and HIGHLIGHT_END. */
  snippet: string | null;
};

/** The first instant of a year in New Zealand, and of the next. */
function yearBounds(year: number): [number, number] {
  const start = parseDateInput(`${String(year).padStart(4, '0')}-01-01`);
  const end = parseDateInput(`${String(year + 1).padStart(4, '0')}-01-01`);
  if (!start.ok || !end.ok) return [0, 0];
  return [start.date.getTime(), end.date.getTime()];
}

/** Reads the library's query string (?q=&kind=&organisation=&year=&tag=&visibility=&review=overdue&sort=&page=). */
export function filtersFromSearchParams(params: URLSearchParams, viewer: SessionUser | null): LibraryFilters {
  const text = (name: string, max = 200) => (params.get(name) ?? '').trim().slice(0, max);
  const kind = text('kind');
  const visibility = text('visibility');
  const year = text('year');
  const sort = text('sort');
  const page = text('page');
  return {
    q: text('q', 300) || undefined,
    kind: (RESOURCE_KINDS as readonly string[]).includes(kind) ? (kind as ResourceKind) : undefined,
    organisation: text('organisation', 100) || undefined,
    year: /^\d{4}$/.test(year) ? Number(year) : undefined,
    tag: text('tag', 40).toLowerCase() || undefined,
    // Visitors see public resources only, so the choice means nothing to them.
    visibility: viewer && (VISIBILITIES as readonly string[]).includes(visibility) ? (visibility as Visibility) : undefined,
    overdue: viewer !== null && params.get('review') === 'overdue',
    sort: sort === 'downloads' || sort === 'newest' || sort === 'relevance' ? sort : undefined,
    page: /^\d{1,5}$/.test(page) && Number(page) > 0 ? Number(page) : 1,
  };
}

/**
 * The library, filtered and sorted, with a search when `q` is given (sorted by relevance unless another sort is
 * chosen). Members-only resources are left out for visitors. Returns one page and whether there are more.
 */
export function listResources(viewer: SessionUser | null, filters: LibraryFilters = {}, now = Date.now()): { items: ResourceListItem[]; hasMore: boolean; searched: boolean } {
  const where: string[] = [];
  const params: Record<string, string | number> = {};
  if (!viewer) where.push(`r.visibility = 'public'`);
  else if (filters.visibility) {
    where.push('r.visibility = @visibility');
    params.visibility = filters.visibility;
  }
  if (filters.kind) {
    where.push('r.kind = @kind');
    params.kind = filters.kind;
  }
  if (filters.organisation) {
    where.push('o.slug = @organisation');
    params.organisation = filters.organisation;
  }
  if (filters.year) {
    const [from, to] = yearBounds(filters.year);
    where.push('r.published_on >= @yearFrom and r.published_on < @yearTo');
    params.yearFrom = from;
    params.yearTo = to;
  }
  if (filters.tag) {
    where.push('exists (select 1 from resource_tags t where t.resource_id = r.id and t.tag = @tag)');
    params.tag = filters.tag;
  }
  if (filters.overdue && viewer) {
    where.push('r.review_by is not null and r.review_by < @now');
    params.now = now;
  }
  const match = filters.q ? toFtsQuery(filters.q) : null;
  if (filters.q && !match) return { items: [], hasMore: false, searched: true };
  if (match) params.match = match;

  const sort = filters.sort ?? (match ? 'relevance' : 'newest');
  const order =
    sort === 'relevance' && match
      ? 'bm25(resources_fts, 10.0, 4.0, 4.0, 4.0, 1.0), r.id desc'
      : sort === 'downloads'
        ? 'r.download_count desc, coalesce(r.published_on, r.created_at) desc, r.id desc'
        : 'coalesce(r.published_on, r.created_at) desc, r.id desc';
  const page = Math.max(1, filters.page ?? 1);
  params.limit = PAGE_SIZE + 1;
  params.offset = (page - 1) * PAGE_SIZE;
  params.hlStart = HIGHLIGHT_START;
  params.hlEnd = HIGHLIGHT_END;

  const from = match
    ? `resources_fts join resources r on r.id = resources_fts.rowid`
    : `resources r`;
  if (match) where.push('resources_fts match @match');
  const rows = sqlite
    .prepare(
      `select r.id, r.title, r.kind, r.authors, r.summary, r.visibility, r.published_on as publishedOn, r.review_by as reviewBy,
        r.external_url as externalUrl, r.download_count as downloadCount, r.created_at as createdAt,
        o.name as organisationName, o.slug as organisationSlug,
        ${match ? `snippet(resources_fts, -1, @hlStart, @hlEnd, '…', 14)` : 'null'} as snippet
      from ${from}
      left join organisations o on o.id = r.organisation_id
      ${where.length ? `where ${where.join(' and ')}` : ''}
      order by ${order}
      limit @limit offset @offset`,
    )
    .all(params) as Omit<ResourceListItem, 'tags' | 'versionNumber' | 'mimeType' | 'size'>[];
  const hasMore = rows.length > PAGE_SIZE;
  const pageRows = rows.slice(0, PAGE_SIZE);
  const ids = pageRows.map((r) => r.id);
  // The current file and the tags are read for the page only: joined in the query above, the current-version lookup
  // ran for every resource in the library before the sort (28 ms of 30 on the bench's 5,000 resources).
  const tags = tagsFor(ids);
  const files = currentFilesFor(ids);
  return {
    items: pageRows.map((r) => {
      const file = files.get(r.id);
      return { ...r, versionNumber: file?.versionNumber ?? null, mimeType: file?.mimeType ?? null, size: file?.size ?? null, tags: tags.get(r.id) ?? [] };
    }),
    hasMore,
    searched: match !== null,
  };
}

// The library, the home page and the workshop and case-study pages run these reads on every view: their statements
// are prepared once (drizzle building the SQL cost more than running it), with the ids as one JSON array (json_each).
const currentFilesQuery = once(() =>
  sqlite.prepare<[string], { resourceId: number; versionNumber: number; mimeType: string | null; size: number | null }>(
    `select v.resource_id as resourceId, v.version_number as versionNumber, f.mime_type as mimeType, f.size as size
       from resource_versions v left join stored_files f on f.sha256 = v.sha256
       where v.resource_id in (select value from json_each(?))
         and v.version_number = (select max(v2.version_number) from resource_versions v2 where v2.resource_id = v.resource_id)`,
  ),
);

/** The current (highest-numbered) version of each of these resources, with its file's type and size. */
function currentFilesFor(ids: number[]): Map<number, { versionNumber: number; mimeType: string | null; size: number | null }> {
  const map = new Map<number, { versionNumber: number; mimeType: string | null; size: number | null }>();
  if (!ids.length) return map;
  const rows = currentFilesQuery().all(JSON.stringify(ids));
  for (const { resourceId, ...file } of rows) map.set(resourceId, file);
  return map;
}

const tagsQuery = once(() =>
  db
    .select()
    .from(resourceTags)
    .where(sql`${resourceTags.resourceId} in (select value from json_each(${sql.placeholder('ids')}))`)
    .orderBy(asc(resourceTags.tag))
    .prepare(),
);

function tagsFor(ids: number[]): Map<number, string[]> {
  const map = new Map<number, string[]>();
  if (!ids.length) return map;
  const rows = tagsQuery().all({ ids: JSON.stringify(ids) });
  for (const row of rows) (map.get(row.resourceId) ?? map.set(row.resourceId, []).get(row.resourceId)!).push(row.tag);
  return map;
}

/** Full-text search over titles, summaries, authors, tags and the text inside files, best match first. */
export function searchResources(query: string, viewer: SessionUser | null, filters: Omit<LibraryFilters, 'q'> = {}) {
  return listResources(viewer, { ...filters, q: query });
}

/** Choices for the library's filters, drawn from what this viewer can see. */
export function libraryFilterOptions(viewer: SessionUser | null) {
  // Members see every resource, so only a visitor's lists need each resource's visibility (and the joins that read
  // it). Counting and grouping stay in SQL: reading every row into JavaScript cost 30 ms on 5,000 resources.
  const publicOnly = viewer ? '' : ` and r.visibility = 'public'`;
  const orgs = sqlite
    .prepare(`select o.slug, o.name from organisations o where exists (select 1 from resources r where r.organisation_id = o.id${publicOnly}) order by o.name asc`)
    .all() as { slug: string; name: string }[];
  // From the newest year of publication to the oldest, in New Zealand (two index lookups; reading every resource's
  // date cost 12 ms on 5,000). A year in between with nothing published simply finds nothing.
  const range = sqlite
    .prepare(
      `select (select min(r.published_on) from resources r where r.published_on is not null${publicOnly}) as first,
              (select max(r.published_on) from resources r where r.published_on is not null${publicOnly}) as last`,
    )
    .get() as { first: number | null; last: number | null };
  const years: number[] = [];
  if (range.first !== null && range.last !== null) {
    for (let y = getZonedParts(range.last).year; y >= getZonedParts(range.first).year && years.length < 100; y--) years.push(y);
  }
  const tags = sqlite
    .prepare(
      viewer
        ? `select tag, count(*) as count from resource_tags group by tag order by tag asc limit 100`
        : `select t.tag, count(*) as count from resource_tags t join resources r on r.id = t.resource_id where r.visibility = 'public' group by t.tag order by t.tag asc limit 100`,
    )
    .all() as { tag: string; count: number }[];
  return { organisations: orgs, years, tags };
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
  const publicOnly = viewer ? '' : `and r.visibility = 'public'`;
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
