// "Download my data" (issue 18, Privacy Act 2020 IPP 6): a member asks at /settings/privacy; the background job
// builds a ZIP off the request path (JSON of every kind of record about them, the files they uploaded, a README),
// streamed to disk with yazl, and emails a single-use link that works for EXPORT_LINK_HOURS while they are signed in.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { and, desc, eq, sql } from 'drizzle-orm';
import yazl from 'yazl';
import { db, sqlite } from '../../db/client.server';
import { dataExports, users } from '../../db/schema';
import { dataExportReadyEmail } from '../../emails';
import { generateToken, hashToken, type SessionUser } from '~/utils/auth.server';
import { absoluteUrl, env } from '~/utils/env.server';
import { queueEmail } from '~/utils/mail.server';
import { formatDateTime } from '~/utils/time';
import { storedFilePath } from '~/utils/uploads.server';
import { logger } from '~/utils/logger.server';

const HOUR = 60 * 60 * 1000;

export function exportDir(): string {
  return path.join(path.resolve(env().DATA_DIR), 'exports');
}

export type ExportStatus = {
  pending: boolean;
  ready: { expiresAt: number } | null;
  lastDownloadedAt: number | null;
};

/** What /settings/privacy shows about the member's exports. */
export function exportStatus(userId: number, now = Date.now()): ExportStatus {
  const rows = db.select().from(dataExports).where(eq(dataExports.userId, userId)).orderBy(desc(dataExports.id)).limit(10).all();
  const ready = rows.find((r) => r.status === 'ready' && (r.expiresAt ?? 0) > now);
  return {
    pending: rows.some((r) => r.status === 'pending'),
    ready: ready ? { expiresAt: ready.expiresAt! } : null,
    lastDownloadedAt: rows.find((r) => r.downloadedAt)?.downloadedAt ?? null,
  };
}

export type ExportRequestOutcome = { ok: true; message: string } | { ok: false; message: string };

/** Queues an export for the background job. A second request while one is being prepared changes nothing. */
export function requestDataExport(user: SessionUser): ExportRequestOutcome {
  const outcome = db.transaction(
    (tx) => {
      const pending = tx
        .select({ id: dataExports.id })
        .from(dataExports)
        .where(and(eq(dataExports.userId, user.id), eq(dataExports.status, 'pending')))
        .get();
      if (pending) return { ok: false as const, message: 'Your copy is already being prepared. We will email you a download link as soon as it is ready; there is no need to ask again.' };
      tx.insert(dataExports).values({ userId: user.id }).run();
      return { ok: true as const, message: `We are preparing a copy of your data. We will email ${user.email} a download link when it is ready (usually within a few minutes).` };
    },
    { behavior: 'immediate' },
  );
  if (outcome.ok) kickExportBuilder();
  return outcome;
}

function kickExportBuilder() {
  (globalThis as { __kickExportBuilder?: () => void }).__kickExportBuilder?.();
}

/** Lets the background job be woken when an export is requested (set by jobs.server.ts). */
export function onExportRequested(kick: (() => void) | undefined) {
  (globalThis as { __kickExportBuilder?: () => void }).__kickExportBuilder = kick;
}

type Section = { file: string; about: string; data: unknown };

// Columns never exported: secrets that would let someone act as the person (they are theirs, but useless to read
// and dangerous to leak from a downloaded ZIP).
// Second factors (decision 011): the authenticator app's encrypted key, recovery-code hashes, WebAuthn handles and
// challenges.
const SECRET_COLUMN = /(^|_)(password_hash|token_hash|verify_token_hash|secret|secret_encrypted|code_hash|user_handle|challenge|calendar_token|credential_public_key|public_key|counter)$/;

