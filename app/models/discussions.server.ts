// Discussions: categories, threads and posts; quoting, editing with history, removing; unread tracking; watching
// and batched email notifications; @mentions; moderation and reports. Routes call these functions and never write
// SQL. Every write that must stay consistent (a post and its thread's counters, a post and the mails it causes, a
// moderation change and its audit entry) happens in one transaction.
//
// Mentions: "@" followed by a member's full name, as it appears in the directory, matched case-insensitively against
// active members, longest name first ("@Bill Sole, what do you think?" mentions Bill Sole; "@jo brady" mentions Jo
// Brady). The "@" must not follow a letter or digit (so an email address is not a mention) and the name must end at a
// non-letter. Mentions inside code or inside a quoted (">") line do not count. Each mentioned member gets one email
// per post (dedupe key post+member), never the author. See docs/decisions/005-discussions.md.
import crypto from 'node:crypto';
import { and, asc, desc, eq, gt, isNull, lte, ne, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { db } from '../../db/client.server';
import {
  THREAD_SUBJECT_TYPES,
  caseStudies,
  categoryWatches,
  discussionCategories,
  organisations,
  postReports,
  postRevisions,
  posts,
  resources,
  threadReads,
  threadWatches,
  threads,
  users,
  type ThreadSubjectType,
} from '../../db/schema';
import { mentionEmail } from '../../emails/mention';
import { threadNotificationEmail } from '../../emails/thread-notification';
import type { SessionUser } from '~/utils/auth.server';
import { absoluteUrl, env } from '~/utils/env.server';
import { slugify } from '~/utils/labels';
import { queueEmail } from '~/utils/mail.server';
import { excerpt, markdownToPlainText, renderMarkdown } from '~/utils/markdown.server';
import { consumeRateLimit } from '~/utils/rate-limit.server';
import { formatDateTime } from '~/utils/time';
import { field, type FieldErrors } from '~/utils/validation.server';
import { recordAudit } from './audit.server';
import { BODY_MAX, POSTS_PER_PAGE, POST_RATE_LIMIT, REPORT_REASON_MAX, THREADS_PER_PAGE, TITLE_MAX } from './discussion-limits';
import { canViewCaseStudy } from './case-studies.server';
import { canViewResource } from './resources.server';
import { canViewWorkshop, getWorkshopById } from './workshops.server';

export type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];
type Reader = Tx | typeof db;
export type Category = typeof discussionCategories.$inferSelect;
export type Thread = typeof threads.$inferSelect;
export type Post = typeof posts.$inferSelect;
export type WatchLevel = 'watching' | 'muted' | 'normal';
type Viewer = Pick<SessionUser, 'id' | 'role'>;

export { BODY_MAX, POSTS_PER_PAGE, POST_RATE_LIMIT, REPORT_REASON_MAX, THREADS_PER_PAGE, TITLE_MAX };
/** How much of a post a quote carries; the rest is a link away. */
const QUOTE_MAX = 1200;
/** A post notifies at most this many mentioned members (a pasted member list is not a reason to mail everyone). */
const MENTION_MAX = 20;
/** A notification email lists this many posts, then "and N more". */
const NOTIFY_LIST_MAX = 20;

let warnedAboutBatchMinutes = false;
/**
 * NOTIFY_BATCH_MINUTES (default 15): at most one email per watched thread per member in this many minutes. A value
 * that is not a positive number is reported once and the default used, so a typo cannot take the thread pages down.
 */
export function notifyBatchMinutes(): number {
  const raw = process.env.NOTIFY_BATCH_MINUTES?.trim();
  if (!raw) return 15;
  const minutes = Number(raw);
  if (Number.isFinite(minutes) && minutes > 0) return minutes;
  if (!warnedAboutBatchMinutes) console.warn(`NOTIFY_BATCH_MINUTES must be a positive number of minutes, got ${JSON.stringify(raw)}; using 15.`);
  warnedAboutBatchMinutes = true;
  return 15;
}

export const SUBJECT_LABELS: Record<ThreadSubjectType, string> = { workshop: 'Workshop', case_study: 'Pilot', resource: 'Resource' };
/** The query-string names of "Discuss this" links: /discussions/new?workshop=ID. */
export const SUBJECT_PARAMS: Record<ThreadSubjectType, string> = { workshop: 'workshop', case_study: 'caseStudy', resource: 'resource' };
/** The category a new thread about each kind of subject starts in, when it exists. */
const SUBJECT_DEFAULT_CATEGORY: Record<ThreadSubjectType, string> = { workshop: 'workshops', case_study: 'pilots-and-case-studies', resource: 'general' };

export const LOCKED_MESSAGE = 'This thread is locked: it no longer takes replies.';

// ---------------------------------------------------------------------------------------------------------------
// Permissions: the one place that says who may do what. Routes call these before acting and to decide which buttons
// to show; the model functions below call them again.

/** Coordinators moderate: pin, lock, move, hide, manage categories and deal with reports. */
export function canModerate(user: Pick<SessionUser, 'role'> | null | undefined): boolean {
  return user?.role === 'coordinator';
}

/** Discussions are for signed-in members; hidden threads for coordinators only. */
export function canViewThread(user: Viewer | null | undefined, thread: Pick<Thread, 'hiddenAt'>): boolean {
  return !!user && (thread.hiddenAt === null || canModerate(user));
}

/** Members edit their own posts only, while the post is neither removed nor hidden by a coordinator. */
export function canEditPost(user: Viewer | null | undefined, post: Pick<Post, 'authorId' | 'deletedAt' | 'hiddenAt'>): boolean {
  return !!user && post.authorId === user.id && post.deletedAt === null && post.hiddenAt === null;
}

/** Removing follows the same rule as editing: one's own posts only. */
export function canDeletePost(user: Viewer | null | undefined, post: Pick<Post, 'authorId' | 'deletedAt' | 'hiddenAt'>): boolean {
  return canEditPost(user, post);
}

export function canReply(user: Viewer | null | undefined, thread: Pick<Thread, 'hiddenAt' | 'lockedAt'>): boolean {
  return canViewThread(user, thread) && thread.lockedAt === null;
}

/** Any member may report someone else's post that is still there. */
export function canReportPost(user: Viewer | null | undefined, post: Pick<Post, 'authorId' | 'deletedAt'>): boolean {
  return !!user && post.authorId !== user.id && post.deletedAt === null;
}

/** Whether the viewer may read this post's text: hidden posts are for coordinators; removed posts show as removed. */
function canReadPost(user: Viewer, post: Pick<Post, 'hiddenAt'>): boolean {
  return post.hiddenAt === null || canModerate(user);
}

/**
 * Why this viewer may not report this post (of a thread they can see), or null when they may: the one rule behind the
 * Report link, the report page and reportPost. A post they may not read is not found; their own post, one its author
 * removed, or one a coordinator has already hidden is refused.
 */
