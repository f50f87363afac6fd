import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SubmitButton } from '~/components/forms';
import { OrganisationFields } from '~/components/organisation-fields';
import { createOrganisation, listOrganisations, organisationSchema } from '~/models/organisations.server';
import { requireCoordinator } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { ORGANISATION_KIND_SHORT } from '~/utils/labels';
import { parseForm } from '~/utils/validation.server';
import { readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Organisations · Admin · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  requireCoordinator(request);
  return {
    organisations: listOrganisations().map((o) => ({
      id: o.id,
      slug: o.slug,
      name: o.name,
      kindLabel: ORGANISATION_KIND_SHORT[o.kind],
      memberCount: o.memberCount,
    })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireCoordinator(request);
  const form = parseForm(organisationSchema, await readFormData(request));
  if (!form.ok) return data({ errors: form.errors, values: form.values }, { status: 400 });
  const outcome = createOrganisation(actor, form.data);
  if (!outcome.ok) return data({ errors: outcome.errors, values: form.values }, { status: 400 });
  return redirectWithFlash(request, '/admin/organisations', `Added ${form.data.name}.`);
}

export default function AdminOrganisations() {
  const { organisations } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="stack">
      <h2>Organisations</h2>
      {organisations.length === 0 ? (
        <p className="empty">No organisations yet. Add the first one below.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Organisations in the community</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Active members</th>
                <th scope="col">Public page</th>
              </tr>
            </thead>
            <tbody>
              {organisations.map((o) => (
                <tr key={o.id}>
                  <th scope="row">
                    <Link to={`/admin/organisations/${o.id}`}>
                      Edit <span className="visually-hidden">organisation </span>
                      {o.name}
                    </Link>
                  </th>
                  <td>{o.kindLabel}</td>
                  <td>{o.memberCount}</td>
                  <td>
                    <Link to={`/organisations/${o.slug}`}>
                      View<span className="visually-hidden"> {o.name}</span>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section aria-labelledby="new-organisation-title">
        <h3 id="new-organisation-title">Add an organisation</h3>
        {/* Keyed on the count so the fields empty themselves once an organisation is added. */}
        <Form method="post" className="form" noValidate key={organisations.length}>
          <FormError errors={actionData?.errors._form} />
          <OrganisationFields values={actionData?.values} errors={actionData?.errors} />
          <SubmitButton pendingText="Adding…">Add organisation</SubmitButton>
        </Form>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
