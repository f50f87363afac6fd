import { asc, eq, inArray, sql } from 'drizzle-orm';
import { db, sqlite } from '../../../db/client.server';
import {
  caseStudies,
  resourceCaseStudies,
  resources,
  resourceTags,
  resourceVersions,
  resourceWorkshops,
  storedFiles,
  workshops,
} from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { toFtsQuery } from '~/utils/fts-query';
import { EXTRACTABLE_TYPES } from '~/utils/text-extraction.server';
import { type AcceptedUpload, removeStoredFile, storeUpload } from '~/utils/uploads.server';
import type { FieldErrors } from '~/utils/validation.server';
import { recordAudit } from '../audit.server';
import { type Tx, canEditResource } from './shared.server';
import type { ResourceInput } from './input.server';
import { getResource } from './reading.server';

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
