// /resources/:id/edit: the uploader or a coordinator changes a resource's details (a new file is a new version,
// uploaded on the resource's page).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SubmitButton, TextField, type FieldErrors } from '~/components/forms';
import { ResourceFields, type ResourceFormValues } from '~/components/resource-fields';
import {
  canEditResource,
  getResourceDetail,
  parseResourceForm,
  resourceFieldOptions,
  resourceFormValues,
  updateResource,
  type ResourceDetail,
} from '~/models/resources.server';
import type { SessionUser } from '~/utils/auth.server';
import { requireUser } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { idParam, notFound, readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `Edit ${data.title} · Resource library · Micro-credentials CoP` : 'Resource not found · Micro-credentials CoP' },
]);

function editableResource(user: SessionUser, id: string | undefined): ResourceDetail {
  const resource = getResourceDetail(idParam(id), user) ?? notFound('There is no resource at this address.');
  if (!canEditResource(user, resource)) throw new Response('Only the person who added this resource, or a coordinator, can edit it.', { status: 403 });
  return resource;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const resource = editableResource(user, params.id);
  return {
    id: resource.id,
    title: resource.title,
    isLink: resource.externalUrl !== null,
    values: resourceFormValues(resource),
    options: resourceFieldOptions(user),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = requireUser(request);
  const resource = editableResource(user, params.id);
  const form = parseResourceForm(await readFormData(request), resource.externalUrl !== null ? 'link' : 'file');
  if (!form.ok) return data<{ errors: FieldErrors; values: ResourceFormValues }>({ errors: form.errors, values: form.values }, { status: 400 });
  const outcome = updateResource(user, resource.id, form.data);
  if (!outcome.ok) throw new Response(outcome.message, { status: outcome.status });
  return redirectWithFlash(request, `/resources/${resource.id}`, outcome.message);
}

export default function EditResource() {
  const { id, title, isLink, values, options } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors ?? {};
  const shown = actionData?.values ?? values;
  return (
    <div className="stack">
      <header>
        <p className="meta">
          <Link to="/resources">Resource library</Link> · <Link to={`/resources/${id}`}>{title}</Link>
        </p>
        <h1>Edit resource details</h1>
        {isLink ? null : <p>To replace the file, upload a new version on the resource’s page; earlier versions stay available.</p>}
      </header>
      <Form method="post" className="form" noValidate>
        <FormError errors={errors._form} />
        {isLink ? (
          <TextField
            label="Web address"
            name="url"
            type="url"
            inputMode="url"
            required
            maxLength={2000}
            defaultValue={typeof shown.url === 'string' ? shown.url : ''}
            errors={errors.url}
          />
        ) : null}
        <ResourceFields values={shown} errors={errors} options={options} />
        <div className="actions">
          <SubmitButton>Save changes</SubmitButton>
          <Link to={`/resources/${id}`}>Cancel</Link>
        </div>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
