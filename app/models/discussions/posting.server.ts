import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import { db } from '../../../db/client.server';
import { categoryWatches, postRevisions, posts, threads, threadWatches, users } from '../../../db/schema';
import { mentionEmail } from '../../../emails/mention';
import type { SessionUser } from '~/utils/auth.server';
import { absoluteUrl, env } from '~/utils/env.server';
import { queueEmail } from '~/utils/mail.server';
import { excerpt, markdownToPlainText, renderMarkdown } from '~/utils/markdown.server';
import {
  LOCKED_MESSAGE,
  MENTION_MAX,
  type Outcome,
  type Post,
  type PostOutcome,
  QUOTE_MAX,
  type Reader,
  type Thread,
  type Tx,
  type Viewer,
  canDeletePost,
  canEditPost,
  canModerate,
  canReadPost,
  canViewThread,
  done,
  permalinkPath,
  postRefused,
  postingThrottle,
  refused,
} from './shared.server';
import { markReadIn } from './unread.server';
import type { ReplyInput, ThreadInput } from './input.server';
import { type Subject, findSubject, getCategoryById } from './categories.server';

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
export function postExcerpt(md: string, max = 300): string {
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

export function getThreadRow(reader: Reader, threadId: number): Thread | undefined {
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
