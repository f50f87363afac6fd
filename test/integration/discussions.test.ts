// Discussions against a real database, through the models and the route loaders and actions as Remix calls them:
// notification batching (one email per burst), the unwatch link without a session, unread tracking, pagination and
// permalinks, permissions with ids swapped, locking, moderation and reports, the posting limit, mentions, and the
// XSS corpus through post creation.
import { and, eq, like } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db, sqlite } from '../../db/client.server';
import { auditLog, outbox, postReports, postRevisions, posts, threadWatches, threads, users } from '../../db/schema';
import { seed } from '../../db/seed';
import { seedDiscussions } from '../../db/seed-discussions';
import {
  LOCKED_MESSAGE,
  POSTS_PER_PAGE,
  deletePost,
  editPost,
  findMentions,
  firstUnreadNumber,
  getCategoryBySlug,
  getPostByNumber,
  listThreads,
  markRead,
  moderateThread,
  pageForPostNumber,
  postHistory,
  queueThreadNotifications,
  reply,
  setPostHidden,
  setThreadWatch,
  startThread,
  threadWatchLevel,
  unwatchToken,
  verifyUnwatchToken,
} from '~/models/discussions.server';
import { createSession, generateToken, validateSessionToken, type SessionUser } from '~/utils/auth.server';
import * as adminCategories from '~/routes/admin.categories';
import * as adminModeration from '~/routes/admin.moderation';
import * as index from '~/routes/discussions._index';
import * as thread from '~/routes/discussions.$id';
import * as permalink from '~/routes/discussions.$id_.posts.$number';
import * as editRoute from '~/routes/discussions.$id_.posts.$number_.edit';
import * as historyRoute from '~/routes/discussions.$id_.posts.$number_.history';
import * as reportRoute from '~/routes/discussions.$id_.posts.$number_.report';
import * as category from '~/routes/discussions.c.$slug';
import * as newThread from '~/routes/discussions.new';
import * as unwatch from '~/routes/discussions.unwatch.$token';
import { assertSafe, XSS_VECTORS } from '../support/xss-corpus';

type Handler = (args: any) => Promise<unknown>;
type Outcome = { status: number; data: any; headers: Headers; body: string | null };

/** Calls a loader or action the way Remix would and flattens whatever it returns or throws. */
async function call(handler: Handler, { path, form, cookie, params = {} }: { path: string; form?: Record<string, string>; cookie?: string; params?: Record<string, string> }): Promise<Outcome> {
  const headers = new Headers();
  if (cookie) headers.set('Cookie', cookie);
  const request = new Request(`http://localhost:3000${path}`, form ? { method: 'POST', body: new URLSearchParams(form), headers } : { headers });
  let out: unknown;
  try {
    out = await handler({ request, params, context: { clientIp: '127.0.0.1', cspNonce: '' } });
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    out = thrown;
  }
  if (out instanceof Response) return { status: out.status, data: null, headers: out.headers, body: await out.text() };
  if (out && typeof out === 'object' && (out as { type?: string }).type === 'DataWithResponseInit') {
    const { data, init } = out as { data: unknown; init: ResponseInit | null };
    return { status: init?.status ?? 200, data, headers: new Headers(init?.headers), body: null };
  }
  return { status: 200, data: out, headers: new Headers(), body: null };
}

type Person = { user: SessionUser; cookie: string };
function sessionFor(email: string): Person {
  const row = db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()!;
  const token = generateToken();
  createSession(token, row.id);
  return { user: validateSessionToken(token)!.user, cookie: `__session=${token}` };
}

/** Notification emails about one thread, per recipient address. */
function notificationsFor(threadId: number, to?: string) {
  return db
    .select()
    .from(outbox)
    .where(and(like(outbox.dedupeKey, `thread:${threadId}:notify:%`), to ? eq(outbox.toAddress, to) : undefined))
    .all();
}

function mentionsFor(postId: number) {
  return db.select().from(outbox).where(like(outbox.dedupeKey, `post:${postId}:mention:%`)).all();
}

let coordinator: Person;
let member: Person; // Demo Member, BCITO
let pm: Person; // Demo Project Manager
let bill: Person;
let jo: Person;
let terry: Person;
let generalId: number;
let stackingId: number;
const MINUTE = 60_000;

function must<T extends { ok: boolean }>(outcome: T): Extract<T, { ok: true }> {
  if (!outcome.ok) throw new Error(`expected success, got ${JSON.stringify(outcome)}`);
  return outcome as Extract<T, { ok: true }>;
}

function start(person: Person, title: string, body = 'Opening post.', now = Date.now(), categoryId = generalId) {
  return must(startThread(person.user, { categoryId, title, body, subjectType: null, subjectId: null }, now));
}

beforeAll(async () => {
  await seed();
  db.transaction((tx) => seedDiscussions(tx));
  db.transaction((tx) => seedDiscussions(tx)); // idempotent
  coordinator = sessionFor('coordinator@demo.example');
  member = sessionFor('member@demo.example');
  pm = sessionFor('project.manager@demo.example');
  bill = sessionFor('bill.sole@demo.example');
  jo = sessionFor('jo.brady@demo.example');
  terry = sessionFor('terry.shubkin@demo.example');
  generalId = getCategoryBySlug('general')!.id;
  stackingId = getCategoryBySlug('stacking-and-pathways')!.id;
});

beforeEach(() => {
  // Each test posts at its own pace; the posting limit gets its own test.
  sqlite.prepare(`delete from rate_limits where key like 'discussion-post:%'`).run();
});

describe('the demo seed', () => {
  it('creates the five categories and the grounded threads once, however often it runs', () => {
    for (const slug of ['general', 'pilots-and-case-studies', 'quality-assurance', 'stacking-and-pathways', 'workshops']) expect(getCategoryBySlug(slug), slug).toBeDefined();
    const stacking = db.select().from(threads).where(eq(threads.title, 'Stacking micro-credentials into the NZDE')).all();
    expect(stacking).toHaveLength(1);
    expect(stacking[0]!.postCount).toBe(4);
    // Seeding queues no mail: participants are up to date.
    expect(queueThreadNotifications()).toBe(0);
  });
});