export function reportRefusal(viewer: Viewer, post: Pick<Post, 'authorId' | 'deletedAt' | 'hiddenAt'>): { status: 403 | 404; message: string } | null {
  if (!canReadPost(viewer, post)) return { status: 404, message: 'That post no longer exists.' };
  if (post.authorId === viewer.id) return { status: 403, message: 'You cannot report your own post. You can edit or remove it instead.' };
  if (!canReportPost(viewer, post)) return { status: 403, message: 'That post has been removed, so there is nothing to report.' };
  if (post.hiddenAt !== null) return { status: 403, message: 'A coordinator has already hidden this post.' };
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Addresses

export function pageForPostNumber(number: number): number {
  return Math.max(1, Math.ceil(number / POSTS_PER_PAGE));
}

export function lastPageOf(thread: Pick<Thread, 'postCount'>): number {
  return pageForPostNumber(Math.max(1, thread.postCount));
}

/** The stable permalink of a post. */
export function permalinkPath(threadId: number, number: number): string {
  return `/discussions/${threadId}/posts/${number}`;
}

/** Where a permalink lands: the page holding the post, at its anchor. */
export function postLocation(threadId: number, number: number): string {
  return `/discussions/${threadId}?page=${pageForPostNumber(number)}#post-${number}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Input

const stripControl = (s: string) => s.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
const count = (n: number) => n.toLocaleString('en-NZ');

const titleField = z
  .string({ error: 'Enter a title.' })
  .transform((s) => stripControl(s).replace(/\s+/g, ' ').trim())
  .superRefine((s, ctx) => {
    if (!s) ctx.addIssue({ code: 'custom', message: 'Enter a title.' });
    else if (s.length > TITLE_MAX) ctx.addIssue({ code: 'custom', message: `Keep the title to ${TITLE_MAX} characters or fewer: it has ${count(s.length)}.` });
  });

const bodyField = z
  .string({ error: 'Write your post before sending it.' })
  .transform((s) => stripControl(s).replace(/^\s*\n/, '').trimEnd())
  .superRefine((s, ctx) => {
    if (!s.trim()) ctx.addIssue({ code: 'custom', message: 'Write your post before sending it.' });
    else if (s.length > BODY_MAX) ctx.addIssue({ code: 'custom', message: `Keep a post to ${count(BODY_MAX)} characters or fewer: this one has ${count(s.length)}.` });
  });

const optionalId = z
  .string()
  .optional()
  .transform((s) => (s ?? '').trim())
  .pipe(z.union([z.literal('').transform(() => null), z.string().regex(/^[1-9]\d{0,15}$/, 'That is not a valid choice.').transform(Number)]));

export const threadSchema = z.object({
  categoryId: field.id('a category'),
  title: titleField,
  body: bodyField,
  subjectType: z
    .string()
    .optional()
    .transform((s) => (s ? s : null))
    .pipe(z.union([z.null(), z.enum(THREAD_SUBJECT_TYPES, { error: 'That is not something a thread can be about.' })])),
  subjectId: optionalId,
});
export type ThreadInput = z.infer<typeof threadSchema>;

export const replySchema = z.object({ body: bodyField, quotePostId: optionalId });
export type ReplyInput = { body: string; quotePostId?: number | null };

export const editSchema = z.object({ body: bodyField });

export const reportSchema = z.object({
  reason: z
    .string({ error: 'Say what is wrong with this post.' })
    .transform((s) => stripControl(s).trim())
    .pipe(z.string().min(1, 'Say what is wrong with this post.').max(REPORT_REASON_MAX, `Keep the reason to ${count(REPORT_REASON_MAX)} characters or fewer.`)),
});

export const categorySchema = z.object({
  name: field.text('a name', 80),
  description: field.optionalText('the description', 500),
  position: z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim())
    .pipe(z.union([z.literal('').transform(() => 0), z.string().regex(/^\d{1,4}$/, 'Enter the position as a whole number from 0 to 9999.').transform(Number)])),
});
export type CategoryInput = z.infer<typeof categorySchema>;

// ---------------------------------------------------------------------------------------------------------------
// Outcomes

export type Outcome = { ok: true; message: string } | { ok: false; status: 400 | 403 | 404 | 429; message: string };
export type PostOutcome =
  | { ok: true; threadId: number; postId: number; number: number; message: string }
  | { ok: false; status: 400 | 403 | 404 | 429; errors: FieldErrors };

const done = (message: string): Outcome => ({ ok: true, message });
const refused = (status: 400 | 403 | 404 | 429, message: string): Outcome => ({ ok: false, status, message });
const postRefused = (status: 400 | 403 | 404 | 429, errors: FieldErrors): PostOutcome => ({ ok: false, status, errors });

/** Counts one post against the member's limit; a refusal says how long to wait. */
function postingThrottle(actor: SessionUser, now: number): PostOutcome | null {
  const { limit, windowMs } = POST_RATE_LIMIT;
  const verdict = consumeRateLimit(`discussion-post:${actor.id}`, limit, windowMs, now);
  if (verdict.allowed) return null;
  const wait = verdict.retryAfterSeconds === 1 ? '1 second' : `${verdict.retryAfterSeconds} seconds`;
  return postRefused(429, {
    _form: [`You are posting very quickly: members can post up to ${limit} times a minute. Your text is kept below; please try again in ${wait}.`],
  });
}

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
    const c = db.select({ id: caseStudies.id, slug: caseStudies.slug, title: caseStudies.title, publishedAt: caseStudies.publishedAt, visibility: caseStudies.visibility }).from(caseStudies).where(eq(caseStudies.id, id)).get();
    return c && canViewCaseStudy(viewer, c) ? { type, id, title: c.title, url: `/case-studies/${c.slug}`, label: SUBJECT_LABELS[type] } : null;
  }
  const r = db.select({ id: resources.id, title: resources.title, visibility: resources.visibility }).from(resources).where(eq(resources.id, id)).get();
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

// ---------------------------------------------------------------------------------------------------------------
// Mentions

export type Mentionable = { id: number; name: string; email: string; role: SessionUser['role'] };

/** Same length, so positions still line up: code and quoted lines are blanked before looking for "@". */
function maskUnmentionable(md: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  return md
    .replace(/^( {0,3})(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^\1?\2[^\n]*$|(?![\s\S]))/gm, blank)
    .replace(/(`+)[^`\n]*?\1/g, blank)
    .replace(/^ {0,3}>[^\n]*$/gm, blank);
}

/** The members a Markdown text mentions, in the order first mentioned (see the header for the syntax). */
export function findMentions<M extends { name: string }>(md: string, members: readonly M[]): M[] {
  const text = maskUnmentionable(md);
  const candidates = members
    .map((m) => ({ m, key: m.name.trim().toLowerCase() }))
    .filter((c) => c.key.length > 0)
    .sort((a, b) => b.key.length - a.key.length);
  const found: M[] = [];
  const lower = text.toLowerCase();
  for (let at = lower.indexOf('@'); at !== -1; at = lower.indexOf('@', at + 1)) {
    const before = at > 0 ? text[at - 1]! : ' ';
    if (/[\p{L}\p{N}_.+-]/u.test(before)) continue;
    const match = candidates.find(({ key }) => lower.startsWith(key, at + 1) && !/[\p{L}\p{N}]/u.test(text[at + 1 + key.length] ?? ' '));
    if (!match) continue;
    // Two members with the same full name are both mentioned: the text cannot tell them apart.
    for (const { m, key } of candidates) if (key === match.key && !found.includes(m)) found.push(m);
  }
  return found;
}

function activeMembers(tx: Reader): Mentionable[] {
  return tx.select({ id: users.id, name: users.name, email: users.email, role: users.role }).from(users).where(isNull(users.deactivatedAt)).all();
}

/** The text of a post for excerpts: quoted lines dropped when there is anything else. */
function postExcerpt(md: string, max = 300): string {
  const own = md
    .split('\n')
    .filter((line) => !/^ {0,3}>/.test(line))
    .join('\n');
  return excerpt(markdownToPlainText(own.trim() ? own : md), max);
}

function queueMentions(tx: Tx, actor: SessionUser, thread: Pick<Thread, 'id' | 'title' | 'hiddenAt'>, post: Pick<Post, 'id' | 'number' | 'bodyMd'>) {
  const mentioned = findMentions(post.bodyMd, activeMembers(tx))
    .filter((m) => m.id !== actor.id)
    // A hidden thread is for coordinators: nobody else is sent there.
    .filter((m) => thread.hiddenAt === null || canModerate(m))
    .slice(0, MENTION_MAX);
  for (const member of mentioned) {
    queueEmail(tx, {
      to: member.email,
      dedupeKey: `post:${post.id}:mention:${member.id}`,
      message: mentionEmail({
        appUrl: env().APP_URL,
        name: member.name,
        authorName: actor.name,
        threadTitle: thread.title,
        excerpt: postExcerpt(post.bodyMd),
        postUrl: absoluteUrl(permalinkPath(thread.id, post.number)),
      }),
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Quoting

const escapeMarkdown = (s: string) => s.replace(/([\\`*_{}[\]()#+\-.!<>|~])/g, '\\$1');

/**
 * A Markdown blockquote of a post with its attribution and a link to it. Nested quotes are left out (they are one
 * click away) and long posts are shortened, so quote chains do not grow without end.
 */
export function quoteMarkdown(threadId: number, post: { number: number; bodyMd: string; authorName: string }): string {
  let text = post.bodyMd
    .split('\n')
    .filter((line) => !/^ {0,3}>/.test(line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (text.length > QUOTE_MAX) text = `${text.slice(0, QUOTE_MAX).replace(/\s+\S*$/, '')} …`;
  const attribution = `**${escapeMarkdown(post.authorName)}** wrote in [post #${post.number}](${permalinkPath(threadId, post.number)}):`;
  return [attribution, '', ...text.split('\n')].map((line) => (line ? `> ${line}` : '>')).join('\n');
}

/** The post a reply quotes, if the viewer may quote it: same thread, still there, not hidden from them. */
export function getQuotablePost(viewer: Viewer, threadId: number, postId: number) {
  const row = db
    .select({ id: posts.id, threadId: posts.threadId, number: posts.number, bodyMd: posts.bodyMd, deletedAt: posts.deletedAt, hiddenAt: posts.hiddenAt, authorName: users.name })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.authorId))
    .where(eq(posts.id, postId))
    .get();
  if (!row || row.threadId !== threadId || row.deletedAt !== null || !canReadPost(viewer, row)) return null;
  return row;
}

// ---------------------------------------------------------------------------------------------------------------
// Posting

function getThreadRow(reader: Reader, threadId: number): Thread | undefined {
  return reader.select().from(threads).where(eq(threads.id, threadId)).get();
}

/** The poster watches the thread (unless they muted it) and has read up to their own post. */
function participate(tx: Tx, userId: number, threadId: number, number: number, now: number) {
  tx.insert(threadWatches)
    .values({ userId, threadId, level: 'watching', notifiedThroughNumber: number })
    .onConflictDoUpdate({
      target: [threadWatches.userId, threadWatches.threadId],
      set: { notifiedThroughNumber: sql`max(${threadWatches.notifiedThroughNumber}, excluded.notified_through_number)` },
    })
    .run();
  markReadIn(tx, userId, threadId, number, now);
}

export function startThread(actor: SessionUser, input: ThreadInput, now = Date.now()): PostOutcome {
  const category = getCategoryById(input.categoryId);
  if (!category) return postRefused(400, { categoryId: ['Choose a category from the list.'] });
  let subject: Subject | null = null;
  if (input.subjectType) {
    subject = input.subjectId ? findSubject(input.subjectType, input.subjectId, actor) : null;
    if (!subject) return postRefused(400, { _form: ['The workshop, pilot or resource this thread was to be about no longer exists. Start the thread from its page again.'] });
  }
  const throttled = postingThrottle(actor, now);
  if (throttled) return throttled;

  return db.transaction(
    (tx) => {
      const thread = tx
        .insert(threads)
        .values({ categoryId: category.id, title: input.title, authorId: actor.id, subjectType: subject?.type ?? null, subjectId: subject?.id ?? null, postCount: 1, lastPostAt: now, createdAt: now })
        .returning()
        .get();
      const post = tx
        .insert(posts)
        .values({ threadId: thread.id, authorId: actor.id, number: 1, bodyMd: input.body, bodyHtml: renderMarkdown(input.body), createdAt: now })
        .returning()
        .get();
      tx.update(threads).set({ lastPostId: post.id }).where(eq(threads.id, thread.id)).run();
      // Watching a category means watching every new thread in it, from its first post.
      const categoryWatchers = tx
        .select({ userId: categoryWatches.userId })
        .from(categoryWatches)
        .innerJoin(users, eq(users.id, categoryWatches.userId))
        .where(and(eq(categoryWatches.categoryId, category.id), eq(categoryWatches.level, 'watching'), ne(categoryWatches.userId, actor.id), isNull(users.deactivatedAt)))
        .all();
      for (const w of categoryWatchers) {
        tx.insert(threadWatches).values({ userId: w.userId, threadId: thread.id, level: 'watching', notifiedThroughNumber: 0 }).onConflictDoNothing().run();
      }
      participate(tx, actor.id, thread.id, 1, now);
      queueMentions(tx, actor, thread, post);
      return { ok: true as const, threadId: thread.id, postId: post.id, number: 1, message: 'Thread started. You are watching it: replies will be emailed to you.' };
    },
    { behavior: 'immediate' },
  );
}

export function reply(actor: SessionUser, threadId: number, input: ReplyInput, now = Date.now()): PostOutcome {
  const thread = getThreadRow(db, threadId);
  if (!thread || !canViewThread(actor, thread)) return postRefused(404, { _form: ['That thread no longer exists.'] });
  if (thread.lockedAt !== null) return postRefused(403, { _form: [LOCKED_MESSAGE] });
  let bodyMd = input.body;
  let quotedPostId: number | null = null;
  if (input.quotePostId) {
    const quoted = getQuotablePost(actor, threadId, input.quotePostId);
    if (!quoted) return postRefused(400, { body: ['The post you are quoting is no longer available. Remove the quote and try again.'] });
    quotedPostId = quoted.id;
    // The page pre-fills the quote for the member to trim; a reply that arrives without it gets it here.
    if (!bodyMd.includes(`](${permalinkPath(threadId, quoted.number)})`)) bodyMd = `${quoteMarkdown(threadId, quoted)}\n\n${bodyMd}`;
  }
  const throttled = postingThrottle(actor, now);
  if (throttled) return throttled;

  return db.transaction(
    (tx) => {
      // Read again inside the write lock: a coordinator may have locked it a moment ago.
      const current = getThreadRow(tx, threadId)!;
      if (current.lockedAt !== null) return postRefused(403, { _form: [LOCKED_MESSAGE] });
      const number = tx.select({ n: sql<number>`coalesce(max(${posts.number}), 0)` }).from(posts).where(eq(posts.threadId, threadId)).get()!.n + 1;
      const post = tx
        .insert(posts)
        .values({ threadId, authorId: actor.id, number, bodyMd, bodyHtml: renderMarkdown(bodyMd), quotedPostId, createdAt: now })
        .returning()
        .get();
      tx.update(threads).set({ postCount: sql`${threads.postCount} + 1`, lastPostAt: now, lastPostId: post.id }).where(eq(threads.id, threadId)).run();
      participate(tx, actor.id, threadId, number, now);
      queueMentions(tx, actor, current, post);
      return { ok: true as const, threadId, postId: post.id, number, message: 'Reply posted.' };
    },
    { behavior: 'immediate' },
  );
}

export function getPostByNumber(threadId: number, number: number): Post | undefined {
  return db.select().from(posts).where(and(eq(posts.threadId, threadId), eq(posts.number, number))).get();
}

export function getPost(postId: number): Post | undefined {
  return db.select().from(posts).where(eq(posts.id, postId)).get();
}

/** Saves a new text for one's own post; the text it replaces goes into the post's history. */
export function editPost(actor: SessionUser, postId: number, input: { body: string }, now = Date.now()): PostOutcome {
  const post = getPost(postId);
  const thread = post ? getThreadRow(db, post.threadId) : undefined;
  if (!post || !thread || !canViewThread(actor, thread)) return postRefused(404, { _form: ['That post no longer exists.'] });
  if (!canEditPost(actor, post)) return postRefused(403, { _form: ['You can only edit your own posts.'] });
  const result = { ok: true as const, threadId: thread.id, postId: post.id, number: post.number };
  if (input.body === post.bodyMd) return { ...result, message: 'Nothing changed, so nothing was saved.' };
  return db.transaction((tx) => {
    tx.insert(postRevisions).values({ postId: post.id, bodyMd: post.bodyMd, editorId: actor.id, createdAt: now }).run();
    tx.update(posts).set({ bodyMd: input.body, bodyHtml: renderMarkdown(input.body), editedAt: now }).where(eq(posts.id, post.id)).run();
    // Someone newly mentioned is told; those already told are not told again (the dedupe key is per post).
    queueMentions(tx, actor, thread, { id: post.id, number: post.number, bodyMd: input.body });
    return { ...result, message: 'Post updated.' };
  });
}

/** Removes one's own post: the row stays (so replies keep their context) and shows as "removed". */
export function deletePost(actor: SessionUser, postId: number, now = Date.now()): Outcome & { threadId?: number; number?: number } {
  const post = getPost(postId);
  const thread = post ? getThreadRow(db, post.threadId) : undefined;
  if (!post || !thread || !canViewThread(actor, thread)) return refused(404, 'That post no longer exists.');
  if (post.authorId !== actor.id) return refused(403, 'You can only remove your own posts.');
  if (post.deletedAt !== null) return { ...done('That post was already removed.'), threadId: thread.id, number: post.number };
  if (!canDeletePost(actor, post)) return refused(403, 'A coordinator has hidden this post, so it cannot be changed.');
  db.update(posts).set({ deletedAt: now }).where(eq(posts.id, post.id)).run();
  return { ...done('Your post was removed. Replies keep their place; the post shows as removed.'), threadId: thread.id, number: post.number };
}

export type PostVersion = { number: number; bodyMd: string; at: number; editorName: string | null };

/** Every text a post has had, oldest first: the original, each edit, and the current text last. */
export function postHistory(postId: number): PostVersion[] {
  const post = db.select({ bodyMd: posts.bodyMd, createdAt: posts.createdAt, authorName: users.name }).from(posts).innerJoin(users, eq(users.id, posts.authorId)).where(eq(posts.id, postId)).get();
  if (!post) return [];
  const revisions = db
    .select({ bodyMd: postRevisions.bodyMd, createdAt: postRevisions.createdAt, editorName: users.name })
    .from(postRevisions)
    .leftJoin(users, eq(users.id, postRevisions.editorId))
    .where(eq(postRevisions.postId, postId))
    .orderBy(asc(postRevisions.createdAt), asc(postRevisions.id))
    .all();
  // A revision row holds the text an edit replaced, stamped with that edit's time and editor.
  const versions: PostVersion[] = [];
  revisions.forEach((r, i) => {
    versions.push({ number: i + 1, bodyMd: r.bodyMd, at: i === 0 ? post.createdAt : revisions[i - 1]!.createdAt, editorName: i === 0 ? post.authorName : revisions[i - 1]!.editorName });
  });
  const last = revisions[revisions.length - 1];
  versions.push({ number: revisions.length + 1, bodyMd: post.bodyMd, at: last ? last.createdAt : post.createdAt, editorName: last ? last.editorName : post.authorName });
  return versions;
}

// ---------------------------------------------------------------------------------------------------------------
// Moderation (coordinators; every change is in the audit log)

export type ThreadModeration = 'pin' | 'unpin' | 'lock' | 'unlock' | 'hide' | 'unhide';

const THREAD_MODERATION: Record<ThreadModeration, { column: 'pinnedAt' | 'lockedAt' | 'hiddenAt'; on: boolean; verb: string; message: string }> = {
  pin: { column: 'pinnedAt', on: true, verb: 'Pinned', message: 'Thread pinned: it stays at the top of its category.' },
  unpin: { column: 'pinnedAt', on: false, verb: 'Unpinned', message: 'Thread unpinned.' },
  lock: { column: 'lockedAt', on: true, verb: 'Locked', message: 'Thread locked: it no longer takes replies.' },
  unlock: { column: 'lockedAt', on: false, verb: 'Unlocked', message: 'Thread unlocked: members can reply again.' },
  hide: { column: 'hiddenAt', on: true, verb: 'Hid', message: 'Thread hidden: only coordinators can see it now.' },
  unhide: { column: 'hiddenAt', on: false, verb: 'Unhid', message: 'Thread visible to members again.' },
};

export function moderateThread(actor: SessionUser, threadId: number, action: ThreadModeration, now = Date.now()): Outcome {
  if (!canModerate(actor)) return refused(403, 'Only coordinators can moderate discussions.');
  const rule = THREAD_MODERATION[action];
  return db.transaction((tx) => {
    const thread = getThreadRow(tx, threadId);
    if (!thread) return refused(404, 'That thread no longer exists.');
    if ((thread[rule.column] !== null) === rule.on) return done(rule.message);
    tx.update(threads).set({ [rule.column]: rule.on ? now : null }).where(eq(threads.id, threadId)).run();
    recordAudit(tx, { actorId: actor.id, action: `discussion.thread.${action}`, targetType: 'thread', targetId: threadId, summary: `${rule.verb} thread “${thread.title}”` });
    return done(rule.message);
  });
}

export function moveThread(actor: SessionUser, threadId: number, categoryId: number): Outcome {
  if (!canModerate(actor)) return refused(403, 'Only coordinators can moderate discussions.');
  return db.transaction((tx) => {
    const thread = getThreadRow(tx, threadId);
    if (!thread) return refused(404, 'That thread no longer exists.');
    const to = getCategoryById(categoryId, tx);
    if (!to) return refused(400, 'Choose a category from the list.');
    if (to.id === thread.categoryId) return done(`The thread is already in ${to.name}.`);
    const from = getCategoryById(thread.categoryId, tx)!;
    tx.update(threads).set({ categoryId: to.id }).where(eq(threads.id, threadId)).run();
    recordAudit(tx, { actorId: actor.id, action: 'discussion.thread.move', targetType: 'thread', targetId: threadId, summary: `Moved thread “${thread.title}” from ${from.name} to ${to.name}` });
    return done(`Thread moved to ${to.name}.`);
  });
}

/** Hides or shows a post. Hiding also settles the open reports about it. */
export function setPostHidden(actor: SessionUser, postId: number, hidden: boolean, now = Date.now()): Outcome & { threadId?: number; number?: number } {
  if (!canModerate(actor)) return refused(403, 'Only coordinators can hide posts.');
  return db.transaction((tx) => {
    const post = tx.select().from(posts).where(eq(posts.id, postId)).get();
    const thread = post ? getThreadRow(tx, post.threadId) : undefined;
    if (!post || !thread) return refused(404, 'That post no longer exists.');
    const where = { threadId: thread.id, number: post.number };
    if ((post.hiddenAt !== null) === hidden) return { ...done(hidden ? 'That post is already hidden.' : 'That post is already visible.'), ...where };
    tx.update(posts).set({ hiddenAt: hidden ? now : null }).where(eq(posts.id, postId)).run();
    let settled = 0;
    if (hidden) {
      settled = tx
        .update(postReports)
        .set({ status: 'resolved', resolvedById: actor.id, resolvedAt: now })
        .where(and(eq(postReports.postId, postId), eq(postReports.status, 'open')))
        .run().changes;
    }
    recordAudit(tx, {
      actorId: actor.id,
      action: hidden ? 'discussion.post.hide' : 'discussion.post.unhide',
      targetType: 'post',
      targetId: postId,
      summary: `${hidden ? 'Hid' : 'Unhid'} post #${post.number} in “${thread.title}”${settled ? ` and resolved ${settled === 1 ? 'its report' : `its ${settled} reports`}` : ''}`,
    });
    return { ...done(hidden ? 'Post hidden: only coordinators can see it now.' : 'Post visible to members again.'), ...where };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Reports

export function reportPost(actor: SessionUser, postId: number, reason: string, now = Date.now()): Outcome {
  const post = getPost(postId);
  const thread = post ? getThreadRow(db, post.threadId) : undefined;
  if (!post || !thread || !canViewThread(actor, thread)) return refused(404, 'That post no longer exists.');
  const refusal = reportRefusal(actor, post);
  if (refusal) return refused(refusal.status, refusal.message);
  const existing = db.select().from(postReports).where(and(eq(postReports.postId, postId), eq(postReports.reporterId, actor.id))).get();
  if (existing?.status === 'open') return done('You have already reported this post. A coordinator will look at it.');
  db.insert(postReports)
    .values({ postId, reporterId: actor.id, reason, status: 'open', createdAt: now })
    .onConflictDoUpdate({ target: [postReports.postId, postReports.reporterId], set: { reason, status: 'open', resolvedById: null, resolvedAt: null, createdAt: now } })
    .run();
  return done('Thank you: the post has been reported to the coordinators.');
}

export function countOpenReports(): number {
  return db.select({ n: sql<number>`count(*)` }).from(postReports).where(eq(postReports.status, 'open')).get()!.n;
}

export function listReports(status: 'open' | 'closed', limit = 100) {
  const reporter = alias(users, 'reporter');
  const author = alias(users, 'author');
  const resolver = alias(users, 'resolver');
  return db
    .select({
      id: postReports.id,
      reason: postReports.reason,
      status: postReports.status,
      createdAt: postReports.createdAt,
      resolvedAt: postReports.resolvedAt,
      resolverName: resolver.name,
      reporterName: reporter.name,
      postId: posts.id,
      postNumber: posts.number,
      postBodyMd: posts.bodyMd,
      postHiddenAt: posts.hiddenAt,
      postDeletedAt: posts.deletedAt,
      authorName: author.name,
      threadId: threads.id,
      threadTitle: threads.title,
    })
    .from(postReports)
    .innerJoin(posts, eq(posts.id, postReports.postId))
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(reporter, eq(reporter.id, postReports.reporterId))
    .innerJoin(author, eq(author.id, posts.authorId))
    .leftJoin(resolver, eq(resolver.id, postReports.resolvedById))
    .where(status === 'open' ? eq(postReports.status, 'open') : ne(postReports.status, 'open'))
    .orderBy(status === 'open' ? asc(postReports.createdAt) : desc(postReports.resolvedAt))
    .limit(limit)
    .all()
    .map(({ postBodyMd, ...r }) => ({ ...r, excerpt: postExcerpt(postBodyMd, 240) }));
}

export function closeReport(actor: SessionUser, reportId: number, status: 'resolved' | 'dismissed', now = Date.now()): Outcome {
  if (!canModerate(actor)) return refused(403, 'Only coordinators deal with reports.');
  return db.transaction((tx) => {
    const report = tx
      .select({ id: postReports.id, status: postReports.status, postId: postReports.postId, number: posts.number, title: threads.title })
      .from(postReports)
      .innerJoin(posts, eq(posts.id, postReports.postId))
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .where(eq(postReports.id, reportId))
      .get();
    if (!report) return refused(404, 'That report no longer exists.');
    if (report.status !== 'open') return done('That report was already dealt with.');
    tx.update(postReports).set({ status, resolvedById: actor.id, resolvedAt: now }).where(eq(postReports.id, reportId)).run();
    recordAudit(tx, {
      actorId: actor.id,
      action: `discussion.report.${status === 'resolved' ? 'resolve' : 'dismiss'}`,
      targetType: 'post_report',
      targetId: reportId,
      summary: `${status === 'resolved' ? 'Resolved' : 'Dismissed'} a report about post #${report.number} in “${report.title}”`,
    });
    return done(status === 'resolved' ? 'Report resolved.' : 'Report dismissed.');
  });
}

export function getReportPostId(reportId: number): number | undefined {
  return db.select({ postId: postReports.postId }).from(postReports).where(eq(postReports.id, reportId)).get()?.postId;
}

// ---------------------------------------------------------------------------------------------------------------
// Watching

export function threadWatchLevel(userId: number, threadId: number): WatchLevel {
  return db.select({ level: threadWatches.level }).from(threadWatches).where(and(eq(threadWatches.userId, userId), eq(threadWatches.threadId, threadId))).get()?.level ?? 'normal';
}

export function categoryWatchLevel(userId: number, categoryId: number): WatchLevel {
  return db.select({ level: categoryWatches.level }).from(categoryWatches).where(and(eq(categoryWatches.userId, userId), eq(categoryWatches.categoryId, categoryId))).get()?.level ?? 'normal';
}

/**
 * Watching: emails about new posts (batched). Muted: never, even after replying. Normal: no row. Starting to watch
 * does not mail the posts already there.
 */
export function setThreadWatch(userId: number, threadId: number, level: WatchLevel, reader: Reader = db): void {
  const where = and(eq(threadWatches.userId, userId), eq(threadWatches.threadId, threadId));
  if (level === 'normal') {
    reader.delete(threadWatches).where(where).run();
    return;
  }
  const thread = getThreadRow(reader, threadId);
  if (!thread) return;
  reader
    .insert(threadWatches)
    .values({ userId, threadId, level, notifiedThroughNumber: thread.postCount })
    .onConflictDoUpdate({
      target: [threadWatches.userId, threadWatches.threadId],
      set: {
        level,
        // From muted to watching: start from now, not from the backlog.
        notifiedThroughNumber: sql`case when ${threadWatches.level} = 'muted' then excluded.notified_through_number else ${threadWatches.notifiedThroughNumber} end`,
      },
    })
    .run();
}

/** Watching a category watches every thread started in it from then on; muting leaves its threads out of Latest. */
export function setCategoryWatch(userId: number, categoryId: number, level: WatchLevel): void {
  if (level === 'normal') {
    db.delete(categoryWatches).where(and(eq(categoryWatches.userId, userId), eq(categoryWatches.categoryId, categoryId))).run();
    return;
  }
  db.insert(categoryWatches).values({ userId, categoryId, level }).onConflictDoUpdate({ target: [categoryWatches.userId, categoryWatches.categoryId], set: { level } }).run();
}

// Unwatch links: HMAC-SHA256 over the member and thread with the session secret, so the link in an email stops
// notifications without signing in, and cannot be made for anyone else.

function unwatchMac(userId: number, threadId: number): Buffer {
  return crypto.createHmac('sha256', env().SESSION_SECRET).update(`discussions.unwatch:${userId}:${threadId}`).digest();
}

export function unwatchToken(userId: number, threadId: number): string {
  return `${userId}.${threadId}.${unwatchMac(userId, threadId).toString('base64url')}`;
}

export function unwatchUrl(userId: number, threadId: number): string {
  return absoluteUrl(`/discussions/unwatch/${unwatchToken(userId, threadId)}`);
}

export function verifyUnwatchToken(token: string): { userId: number; threadId: number } | null {
  const m = /^([1-9]\d{0,15})\.([1-9]\d{0,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const userId = Number(m[1]);
  const threadId = Number(m[2]);
  if (!Number.isSafeInteger(userId) || !Number.isSafeInteger(threadId)) return null;
  const given = Buffer.from(m[3]!, 'base64url');
  const expected = unwatchMac(userId, threadId);
  // Only the canonical spelling: base64url's last character has spare bits that would let one MAC read many ways.
  if (given.toString('base64url') !== m[3] || given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  return { userId, threadId };
}

/** What the unwatch page shows, or null for a forged or stale link. */
export function unwatchDetails(token: string): { userId: number; threadId: number; threadTitle: string; level: WatchLevel } | null {
  const ids = verifyUnwatchToken(token);
  if (!ids) return null;
  const thread = getThreadRow(db, ids.threadId);
  const user = db.select({ id: users.id }).from(users).where(eq(users.id, ids.userId)).get();
  if (!thread || !user) return null;
  return { ...ids, threadTitle: thread.title, level: threadWatchLevel(ids.userId, ids.threadId) };
}

/** Mutes the thread for the link's member. Returns false for a forged or stale link. */
export function muteByToken(token: string): boolean {
  const details = unwatchDetails(token);
  if (!details) return false;
  setThreadWatch(details.userId, details.threadId, 'muted');
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Notifications: at most one email per watched thread per member per batch window

/**
 * Queues the notification emails that are due: for every member watching a thread with posts newer than what they
 * were last told about, whose last email about it is older than the batch window, one email listing the new posts
 * by other people (posts they have already read on the site are left out). Called every minute by the job timer;
 * idempotent (the dedupe key names the post number the email runs to).
 */
export function queueThreadNotifications(now = Date.now()): number {
  const windowStart = now - notifyBatchMinutes() * 60_000;
  const due = db
    .select({ userId: threadWatches.userId, threadId: threadWatches.threadId })
    .from(threadWatches)
    .innerJoin(threads, eq(threads.id, threadWatches.threadId))
    .innerJoin(users, eq(users.id, threadWatches.userId))
    .where(
      and(
        eq(threadWatches.level, 'watching'),
        sql`${threads.postCount} > ${threadWatches.notifiedThroughNumber}`,
        sql`(${threadWatches.lastNotifiedAt} is null or ${threadWatches.lastNotifiedAt} <= ${windowStart})`,
        isNull(threads.hiddenAt),
        isNull(users.deactivatedAt),
      ),
    )
    .all();
  let queued = 0;
  for (const row of due) if (notifyWatcher(row.userId, row.threadId, now, windowStart)) queued++;
  return queued;
}

function notifyWatcher(userId: number, threadId: number, now: number, windowStart: number): boolean {
  return db.transaction(
    (tx) => {
      const watch = tx.select().from(threadWatches).where(and(eq(threadWatches.userId, userId), eq(threadWatches.threadId, threadId))).get();
      if (!watch || watch.level !== 'watching' || (watch.lastNotifiedAt !== null && watch.lastNotifiedAt > windowStart)) return false;
      const thread = tx
        .select({ id: threads.id, title: threads.title, postCount: threads.postCount, hiddenAt: threads.hiddenAt, categoryName: discussionCategories.name })
        .from(threads)
        .innerJoin(discussionCategories, eq(discussionCategories.id, threads.categoryId))
        .where(eq(threads.id, threadId))
        .get();
      const member = tx.select({ name: users.name, email: users.email, deactivatedAt: users.deactivatedAt }).from(users).where(eq(users.id, userId)).get();
      if (!thread || thread.hiddenAt !== null || !member || member.deactivatedAt !== null) return false;
      const through = thread.postCount;
      if (through <= watch.notifiedThroughNumber) return false;
      const lastRead = tx.select({ n: threadReads.lastReadNumber }).from(threadReads).where(and(eq(threadReads.userId, userId), eq(threadReads.threadId, threadId))).get()?.n ?? 0;
      const fresh = tx
        .select({ number: posts.number, bodyMd: posts.bodyMd, createdAt: posts.createdAt, authorName: users.name })
        .from(posts)
        .innerJoin(users, eq(users.id, posts.authorId))
        .where(
          and(
            eq(posts.threadId, threadId),
            gt(posts.number, Math.max(watch.notifiedThroughNumber, lastRead)),
            lte(posts.number, through),
            isNull(posts.deletedAt),
            isNull(posts.hiddenAt),
            ne(posts.authorId, userId),
          ),
        )
        .orderBy(asc(posts.number))
        .all();
      if (fresh.length === 0) {
        // Only their own posts (or ones they have read, or removed ones): nothing to tell, and no window used up.
        tx.update(threadWatches).set({ notifiedThroughNumber: through }).where(and(eq(threadWatches.userId, userId), eq(threadWatches.threadId, threadId))).run();
        return false;
      }
      const listed = fresh.slice(0, NOTIFY_LIST_MAX);
      const unwatch = unwatchUrl(userId, threadId);
      queueEmail(tx, {
        to: member.email,
        dedupeKey: `thread:${threadId}:notify:${userId}:${through}`,
        message: threadNotificationEmail({
          appUrl: env().APP_URL,
          name: member.name,
          threadTitle: thread.title,
          categoryName: thread.categoryName,
          posts: listed.map((p) => ({ authorName: p.authorName, when: formatDateTime(p.createdAt), excerpt: postExcerpt(p.bodyMd), url: absoluteUrl(permalinkPath(threadId, p.number)) })),
          moreCount: fresh.length - listed.length,
          newThread: fresh[0]!.number === 1,
          firstUrl: absoluteUrl(permalinkPath(threadId, fresh[0]!.number)),
          unwatchUrl: unwatch,
          batchMinutes: notifyBatchMinutes(),
        }),
        // One-click unsubscribe (RFC 8058): mail providers POST to the same link, which mutes the thread.
        headers: { 'List-Unsubscribe': `<${unwatch}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
      tx.update(threadWatches).set({ notifiedThroughNumber: through, lastNotifiedAt: now }).where(and(eq(threadWatches.userId, userId), eq(threadWatches.threadId, threadId))).run();
      return true;
    },
    { behavior: 'immediate' },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Unread tracking

function markReadIn(reader: Reader, userId: number, threadId: number, upToNumber: number, now: number) {
  reader
    .insert(threadReads)
    .values({ userId, threadId, lastReadNumber: upToNumber, updatedAt: now })
    .onConflictDoUpdate({
      target: [threadReads.userId, threadReads.threadId],
      set: { lastReadNumber: sql`max(${threadReads.lastReadNumber}, excluded.last_read_number)`, updatedAt: now },
    })
    .run();
}

/** Records that the member has read the thread up to this post number (never moves backwards). */
export function markRead(user: Pick<SessionUser, 'id'>, threadId: number, upToNumber: number, now = Date.now()): void {
  if (upToNumber < 1) return;
  markReadIn(db, user.id, threadId, upToNumber, now);
}

export function lastReadNumber(userId: number, threadId: number): number | null {
  return db.select({ n: threadReads.lastReadNumber }).from(threadReads).where(and(eq(threadReads.userId, userId), eq(threadReads.threadId, threadId))).get()?.n ?? null;
}

/** The first post the member has not read (that they may see), or null when they are up to date. */
export function firstUnreadNumber(user: Viewer, threadId: number): number | null {
  const lastRead = lastReadNumber(user.id, threadId) ?? 0;
  const row = db
    .select({ n: sql<number | null>`min(${posts.number})` })
    .from(posts)
    .where(and(eq(posts.threadId, threadId), gt(posts.number, lastRead), isNull(posts.deletedAt), canModerate(user) ? undefined : isNull(posts.hiddenAt)))
    .get();
  return row?.n ?? null;
}

/** Posts by others the member has not read yet, in the thread being listed (SQL for thread lists). */
// Raw, table-qualified references to the outer row: drizzle leaves a column unqualified in a one-table select, which
// would be ambiguous inside a correlated subquery.
const OUTER_THREAD_ID = sql.raw('"threads"."id"');
const OUTER_CATEGORY_ID = sql.raw('"discussion_categories"."id"');

function unreadCountSql(viewer: Viewer): SQL<number> {
  const hidden = canModerate(viewer) ? sql`` : sql` and p.hidden_at is null`;
  return sql<number>`(select count(*) from posts p where p.thread_id = ${OUTER_THREAD_ID} and p.deleted_at is null${hidden}
    and p.author_id != ${viewer.id}
    and p.number > coalesce((select r.last_read_number from thread_reads r where r.user_id = ${viewer.id} and r.thread_id = ${OUTER_THREAD_ID}), 0))`;
}

function openedSql(viewer: Viewer): SQL<number> {
  return sql<number>`exists(select 1 from thread_reads r where r.user_id = ${viewer.id} and r.thread_id = ${OUTER_THREAD_ID})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading: thread lists, the thread page

export type ThreadListItem = {
  id: number;
  title: string;
  categoryName: string;
  categorySlug: string;
  authorName: string;
  replies: number;
  lastPostAt: number;
  lastPostAuthorName: string | null;
  lastPostNumber: number | null;
  pinned: boolean;
  locked: boolean;
  hidden: boolean;
  unread: number;
  opened: boolean;
  subjectType: ThreadSubjectType | null;
  subjectId: number | null;
};

type ListOptions = { categoryId?: number; subject?: { type: ThreadSubjectType; id: number }; limit?: number; offset?: number; pinnedFirst?: boolean; skipMutedCategories?: boolean };

export function listThreads(viewer: Viewer, options: ListOptions = {}): ThreadListItem[] {
  const { limit = THREADS_PER_PAGE, offset = 0 } = options;
  const author = alias(users, 'thread_author');
  const lastPost = alias(posts, 'last_post');
  const lastAuthor = alias(users, 'last_author');
  const conditions = [
    canModerate(viewer) ? undefined : isNull(threads.hiddenAt),
    options.categoryId ? eq(threads.categoryId, options.categoryId) : undefined,
    options.subject ? and(eq(threads.subjectType, options.subject.type), eq(threads.subjectId, options.subject.id)) : undefined,
    options.skipMutedCategories
      ? sql`${threads.categoryId} not in (select cw.category_id from category_watches cw where cw.user_id = ${viewer.id} and cw.level = 'muted')`
      : undefined,
  ];
  const order = options.pinnedFirst ? [sql`${threads.pinnedAt} is null`, desc(threads.pinnedAt), desc(threads.lastPostAt), desc(threads.id)] : [desc(threads.lastPostAt), desc(threads.id)];
  return db
    .select({
      id: threads.id,
      title: threads.title,
      categoryName: discussionCategories.name,
      categorySlug: discussionCategories.slug,
      authorName: author.name,
      postCount: threads.postCount,
      lastPostAt: threads.lastPostAt,
      lastPostAuthorName: lastAuthor.name,
      lastPostNumber: lastPost.number,
      pinnedAt: threads.pinnedAt,
      lockedAt: threads.lockedAt,
      hiddenAt: threads.hiddenAt,
      unread: unreadCountSql(viewer),
      opened: openedSql(viewer),
      subjectType: threads.subjectType,
      subjectId: threads.subjectId,
    })
    .from(threads)
    .innerJoin(discussionCategories, eq(discussionCategories.id, threads.categoryId))
    .innerJoin(author, eq(author.id, threads.authorId))
    .leftJoin(lastPost, eq(lastPost.id, threads.lastPostId))
    .leftJoin(lastAuthor, eq(lastAuthor.id, lastPost.authorId))
    .where(and(...conditions))
    .orderBy(...order)
    .limit(limit)
    .offset(offset)
    .all()
    .map((t) => ({
      id: t.id,
      title: t.title,
      categoryName: t.categoryName,
      categorySlug: t.categorySlug,
      authorName: t.authorName,
      replies: Math.max(0, t.postCount - 1),
      lastPostAt: t.lastPostAt,
      lastPostAuthorName: t.lastPostAuthorName,
      lastPostNumber: t.lastPostNumber,
      pinned: t.pinnedAt !== null,
      locked: t.lockedAt !== null,
      hidden: t.hiddenAt !== null,
      unread: Number(t.unread),
      opened: Boolean(t.opened),
      subjectType: t.subjectType,
      subjectId: t.subjectId,
    }));
}

export type CategorySummary = Category & { threadCount: number; postCount: number; unread: number; latest: ThreadListItem | null; watchLevel: WatchLevel };

/** Every category with its counts, the viewer's unread posts in it, and its most recently active thread. */
export function listCategorySummaries(viewer: Viewer): CategorySummary[] {
  const visible = canModerate(viewer) ? sql`` : sql` and t.hidden_at is null`;
  const hidden = canModerate(viewer) ? sql`` : sql` and p.hidden_at is null`;
  const rows = db
    .select({
      id: discussionCategories.id,
      threadCount: sql<number>`(select count(*) from threads t where t.category_id = ${OUTER_CATEGORY_ID}${visible})`,
      postCount: sql<number>`(select coalesce(sum(t.post_count), 0) from threads t where t.category_id = ${OUTER_CATEGORY_ID}${visible})`,
      unread: sql<number>`(select count(*) from posts p join threads t on t.id = p.thread_id
        where t.category_id = ${OUTER_CATEGORY_ID}${visible} and p.deleted_at is null${hidden} and p.author_id != ${viewer.id}
        and p.number > coalesce((select r.last_read_number from thread_reads r where r.user_id = ${viewer.id} and r.thread_id = t.id), 0))`,
      watchLevel: sql<WatchLevel | null>`(select cw.level from category_watches cw where cw.user_id = ${viewer.id} and cw.category_id = ${OUTER_CATEGORY_ID})`,
    })
    .from(discussionCategories)
    .all();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return listCategories().map((c) => {
    const r = byId.get(c.id)!;
    return {
      ...c,
      threadCount: Number(r.threadCount),
      postCount: Number(r.postCount),
      unread: Number(r.unread),
      watchLevel: r.watchLevel ?? 'normal',
      latest: listThreads(viewer, { categoryId: c.id, limit: 1 })[0] ?? null,
    };
  });
}

export function countThreads(viewer: Viewer, categoryId: number): number {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(threads)
    .where(and(eq(threads.categoryId, categoryId), canModerate(viewer) ? undefined : isNull(threads.hiddenAt)))
    .get()!.n;
}

export type ThreadView = Thread & { categoryName: string; categorySlug: string; authorName: string };

/** The thread if this viewer may see it. */
export function getThreadForViewer(viewer: Viewer, threadId: number): ThreadView | null {
  const row = db
    .select({ thread: threads, categoryName: discussionCategories.name, categorySlug: discussionCategories.slug, authorName: users.name })
    .from(threads)
    .innerJoin(discussionCategories, eq(discussionCategories.id, threads.categoryId))
    .innerJoin(users, eq(users.id, threads.authorId))
    .where(eq(threads.id, threadId))
    .get();
  if (!row || !canViewThread(viewer, row.thread)) return null;
  return { ...row.thread, categoryName: row.categoryName, categorySlug: row.categorySlug, authorName: row.authorName };
}

export type PostView = {
  id: number;
  number: number;
  authorId: number;
  authorName: string;
  organisationName: string;
  organisationSlug: string;
  createdAt: number;
  editedAt: number | null;
  /** Null when the viewer may not read it (removed, or hidden and not a coordinator). */
  bodyHtml: string | null;
  removed: boolean;
  hidden: boolean;
  canEdit: boolean;
  canDelete: boolean;
  canReport: boolean;
  canQuote: boolean;
};

/** The posts on one page of a thread (numbers (page-1)*50+1 … page*50), as this viewer may see them. */
export function listPostsOnPage(viewer: Viewer, thread: Pick<Thread, 'id' | 'lockedAt' | 'hiddenAt'>, page: number): PostView[] {
  const from = (page - 1) * POSTS_PER_PAGE + 1;
  const to = page * POSTS_PER_PAGE;
  return postViews(viewer, thread, sql`${posts.number} between ${from} and ${to}`);
}

/** One post of a thread, as this viewer would see it on the thread's page. */
export function getPostView(viewer: Viewer, thread: Pick<Thread, 'id' | 'lockedAt' | 'hiddenAt'>, number: number): PostView | undefined {
  return postViews(viewer, thread, eq(posts.number, number))[0];
}

function postViews(viewer: Viewer, thread: Pick<Thread, 'id' | 'lockedAt' | 'hiddenAt'>, numbers: SQL): PostView[] {
  const moderator = canModerate(viewer);
  const replying = canReply(viewer, thread);
  return db
    .select({ post: posts, authorName: users.name, organisationName: organisations.name, organisationSlug: organisations.slug })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.authorId))
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(and(eq(posts.threadId, thread.id), numbers))
    .orderBy(asc(posts.number))
    .all()
    .map(({ post, authorName, organisationName, organisationSlug }) => {
      const removed = post.deletedAt !== null;
      const hidden = post.hiddenAt !== null;
      // Coordinators read hidden and removed posts (to moderate them); members see placeholders.
      const readable = moderator || (!removed && !hidden);
      return {
        id: post.id,
        number: post.number,
        authorId: post.authorId,
        authorName,
        organisationName,
        organisationSlug,
        createdAt: post.createdAt,
        editedAt: post.editedAt,
        bodyHtml: readable ? post.bodyHtml : null,
        removed,
        hidden,
        canEdit: canEditPost(viewer, post),
        canDelete: canDeletePost(viewer, post),
        canReport: reportRefusal(viewer, post) === null,
        canQuote: replying && !removed && !hidden,
      };
    });
}

// ---------------------------------------------------------------------------------------------------------------
// "Discuss this" on workshop, pilot and resource pages

export type DiscussThisData = {
  signedIn: boolean;
  subjectLabel: string;
  startUrl: string;
  loginUrl: string;
  threads: { id: number; title: string; replies: number; lastActivity: string; lastActivityIso: string; unread: number; opened: boolean; locked: boolean }[];
};

/** The threads about a workshop, pilot or resource that this viewer may see (none for visitors). */
export function threadsAbout(subjectType: ThreadSubjectType, subjectId: number, viewer: Viewer | null): ThreadListItem[] {
  if (!viewer) return [];
  return listThreads(viewer, { subject: { type: subjectType, id: subjectId }, limit: 50 });
}

/** Everything the <DiscussThis> component needs; call it in the page's loader and pass it through. */
export function discussThis(subjectType: ThreadSubjectType, subjectId: number, viewer: SessionUser | null, pagePath: string): DiscussThisData {
  return {
    signedIn: !!viewer,
    subjectLabel: SUBJECT_LABELS[subjectType].toLowerCase(),
    startUrl: newThreadUrl(subjectType, subjectId),
    loginUrl: `/login?redirectTo=${encodeURIComponent(pagePath)}`,
    threads: threadsAbout(subjectType, subjectId, viewer).map((t) => ({
      id: t.id,
      title: t.title,
      replies: t.replies,
      lastActivity: formatDateTime(t.lastPostAt),
      lastActivityIso: new Date(t.lastPostAt).toISOString(),
      unread: t.unread,
      opened: t.opened,
      locked: t.locked,
    })),
  };
}

/** A thread list item as pages show it: times formatted in New Zealand time, links ready. */
export function threadRow(t: ThreadListItem) {
  return {
    id: t.id,
    title: t.title,
    url: `/discussions/${t.id}`,
    categoryName: t.categoryName,
    categoryUrl: `/discussions/c/${t.categorySlug}`,
    authorName: t.authorName,
    replies: t.replies,
    lastActivity: formatDateTime(t.lastPostAt),
    lastActivityIso: new Date(t.lastPostAt).toISOString(),
    lastPostAuthorName: t.lastPostAuthorName,
    lastPostUrl: t.lastPostNumber ? postLocation(t.id, t.lastPostNumber) : `/discussions/${t.id}`,
    pinned: t.pinned,
    locked: t.locked,
    hidden: t.hidden,
    unread: t.unread,
    opened: t.opened,
    subjectLabel: t.subjectType ? SUBJECT_LABELS[t.subjectType] : null,
  };
}
export type ThreadRow = ReturnType<typeof threadRow>;
