import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SubmitButton, TextField } from '~/components/forms';
import { OrganisationFields } from '~/components/organisation-fields';
import {
  getOrganisationById,
  getOrganisationSso,
  organisationSchema,
  organisationSsoSchema,
  updateOrganisation,
  updateOrganisationSso,
} from '~/models/organisations.server';
import { requireCoordinator } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { idParam, notFound, readFormData } from '~/utils/http.server';
import { parseForm } from '~/utils/validation.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: `${data ? `Edit ${data.organisation.name}` : 'Organisation not found'} · Admin · Micro-credentials CoP` },
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireCoordinator(request);
  const org = getOrganisationById(idParam(params.id)) ?? notFound('There is no such organisation.');
  return {
    organisation: { id: org.id, slug: org.slug, name: org.name, kind: org.kind, description: org.description, website: org.website ?? '' },
    sso: getOrganisationSso(org.id)!,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireCoordinator(request);
  const id = idParam(params.id);
  const org = getOrganisationById(id) ?? notFound('There is no such organisation.');
  const formData = await readFormData(request);
  if (formData.get('intent') === 'sso') {
    const sso = parseForm(organisationSsoSchema, formData);
    if (!sso.ok) return data({ intent: 'sso' as const, errors: sso.errors, values: sso.values }, { status: 400 });
    const saved = updateOrganisationSso(actor, id, sso.data);
    if (!saved.ok) return data({ intent: 'sso' as const, errors: saved.errors, values: sso.values }, { status: 400 });
    return redirectWithFlash(request, `/admin/organisations/${id}`, `Saved single sign-on for ${org.name}.`);
  }
  const form = parseForm(organisationSchema, formData);
  if (!form.ok) return data({ intent: 'details' as const, errors: form.errors, values: form.values }, { status: 400 });
  const outcome = updateOrganisation(actor, id, form.data);
  if (!outcome.ok) return data({ intent: 'details' as const, errors: outcome.errors, values: form.values }, { status: 400 });
  return redirectWithFlash(request, '/admin/organisations', `Saved ${form.data.name}.`);
}

export default function EditOrganisation() {
  const { organisation, sso } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const actionData = result?.intent === 'details' ? result : undefined;
  const ssoResult = result?.intent === 'sso' ? result : undefined;
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

      <section aria-labelledby="sso-title" className="stack">
        <h2 id="sso-title">Single sign-on</h2>
        <p>
          When someone signs in with Microsoft, Google or the community's single sign-on for the first time, these tell the portal they work here: a
          verified address at one of the domains, or a Microsoft account in the tenant, becomes a request to join {organisation.name}.
        </p>
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="sso" />
          <FormError errors={ssoResult?.errors._form} />
          <TextField
            label="Email domains"
            name="emailDomains"
            hint="Separated by spaces or commas, like example.ac.nz staff.example.ac.nz. A domain belongs to one organisation."
            defaultValue={ssoResult?.values.emailDomains ?? sso.emailDomains.join(' ')}
            errors={ssoResult?.errors.emailDomains}
          />
          <TextField
            label="Microsoft Entra ID tenant id"
            name="entraTenantId"
            hint="The Directory (tenant) ID from the organisation's Entra admin centre. Optional."
            defaultValue={ssoResult?.values.entraTenantId ?? sso.entraTenantId}
            errors={ssoResult?.errors.entraTenantId}
          />
          <div className="checkbox">
            <input
              type="checkbox"
              id="ssoAutoApprove"
              name="ssoAutoApprove"
              defaultChecked={ssoResult ? ssoResult.values.ssoAutoApprove === 'on' : sso.ssoAutoApprove}
              aria-describedby="ssoAutoApprove-hint"
            />
            <label htmlFor="ssoAutoApprove">Approve automatically</label>
          </div>
          <p className="field__hint" id="ssoAutoApprove-hint">
            Staff signing in from these domains or this tenant become members at once, without waiting for a coordinator.
          </p>
          <SubmitButton pendingText="Saving…">Save single sign-on</SubmitButton>
        </Form>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
