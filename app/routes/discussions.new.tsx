// /discussions/new: start a thread (category, title, Markdown body), optionally about a workshop, pilot or resource
// (?workshop=ID, ?caseStudy=ID, ?resource=ID: "Discuss this" links here). Preview re-renders the form with the
// sanitised preview and everything typed kept, without JavaScript. The duplication radar lists threads, pilots and
// resources that look alike: as the title and post are typed (JavaScript), or on Preview and a refused post.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { MarkdownHint } from '~/components/discussion-ui';
import { DuplicationRadar } from '~/components/duplication-radar';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { BODY_MAX, TITLE_MAX } from '~/models/discussion-limits';
import { FormError, SelectField, SubmitButton, TextAreaField, TextField, type FieldErrors } from '~/components/forms';
import {
  categoryOptions,
  defaultCategoryFor,
  findSubject,
  getCategoryBySlug,
  startThread,
  subjectFromSearchParams,
  threadSchema,
} from '~/models/discussions.server';
import { findLookAlikes, type LookAlike } from '~/models/search.server';
import { requireUser } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { notFound, readFormData } from '~/utils/http.server';
import { renderMarkdown } from '~/utils/markdown.server';
import { formValues, parseForm, type FormValues } from '~/utils/validation.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Start a thread · Discussions · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const url = new URL(request.url);
  const wanted = subjectFromSearchParams(url.searchParams);
  const subject = wanted ? (findSubject(wanted.type, wanted.id, user) ?? notFound('There is nothing with that number to discuss.')) : null;
  const categories = categoryOptions();
  if (categories.length === 0) return redirect('/discussions');
  const fromQuery = url.searchParams.get('category');
  const preselected = (fromQuery ? getCategoryBySlug(fromQuery) : undefined) ?? (subject ? defaultCategoryFor(subject.type) : undefined);
  return {
    categories,
    subject: subject ? { type: subject.type, id: subject.id, title: subject.title, url: subject.url, label: subject.label } : null,
    defaults: { categoryId: preselected ? String(preselected.id) : '', title: '', body: '' } as FormValues,
  };
}

type ActionData = { errors: FieldErrors; values: FormValues; previewHtml: string | null; similar?: LookAlike[] };

export async function action({ request }: ActionFunctionArgs) {
  const user = requireUser(request);
  const formData = await readFormData(request);
  const similar = () => findLookAlikes({ title: String(formData.get('title') ?? ''), summary: String(formData.get('body') ?? '') }, user);
  if (formData.get('intent') === 'preview') {
    const values = formValues(formData);
    return data<ActionData>({ errors: {}, values, previewHtml: renderMarkdown(values.body ?? ''), similar: similar() });
  }
  const form = parseForm(threadSchema, formData);
  if (!form.ok) return data<ActionData>({ errors: form.errors, values: form.values, previewHtml: null, similar: similar() }, { status: 400 });
  const outcome = startThread(user, form.data);
  if (!outcome.ok) return data<ActionData>({ errors: outcome.errors, values: form.values, previewHtml: null }, { status: outcome.status });
  return redirectWithFlash(request, `/discussions/${outcome.threadId}`, outcome.message);
}

export default function NewThread() {
  const { categories, subject, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const values = actionData?.values ?? defaults;
  const errors = actionData?.errors ?? {};
  const previewHtml = actionData?.previewHtml ?? null;
  return (
    <div className="stack">
      <header>
        <p className="meta">
          <Link to="/discussions">Discussions</Link>
        </p>
        <h1>Start a thread</h1>
        {subject ? (
          <p>
            About the {subject.label.toLowerCase()} <Link to={subject.url}>{subject.title}</Link>. The thread will be listed on its page.
          </p>
        ) : null}
      </header>

      {previewHtml !== null ? (
        <section className="preview-panel" aria-labelledby="preview-title">
          <h2 id="preview-title">Preview</h2>
          {values.title ? <p className="preview-title">{values.title}</p> : null}
          {previewHtml ? <div className="prose" dangerouslySetInnerHTML={{ __html: previewHtml }} /> : <p className="empty">Nothing to preview yet: write your post below.</p>}
          <p className="meta">This is how your post will look. Nothing has been posted yet.</p>
        </section>
      ) : null}

      <Form method="post" className="form" noValidate>
        <FormError errors={errors._form} />
        {subject ? (
          <>
            <input type="hidden" name="subjectType" value={subject.type} />
            <input type="hidden" name="subjectId" value={subject.id} />
          </>
        ) : null}
        <SelectField
          label="Category"
          name="categoryId"
          options={categories}
          placeholder="Choose a category"
          defaultValue={values.categoryId ?? ''}
          errors={errors.categoryId}
          required
        />
        <TextField label="Title" name="title" defaultValue={values.title ?? ''} errors={errors.title} required hint={`Up to ${TITLE_MAX} characters.`} />
        <TextAreaField label="Your post" name="body" rows={12} defaultValue={values.body ?? ''} errors={errors.body} required hint={<><MarkdownHint /> Up to {BODY_MAX.toLocaleString('en-NZ')} characters.</>} />
        <DuplicationRadar
          items={actionData?.similar ?? null}
          summaryField="body"
          hint="Write the title and your post, or preview it: discussions, pilots and resources on the same subject are listed here, so you can join in there instead."
        />
        <div className="actions">
          <SubmitButton name="intent" value="post" pendingText="Posting…">
            Start thread
          </SubmitButton>
          <SubmitButton name="intent" value="preview" className="button button--secondary">
            Preview
          </SubmitButton>
        </div>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