describe('notification batching', () => {
  it('sends one email per watcher for a burst of ten replies, one more after the window, none to the muted or the author', async () => {
    const t0 = Date.now();
    const t = start(jo, 'Recognition of prior learning and EduBits', 'How do EduBits recognise prior learning?', t0);
    setThreadWatch(bill.user.id, t.threadId, 'watching'); // explicit watcher who never posted
    setThreadWatch(terry.user.id, t.threadId, 'muted'); // muted
    expect(threadWatchLevel(jo.user.id, t.threadId)).toBe('watching'); // auto-watch on start

    // Ten replies from the project manager over nine minutes, with the job running after each, as the timer would.
    for (let i = 1; i <= 10; i++) {
      const at = t0 + i * 55_000;
      must(reply(pm.user, t.threadId, { body: `Reply number ${i} about EduBits.` }, at));
      queueThreadNotifications(at + 1000);
    }
    expect(notificationsFor(t.threadId, jo.user.email)).toHaveLength(1);
    expect(notificationsFor(t.threadId, bill.user.email)).toHaveLength(1);
    expect(notificationsFor(t.threadId, terry.user.email)).toHaveLength(0);
    // The author of every new post hears nothing about them.
    expect(notificationsFor(t.threadId, pm.user.email)).toHaveLength(0);
    expect(threadWatchLevel(pm.user.id, t.threadId)).toBe('watching'); // auto-watch on reply

    const first = notificationsFor(t.threadId, bill.user.email)[0]!;
    expect(first.subject).toContain('Recognition of prior learning and EduBits');
    expect(first.text).toContain('Reply number 1 about EduBits.');
    expect(first.text).toContain(`/discussions/${t.threadId}/posts/2`);
    expect(first.text).toContain(`/discussions/unwatch/${unwatchToken(bill.user.id, t.threadId)}`);
    expect(JSON.parse(first.headers)['List-Unsubscribe']).toContain('/discussions/unwatch/');

    // Once the window has passed since the first email, the rest of the burst arrives as one more email.
    const afterWindow = t0 + 55_000 + 1000 + 15 * MINUTE;
    expect(queueThreadNotifications(afterWindow - 1)).toBe(0);
    queueThreadNotifications(afterWindow);
    queueThreadNotifications(afterWindow + 1000); // a second run finds nothing new
    const billMails = notificationsFor(t.threadId, bill.user.email);
    expect(billMails).toHaveLength(2);
    expect(billMails[1]!.subject).toContain('9 new posts');
    for (let i = 2; i <= 10; i++) expect(billMails[1]!.text).toContain(`Reply number ${i} about EduBits.`);
    expect(billMails[1]!.text).not.toContain('Reply number 1 about');
    expect(notificationsFor(t.threadId, jo.user.email)).toHaveLength(2);

    // A later reply, after another window, makes one more.
    const later = afterWindow + 20 * MINUTE;
    must(reply(coordinator.user, t.threadId, { body: 'A later thought from the coordinator.' }, later));
    queueThreadNotifications(later + 1000);
    expect(notificationsFor(t.threadId, bill.user.email)).toHaveLength(3);
    expect(notificationsFor(t.threadId, jo.user.email)).toHaveLength(3);
    // The project manager watches since replying and now hears about the coordinator's post; Terry still nothing.
    expect(notificationsFor(t.threadId, pm.user.email)).toHaveLength(1);
    expect(notificationsFor(t.threadId, terry.user.email)).toHaveLength(0);
    expect(notificationsFor(t.threadId, coordinator.user.email)).toHaveLength(0);
  });

  it('does not email an author about their own reply, nor anyone about posts they have already read', () => {
    const t0 = Date.now();
    const t = start(jo, 'Authors are not notified', 'First.', t0);
    setThreadWatch(bill.user.id, t.threadId, 'watching');
    must(reply(jo.user, t.threadId, { body: 'Jo adds a second post.' }, t0 + 1000));
    queueThreadNotifications(t0 + 2000);
    expect(notificationsFor(t.threadId, jo.user.email)).toHaveLength(0);
    expect(notificationsFor(t.threadId, bill.user.email)).toHaveLength(1);

    // Jo reads Terry's reply on the site before the job runs: no email for it.
    setThreadWatch(terry.user.id, t.threadId, 'normal');
    must(reply(terry.user, t.threadId, { body: 'Terry replies.' }, t0 + 20 * MINUTE));
    markRead(jo.user, t.threadId, 3);
    queueThreadNotifications(t0 + 20 * MINUTE + 1000);
    expect(notificationsFor(t.threadId, jo.user.email)).toHaveLength(0);
    expect(notificationsFor(t.threadId, bill.user.email)).toHaveLength(2);
  });

  it('takes the window from NOTIFY_BATCH_MINUTES', () => {
    process.env.NOTIFY_BATCH_MINUTES = '5';
    try {
      const t0 = Date.now();
      const t = start(jo, 'A five-minute window', 'First.', t0);
      must(reply(pm.user, t.threadId, { body: 'One.' }, t0 + 1000));
      queueThreadNotifications(t0 + 2000);
      must(reply(pm.user, t.threadId, { body: 'Two.' }, t0 + 3000));
      queueThreadNotifications(t0 + 2000 + 5 * MINUTE - 1);
      expect(notificationsFor(t.threadId, jo.user.email)).toHaveLength(1);
      queueThreadNotifications(t0 + 2000 + 5 * MINUTE);
      expect(notificationsFor(t.threadId, jo.user.email)).toHaveLength(2);
    } finally {
      delete process.env.NOTIFY_BATCH_MINUTES;
    }
  });

  it('tells members watching a category about new threads in it', async () => {
    const res = await call(category.action, { path: '/discussions/c/stacking-and-pathways', params: { slug: 'stacking-and-pathways' }, form: { intent: 'watch', level: 'watching' }, cookie: terry.cookie });
    expect(res.status).toBe(302);
    const t = start(bill, 'Stacking towards the BEngTech', 'What about the BEngTech?', Date.now(), stackingId);
    queueThreadNotifications(Date.now() + 1000);
    const mails = notificationsFor(t.threadId, terry.user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('New thread: Stacking towards the BEngTech');
  });
});

describe('the unwatch link', () => {
  it('works without a session: GET only asks, POST mutes the thread', async () => {
    const t = start(jo, 'Unwatch link thread');
    setThreadWatch(bill.user.id, t.threadId, 'watching');
    must(reply(pm.user, t.threadId, { body: 'Something for Bill to hear about.' }));
    queueThreadNotifications(Date.now() + 1000);
    const mail = notificationsFor(t.threadId, bill.user.email)[0]!;
    const token = /\/discussions\/unwatch\/([^\s"<>]+)/.exec(mail.text)![1]!;
    expect(verifyUnwatchToken(token)).toEqual({ userId: bill.user.id, threadId: t.threadId });

    const page = await call(unwatch.loader, { path: `/discussions/unwatch/${token}`, params: { token } });
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({ valid: true, threadTitle: 'Unwatch link thread', muted: false });
    expect(threadWatchLevel(bill.user.id, t.threadId)).toBe('watching'); // GET changed nothing

    const done = await call(unwatch.action, { path: `/discussions/unwatch/${token}`, params: { token }, form: {} });
    expect(done.status).toBe(200);
    expect(done.data).toEqual({ done: true });
    expect(threadWatchLevel(bill.user.id, t.threadId)).toBe('muted');

    // Muted: a later reply sends Bill nothing, even after the window.
    must(reply(pm.user, t.threadId, { body: 'Another one.' }, Date.now() + 30 * MINUTE));
    queueThreadNotifications(Date.now() + 31 * MINUTE);
    expect(notificationsFor(t.threadId, bill.user.email)).toHaveLength(1);
  });

  it('answers a forged or damaged token with a 400 page, never a 500, and changes nothing', async () => {
    const t = start(jo, 'Forged token thread');
    setThreadWatch(bill.user.id, t.threadId, 'watching');
    const good = unwatchToken(bill.user.id, t.threadId);
    const mac = good.split('.')[2]!;
    const forged = [
      `${jo.user.id}.${t.threadId}.${mac}`, // someone else's id with Bill's signature
      `${bill.user.id}.${t.threadId}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`,
      `${bill.user.id}.${t.threadId}.${mac.slice(0, -1)}${String.fromCharCode(mac.charCodeAt(42) ^ 1)}`, // same bytes, not the spelling we issued
      `${bill.user.id}.${t.threadId}.short`,
      'not-a-token',
      `${bill.user.id}.${t.threadId}.${'%'.repeat(43)}`,
      `${bill.user.id}.999999999.${mac}`,
    ];
    for (const token of forged) {
      const get = await call(unwatch.loader, { path: `/discussions/unwatch/${encodeURIComponent(token)}`, params: { token } });
      expect(get.status, token).toBe(400);
      expect(get.data.valid).toBe(false);
      const post = await call(unwatch.action, { path: `/discussions/unwatch/${encodeURIComponent(token)}`, params: { token }, form: {} });
      expect(post.status, token).toBe(400);
    }
    expect(threadWatchLevel(bill.user.id, t.threadId)).toBe('watching');
    expect(threadWatchLevel(jo.user.id, t.threadId)).toBe('watching');
  });
});

describe('unread tracking', () => {
  it('counts new replies since the last read, and opens the thread at the first unread post', async () => {
    const t = start(jo, 'Unread tracking thread');
    const params = { id: String(t.threadId) };
    // Bill has never opened it: it is new to him, all of it unread.
    let listed = listThreads(bill.user, { limit: 100 }).find((x) => x.id === t.threadId)!;
    expect(listed).toMatchObject({ opened: false, unread: 1 });
    expect(firstUnreadNumber(bill.user, t.threadId)).toBe(1);

    // Opening it shows page 1 (no redirect: the first unread post is the first post) and marks it read.
    const opened = await call(thread.loader, { path: `/discussions/${t.threadId}`, params, cookie: bill.cookie });
    expect(opened.status).toBe(200);
    listed = listThreads(bill.user, { limit: 100 }).find((x) => x.id === t.threadId)!;
    expect(listed).toMatchObject({ opened: true, unread: 0 });
    expect(firstUnreadNumber(bill.user, t.threadId)).toBeNull();

    must(reply(jo.user, t.threadId, { body: 'Second.' }));
    must(reply(pm.user, t.threadId, { body: 'Third.' }));
    listed = listThreads(bill.user, { limit: 100 }).find((x) => x.id === t.threadId)!;
    expect(listed.unread).toBe(2);
    expect(firstUnreadNumber(bill.user, t.threadId)).toBe(2);
    // Jo's own post is not unread for her; the project manager's is.
    expect(listThreads(jo.user, { limit: 100 }).find((x) => x.id === t.threadId)!.unread).toBe(1);

    // Without ?page the thread opens at the first unread post.
    const again = await call(thread.loader, { path: `/discussions/${t.threadId}`, params, cookie: bill.cookie });
    expect(again.status).toBe(302);
    expect(again.headers.get('Location')).toBe(`/discussions/${t.threadId}?page=1#post-2`);
    const page = await call(thread.loader, { path: `/discussions/${t.threadId}?page=1`, params, cookie: bill.cookie });
    expect(page.data.unreadMarker).toBe(2);
    expect(firstUnreadNumber(bill.user, t.threadId)).toBeNull();

    // The index counts unread posts per category.
    must(reply(terry.user, t.threadId, { body: 'Fourth.' }));
    const idx = await call(index.loader, { path: '/discussions', cookie: bill.cookie });
    expect(idx.data.categories.find((c: { slug: string }) => c.slug === 'general').unread).toBeGreaterThanOrEqual(1);
    expect(idx.data.latest.find((x: { id: number }) => x.id === t.threadId).unread).toBe(1);
  });

  it('never moves the read mark backwards', () => {
    const t = start(jo, 'Read mark thread');
    for (let i = 0; i < 4; i++) must(reply(pm.user, t.threadId, { body: `Post ${i + 2}` }));
    markRead(bill.user, t.threadId, 4);
    markRead(bill.user, t.threadId, 2);
    expect(firstUnreadNumber(bill.user, t.threadId)).toBe(5);
  });
});

describe('pagination and permalinks', () => {
  let threadId = 0;
  beforeAll(() => {
    const t0 = Date.now();
    const t = start(jo, 'A long thread', 'Post 1', t0);
    threadId = t.threadId;
    const people = [pm, bill, terry, member, coordinator];
    for (let n = 2; n <= 120; n++) must(reply(people[n % people.length]!.user, threadId, { body: `Post ${n}` }, t0 + n * 7000));
  });

  it('puts 50 posts on a page and finds the page of any post number', async () => {
    expect(POSTS_PER_PAGE).toBe(50);
    expect([1, 50, 51, 100, 101, 120].map(pageForPostNumber)).toEqual([1, 1, 2, 2, 3, 3]);
    const params = { id: String(threadId) };
    const page2 = await call(thread.loader, { path: `/discussions/${threadId}?page=2`, params, cookie: bill.cookie });
    expect(page2.data.posts.map((p: { number: number }) => p.number)).toEqual(Array.from({ length: 50 }, (_, i) => 51 + i));
    expect(page2.data).toMatchObject({ page: 2, lastPage: 3 });
    const beyond = await call(thread.loader, { path: `/discussions/${threadId}?page=9`, params, cookie: bill.cookie });
    expect(beyond.headers.get('Location')).toBe(`/discussions/${threadId}?page=3`);
  });

  it('redirects a permalink (and ?post=N) to the right page and anchor, and 404s a post that does not exist', async () => {
    const res = await call(permalink.loader, { path: `/discussions/${threadId}/posts/51`, params: { id: String(threadId), number: '51' }, cookie: bill.cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe(`/discussions/${threadId}?page=2#post-51`);
    const viaQuery = await call(thread.loader, { path: `/discussions/${threadId}?post=120`, params: { id: String(threadId) }, cookie: bill.cookie });
    expect(viaQuery.headers.get('Location')).toBe(`/discussions/${threadId}?page=3#post-120`);
    const missing = await call(permalink.loader, { path: `/discussions/${threadId}/posts/121`, params: { id: String(threadId), number: '121' }, cookie: bill.cookie });
    expect(missing.status).toBe(404);
    const nonsense = await call(permalink.loader, { path: `/discussions/${threadId}/posts/abc`, params: { id: String(threadId), number: 'abc' }, cookie: bill.cookie });
    expect(nonsense.status).toBe(404);
  });

  it('opens a long thread at the page of the first unread post', async () => {
    markRead(jo.user, threadId, 75); // Jo wrote only post 1
    const res = await call(thread.loader, { path: `/discussions/${threadId}`, params: { id: String(threadId) }, cookie: jo.cookie });
    expect(res.headers.get('Location')).toBe(`/discussions/${threadId}?page=2#post-76`);
  });
});

describe('permissions', () => {
  let threadId = 0;
  let billsPost: { id: number; number: number };
  beforeAll(() => {
    const t = start(jo, 'Permissions thread');
    threadId = t.threadId;
    const r = must(reply(bill.user, threadId, { body: "Bill's own words." }));
    billsPost = { id: r.postId, number: r.number };
  });

  it("refuses a member editing, removing or hiding another member's post with 403, and changes nothing", async () => {
    const params = { id: String(threadId), number: String(billsPost.number) };
    const editPage = await call(editRoute.loader, { path: `/discussions/${threadId}/posts/${billsPost.number}/edit`, params, cookie: member.cookie });
    expect(editPage.status).toBe(403);
    const edit = await call(editRoute.action, { path: `/discussions/${threadId}/posts/${billsPost.number}/edit`, params, form: { intent: 'save', body: 'Hijacked' }, cookie: member.cookie });
    expect(edit.status).toBe(403);
    const threadParams = { id: String(threadId) };
    const del = await call(thread.action, { path: `/discussions/${threadId}?page=1`, params: threadParams, form: { intent: 'delete', postId: String(billsPost.id), confirm: 'yes' }, cookie: member.cookie });
    expect(del.status).toBe(403);
    const hide = await call(thread.action, { path: `/discussions/${threadId}?page=1`, params: threadParams, form: { intent: 'hidePost', postId: String(billsPost.id) }, cookie: member.cookie });
    expect(hide.status).toBe(403);
    for (const intent of ['pin', 'lock', 'hideThread']) {
      const res = await call(thread.action, { path: `/discussions/${threadId}`, params: threadParams, form: { intent }, cookie: member.cookie });
      expect(res.status, intent).toBe(403);
    }
    const row = db.select().from(posts).where(eq(posts.id, billsPost.id)).get()!;
    expect(row).toMatchObject({ bodyMd: "Bill's own words.", editedAt: null, deletedAt: null, hiddenAt: null });
    expect(db.select().from(threads).where(eq(threads.id, threadId)).get()).toMatchObject({ pinnedAt: null, lockedAt: null, hiddenAt: null });
  });

  it('answers 404 when a post of another thread is named in this thread (ids swapped)', async () => {
    const other = start(bill, 'Another thread of Bill');
    const res = await call(thread.action, { path: `/discussions/${threadId}`, params: { id: String(threadId) }, form: { intent: 'delete', postId: String(other.postId), confirm: 'yes' }, cookie: bill.cookie });
    expect(res.status).toBe(404);
    expect(db.select().from(posts).where(eq(posts.id, other.postId)).get()!.deletedAt).toBeNull();
  });

  it('lets the author edit (history kept, edited mark) and remove their own post, which stays as removed', async () => {
    const params = { id: String(threadId), number: String(billsPost.number) };
    const edited = await call(editRoute.action, { path: `/discussions/${threadId}/posts/${billsPost.number}/edit`, params, form: { intent: 'save', body: "Bill's better words." }, cookie: bill.cookie });
    expect(edited.status).toBe(302);
    expect(edited.headers.get('Location')).toBe(`/discussions/${threadId}?page=1#post-${billsPost.number}`);
    const row = db.select().from(posts).where(eq(posts.id, billsPost.id)).get()!;
    expect(row.bodyHtml).toContain('better words');
    expect(row.editedAt).not.toBeNull();
    expect(db.select().from(postRevisions).where(eq(postRevisions.postId, billsPost.id)).all().map((r) => r.bodyMd)).toEqual(["Bill's own words."]);
    expect(postHistory(billsPost.id).map((v) => v.bodyMd)).toEqual(["Bill's own words.", "Bill's better words."]);
    const history = await call(historyRoute.loader, { path: `/discussions/${threadId}/posts/${billsPost.number}/history`, params, cookie: member.cookie });
    expect(history.data.versions).toHaveLength(2);
    const page = await call(thread.loader, { path: `/discussions/${threadId}?page=1`, params: { id: String(threadId) }, cookie: member.cookie });
    expect(page.data.posts.find((p: { id: number }) => p.id === billsPost.id).edited).not.toBeNull();

    // Remove needs the confirmation field.
    const unconfirmed = await call(thread.action, { path: `/discussions/${threadId}`, params: { id: String(threadId) }, form: { intent: 'delete', postId: String(billsPost.id) }, cookie: bill.cookie });
    expect(unconfirmed.status).toBe(400);
    const removed = await call(thread.action, { path: `/discussions/${threadId}`, params: { id: String(threadId) }, form: { intent: 'delete', postId: String(billsPost.id), confirm: 'yes' }, cookie: bill.cookie });
    expect(removed.status).toBe(302);
    const after = await call(thread.loader, { path: `/discussions/${threadId}?page=1`, params: { id: String(threadId) }, cookie: member.cookie });
    const shown = after.data.posts.find((p: { id: number }) => p.id === billsPost.id);
    expect(shown).toMatchObject({ removed: true, bodyHtml: null, canQuote: false });
    expect(db.select().from(posts).where(eq(posts.id, billsPost.id)).get()!.bodyMd).toBe("Bill's better words."); // kept, not deleted
    // A removed post can no longer be edited.
    expect(editPost(bill.user, billsPost.id, { body: 'x' })).toMatchObject({ ok: false, status: 403 });
  });

  it('lets a coordinator hide a post (audited); members then see only a placeholder', async () => {
    const r = must(reply(terry.user, threadId, { body: 'Something to hide.' }));
    const res = await call(thread.action, { path: `/discussions/${threadId}`, params: { id: String(threadId) }, form: { intent: 'hidePost', postId: String(r.postId) }, cookie: coordinator.cookie });
    expect(res.status).toBe(302);
    expect(db.select().from(posts).where(eq(posts.id, r.postId)).get()!.hiddenAt).not.toBeNull();
    expect(db.select().from(auditLog).where(and(eq(auditLog.action, 'discussion.post.hide'), eq(auditLog.targetId, r.postId))).all()).toHaveLength(1);
    const memberView = await call(thread.loader, { path: `/discussions/${threadId}?page=1`, params: { id: String(threadId) }, cookie: member.cookie });
    expect(memberView.data.posts.find((p: { id: number }) => p.id === r.postId)).toMatchObject({ hidden: true, bodyHtml: null });
    const coordinatorView = await call(thread.loader, { path: `/discussions/${threadId}?page=1`, params: { id: String(threadId) }, cookie: coordinator.cookie });
    expect(coordinatorView.data.posts.find((p: { id: number }) => p.id === r.postId).bodyHtml).toContain('Something to hide.');
    // The author cannot edit a hidden post.
    const edit = await call(editRoute.action, { path: `/discussions/${threadId}/posts/${r.number}/edit`, params: { id: String(threadId), number: String(r.number) }, form: { intent: 'save', body: 'Sneaky' }, cookie: terry.cookie });
    expect(edit.status).toBe(403);
  });

  it('hides a thread from members (404) but not from coordinators, and pins and moves it with audit entries', async () => {
    const t = start(jo, 'Thread to moderate');
    const params = { id: String(t.threadId) };
    for (const intent of ['pin', 'hideThread']) {
      expect((await call(thread.action, { path: `/discussions/${t.threadId}`, params, form: { intent }, cookie: coordinator.cookie })).status).toBe(302);
    }
    expect((await call(thread.loader, { path: `/discussions/${t.threadId}?page=1`, params, cookie: jo.cookie })).status).toBe(404);
    expect((await call(thread.loader, { path: `/discussions/${t.threadId}?page=1`, params, cookie: coordinator.cookie })).data.thread).toMatchObject({ hidden: true, pinned: true });
    expect(listThreads(jo.user, { limit: 200 }).some((x) => x.id === t.threadId)).toBe(false);
    const moved = await call(thread.action, { path: `/discussions/${t.threadId}`, params, form: { intent: 'move', categoryId: String(stackingId) }, cookie: coordinator.cookie });
    expect(moved.status).toBe(302);
    expect(db.select().from(threads).where(eq(threads.id, t.threadId)).get()!.categoryId).toBe(stackingId);
    const actions = db.select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.targetType, 'thread'), eq(auditLog.targetId, t.threadId))).all().map((a) => a.action);
    expect(actions).toEqual(['discussion.thread.pin', 'discussion.thread.hide', 'discussion.thread.move']);
  });
});

describe('locked threads', () => {
  it('refuse replies with a clear message, through the page and the model', async () => {
    const t = start(jo, 'Thread to lock');
    const params = { id: String(t.threadId) };
    expect((await call(thread.action, { path: `/discussions/${t.threadId}`, params, form: { intent: 'lock' }, cookie: coordinator.cookie })).status).toBe(302);
    const res = await call(thread.action, { path: `/discussions/${t.threadId}`, params, form: { intent: 'reply', body: 'Can I still reply?' }, cookie: member.cookie });
    expect(res.status).toBe(403);
    expect(res.data.errors._form).toEqual([LOCKED_MESSAGE]);
    expect(res.data.values.body).toBe('Can I still reply?');
    expect(reply(bill.user, t.threadId, { body: 'Model path' })).toMatchObject({ ok: false, status: 403 });
    expect(db.select().from(threads).where(eq(threads.id, t.threadId)).get()!.postCount).toBe(1);
    const page = await call(thread.loader, { path: `/discussions/${t.threadId}?page=1`, params, cookie: member.cookie });
    expect(page.data.canReply).toBe(false);
    expect(page.data.thread.locked).toBe(true);
    // Unlocked, replies work again.
    expect(moderateThread(coordinator.user, t.threadId, 'unlock').ok).toBe(true);
    expect(reply(bill.user, t.threadId, { body: 'Open again' }).ok).toBe(true);
  });
});

describe('visitors', () => {
  it('are sent to sign in from every discussions page and action', async () => {
    const t = start(jo, 'Visitor test thread');
    const id = String(t.threadId);
    const cases: [Handler, string, Record<string, string>, Record<string, string>?][] = [
      [index.loader, '/discussions', {}],
      [newThread.loader, '/discussions/new', {}],
      [newThread.action, '/discussions/new', {}, { title: 'x', body: 'y', categoryId: String(generalId) }],
      [category.loader, '/discussions/c/general', { slug: 'general' }],
      [thread.loader, `/discussions/${id}`, { id }],
      [thread.action, `/discussions/${id}`, { id }, { intent: 'reply', body: 'Hello' }],
      [permalink.loader, `/discussions/${id}/posts/1`, { id, number: '1' }],
      [editRoute.loader, `/discussions/${id}/posts/1/edit`, { id, number: '1' }],
      [historyRoute.loader, `/discussions/${id}/posts/1/history`, { id, number: '1' }],
      [reportRoute.loader, `/discussions/${id}/posts/1/report`, { id, number: '1' }],
      [reportRoute.action, `/discussions/${id}/posts/1/report`, { id, number: '1' }, { reason: 'Spam' }],
    ];
    for (const [handler, path, params, form] of cases) {
      const res = await call(handler, { path, params, form });
      expect(res.status, path).toBe(302);
      expect(res.headers.get('Location'), path).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
    }
    expect(db.select().from(threads).where(eq(threads.id, t.threadId)).get()!.postCount).toBe(1);
  });

  it('and members cannot open the moderation queue or the category admin', async () => {
    expect((await call(adminModeration.loader, { path: '/admin/moderation', cookie: member.cookie })).status).toBe(403);
    expect((await call(adminCategories.action, { path: '/admin/categories', form: { intent: 'create', name: 'Spam' }, cookie: member.cookie })).status).toBe(403);
  });
});

describe('posting through the pages', () => {
  it('starts a thread about a workshop, with a 400 and the input kept for a missing title, and a preview that saves nothing', async () => {
    const seededWorkshop = sqlite.prepare(`select id from workshops where slug = 'sharing-pilot-approaches-and-emerging-results'`).get() as { id: number };
    const page = await call(newThread.loader, { path: `/discussions/new?workshop=${seededWorkshop.id}`, cookie: member.cookie });
    expect(page.data.subject).toMatchObject({ type: 'workshop', id: seededWorkshop.id });
    expect(page.data.defaults.categoryId).toBe(String(getCategoryBySlug('workshops')!.id));
    expect((await call(newThread.loader, { path: '/discussions/new?workshop=999999', cookie: member.cookie })).status).toBe(404);

    const form = { categoryId: String(generalId), title: '', body: 'A body with **bold**', subjectType: 'workshop', subjectId: String(seededWorkshop.id) };
    const preview = await call(newThread.action, { path: '/discussions/new', form: { ...form, intent: 'preview' }, cookie: member.cookie });
    expect(preview.status).toBe(200);
    expect(preview.data.previewHtml).toBe('<p>A body with <strong>bold</strong></p>\n');
    expect(preview.data.values.body).toBe('A body with **bold**');

    const bad = await call(newThread.action, { path: '/discussions/new', form: { ...form, intent: 'post' }, cookie: member.cookie });
    expect(bad.status).toBe(400);
    expect(bad.data.errors.title).toEqual(['Enter a title.']);
    expect(bad.data.values.body).toBe('A body with **bold**');

    const tooLong = await call(newThread.action, { path: '/discussions/new', form: { ...form, intent: 'post', title: 'x'.repeat(201), body: 'y'.repeat(20_001) }, cookie: member.cookie });
    expect(tooLong.status).toBe(400);
    expect(tooLong.data.errors.title[0]).toContain('200 characters or fewer');
    expect(tooLong.data.errors.body[0]).toContain('20,000 characters or fewer');

    const ok = await call(newThread.action, { path: '/discussions/new', form: { ...form, intent: 'post', title: 'Planning the pilots workshop' }, cookie: member.cookie });
    expect(ok.status).toBe(302);
    const created = db.select().from(threads).where(eq(threads.title, 'Planning the pilots workshop')).get()!;
    expect(created).toMatchObject({ subjectType: 'workshop', subjectId: seededWorkshop.id, postCount: 1 });
    expect(ok.headers.get('Location')).toBe(`/discussions/${created.id}`);
  });

  it('replies with a quote: the quoted post is prefilled from ?quote=, attributed, and stored as quoted_post_id', async () => {
    const t = start(bill, 'Quoting thread', 'NZBED supports approaches that align with its quality assurance practices.');
    const params = { id: String(t.threadId) };
    const page = await call(thread.loader, { path: `/discussions/${t.threadId}?page=1&quote=${t.postId}`, params, cookie: jo.cookie });
    expect(page.data.quote.markdown).toContain('> **Bill Sole** wrote in [post #1]');
    expect(page.data.quote.markdown).toContain('> NZBED supports approaches');

    const body = `${page.data.quote.markdown}Agreed, and EduBits do.`;
    const res = await call(thread.action, { path: `/discussions/${t.threadId}?page=1`, params, form: { intent: 'reply', body, quotePostId: String(t.postId) }, cookie: jo.cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe(`/discussions/${t.threadId}?page=1#post-2`);
    const stored = getPostByNumber(t.threadId, 2)!;
    expect(stored.quotedPostId).toBe(t.postId);
    expect(stored.bodyHtml).toContain('<blockquote>');
    expect(stored.bodyHtml.match(/<blockquote>/g)).toHaveLength(1); // the prefilled quote is not added twice

    // The model adds the quote itself when the body arrives without it.
    const r = must(reply(terry.user, t.threadId, { body: 'Short answer.', quotePostId: t.postId }));
    expect(getPostByNumber(t.threadId, r.number)!.bodyMd).toMatch(/^> \*\*Bill Sole\*\* wrote in \[post #1\]\(\/discussions\/\d+\/posts\/1\):\n>\n> NZBED/);

    // Quoting a post of another thread is refused.
    const other = start(pm, 'Unrelated thread');
    const refused = await call(thread.action, { path: `/discussions/${t.threadId}`, params, form: { intent: 'reply', body: 'x', quotePostId: String(other.postId) }, cookie: jo.cookie });
    expect(refused.status).toBe(400);
  });

  it('limits posting to 10 a minute per member with a clear 429 message, keeping the text', async () => {
    const t = start(terry, 'Rate limit thread');
    const params = { id: String(t.threadId) };
    // The thread start counted as one post.
    for (let i = 2; i <= 10; i++) {
      const res = await call(thread.action, { path: `/discussions/${t.threadId}`, params, form: { intent: 'reply', body: `Quick post ${i}` }, cookie: terry.cookie });
      expect(res.status, `post ${i}`).toBe(302);
    }
    const res = await call(thread.action, { path: `/discussions/${t.threadId}`, params, form: { intent: 'reply', body: 'One too many' }, cookie: terry.cookie });
    expect(res.status).toBe(429);
    expect(res.data.errors._form[0]).toMatch(/up to 10 times a minute.*try again in \d+ seconds?/);
    expect(res.data.values.body).toBe('One too many');
    expect(db.select().from(threads).where(eq(threads.id, t.threadId)).get()!.postCount).toBe(10);
    // Another member is not affected.
    expect(reply(bill.user, t.threadId, { body: 'Bill is fine' }).ok).toBe(true);
  });
});

describe('mentions', () => {
  it('finds @Full Name case-insensitively, longest name first, not in code, quotes or email addresses', () => {
    const people = [
      { id: 1, name: 'Jo Brady' },
      { id: 2, name: 'Jo Brady-Smith' },
      { id: 3, name: 'Bill Sole' },
      { id: 4, name: 'Terry Shubkin' },
      { id: 5, name: 'Ana' },
    ];
    const found = findMentions(
      "Thanks @jo brady-smith and @JO BRADY. Also @Bill Sole's point. Not `@Terry Shubkin`, not mail@Ana, not @Anaru.\n\n> @Terry Shubkin said so\n\n```\n@Terry Shubkin\n```",
      people,
    );
    expect(found.map((p) => p.id)).toEqual([2, 1, 3]);
    // Namesakes cannot be told apart, so both hear about it.
    expect(findMentions('@Ana?', [...people, { id: 6, name: 'ana' }]).map((p) => p.id)).toEqual([5, 6]);
  });

  it('queues one email per mentioned member, none to the author, and none again when the post is edited', () => {
    const t = start(pm, 'Mentions thread');
    const r = must(reply(pm.user, t.threadId, { body: 'What do @Bill Sole and @jo brady think? (I am @Demo Project Manager.) Ask @Bill Sole twice.' }));
    const mails = mentionsFor(r.postId);
    expect(mails.map((m) => m.toAddress).sort()).toEqual([bill.user.email, jo.user.email].sort());
    expect(mails[0]!.subject).toBe('Demo Project Manager mentioned you in “Mentions thread”');
    expect(mails[0]!.text).toContain(`/discussions/${t.threadId}/posts/${r.number}`);
    must(editPost(pm.user, r.postId, { body: 'What do @Bill Sole, @jo brady and @Terry Shubkin think?' }));
    const after = mentionsFor(r.postId);
    expect(after).toHaveLength(3);
    expect(after.filter((m) => m.toAddress === bill.user.email)).toHaveLength(1);
  });
});

describe('reports and the moderation queue', () => {
  it('lets a member report a post with a reason; a coordinator resolves it (audited) or hides the post', async () => {
    const t = start(bill, 'Reported thread');
    const r = must(reply(terry.user, t.threadId, { body: 'A doubtful post.' }));
    const params = { id: String(t.threadId), number: String(r.number) };
    const path = `/discussions/${t.threadId}/posts/${r.number}/report`;
    const page = await call(reportRoute.loader, { path, params, cookie: member.cookie });
    expect(page.status).toBe(200);
    expect(page.data.post).toMatchObject({ number: r.number, authorName: 'Terry Shubkin' });
    expect(page.data.post.bodyHtml).toContain('A doubtful post.');
    const noReason = await call(reportRoute.action, { path, params, form: { reason: ' ' }, cookie: member.cookie });
    expect(noReason.status).toBe(400);
    expect(noReason.data.errors.reason).toEqual(['Say what is wrong with this post.']);
    expect(noReason.data.values.reason).toBe(' ');
    const own = await call(reportRoute.action, { path, params, form: { reason: 'mine' }, cookie: terry.cookie });
    expect(own.status).toBe(403);
    expect(own.body).toBe('You cannot report your own post. You can edit or remove it instead.');
    const ok = await call(reportRoute.action, { path, params, form: { reason: 'Off topic' }, cookie: member.cookie });
    expect(ok.status).toBe(302);
    expect(ok.headers.get('Location')).toBe(`/discussions/${t.threadId}?page=1#post-${r.number}`);
    // Reporting the same post again while the report is open adds nothing and says so.
    const again = await call(reportRoute.action, { path, params, form: { reason: 'Still off topic' }, cookie: member.cookie });
    expect(again.status).toBe(302);
    expect(db.select().from(postReports).where(and(eq(postReports.postId, r.postId), eq(postReports.reporterId, member.user.id))).all()).toMatchObject([{ reason: 'Off topic' }]);
    const ok2 = await call(reportRoute.action, { path, params, form: { reason: 'Not constructive' }, cookie: jo.cookie });
    expect(ok2.status).toBe(302);

    const queue = await call(adminModeration.loader, { path: '/admin/moderation', cookie: coordinator.cookie });
    const mine = queue.data.open.filter((x: { threadTitle: string }) => x.threadTitle === 'Reported thread');
    expect(mine.map((x: { reason: string }) => x.reason).sort()).toEqual(['Not constructive', 'Off topic']);

    const first = mine.find((x: { reason: string }) => x.reason === 'Off topic');
    const dismissed = await call(adminModeration.action, { path: '/admin/moderation', form: { intent: 'dismiss', reportId: String(first.id) }, cookie: coordinator.cookie });
    expect(dismissed.status).toBe(302);
    expect(db.select().from(auditLog).where(and(eq(auditLog.action, 'discussion.report.dismiss'), eq(auditLog.targetId, first.id))).all()).toHaveLength(1);

    const second = mine.find((x: { reason: string }) => x.reason === 'Not constructive');
    const hidden = await call(adminModeration.action, { path: '/admin/moderation', form: { intent: 'hide', reportId: String(second.id) }, cookie: coordinator.cookie });
    expect(hidden.status).toBe(302);
    expect(db.select().from(posts).where(eq(posts.id, r.postId)).get()!.hiddenAt).not.toBeNull();
    expect(db.select().from(postReports).where(eq(postReports.id, second.id)).get()!.status).toBe('resolved');
    const after = await call(adminModeration.loader, { path: '/admin/moderation', cookie: coordinator.cookie });
    expect(after.data.open.some((x: { threadTitle: string }) => x.threadTitle === 'Reported thread')).toBe(false);

    // A member cannot act on the queue.
    expect((await call(adminModeration.action, { path: '/admin/moderation', form: { intent: 'resolve', reportId: String(second.id) }, cookie: member.cookie })).status).toBe(403);
  });
});

describe('the report page', () => {
  it('opens only for a post the viewer may report: 404 in a thread or for a post they cannot see, 403 for their own or a removed post', async () => {
    const t = start(jo, 'Report page thread');
    const a = must(reply(bill.user, t.threadId, { body: 'Bill replies.' }));
    const b = must(reply(bill.user, t.threadId, { body: 'Bill replies again.' }));
    const c = must(reply(bill.user, t.threadId, { body: 'Bill says something to hide.' }));
    const id = String(t.threadId);
    const open = (person: Person, number: number, threadId = id) =>
      call(reportRoute.loader, { path: `/discussions/${threadId}/posts/${number}/report`, params: { id: threadId, number: String(number) }, cookie: person.cookie });

    expect((await open(member, a.number)).status).toBe(200);
    // The thread page links to it for other people's posts only.
    const threadPage = await call(thread.loader, { path: `/discussions/${id}?page=1`, params: { id }, cookie: bill.cookie });
    const shown = (number: number) => threadPage.data.posts.find((p: { number: number }) => p.number === number);
    expect(shown(1).canReport).toBe(true);
    expect(shown(a.number).canReport).toBe(false);

    // One's own post.
    const own = await open(bill, a.number);
    expect(own.status).toBe(403);
    expect(own.body).toBe('You cannot report your own post. You can edit or remove it instead.');
    // A removed post.
    must(deletePost(bill.user, b.postId));
    expect((await open(member, b.number)).status).toBe(403);
    // A hidden post: not found for members, already dealt with for coordinators.
    must(setPostHidden(coordinator.user, c.postId, true));
    expect((await open(member, c.number)).status).toBe(404);
    expect((await open(coordinator, c.number)).status).toBe(403);
    // No such post, no such thread.
    expect((await open(member, 99)).status).toBe(404);
    expect((await open(member, 1, '99999999')).status).toBe(404);

    // A post in a thread the member cannot see: the page and its form both answer 404, and nothing is stored.
    must(moderateThread(coordinator.user, t.threadId, 'hide'));
    expect((await open(member, a.number)).status).toBe(404);
    const sent = await call(reportRoute.action, { path: `/discussions/${id}/posts/${a.number}/report`, params: { id, number: String(a.number) }, form: { reason: 'Spam' }, cookie: member.cookie });
    expect(sent.status).toBe(404);
    expect(db.select().from(postReports).where(eq(postReports.postId, a.postId)).all()).toEqual([]);
  });
});

describe('categories', () => {
  it('are managed by coordinators with audit entries; a category with threads cannot be deleted', async () => {
    const created = await call(adminCategories.action, { path: '/admin/categories', form: { intent: 'create', name: 'Assessment', description: 'How micro-credentials are assessed', position: '9' }, cookie: coordinator.cookie });
    expect(created.status).toBe(302);
    const assessment = getCategoryBySlug('assessment')!;
    expect(assessment).toMatchObject({ name: 'Assessment', position: 9 });
    const dup = await call(adminCategories.action, { path: '/admin/categories', form: { intent: 'create', name: 'general' }, cookie: coordinator.cookie });
    expect(dup.status).toBe(400);
    expect(dup.data.errors.name).toEqual(['There is already a category with that name.']);
    const refusedDelete = await call(adminCategories.action, { path: '/admin/categories', form: { intent: 'delete', categoryId: String(generalId) }, cookie: coordinator.cookie });
    expect(refusedDelete.status).toBe(400);
    expect(getCategoryBySlug('general')).toBeDefined();
    const renamed = await call(adminCategories.action, { path: '/admin/categories', form: { intent: 'update', categoryId: String(assessment.id), name: 'Assessment practice', description: '', position: '3' }, cookie: coordinator.cookie });
    expect(renamed.status).toBe(302);
    expect(getCategoryBySlug('assessment')!.name).toBe('Assessment practice');
    const deleted = await call(adminCategories.action, { path: '/admin/categories', form: { intent: 'delete', categoryId: String(assessment.id) }, cookie: coordinator.cookie });
    expect(deleted.status).toBe(302);
    expect(getCategoryBySlug('assessment')).toBeUndefined();
    const actions = db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetType, 'discussion_category')).all().map((a) => a.action);
    expect(actions).toEqual(['discussion.category.create', 'discussion.category.update', 'discussion.category.delete']);
  });
});

describe('the XSS corpus through post creation', () => {
  it('leaves nothing alive in the stored HTML of threads, replies and edits', async () => {
    const t0 = Date.now();
    const t = start(jo, 'XSS corpus thread', 'Start', t0);
    let stored = 0;
    XSS_VECTORS.forEach((vector, i) => {
      const outcome = reply(jo.user, t.threadId, { body: vector.input }, t0 + (i + 1) * 10_000);
      if (!outcome.ok) {
        // Only an empty body may be refused (a vector of nothing but whitespace).
        expect(outcome.status, vector.name).toBe(400);
        return;
      }
      stored++;
      const row = getPostByNumber(t.threadId, outcome.number)!;
      assertSafe(row.bodyHtml, { payloadVisibleAsText: vector.payloadVisibleAsText });
    });
    expect(stored).toBeGreaterThanOrEqual(XSS_VECTORS.length - 2);

    // Through the page too, as a thread's first post and as an edit.
    sqlite.prepare(`delete from rate_limits where key like 'discussion-post:%'`).run();
    for (const vector of XSS_VECTORS.slice(0, 8)) {
      const res = await call(newThread.action, { path: '/discussions/new', form: { intent: 'post', categoryId: String(generalId), title: `XSS: ${vector.name}`, body: vector.input }, cookie: bill.cookie });
      if (res.status !== 302) continue;
      const created = db.select().from(threads).where(eq(threads.title, `XSS: ${vector.name}`)).get()!;
      assertSafe(getPostByNumber(created.id, 1)!.bodyHtml, { payloadVisibleAsText: vector.payloadVisibleAsText });
    }
    const target = must(reply(bill.user, t.threadId, { body: 'to be edited' }));
    for (const vector of XSS_VECTORS.slice(-8)) {
      const outcome = editPost(bill.user, target.postId, { body: vector.input });
      if (!outcome.ok) continue;
      assertSafe(db.select().from(posts).where(eq(posts.id, target.postId)).get()!.bodyHtml, { payloadVisibleAsText: vector.payloadVisibleAsText });
    }
  });
});

describe('watching', () => {
  it('is set through the thread page: watch, mute, normal', async () => {
    const t = start(jo, 'Watch buttons thread');
    const params = { id: String(t.threadId) };
    for (const level of ['watching', 'muted', 'normal'] as const) {
      const res = await call(thread.action, { path: `/discussions/${t.threadId}?page=1`, params, form: { intent: 'watch', level }, cookie: bill.cookie });
      expect(res.status).toBe(302);
      expect(threadWatchLevel(bill.user.id, t.threadId)).toBe(level);
    }
    // Replying after muting keeps the thread muted.
    setThreadWatch(bill.user.id, t.threadId, 'muted');
    must(reply(bill.user, t.threadId, { body: 'Muted but replying' }));
    const watchRow = () => db.select().from(threadWatches).where(and(eq(threadWatches.userId, bill.user.id), eq(threadWatches.threadId, t.threadId))).get()!;
    expect(watchRow().level).toBe('muted');
    // Watching again starts from now: the posts written while muted are not mailed as a backlog.
    must(reply(jo.user, t.threadId, { body: 'Written while Bill had muted it' }));
    setThreadWatch(bill.user.id, t.threadId, 'watching');
    expect(watchRow()).toMatchObject({ level: 'watching', notifiedThroughNumber: 3 });
    queueThreadNotifications(Date.now() + 1000);
    expect(notificationsFor(t.threadId, bill.user.email)).toHaveLength(0);
  });
});