function rows(statement: string, ...params: unknown[]): Record<string, unknown>[] {
  return (sqlite.prepare(statement).all(...params) as Record<string, unknown>[]).map((row) => {
    const clean: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      if (SECRET_COLUMN.test(key)) continue;
      clean[key] = typeof value === 'number' && /(_at|_on|_until|^due_date)$/.test(key) && value > 1e11 ? new Date(value).toISOString() : value;
    }
    return clean;
  });
}

// Tables read explicitly below; any other table with a user_id column is exported whole in other-records.json, so a
// table added later (linked identities, passkeys) reaches the export without anyone remembering to add it here.
const COVERED = new Set([
  'users', 'sessions', 'rsvps', 'posts', 'post_revisions', 'threads', 'thread_reads', 'thread_watches', 'category_watches',
  'case_study_managers', 'case_study_revisions', 'digest_recipients', 'data_exports', 'erasure_requests',
  'password_resets', 'resources', 'resource_versions', 'post_reports', 'audit_log', 'outbox',
]);

/** Every kind of record the portal holds about one person, as the files of the ZIP. */
export function collectPersonalData(userId: number): { sections: Section[]; files: { sha256: string; name: string }[] } {
  const user = sqlite.prepare('select * from users where id = ?').get(userId) as Record<string, unknown> | undefined;
  if (!user) throw new Error(`No user ${userId}`);
  const email = String(user.email);
  const sections: Section[] = [
    {
      file: 'profile.json',
      about: 'Your account: name, email, job title, biography, interests, role, when you joined and confirmed your email, and your notification settings (digest frequency, reply and workshop emails).',
      data: rows(
        `select id, email, name, role, job_title, bio, interests, email_verified_at, deactivated_at, digest_frequency,
           reply_notifications, workshop_announcements, email_bounced_at, created_at, calendar_token is not null as has_personal_calendar_feed
         from users where id = ?`,
        userId,
      )[0],
    },
    {
      file: 'organisation.json',
      about: 'The organisation you belong to (and its kind), and your role in the portal.',
      data: rows(`select o.id, o.name, o.slug, o.kind, o.website, u.role from users u join organisations o on o.id = u.organisation_id where u.id = ?`, userId)[0],
    },
    {
      file: 'sign-in-history.json',
      about: 'The sign-ins the portal still keeps (sessions: when each started, when it ends, and the browser it came from). Expired sessions are deleted daily.',
      data: rows('select created_at, expires_at, absolute_expires_at, user_agent from sessions where user_id = ? order by created_at', userId),
    },
    {
      file: 'rsvps.json',
      about: 'Your answers to workshop invitations (going, maybe, can\'t go), your seat or waitlist place, how you attend, needs you told us about, and whether you attended.',
      data: rows(
        `select w.title as workshop, w.slug as workshop_slug, w.starts_at, r.response, r.seat_status, r.attendance_mode, r.needs,
           r.waitlisted_at, r.attended, r.responded_at, r.created_at
         from rsvps r join workshops w on w.id = r.workshop_id where r.user_id = ? order by w.starts_at`,
        userId,
      ),
    },
    {
      file: 'posts.json',
      about: 'Everything you posted in discussions (threads you started and replies), with their edit history: each earlier version of a post, and who edited it.',
      data: {
        threadsStarted: rows('select id, title, category_id, created_at, hidden_at from threads where author_id = ? order by id', userId),
        posts: rows(
          `select p.id, p.thread_id, t.title as thread, p.number, p.body_md, p.created_at, p.edited_at, p.deleted_at, p.hidden_at
           from posts p join threads t on t.id = p.thread_id where p.author_id = ? order by p.id`,
          userId,
        ),
        editHistory: rows(
          `select r.post_id, r.body_md, r.editor_id, r.created_at from post_revisions r join posts p on p.id = r.post_id
           where p.author_id = ? or r.editor_id = ? order by r.id`,
          userId,
          userId,
        ),
        reportsYouMade: rows('select post_id, reason, status, created_at from post_reports where reporter_id = ?', userId),
      },
    },
    {
      file: 'case-studies.json',
      about: 'Pilot case studies you created or manage, and every revision you saved (a full copy of the case study as you saved it).',
      data: {
        caseStudies: rows(
          `select c.id, c.slug, c.title, c.status, c.visibility, c.published_at, c.created_at, c.updated_at,
             c.created_by_id = ? as you_created_it, exists (select 1 from case_study_managers m where m.case_study_id = c.id and m.user_id = ?) as you_manage_it
           from case_studies c where c.created_by_id = ? or c.id in (select case_study_id from case_study_managers where user_id = ?)`,
          userId, userId, userId, userId,
        ),
        revisionsYouWrote: rows('select case_study_id, changed_fields, snapshot, created_at from case_study_revisions where editor_id = ? order by id', userId),
      },
    },
    {
      file: 'resources.json',
      about: 'Resources you added to the library and the file versions you uploaded (the files themselves are in the files/ folder, named by version).',
      data: {
        resources: rows('select id, title, kind, authors, summary, licence, visibility, external_url, created_at, updated_at from resources where uploaded_by_id = ?', userId),
        versionsYouUploaded: rows(
          `select v.resource_id, v.version_number, v.original_name, v.note, f.mime_type, f.size, v.sha256, v.created_at
           from resource_versions v join stored_files f on f.sha256 = v.sha256 where v.uploaded_by_id = ? order by v.id`,
          userId,
        ),
      },
    },
    {
      file: 'watches-and-notifications.json',
      about: 'Threads and categories you watch or muted, how far you have read each thread, and your notification settings.',
      data: {
        notificationSettings: rows('select digest_frequency, reply_notifications, workshop_announcements from users where id = ?', userId)[0],
        threadWatches: rows('select thread_id, level, last_notified_at from thread_watches where user_id = ?', userId),
        categoryWatches: rows('select category_id, level from category_watches where user_id = ?', userId),
        threadsRead: rows('select thread_id, last_read_number, updated_at from thread_reads where user_id = ?', userId),
      },
    },
    {
      file: 'emails.json',
      about: `Emails the portal sent or will send to you (digests, reminders, notifications), with their dates and status. Sent mail is kept for ${env().RETENTION_MAIL_DAYS} days.`,
      data: {
        digestsReceived: rows(
          `select d.id, d.subject, d.sent_at, dr.created_at as queued_at from digest_recipients dr join digests d on d.id = dr.digest_id where dr.user_id = ? order by dr.created_at`,
          userId,
        ),
        messages: rows('select subject, status, created_at, sent_at, text from outbox where to_address = ? order by id', email),
        passwordResets: rows('select created_at, expires_at, used_at from password_resets where user_id = ?', userId),
      },
    },
    {
      file: 'audit.json',
      about: 'Entries in the audit log about you (changes to your account by coordinators) and entries for actions you took as a coordinator or moderator.',
      data: {
        aboutYou: rows(`select action, target_type, target_id, summary, created_at from audit_log where target_type = 'user' and target_id = ? order by id`, userId),
        byYou: rows('select action, target_type, target_id, summary, created_at from audit_log where actor_id = ? order by id', userId),
      },
    },
    {
      file: 'requests.json',
      about: 'Your invitation, your request to join, and your earlier requests for a copy of your data or for erasure.',
      data: {
        invitations: rows('select organisation_id, role, created_at, expires_at, accepted_at, revoked_at from invitations where email = ?', email),
        joinRequests: rows('select name, organisation_id, reason, status, created_at, verified_at, decided_at, decision_note from join_requests where email = ?', email),
        dataExports: rows('select status, created_at, ready_at, expires_at, downloaded_at from data_exports where user_id = ?', userId),
        erasureRequests: rows('select source, status, remove_posts, created_at, decided_at from erasure_requests where user_id = ?', userId),
      },
    },
  ];
  const other: Record<string, unknown> = {};
  for (const { table, column } of personColumns()) {
    if (COVERED.has(table)) continue;
    other[table] = rows(`select * from "${table}" where "${column}" = ?`, userId);
  }
  sections.push({
    file: 'other-records.json',
    about: 'Every other table that records something per person (for example digest items already sent to you, linked sign-in identities or passkeys), as stored, without secrets.',
    data: other,
  });
  const files = (
    sqlite
      .prepare(
        `select v.sha256, v.resource_id, v.version_number, v.original_name from resource_versions v
         where v.uploaded_by_id = ? order by v.id`,
      )
      .all(userId) as { sha256: string; resource_id: number; version_number: number; original_name: string }[]
  ).map((f) => ({ sha256: f.sha256, name: `files/resource-${f.resource_id}-v${f.version_number}-${safeName(f.original_name)}` }));
  return { sections, files };
}

