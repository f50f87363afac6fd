// Erasure (issue 18, Privacy Act 2020): a member asks and a coordinator confirms in the portal, or a coordinator acts
// on a written request. One synchronous transaction removes or anonymises everything personal; stored files go
// afterwards (listed on the request, so a crash between the two is finished by running it again or by the job).
//
// What stays: the community's record. Posts remain, attributed to "Former member" (or are hidden with a note when
// the person asks), past RSVPs remain as attendance, case studies and link resources stay. Rather than naming every
// table, the transaction (1) deletes the person's rows from every table with a user_id column except the few kept
// on purpose, and (2) replaces the person's name and email in every text column of every table, so a table added
// later (linked identities, passkeys, TOTP) is covered without anyone remembering to add it here.
import fs from 'node:fs/promises';
import path from 'node:path';
import { and, desc, eq, sql } from 'drizzle-orm';
import { db, sqlite } from '../../db/client.server';
import { erasureRequests, users, workshops } from '../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { env } from '~/utils/env.server';
import { escapeHtml } from '~/utils/html';
import { storedFilePath } from '~/utils/uploads.server';
import { recordAudit } from './audit.server';
import { exportDir, personColumns } from './data-export.server';
import { promoteFromWaitlist, type Tx } from './rsvps.server';

export const FORMER_MEMBER = 'Former member';
export const REMOVED_POST_NOTE = 'This post was removed at its author’s request.';

// Tables whose rows for the person are kept: attendance at past workshops, and the erasure request itself.
const KEPT_USER_ROWS = new Set(['rsvps', 'erasure_requests']);
// Tables never rewritten by the text sweep: the person's own row is rewritten field by field (another member may
// share the name), requests hold no personal details, run counts are numbers.
const NOT_SWEPT = new Set(['users', 'erasure_requests', 'retention_runs', '__drizzle_migrations']);

export type ErasureOutcome = { ok: true; message: string } | { ok: false; message: string };

export function erasedEmail(userId: number): string {
  return `erased-${userId}@erased.invalid`;
}

/** The member's own pending request, if any (for /settings/privacy). */
export function pendingErasureFor(userId: number) {
  return db
    .select({ id: erasureRequests.id, createdAt: erasureRequests.createdAt, removePosts: erasureRequests.removePosts })
    .from(erasureRequests)
    .where(and(eq(erasureRequests.userId, userId), eq(erasureRequests.status, 'pending')))
    .get();
}

/** A member asks for their account to be erased; a coordinator confirms it in the portal. */
export function requestErasure(user: SessionUser, { removePosts }: { removePosts: boolean }): ErasureOutcome {
  return db.transaction(
    (tx) => {
      const refusal = lastCoordinatorRefusal(user.id);
      if (refusal) return { ok: false, message: refusal };
      const pending = tx
        .select({ id: erasureRequests.id })
        .from(erasureRequests)
        .where(and(eq(erasureRequests.userId, user.id), eq(erasureRequests.status, 'pending')))
        .get();
      if (pending) return { ok: false, message: 'You have already asked for your account to be erased. A coordinator will confirm it soon; you can withdraw the request below.' };
      const row = tx.insert(erasureRequests).values({ userId: user.id, source: 'member', removePosts, requestedById: user.id }).returning({ id: erasureRequests.id }).get();
      recordAudit(tx, { actorId: user.id, action: 'erasure.request', targetType: 'erasure_request', targetId: row.id, summary: `Erasure requested by the member (request #${row.id})` });
      return { ok: true, message: 'Your request has been sent to the coordinators. Your account stays as it is until one of them confirms it.' };
    },
    { behavior: 'immediate' },
  );
}

export function withdrawErasureRequest(user: SessionUser): ErasureOutcome {
  const changed = db
    .update(erasureRequests)
    .set({ status: 'declined', decidedAt: Date.now(), decidedById: user.id })
    .where(and(eq(erasureRequests.userId, user.id), eq(erasureRequests.status, 'pending')))
    .run().changes;
  return changed ? { ok: true, message: 'Your erasure request has been withdrawn.' } : { ok: false, message: 'You have no erasure request waiting.' };
}

/** Requests waiting for a coordinator, and the latest ones decided. */
export function listErasureRequests() {
  return sqlite
    .prepare(
      `select r.id, r.user_id as userId, r.source, r.remove_posts as removePosts, r.reference, r.status, r.created_at as createdAt,
         r.decided_at as decidedAt, u.name, u.email, o.name as organisationName, r.files_to_remove <> '[]' as filesPending
       from erasure_requests r join users u on u.id = r.user_id join organisations o on o.id = u.organisation_id
       order by r.status = 'pending' desc, r.id desc limit 100`,
    )
    .all() as {
    id: number;
    userId: number;
    source: 'member' | 'written';
    removePosts: number;
    reference: string;
    status: 'pending' | 'erased' | 'declined';
    createdAt: number;
    decidedAt: number | null;
    name: string;
    email: string;
    organisationName: string;
    filesPending: number;
  }[];
}

