import { and, asc, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { db } from '../../../db/client.server';
import { discussionCategories, organisations, posts, threads, type ThreadSubjectType, users } from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { formatDateTime } from '~/utils/time';
import { POSTS_PER_PAGE, THREADS_PER_PAGE } from '../discussion-limits';
import {
  type Category,
  SUBJECT_LABELS,
  type Thread,
  type Viewer,
  type WatchLevel,
  canDeletePost,
  canEditPost,
  canModerate,
  canReply,
  canViewThread,
  postLocation,
  reportRefusal,
} from './shared.server';
import { OUTER_CATEGORY_ID, openedSql, unreadCountSql } from './unread.server';
import { listCategories, newThreadUrl } from './categories.server';

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
