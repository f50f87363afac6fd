// /discussions/:id/posts/:number/report: report someone else's post to the coordinators, with a reason. Its own page
// (like edit and history) so the thread page does not carry a report form under every post.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SubmitButton, TextAreaField, type FieldErrors } from '~/components/forms';
import { getPostByNumber, getPostView, getThreadForViewer, postLocation, reportPost, reportRefusal, reportSchema } from '~/models/discussions.server';
import { requireUser, type SessionUser } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { idParam, notFound, readFormData } from '~/utils/http.server';
import { formatDateTime } from '~/utils/time';
import { parseForm, type FormValues } from '~/utils/validation.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `Report post #${data.post.number} · ${data.thread.title} · Micro-credentials CoP` : 'Report a post · Micro-credentials CoP' },
]);

/** The post, if it exists in a thread the user may see and the user may report it (404 / 403 otherwise). */
function reportablePost(user: SessionUser, params: { id?: string; number?: string }) {
  const thread = getThreadForViewer(user, idParam(params.id)) ?? notFound('There is no thread at this address.');
  const post = getPostByNumber(thread.id, idParam(params.number)) ?? notFound('This thread has no such post.');
  const refusal = reportRefusal(user, post);
  if (refusal) throw new Response(refusal.message, { status: refusal.status });
  return { thread, post };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const { thread, post } = reportablePost(user, params);
  const view = getPostView(user, thread, post.number) ?? notFound('This thread has no such post.');
  return {
    thread: { id: thread.id, title: thread.title },
    post: {
      number: view.number,
      authorId: view.authorId,
      authorName: view.authorName,
      organisationName: view.organisationName,
      organisationSlug: view.organisationSlug,
      when: formatDateTime(view.createdAt),
      whenIso: new Date(view.createdAt).toISOString(),
      bodyHtml: view.bodyHtml,
    },
  };
}

type ActionData = { errors: FieldErrors; values: FormValues };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = requireUser(request);
  const { thread, post } = reportablePost(user, params);
  const form = parseForm(reportSchema, await readFormData(request));
  if (!form.ok) return data<ActionData>({ errors: form.errors, values: form.values }, { status: 400 });
  const outcome = reportPost(user, post.id, form.data.reason);
  if (!outcome.ok) throw new Response(outcome.message, { status: outcome.status });
  return redirectWithFlash(request, postLocation(thread.id, post.number), outcome.message);
}

export default function ReportPost() {
  const { thread, post } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors ?? {};
  const back = `/discussions/${thread.id}/posts/${post.number}`;
  return (
    <div className="stack">
      <header>
        <p className="meta">
          <Link to="/discussions">Discussions</Link> › <Link to={back}>{thread.title}</Link>
        </p>
        <h1>Report post #{post.number}</h1>
        <p className="muted">Tell the coordinators what is wrong with this post. They decide whether to hide it.</p>
      </header>
      <article className="post" aria-labelledby="reported-post-author">
        <header className="post__header">
          <h2 id="reported-post-author" className="post__author">
            <Link to={`/members/${post.authorId}`}>{post.authorName}</Link>
          </h2>
          <p className="meta">
            <Link to={`/organisations/${post.organisationSlug}`}>{post.organisationName}</Link> · <time dateTime={post.whenIso}>{post.when}</time> ·{' '}
            <Link to={back} aria-label={`Link to post ${post.number}`}>
              #{post.number}
            </Link>
          </p>
        </header>
        {/* Sanitised once, when it was saved. */}
        {post.bodyHtml ? <div className="prose" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} /> : null}
      </article>
      <Form method="post" className="form" noValidate>
        <FormError errors={errors._form} />
        <TextAreaField
          label={`Why are you reporting post #${post.number}?`}
          name="reason"
          rows={4}
          hint="Only coordinators see reports."
          defaultValue={actionData?.values.reason ?? ''}
          errors={errors.reason}
        />
        <div className="actions">
          <SubmitButton pendingText="Sending…">Send report</SubmitButton>
          <Link to={back}>Cancel</Link>
        </div>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