export function declineErasureRequest(actor: SessionUser, requestId: number): ErasureOutcome {
  if (actor.role !== 'coordinator') return { ok: false, message: 'Only coordinators can decide erasure requests.' };
  return db.transaction((tx) => {
    const changed = tx
      .update(erasureRequests)
      .set({ status: 'declined', decidedAt: Date.now(), decidedById: actor.id })
      .where(and(eq(erasureRequests.id, requestId), eq(erasureRequests.status, 'pending')))
      .run().changes;
    if (!changed) return { ok: false, message: 'That request is no longer waiting.' };
    recordAudit(tx, { actorId: actor.id, action: 'erasure.decline', targetType: 'erasure_request', targetId: requestId, summary: `Declined erasure request #${requestId}` });
    return { ok: true, message: 'The request has been declined.' };
  });
}

/** A coordinator acts on a request received in writing: recorded as a request, then carried out at once. */
export async function eraseOnWrittenRequest(
  actor: SessionUser,
  input: { email: string; reference: string; removePosts: boolean },
): Promise<{ ok: true; message: string } | { ok: false; message: string; field?: 'email' }> {
  if (actor.role !== 'coordinator') return { ok: false, message: 'Only coordinators can erase accounts.' };
  const target = db.select({ id: users.id, erasedAt: users.erasedAt }).from(users).where(eq(users.email, input.email)).get();
  if (!target) return { ok: false, field: 'email', message: 'No member has this email address. Check it against the written request.' };
  if (target.erasedAt) return { ok: false, field: 'email', message: 'That account has already been erased.' };
  if (target.id === actor.id) return { ok: false, field: 'email', message: 'Ask another coordinator to erase your own account.' };
  const refusal = lastCoordinatorRefusal(target.id);
  if (refusal) return { ok: false, field: 'email', message: refusal };
  const existing = pendingErasureFor(target.id);
  const requestId = existing
    ? existing.id
    : db
        .insert(erasureRequests)
        .values({ userId: target.id, source: 'written', reference: input.reference, removePosts: input.removePosts, requestedById: actor.id })
        .returning({ id: erasureRequests.id })
        .get().id;
  if (existing) {
    db.update(erasureRequests)
      .set({ source: 'written', removePosts: input.removePosts || existing.removePosts, reference: input.reference })
      .where(eq(erasureRequests.id, existing.id))
      .run();
  }
  return eraseAccount(actor, requestId);
}

export function countPendingErasures(): number {
  return (sqlite.prepare(`select count(*) as n from erasure_requests where status = 'pending'`).get() as { n: number }).n;
}

function lastCoordinatorRefusal(userId: number): string | null {
  const row = sqlite
    .prepare(
      `select (select role from users where id = @id) as role,
         (select count(*) from users where role = 'coordinator' and deactivated_at is null and erased_at is null and id <> @id) as others`,
    )
    .get({ id: userId }) as { role: string | null; others: number };
  return row.role === 'coordinator' && row.others === 0
    ? 'This is the last coordinator. Make another member a coordinator first, so someone can still run the portal.'
    : null;
}

/**
 * Carries out an erasure request. Safe to repeat: an erased request only finishes removing its files. The database
 * part is one IMMEDIATE transaction; the files listed on the request are deleted after it commits.
 */
