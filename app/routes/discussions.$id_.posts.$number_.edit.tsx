// /discussions/:id/posts/:number/edit: edit one's own post, with a Preview that works without JavaScript. The text
// it replaces is kept in the post's history, and the post shows an "edited" mark linking to it.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { MarkdownHint } from '~/components/discussion-ui';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { BODY_MAX } from '~/models/discussion-limits';
import { FormError, SubmitButton, TextAreaField, type FieldErrors } from '~/components/forms';
import { canEditPost, editPost, editSchema, getPostByNumber, getThreadForViewer, postLocation } from '~/models/discussions.server';
import { requireUser, type SessionUser } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { idParam, notFound, readFormData } from '~/utils/http.server';
import { renderMarkdown } from '~/utils/markdown.server';
import { formValues, parseForm, type FormValues } from '~/utils/validation.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `Edit post #${data.post.number} · ${data.thread.title} · Micro-credentials CoP` : 'Edit post · Micro-credentials CoP' },
]);

/** The post, if it exists in a thread the user may see and the user may edit it (404 / 403 otherwise). */
function editablePost(user: SessionUser, params: { id?: string; number?: string }) {
  const thread = getThreadForViewer(user, idParam(params.id)) ?? notFound('There is no thread at this address.');
  const post = getPostByNumber(thread.id, idParam(params.number)) ?? notFound('This thread has no such post.');
  if (!canEditPost(user, post)) {
    throw new Response(post.authorId === user.id ? 'This post was removed or hidden, so it can no longer be edited.' : 'You can only edit your own posts.', { status: 403 });
  }
  return { thread, post };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const { thread, post } = editablePost(user, params);
  return { thread: { id: thread.id, title: thread.title }, post: { number: post.number, bodyMd: post.bodyMd } };
}

type ActionData = { errors: FieldErrors; values: FormValues; previewHtml: string | null };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = requireUser(request);
  const { thread, post } = editablePost(user, params);
  const formData = await readFormData(request);
  if (formData.get('intent') === 'preview') {
    const values = formValues(formData);
    return data<ActionData>({ errors: {}, values, previewHtml: renderMarkdown(values.body ?? '') });
  }
  const form = parseForm(editSchema, formData);
  if (!form.ok) return data<ActionData>({ errors: form.errors, values: form.values, previewHtml: null }, { status: 400 });
  const outcome = editPost(user, post.id, form.data);
  if (!outcome.ok) {
    if (outcome.status === 400) return data<ActionData>({ errors: outcome.errors, values: form.values, previewHtml: null }, { status: 400 });
    throw new Response(outcome.errors._form?.join(' ') ?? 'That post cannot be edited.', { status: outcome.status });
  }
  return redirectWithFlash(request, postLocation(thread.id, post.number), outcome.message);
}

export default function EditPost() {
  const { thread, post } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors ?? {};
  const previewHtml = actionData?.previewHtml ?? null;
  const back = `/discussions/${thread.id}/posts/${post.number}`;
  return (
    <div className="stack">
      <header>
        <p className="meta">
          <Link to="/discussions">Discussions</Link> › <Link to={back}>{thread.title}</Link>
        </p>
        <h1>Edit post #{post.number}</h1>
        <p className="muted">The earlier text is kept in the post's history, and the post is marked as edited.</p>
      </header>
      {previewHtml !== null ? (
        <section className="preview-panel" aria-labelledby="preview-title">
          <h2 id="preview-title">Preview</h2>
          {previewHtml ? <div className="prose" dangerouslySetInnerHTML={{ __html: previewHtml }} /> : <p className="empty">Nothing to preview yet.</p>}
          <p className="meta">Nothing has been saved yet.</p>
        </section>
      ) : null}
      <Form method="post" className="form" noValidate>
        <FormError errors={errors._form} />
        <TextAreaField
          label="Your post"
          name="body"
          rows={12}
          defaultValue={actionData?.values.body ?? post.bodyMd}
          errors={errors.body}
          hint={
            <>
              <MarkdownHint /> Up to {BODY_MAX.toLocaleString('en-NZ')} characters.
            </>
          }
        />
        <div className="actions">
          <SubmitButton name="intent" value="save" pendingText="Saving…">
            Save changes
          </SubmitButton>
          <SubmitButton name="intent" value="preview" className="button button--secondary">
            Preview
          </SubmitButton>
          <Link to={back}>Cancel</Link>
        </div>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
