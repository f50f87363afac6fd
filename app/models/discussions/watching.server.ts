import crypto from 'node:crypto';
import { and, asc, eq, gt, isNull, lte, ne, sql } from 'drizzle-orm';
import { db } from '../../../db/client.server';
import {
  categoryWatches,
  discussionCategories,
  posts,
  threadReads,
  threads,
  threadWatches,
  users,
} from '../../../db/schema';
import { threadNotificationEmail } from '../../../emails/thread-notification';
import { absoluteUrl, env } from '~/utils/env.server';
import { queueEmail } from '~/utils/mail.server';
import { formatDateTime } from '~/utils/time';
import { NOTIFY_LIST_MAX, type Reader, type WatchLevel, notifyBatchMinutes, permalinkPath } from './shared.server';
import { getThreadRow, postExcerpt } from './posting.server';

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