export async function eraseAccount(actor: SessionUser, requestId: number, now = Date.now()): Promise<ErasureOutcome> {
  if (actor.role !== 'coordinator') return { ok: false, message: 'Only coordinators can erase accounts.' };
  const outcome = db.transaction(
    (tx): ErasureOutcome => {
      const request = tx.select().from(erasureRequests).where(eq(erasureRequests.id, requestId)).get();
      if (!request) return { ok: false, message: 'There is no such erasure request.' };
      if (request.status === 'erased') return { ok: true, message: 'That account had already been erased.' };
      if (request.status !== 'pending') return { ok: false, message: 'That request was withdrawn or declined.' };
      if (request.userId === actor.id) return { ok: false, message: 'Ask another coordinator to confirm the erasure of your own account.' };
      const refusal = lastCoordinatorRefusal(request.userId);
      if (refusal) return { ok: false, message: refusal };
      const person = tx.select().from(users).where(eq(users.id, request.userId)).get()!;
      const files = eraseInTransaction(tx, person, { removePosts: request.removePosts, now });
      tx.update(erasureRequests)
        .set({ status: 'erased', decidedAt: now, decidedById: actor.id, filesToRemove: JSON.stringify(files) })
        .where(eq(erasureRequests.id, requestId))
        .run();
      const how = request.source === 'written' ? `on a written request${request.reference ? ` (${request.reference})` : ''}` : 'at the member’s request';
      recordAudit(tx, {
        actorId: actor.id,
        action: 'member.erase',
        targetType: 'user',
        targetId: request.userId,
        summary: `Erased account #${request.userId} ${how}; posts ${request.removePosts ? 'removed' : 'kept as Former member'} (request #${requestId})`,
      });
      return { ok: true, message: `The account has been erased. It now shows as “${FORMER_MEMBER}”.` };
    },
    { behavior: 'immediate' },
  );
  if (outcome.ok) await removeErasedFiles(requestId);
  return outcome;
}

type Person = typeof users.$inferSelect;

/** Everything personal about one person, inside the caller's transaction. Returns the files to delete afterwards. */
function eraseInTransaction(tx: Tx, person: Person, { removePosts, now }: { removePosts: boolean; now: number }): string[] {
  const id = person.id;
  const files: string[] = [];

  // Future RSVPs are withdrawn; a freed seat goes to the waitlist as usual. Past ones stay as the attendance record.
  const future = sqlite
    .prepare<[number, number], { workshop_id: number; seat_status: string | null }>(
      `select r.workshop_id, r.seat_status from rsvps r join workshops w on w.id = r.workshop_id where r.user_id = ? and w.ends_at > ?`,
    )
    .all(id, now);
  sqlite.prepare('delete from rsvps where user_id = ? and workshop_id in (select id from workshops where ends_at > ?)').run(id, now);
  for (const r of future) {
    if (r.seat_status !== 'confirmed') continue;
    const workshop = tx.select().from(workshops).where(eq(workshops.id, r.workshop_id)).get();
    if (workshop) promoteFromWaitlist(tx, workshop, now);
  }

  // Mail to them: pending mail is cancelled, and kept copies of sent mail go too (with their .eml files).
  const theirMail = sqlite.prepare<[string], { id: number }>('select id from outbox where to_address = ?').all(person.email).map((r) => r.id);
  for (const mailId of theirMail) {
    sqlite.prepare('update digest_recipients set outbox_id = null where outbox_id = ?').run(mailId);
    sqlite.prepare('delete from outbox where id = ?').run(mailId);
    files.push(`mail:${mailId}`);
  }
  // Invitations to, and requests to join from, their address.
  sqlite.prepare('delete from invitations where email = ?').run(person.email);
  sqlite.prepare('delete from join_requests where email = ?').run(person.email);

  // Their export ZIPs.
  for (const row of sqlite.prepare<[number], { file_name: string | null }>('select file_name from data_exports where user_id = ?').all(id)) {
    if (row.file_name) files.push(`export:${path.basename(row.file_name)}`);
  }

  // Files they own: resources they uploaded as files are removed (versions, tags and links with them); a stored
  // file stays if another resource still points at it. Link resources and versions they added to others' resources stay.
  const owned = sqlite.prepare<[number], { id: number }>('select id from resources where uploaded_by_id = ? and external_url is null').all(id).map((r) => r.id);
  const candidates = new Set<string>();
  for (const resourceId of owned) {
    for (const v of sqlite.prepare<[number], { sha256: string }>('select sha256 from resource_versions where resource_id = ?').all(resourceId)) candidates.add(v.sha256);
    sqlite.prepare(`update threads set subject_type = null, subject_id = null where subject_type = 'resource' and subject_id = ?`).run(resourceId);
    sqlite.prepare('delete from resources where id = ?').run(resourceId);
  }
  for (const sha of candidates) {
    const used = sqlite.prepare('select 1 from resource_versions where sha256 = ? limit 1').get(sha);
    if (used) continue;
    sqlite.prepare('delete from stored_files where sha256 = ?').run(sha);
    files.push(`upload:${sha}`);
  }

  // Posts: kept as "Former member", or hidden with a note (their text and edit history removed) when asked.
  if (removePosts) {
    const html = `<p>${escapeHtml(REMOVED_POST_NOTE)}</p>`;
    sqlite.prepare('delete from post_revisions where post_id in (select id from posts where author_id = ?)').run(id);
    sqlite.prepare('update posts set body_md = ?, body_html = ?, hidden_at = coalesce(hidden_at, ?) where author_id = ?').run(REMOVED_POST_NOTE, html, now, id);
  }

  // Every other row that is about them alone (sessions, tokens, watches, reads, exports, linked sign-in identities,
  // sign-ins in progress, passkeys …): any table with a user_id (or …_user_id) column.
  for (const { table, column } of personColumns()) {
    if (KEPT_USER_ROWS.has(table)) continue;
    sqlite.prepare(`delete from "${table}" where "${column}" = ?`).run(id);
  }

  // The account itself.
  tx.update(users)
    .set({
      name: FORMER_MEMBER,
      email: erasedEmail(id),
      role: 'member',
      passwordHash: null,
      emailVerifiedAt: null,
      jobTitle: '',
      bio: '',
      interests: '',
      calendarToken: null,
      digestFrequency: 'off',
      replyNotifications: false,
      workshopAnnouncements: false,
      emailBouncedAt: null,
      deactivatedAt: person.deactivatedAt ?? now,
      erasedAt: now,
    })
    .where(eq(users.id, id))
    .run();

  // Their name and email anywhere else (mentions, audit summaries, digest snapshots not yet sent, mail to others,
  // the search index): replaced in every text column of every table.
  const columns = sweptColumns();
  sweepText(columns, person.email, '');
  // A very short name would match inside ordinary words, so only names of five characters or more are swept.
  if (person.name.trim().length >= 5 && person.name !== FORMER_MEMBER) {
    for (const form of new Set([person.name, escapeHtml(person.name), JSON.stringify(person.name).slice(1, -1)])) sweepText(columns, form, FORMER_MEMBER);
  }
  // Unsent digests no longer introduce them as a new member.
  sqlite.prepare(`delete from digest_items where item_key = ? and digest_id in (select id from digests where status <> 'sent')`).run(`member:${id}`);
  return files;
}

