import { db } from '../../../db/client.server';
import { discussionCategories, posts, threads, type ThreadSubjectType } from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { consumeRateLimit } from '~/utils/rate-limit.server';
import type { FieldErrors } from '~/utils/validation.server';
import { logger } from '~/utils/logger.server';
import {
  BODY_MAX,
  POST_RATE_LIMIT,
  POSTS_PER_PAGE,
  REPORT_REASON_MAX,
  THREADS_PER_PAGE,
  TITLE_MAX,
} from '../discussion-limits';

export type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];
export type Reader = Tx | typeof db;
export type Category = typeof discussionCategories.$inferSelect;
export type Thread = typeof threads.$inferSelect;
export type Post = typeof posts.$inferSelect;
export type WatchLevel = 'watching' | 'muted' | 'normal';
export type Viewer = Pick<SessionUser, 'id' | 'role'>;

export { BODY_MAX, POSTS_PER_PAGE, POST_RATE_LIMIT, REPORT_REASON_MAX, THREADS_PER_PAGE, TITLE_MAX };
/** How much of a post a quote carries; the rest is a link away. */
export const QUOTE_MAX = 1200;
/** A post notifies at most this many mentioned members (a pasted member list is not a reason to mail everyone). */
export const MENTION_MAX = 20;
/** A notification email lists this many posts, then "and N more". */
export const NOTIFY_LIST_MAX = 20;

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
  if (!warnedAboutBatchMinutes) logger.warn(`NOTIFY_BATCH_MINUTES must be a positive number of minutes, got ${JSON.stringify(raw)}; using 15.`);
  warnedAboutBatchMinutes = true;
  return 15;
}

export const SUBJECT_LABELS: Record<ThreadSubjectType, string> = { workshop: 'Workshop', case_study: 'Pilot', resource: 'Resource' };
/** The query-string names of "Discuss this" links: /discussions/new?workshop=ID. */
export const SUBJECT_PARAMS: Record<ThreadSubjectType, string> = { workshop: 'workshop', case_study: 'caseStudy', resource: 'resource' };
/** The category a new thread about each kind of subject starts in, when it exists. */
export const SUBJECT_DEFAULT_CATEGORY: Record<ThreadSubjectType, string> = { workshop: 'workshops', case_study: 'pilots-and-case-studies', resource: 'general' };

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
export function canReadPost(user: Viewer, post: Pick<Post, 'hiddenAt'>): boolean {
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
// Outcomes

export type Outcome = { ok: true; message: string } | { ok: false; status: 400 | 403 | 404 | 429; message: string };
export type PostOutcome =
  | { ok: true; threadId: number; postId: number; number: number; message: string }
  | { ok: false; status: 400 | 403 | 404 | 429; errors: FieldErrors };

export const done = (message: string): Outcome => ({ ok: true, message });
export const refused = (status: 400 | 403 | 404 | 429, message: string): Outcome => ({ ok: false, status, message });
export const postRefused = (status: 400 | 403 | 404 | 429, errors: FieldErrors): PostOutcome => ({ ok: false, status, errors });

/** Counts one post against the member's limit; a refusal says how long to wait. */
export function postingThrottle(actor: SessionUser, now: number): PostOutcome | null {
  const { limit, windowMs } = POST_RATE_LIMIT;
  const verdict = consumeRateLimit(`discussion-post:${actor.id}`, limit, windowMs, now);
  if (verdict.allowed) return null;
  const wait = verdict.retryAfterSeconds === 1 ? '1 second' : `${verdict.retryAfterSeconds} seconds`;
  return postRefused(429, {
    _form: [`You are posting very quickly: members can post up to ${limit} times a minute. Your text is kept below; please try again in ${wait}.`],
  });
}
