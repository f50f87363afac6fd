import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SubmitButton } from '~/components/forms';
import { OrganisationFields } from '~/components/organisation-fields';
import { getOrganisationById, organisationSchema, updateOrganisation } from '~/models/organisations.server';
import { requireCoordinator } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { idParam, notFound, readFormData } from '~/utils/http.server';
import { parseForm } from '~/utils/validation.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? `Edit ${data.organisation.name}` : 'Organisation not found'} · Admin · Micro-credentials CoP` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireCoordinator(request);
  const org = getOrganisationById(idParam(params.id)) ?? notFound('There is no such organisation.');
  return {
    organisation: { id: org.id, slug: org.slug, name: org.name, kind: org.kind, description: org.description, website: org.website ?? '' },
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireCoordinator(request);
  const id = idParam(params.id);
  if (!getOrganisationById(id)) notFound('There is no such organisation.');
  const form = parseForm(organisationSchema, await readFormData(request));
  if (!form.ok) return data({ errors: form.errors, values: form.values }, { status: 400 });
  const outcome = updateOrganisation(actor, id, form.data);
  if (!outcome.ok) return data({ errors: outcome.errors, values: form.values }, { status: 400 });
  return redirectWithFlash(request, '/admin/organisations', `Saved ${form.data.name}.`);
}

export default function EditOrganisation() {
  const { organisation } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="stack">
      <p className="meta">
        <Link to="/admin/organisations">All organisations</Link>
      </p>
      <h2>Edit {organisation.name}</h2>
      <p className="meta">
        Public page: <Link to={`/organisations/${organisation.slug}`}>/organisations/{organisation.slug}</Link> (the address
        stays the same when the name changes).
      </p>
      <Form method="post" className="form" noValidate>
        <FormError errors={actionData?.errors._form} />
        <OrganisationFields values={actionData?.values ?? organisation} errors={actionData?.errors} />
        <SubmitButton pendingText="Saving…">Save changes</SubmitButton>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
