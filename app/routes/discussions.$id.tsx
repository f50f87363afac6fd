// /discussions/:id: a thread. Posts 50 a page (?page=N), each at #post-N; without ?page the thread opens at the
// member's first unread post. Reply (with Preview, and Quote links that pre-fill the reply server-side), remove a
// post, watch or mute, and the coordinators' moderation buttons. Editing and reporting a post have their own pages
// (/discussions/:id/posts/:n/edit and /report). Everything works without JavaScript.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { MarkdownHint, ThreadBadges, WatchControls } from '~/components/discussion-ui';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { BODY_MAX } from '~/models/discussion-limits';
import { FormError, SelectField, SubmitButton, TextAreaField, type FieldErrors } from '~/components/forms';
import {
  LOCKED_MESSAGE,
  canModerate,
  canReply,
  categoryOptions,
  deletePost,
  findSubject,
  firstUnreadNumber,
  getPost,
  getQuotablePost,
  getThreadForViewer,
  lastPageOf,
  lastReadNumber,
  listPostsOnPage,
  markRead,
  moderateThread,
  moveThread,
  notifyBatchMinutes,
  pageForPostNumber,
  postLocation,
  quoteMarkdown,
  reply,
  replySchema,
  setPostHidden,
  setThreadWatch,
  threadWatchLevel,
  type Outcome,
  type ThreadModeration,
  type WatchLevel,
} from '~/models/discussions.server';
import { requireUser } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { idParam, notFound, pageParam, readFormData } from '~/utils/http.server';
import { renderMarkdown } from '~/utils/markdown.server';
import { formatDateTime } from '~/utils/time';
import { formValues, parseForm, type FormValues } from '~/utils/validation.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `${data.thread.title} · Discussions · Micro-credentials CoP` : 'Thread not found · Micro-credentials CoP' },
]);

const positiveInt = (raw: FormDataEntryValue | string | null) => (typeof raw === 'string' && /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : null);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const thread = getThreadForViewer(user, idParam(params.id)) ?? notFound('There is no thread at this address.');
  const url = new URL(request.url);

  // ?post=N is another form of the permalink.
  const postNumber = positiveInt(url.searchParams.get('post'));
  if (postNumber !== null) throw redirect(postLocation(thread.id, postNumber));
  const lastPage = lastPageOf(thread);
  // Opened without a page: go to the first post the member has not read.
  if (!url.searchParams.has('page') && !url.searchParams.has('quote')) {
    const first = firstUnreadNumber(user, thread.id);
    if (first !== null && first > 1) throw redirect(postLocation(thread.id, first));
  }
  const page = pageParam(url);
  if (page > lastPage) throw redirect(`/discussions/${thread.id}?page=${lastPage}`);

  const readBefore = lastReadNumber(user.id, thread.id);
  const firstUnread = readBefore === null ? null : firstUnreadNumber(user, thread.id);
  const posts = listPostsOnPage(user, thread, page);
  // The posts shown are now read.
  const shownUpTo = posts.length ? posts[posts.length - 1]!.number : 0;
  markRead(user, thread.id, shownUpTo);

  const quoteId = positiveInt(url.searchParams.get('quote'));
  const quoted = quoteId !== null && canReply(user, thread) ? getQuotablePost(user, thread.id, quoteId) : null;
  const subject = thread.subjectType && thread.subjectId ? findSubject(thread.subjectType, thread.subjectId, user) : null;
  const moderator = canModerate(user);

  return {
    thread: {
      id: thread.id,
      title: thread.title,
      categoryName: thread.categoryName,
      categorySlug: thread.categorySlug,
      authorName: thread.authorName,
      postCount: thread.postCount,
      pinned: thread.pinnedAt !== null,
      locked: thread.lockedAt !== null,
      hidden: thread.hiddenAt !== null,
      opened: true,
      unread: 0,
      categoryId: thread.categoryId,
    },
    subject: subject ? { label: subject.label, title: subject.title, url: subject.url } : null,
    page,
    lastPage,
    posts: posts.map((p) => ({
      ...p,
      when: formatDateTime(p.createdAt),
      whenIso: new Date(p.createdAt).toISOString(),
      edited: p.editedAt === null ? null : formatDateTime(p.editedAt),
    })),
    unreadMarker: firstUnread !== null && firstUnread > 1 && pageForPostNumber(firstUnread) === page ? firstUnread : null,
    canReply: canReply(user, thread),
    lockedMessage: LOCKED_MESSAGE,
    quote: quoted ? { id: quoted.id, number: quoted.number, authorName: quoted.authorName, markdown: `${quoteMarkdown(thread.id, quoted)}\n\n` } : null,
    watchLevel: threadWatchLevel(user.id, thread.id),
    batchMinutes: notifyBatchMinutes(),
    moderation: moderator ? { categories: categoryOptions() } : null,
  };
}