/** Every (table, text column) the sweep rewrites: ordinary tables only (FTS indexes follow search_docs by trigger). */
function sweptColumns(): { table: string; column: string }[] {
  const tables = sqlite
    .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and sql not like 'CREATE VIRTUAL%'`)
    .all() as { name: string }[];
  const shadow = new Set(
    (sqlite.prepare(`select name from sqlite_master where type = 'table' and sql like 'CREATE VIRTUAL%'`).all() as { name: string }[]).map((t) => t.name),
  );
  const out: { table: string; column: string }[] = [];
  for (const { name } of tables) {
    if (NOT_SWEPT.has(name) || [...shadow].some((v) => name.startsWith(`${v}_`))) continue;
    const columns = sqlite.prepare('select name, type, hidden from pragma_table_xinfo(?)').all(name) as { name: string; type: string; hidden: number }[];
    for (const c of columns) if (c.hidden === 0 && (c.type === '' || /text|char|clob/i.test(c.type))) out.push({ table: name, column: c.name });
  }
  return out;
}

function sweepText(columns: { table: string; column: string }[], needle: string, replacement: string) {
  if (!needle) return;
  for (const { table, column } of columns) {
    sqlite.prepare(`update "${table}" set "${column}" = replace("${column}", ?, ?) where instr("${column}", ?) > 0`).run(needle, replacement, needle);
  }
}

/** Deletes the files an erased request lists, then clears the list. Repeating it is harmless. */
export async function removeErasedFiles(requestId: number): Promise<void> {
  const row = db.select({ files: erasureRequests.filesToRemove }).from(erasureRequests).where(eq(erasureRequests.id, requestId)).get();
  if (!row) return;
  const files = JSON.parse(row.files) as string[];
  for (const entry of files) {
    const [kind, name] = [entry.slice(0, entry.indexOf(':')), entry.slice(entry.indexOf(':') + 1)];
    let file: string | null = null;
    if (kind === 'upload') file = storedFilePath(name);
    else if (kind === 'mail') file = path.join(env().MAIL_DIR, `${String(Number(name)).padStart(6, '0')}.eml`);
    else if (kind === 'export') file = path.join(exportDir(), path.basename(name));
    if (file) await fs.rm(file, { force: true });
  }
  db.update(erasureRequests).set({ filesToRemove: '[]' }).where(eq(erasureRequests.id, requestId)).run();
}

/** The background job: finishes file removal for erasures whose process stopped after the commit. */
export async function finishErasures(): Promise<number> {
  const rows = db
    .select({ id: erasureRequests.id })
    .from(erasureRequests)
    .where(and(eq(erasureRequests.status, 'erased'), sql`${erasureRequests.filesToRemove} <> '[]'`))
    .orderBy(desc(erasureRequests.id))
    .all();
  for (const row of rows) await removeErasedFiles(row.id);
  return rows.length;
}