/**
 * Columns that say "this row is about this person" (user_id, or a name ending in _user_id such as a sign-in's
 * link_user_id), in ordinary tables: the export and the erasure both use it, so a table added later is covered.
 */
export function personColumns(): { table: string; column: string }[] {
  const tables = sqlite
    .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '%fts%' and sql not like 'CREATE VIRTUAL%'`)
    .all() as { name: string }[];
  return tables.flatMap(({ name }) =>
    (sqlite.prepare(`select name from pragma_table_info(?)`).all(name) as { name: string }[])
      .filter((c) => c.name === 'user_id' || c.name.endsWith('_user_id'))
      .map((c) => ({ table: name, column: c.name })),
  );
}

function safeName(name: string): string {
  return name.normalize('NFC').replace(/[^\p{L}\p{N}._ -]/gu, '_').replace(/^\.+/, '').slice(0, 120) || 'file';
}

function readme(sections: Section[], fileCount: number, generatedAt: number): string {
  const lines = [
    'Your data from the Micro-credentials Community of Practice portal',
    '=================================================================',
    '',
    `Prepared ${formatDateTime(generatedAt)} (New Zealand time). Dates inside the JSON files are UTC (ISO 8601).`,
    'Under the Privacy Act 2020 you may ask for any of this to be corrected (Settings → Profile, or ask a coordinator),',
    'or for your account to be erased (Settings → Privacy). The privacy page (/privacy) says how long each kind is kept.',
    '',
    'Files',
    '-----',
    '',
    ...sections.flatMap((s) => [`${s.file}`, `  ${s.about}`, '']),
    'files/',
    `  The ${fileCount} file version(s) you uploaded to the resource library, as stored (resource-<id>-v<version>-<your file name>).`,
    '',
    'Secrets (password hashes, sign-in and link tokens, calendar feed secrets) are not included.',
    '',
  ];
  return lines.join('\n');
}

/** Writes the ZIP for one export to `target` (via a .part file), streaming files from disk. Returns its size. */
export async function writeExportZip(userId: number, target: string, now = Date.now()): Promise<number> {
  const { sections, files } = collectPersonalData(userId);
  const zip = new yazl.ZipFile();
  const mtime = new Date(now);
  zip.addBuffer(Buffer.from(readme(sections, files.length, now)), 'README.txt', { mtime });
  for (const section of sections) zip.addBuffer(Buffer.from(JSON.stringify(section.data, null, 2) + '\n'), section.file, { mtime });
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.name)) continue;
    seen.add(file.name);
    const source = storedFilePath(file.sha256);
    if (fs.existsSync(source)) zip.addFile(source, file.name, { mtime, compress: true });
  }
  zip.end();
  await fsp.mkdir(path.dirname(target), { recursive: true });
  const part = `${target}.part`;
  await pipeline(zip.outputStream, fs.createWriteStream(part, { mode: 0o600 }));
  await fsp.rename(part, target);
  return (await fsp.stat(target)).size;
}

/**
 * Builds every pending export and emails its link. Safe after a crash: a pending row is simply built again (the
 * file is written under a temporary name first), and the email's dedupe key is the export's id.
 */
export async function buildPendingExports(now = Date.now()): Promise<number> {
  const pending = db.select().from(dataExports).where(eq(dataExports.status, 'pending')).orderBy(dataExports.id).all();
  let built = 0;
  for (const row of pending) {
    const fileName = `export-${row.id}.zip`;
    const target = path.join(exportDir(), fileName);
    try {
      const size = await writeExportZip(row.userId, target, now);
      const token = generateToken();
      const readyAt = Date.now();
      const hours = env().EXPORT_LINK_HOURS;
      const expiresAt = readyAt + hours * HOUR;
      db.transaction((tx) => {
        const user = tx.select({ name: users.name, email: users.email, erasedAt: users.erasedAt }).from(users).where(eq(users.id, row.userId)).get();
        const updated = tx
          .update(dataExports)
          .set({ status: 'ready', tokenHash: hashToken(token), fileName, size, readyAt, expiresAt })
          .where(and(eq(dataExports.id, row.id), eq(dataExports.status, 'pending')))
          .run();
        if (!updated.changes || !user || user.erasedAt) return;
        queueEmail(tx, {
          to: user.email,
          dedupeKey: `data-export:${row.id}`,
          message: dataExportReadyEmail({
            appUrl: env().APP_URL,
            name: user.name,
            downloadUrl: absoluteUrl(`/privacy/export/${token}`),
            expiresText: formatDateTime(expiresAt),
            hours,
          }),
        });
      });
      built++;
    } catch (error) {
      logger.error({ job: 'data-exports', exportId: row.id, err: error }, 'data export failed');
      db.update(dataExports)
        .set({ status: 'failed', error: String((error as Error)?.message ?? error).slice(0, 500) })
        .where(eq(dataExports.id, row.id))
        .run();
      await fsp.rm(target, { force: true });
    }
  }
  return built;
}

export type ExportLink =
  | { state: 'ready'; expiresAt: number; size: number }
  | { state: 'used' | 'expired' | 'unknown' | 'not-yours' };

/** What an emailed link points at, for the signed-in member. */
export function describeExportLink(user: SessionUser, token: string, now = Date.now()): ExportLink {
  const row = db.select().from(dataExports).where(eq(dataExports.tokenHash, hashToken(token))).get();
  if (!row) return { state: 'unknown' };
  if (row.userId !== user.id) return { state: 'not-yours' };
  if (row.status === 'downloaded') return { state: 'used' };
  if (row.status !== 'ready' || !row.fileName || (row.expiresAt ?? 0) <= now) return { state: 'expired' };
  return { state: 'ready', expiresAt: row.expiresAt!, size: row.size ?? 0 };
}

/**
 * Spends the link (one statement, so two clicks cannot both win) and returns the ZIP's path; the file is deleted
 * once it has been sent (`finished`), or by the daily retention run if the transfer never ends.
 */
export function claimExportDownload(user: SessionUser, token: string, now = Date.now()): { path: string; size: number; finished: () => void } | ExportLink {
  const claimed = db
    .update(dataExports)
    .set({ status: 'downloaded', downloadedAt: now })
    .where(
      and(
        eq(dataExports.tokenHash, hashToken(token)),
        eq(dataExports.userId, user.id),
        eq(dataExports.status, 'ready'),
        sql`${dataExports.expiresAt} > ${now}`,
      ),
    )
    .returning({ fileName: dataExports.fileName, size: dataExports.size, id: dataExports.id })
    .get();
  if (!claimed?.fileName) return describeExportLink(user, token, now);
  const file = path.join(exportDir(), path.basename(claimed.fileName));
  if (!fs.existsSync(file)) return { state: 'expired' };
  return {
    path: file,
    size: claimed.size ?? fs.statSync(file).size,
    finished: () => {
      void fsp.rm(file, { force: true }).then(() => db.update(dataExports).set({ fileName: null }).where(eq(dataExports.id, claimed.id)).run());
    },
  };
}