type ActionForm = 'reply' | 'delete' | 'moderation';
type ThreadActionData = { form: ActionForm; postId?: number; errors: FieldErrors; values?: FormValues; previewHtml?: string | null };

function answer(d: ThreadActionData, status = 200) {
  return data<ThreadActionData>(d, { status });
}

/** A refusal that only a tampered form can cause (a button the page did not offer): an error page. */
function refuse(outcome: Extract<Outcome, { ok: false }>): never {
  throw new Response(outcome.message, { status: outcome.status });
}

const THREAD_INTENTS: Record<string, ThreadModeration> = {
  pin: 'pin',
  unpin: 'unpin',
  lock: 'lock',
  unlock: 'unlock',
  hideThread: 'hide',
  unhideThread: 'unhide',
};
const WATCH_LEVELS: WatchLevel[] = ['watching', 'muted', 'normal'];
const WATCH_MESSAGES: Record<WatchLevel, string> = {
  watching: 'You are watching this thread: new posts will be emailed to you.',
  muted: 'Thread muted: you will not get emails about it, even after you reply.',
  normal: 'You are no longer watching this thread.',
};

export async function action({ request, params }: ActionFunctionArgs) {
  const user = requireUser(request);
  const thread = getThreadForViewer(user, idParam(params.id)) ?? notFound('There is no thread at this address.');
  const formData = await readFormData(request);
  const intent = String(formData.get('intent') ?? '');
  const url = new URL(request.url);
  const back = `/discussions/${thread.id}?page=${Math.min(pageParam(url), lastPageOf(thread))}`;

  if (intent === 'preview') {
    const values = formValues(formData);
    return answer({ form: 'reply', errors: {}, values, previewHtml: renderMarkdown(values.body ?? '') });
  }

  if (intent === 'reply') {
    const form = parseForm(replySchema, formData);
    if (thread.lockedAt) return answer({ form: 'reply', errors: { _form: [LOCKED_MESSAGE] }, values: form.values }, 403);
    if (!form.ok) return answer({ form: 'reply', errors: form.errors, values: form.values }, 400);
    const outcome = reply(user, thread.id, form.data);
    if (!outcome.ok) return answer({ form: 'reply', errors: outcome.errors, values: form.values }, outcome.status);
    return redirectWithFlash(request, postLocation(thread.id, outcome.number), outcome.message);
  }

  if (intent === 'watch') {
    const level = String(formData.get('level') ?? '') as WatchLevel;
    if (!WATCH_LEVELS.includes(level)) return answer({ form: 'moderation', errors: { _form: ['Choose watch, mute or normal.'] } }, 400);
    setThreadWatch(user.id, thread.id, level);
    return redirectWithFlash(request, back, WATCH_MESSAGES[level]);
  }

  const postId = positiveInt(formData.get('postId'));
  // A post of another thread is not found here (ids swapped in a form).
  const post = postId === null ? undefined : getPost(postId);
  if (postId !== null && post?.threadId !== thread.id) notFound('That post is not in this thread.');

  if (intent === 'delete') {
    if (postId === null) return answer({ form: 'delete', errors: { _form: ['Choose a post to remove.'] } }, 400);
    if (formData.get('confirm') !== 'yes') return answer({ form: 'delete', postId, errors: { _form: ['Confirm that you want to remove this post.'] } }, 400);
    const outcome = deletePost(user, postId);
    if (!outcome.ok) refuse(outcome);
    return redirectWithFlash(request, postLocation(thread.id, outcome.number!), outcome.message);
  }

  // Everything below is moderation: coordinators only.
  if (!canModerate(user)) throw new Response('Only coordinators can moderate discussions.', { status: 403 });

  if (intent === 'hidePost' || intent === 'unhidePost') {
    if (postId === null) return answer({ form: 'moderation', errors: { _form: ['Choose a post.'] } }, 400);
    const outcome = setPostHidden(user, postId, intent === 'hidePost');
    if (!outcome.ok) refuse(outcome);
    return redirectWithFlash(request, postLocation(thread.id, outcome.number!), outcome.message);
  }

  if (intent === 'move') {
    const categoryId = positiveInt(formData.get('categoryId'));
    if (categoryId === null) return answer({ form: 'moderation', errors: { categoryId: ['Choose a category to move the thread to.'] } }, 400);
    const outcome = moveThread(user, thread.id, categoryId);
    if (!outcome.ok && outcome.status === 400) return answer({ form: 'moderation', errors: { categoryId: [outcome.message] } }, 400);
    if (!outcome.ok) refuse(outcome);
    return redirectWithFlash(request, back, outcome.message);
  }

  const moderation = THREAD_INTENTS[intent];
  if (moderation) {
    const outcome = moderateThread(user, thread.id, moderation);
    if (!outcome.ok) refuse(outcome);
    return redirectWithFlash(request, back, outcome.message);
  }

  return answer({ form: 'moderation', errors: { _form: ['Choose one of the actions on this page.'] } }, 400);
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function PostPages({ threadId, page, lastPage }: { threadId: number; page: number; lastPage: number }) {
  if (lastPage <= 1) return null;
  const pages = Array.from({ length: lastPage }, (_, i) => i + 1);
  return (
    <nav aria-label={`Pages of this thread (page ${page} of ${lastPage})`} className="pagination">
      {page > 1 ? (
        <Link to={`/discussions/${threadId}?page=${page - 1}`} rel="prev">
          Previous page
        </Link>
      ) : null}
      {lastPage <= 12 ? (
        <ul className="page-list">
          {pages.map((n) => (
            <li key={n}>{n === page ? <span aria-current="page">{n}</span> : <Link to={`/discussions/${threadId}?page=${n}`}>{n}</Link>}</li>
          ))}
        </ul>
      ) : (
        <span className="meta">
          Page {page} of {lastPage}
        </span>
      )}
      {page < lastPage ? (
        <Link to={`/discussions/${threadId}?page=${page + 1}`} rel="next">
          Next page
        </Link>
      ) : null}
    </nav>
  );
}

function PostItem({ post, data, actionData }: { post: LoaderData['posts'][number]; data: LoaderData; actionData: ThreadActionData | undefined }) {
  const { thread, page, moderation } = data;
  const n = post.number;
  const deleteErrors = actionData?.form === 'delete' && actionData.postId === post.id ? actionData.errors : undefined;
  return (
    <article id={`post-${n}`} className={`post${post.hidden ? ' post--hidden' : ''}`} aria-labelledby={`post-${n}-author`}>
      <header className="post__header">
        <h3 id={`post-${n}-author`} className="post__author">
          <Link to={`/members/${post.authorId}`}>{post.authorName}</Link>
        </h3>
        <p className="meta">
          <Link to={`/organisations/${post.organisationSlug}`}>{post.organisationName}</Link> · <time dateTime={post.whenIso}>{post.when}</time> ·{' '}
          <Link to={`/discussions/${thread.id}/posts/${n}`} aria-label={`Link to post ${n}`}>
            #{n}
          </Link>
          {post.edited ? (
            <>
              {' '}
              · <Link to={`/discussions/${thread.id}/posts/${n}/history`} title={`Last edited ${post.edited}`}>edited</Link>
            </>
          ) : null}{' '}
          {post.hidden ? <span className="badge badge--bad">Hidden</span> : null} {post.removed ? <span className="badge">Removed</span> : null}
        </p>
      </header>
      {post.removed ? (
        <>
          <p className="empty">This post was removed by its author.</p>
          {post.bodyHtml ? (
            <details>
              <summary>Show the removed text (coordinators only)</summary>
              <div className="prose" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
            </details>
          ) : null}
        </>
      ) : post.bodyHtml === null ? (
        <p className="empty">This post was hidden by a coordinator.</p>
      ) : (
        // Sanitised once, when it was saved.
        <div className="prose" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
      )}
      <div className="post__actions">
        {post.canQuote ? (
          <Link className="button button--quiet button--small" to={`/discussions/${thread.id}?page=${page}&quote=${post.id}#reply`}>
            Quote
          </Link>
        ) : null}
        {post.canEdit ? (
          <Link className="button button--quiet button--small" to={`/discussions/${thread.id}/posts/${n}/edit`}>
            Edit
          </Link>
        ) : null}
        {post.canDelete ? (
          <details className="post__details" open={!!deleteErrors}>
            <summary className="button button--quiet button--small">Remove</summary>
            <Form method="post" className="stack-tight">
              <FormError errors={deleteErrors?._form} />
              <p>Remove your post? It will show as “removed”, so the replies to it keep their place.</p>
              <input type="hidden" name="intent" value="delete" />
              <input type="hidden" name="postId" value={post.id} />
              <input type="hidden" name="confirm" value="yes" />
              <div>
                <SubmitButton className="button button--danger button--small">Yes, remove my post</SubmitButton>
              </div>
            </Form>
          </details>
        ) : null}
        {post.canReport ? (
          <Link className="button button--quiet button--small" to={`/discussions/${thread.id}/posts/${n}/report`} aria-label={`Report post #${n}`}>
            Report
          </Link>
        ) : null}
        {moderation ? (
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value={post.hidden ? 'unhidePost' : 'hidePost'} />
            <input type="hidden" name="postId" value={post.id} />
            <button type="submit" className="button button--quiet button--small">
              {post.hidden ? `Unhide post #${n}` : `Hide post #${n}`}
            </button>
          </Form>
        ) : null}
      </div>
    </article>
  );
}

export default function ThreadPage() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ThreadActionData | undefined;
  const { thread, subject, page, lastPage, posts, unreadMarker, quote, watchLevel, batchMinutes, moderation } = loaderData;
  const replyErrors = actionData?.form === 'reply' ? actionData.errors : undefined;
  const replyValues = actionData?.form === 'reply' ? actionData.values : undefined;
  const previewHtml = actionData?.form === 'reply' ? (actionData.previewHtml ?? null) : null;
  const moderationErrors = actionData?.form === 'moderation' ? actionData.errors : undefined;
  const quotePostId = replyValues?.quotePostId ?? (quote ? String(quote.id) : '');

  return (
    <article className="stack" aria-labelledby="thread-title">
      <header>
        <p className="meta">
          <Link to="/discussions">Discussions</Link> › <Link to={`/discussions/c/${thread.categorySlug}`}>{thread.categoryName}</Link>
        </p>
        <h1 id="thread-title">
          {thread.title} <ThreadBadges thread={thread} />
        </h1>
        <p className="meta">
          Started by {thread.authorName} · {thread.postCount === 1 ? '1 post' : `${thread.postCount} posts`}
          {subject ? (
            <>
              {' '}
              · About the {subject.label.toLowerCase()} <Link to={subject.url}>{subject.title}</Link>
            </>
          ) : null}
        </p>
        {thread.locked ? <p className="notice">Locked: this thread no longer takes replies.</p> : null}
        {thread.hidden ? <p className="notice">Hidden: only coordinators can see this thread.</p> : null}
      </header>

      <WatchControls
        level={watchLevel}
        what="thread"
        explanation={`Watching emails you new posts, at most once every ${batchMinutes} minutes. Muted: no emails, even after you reply.`}
      />

      <section aria-labelledby="posts-title" className="stack-tight">
        <h2 id="posts-title" className="visually-hidden">
          Posts{lastPage > 1 ? `, page ${page} of ${lastPage}` : ''}
        </h2>
        <PostPages threadId={thread.id} page={page} lastPage={lastPage} />
        {posts.map((post) => (
          <div key={post.id}>
            {unreadMarker === post.number ? (
              <p className="unread-marker" id="unread">
                New since your last visit
              </p>
            ) : null}
            <PostItem post={post} data={loaderData} actionData={actionData} />
          </div>
        ))}
        <PostPages threadId={thread.id} page={page} lastPage={lastPage} />
      </section>

      <section id="reply" aria-labelledby="reply-title" className="stack-tight">
        <h2 id="reply-title">Reply</h2>
        {!loaderData.canReply ? (
          <>
            <FormError errors={replyErrors?._form} />
            <p className="notice">{loaderData.lockedMessage}</p>
          </>
        ) : (
          <>
            {previewHtml !== null ? (
              <section className="preview-panel" aria-labelledby="reply-preview-title">
                <h3 id="reply-preview-title">Preview</h3>
                {previewHtml ? <div className="prose" dangerouslySetInnerHTML={{ __html: previewHtml }} /> : <p className="empty">Nothing to preview yet.</p>}
                <p className="meta">This is how your reply will look. Nothing has been posted yet.</p>
              </section>
            ) : null}
            {quote ? (
              <p className="meta">
                Quoting post #{quote.number} by {quote.authorName}. Trim the quote to the part you are answering.
              </p>
            ) : null}
            <Form method="post" className="form" noValidate key={`${quote?.id ?? 'none'}-${thread.postCount}`}>
              <FormError errors={replyErrors?._form} />
              <input type="hidden" name="quotePostId" value={quotePostId} />
              <TextAreaField
                label="Your reply"
                name="body"
                rows={8}
                defaultValue={replyValues?.body ?? quote?.markdown ?? ''}
                errors={replyErrors?.body}
                hint={
                  <>
                    <MarkdownHint /> Up to {BODY_MAX.toLocaleString('en-NZ')} characters.
                  </>
                }
              />
              <div className="actions">
                <SubmitButton name="intent" value="reply" pendingText="Posting…">
                  Post reply
                </SubmitButton>
                <SubmitButton name="intent" value="preview" className="button button--secondary">
                  Preview
                </SubmitButton>
              </div>
            </Form>
          </>
        )}
      </section>

      {moderation ? (
        <section aria-labelledby="moderation-title" className="card stack-tight">
          <h2 id="moderation-title">Moderation</h2>
          <FormError errors={moderationErrors?._form} />
          <div className="actions">
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value={thread.pinned ? 'unpin' : 'pin'} />
              <button type="submit" className="button button--secondary button--small">
                {thread.pinned ? 'Unpin thread' : 'Pin thread'}
              </button>
            </Form>
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value={thread.locked ? 'unlock' : 'lock'} />
              <button type="submit" className="button button--secondary button--small">
                {thread.locked ? 'Unlock thread' : 'Lock thread'}
              </button>
            </Form>
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value={thread.hidden ? 'unhideThread' : 'hideThread'} />
              <button type="submit" className="button button--secondary button--small">
                {thread.hidden ? 'Unhide thread' : 'Hide thread'}
              </button>
            </Form>
          </div>
          <Form method="post" className="search-form">
            <input type="hidden" name="intent" value="move" />
            <SelectField
              label="Move to category"
              name="categoryId"
              options={moderation.categories.filter((c) => c.value !== String(thread.categoryId))}
              placeholder="Choose a category"
              errors={moderationErrors?.categoryId}
            />
            <div>
              <SubmitButton className="button button--secondary">Move thread</SubmitButton>
            </div>
          </Form>
          <p className="meta">Every moderation action is recorded in the audit log.</p>
        </section>
      ) : null}
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
