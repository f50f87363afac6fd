import { and, asc, desc, eq, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { db } from '../../../db/client.server';
import { postReports, posts, threads, users } from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { recordAudit } from '../audit.server';
import { type Outcome, canModerate, canViewThread, done, refused, reportRefusal } from './shared.server';
import { getPost, getThreadRow, postExcerpt } from './posting.server';
import { getCategoryById } from './categories.server';

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
