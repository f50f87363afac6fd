import { and, eq, gt, isNull, sql, type SQL } from 'drizzle-orm';
import { db } from '../../../db/client.server';
import { posts, threadReads } from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { type Reader, type Viewer, canModerate } from './shared.server';

// ---------------------------------------------------------------------------------------------------------------
// Unread tracking

export function markReadIn(reader: Reader, userId: number, threadId: number, upToNumber: number, now: number) {
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
export const OUTER_CATEGORY_ID = sql.raw('"discussion_categories"."id"');

export function unreadCountSql(viewer: Viewer): SQL<number> {
  const hidden = canModerate(viewer) ? sql`` : sql` and p.hidden_at is null`;
  return sql<number>`(select count(*) from posts p where p.thread_id = ${OUTER_THREAD_ID} and p.deleted_at is null${hidden}
    and p.author_id != ${viewer.id}
    and p.number > coalesce((select r.last_read_number from thread_reads r where r.user_id = ${viewer.id} and r.thread_id = ${OUTER_THREAD_ID}), 0))`;
}

export function openedSql(viewer: Viewer): SQL<number> {
  return sql<number>`exists(select 1 from thread_reads r where r.user_id = ${viewer.id} and r.thread_id = ${OUTER_THREAD_ID})`;
}
