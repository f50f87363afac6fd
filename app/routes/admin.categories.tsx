// /admin/categories: the discussion categories. Coordinators add, rename, reorder and delete them (only an empty
// category can be deleted: move its threads first). Every change goes into the audit log.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SubmitButton, TextAreaField, TextField, type FieldErrors } from '~/components/forms';
import { categorySchema, categoryThreadCounts, createCategory, deleteCategory, listCategories, updateCategory } from '~/models/discussions.server';
import { requireCoordinator } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { parseForm, type FormValues } from '~/utils/validation.server';
import { readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Discussion categories · Admin · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  requireCoordinator(request);
  const counts = categoryThreadCounts();
  return {
    categories: listCategories().map((c) => ({ id: c.id, slug: c.slug, name: c.name, description: c.description, position: c.position, threads: counts.get(c.id) ?? 0 })),
  };
}

type ActionData = { form: string; errors: FieldErrors; values?: FormValues };

export async function action({ request }: ActionFunctionArgs) {
  const coordinator = requireCoordinator(request);
  const formData = await readFormData(request);
  const intent = formData.get('intent');
  const rawId = String(formData.get('categoryId') ?? '');
  const categoryId = /^[1-9]\d{0,15}$/.test(rawId) ? Number(rawId) : null;

  if (intent === 'create' || intent === 'update') {
    const formKey = intent === 'create' ? 'new' : String(categoryId);
    const form = parseForm(categorySchema, formData);
    if (!form.ok) return data<ActionData>({ form: formKey, errors: form.errors, values: form.values }, { status: 400 });
    if (intent === 'update' && categoryId === null) throw new Response('Choose a category.', { status: 400 });
    const outcome = intent === 'create' ? createCategory(coordinator, form.data) : updateCategory(coordinator, categoryId!, form.data);
    if (!outcome.ok) return data<ActionData>({ form: formKey, errors: outcome.errors, values: form.values }, { status: outcome.status });
    return redirectWithFlash(request, '/admin/categories', outcome.message);
  }
  if (intent === 'delete') {
    if (categoryId === null) throw new Response('Choose a category.', { status: 400 });
    const outcome = deleteCategory(coordinator, categoryId);
    if (!outcome.ok) return data<ActionData>({ form: String(categoryId), errors: { _form: [outcome.message] } }, { status: outcome.status });
    return redirectWithFlash(request, '/admin/categories', outcome.message);
  }
  throw new Response('Choose one of the actions on this page.', { status: 400 });
}

function CategoryFields({ values, errors }: { values: { name?: string; description?: string; position?: string | number }; errors?: FieldErrors }) {
  return (
    <>
      <TextField label="Name" name="name" defaultValue={values.name ?? ''} errors={errors?.name} required />
      <TextAreaField label="Description" name="description" rows={2} defaultValue={values.description ?? ''} errors={errors?.description} />
      <TextField label="Position" name="position" inputMode="numeric" defaultValue={String(values.position ?? '')} errors={errors?.position} hint="Lower numbers come first." />
    </>
  );
}

export default function Categories() {
  const { categories } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errorsFor = (key: string) => (actionData?.form === key ? actionData.errors : undefined);
  const valuesFor = (key: string) => (actionData?.form === key ? actionData.values : undefined);
  return (
    <div className="stack">
      <section aria-labelledby="categories-title" className="stack-tight">
        <h2 id="categories-title">Discussion categories</h2>
        <p className="meta">
          Renaming keeps a category's address, so links keep working. Only an empty category can be deleted: move its threads to another category
          from the thread page first.
        </p>
        {categories.length === 0 ? <p className="empty">There are no categories yet. Add the first one below.</p> : null}
        {categories.map((c) => (
          <section key={c.id} className="card stack-tight" aria-labelledby={`category-${c.id}`}>
            <h3 id={`category-${c.id}`}>
              <Link to={`/discussions/c/${c.slug}`}>{c.name}</Link> <span className="meta">· {c.threads === 1 ? '1 thread' : `${c.threads} threads`}</span>
            </h3>
            <FormError errors={errorsFor(String(c.id))?._form} />
            <Form method="post" className="form" noValidate key={`${c.name}-${c.description}-${c.position}`}>
              <input type="hidden" name="intent" value="update" />
              <input type="hidden" name="categoryId" value={c.id} />
              <CategoryFields values={valuesFor(String(c.id)) ?? c} errors={errorsFor(String(c.id))} />
              <div>
                <SubmitButton className="button button--secondary">Save {c.name}</SubmitButton>
              </div>
            </Form>
            {c.threads === 0 ? (
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="delete" />
                <input type="hidden" name="categoryId" value={c.id} />
                <button type="submit" className="button button--danger button--small">
                  Delete {c.name}
                </button>
              </Form>
            ) : null}
          </section>
        ))}
      </section>

      <section aria-labelledby="new-category-title" className="card">
        <h2 id="new-category-title">Add a category</h2>
        <Form method="post" className="form" noValidate>
          <FormError errors={errorsFor('new')?._form} />
          <input type="hidden" name="intent" value="create" />
          <CategoryFields values={valuesFor('new') ?? { position: categories.length }} errors={errorsFor('new')} />
          <div>
            <SubmitButton>Add category</SubmitButton>
          </div>
        </Form>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
