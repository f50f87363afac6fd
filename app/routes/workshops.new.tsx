// /workshops/new: a coordinator schedules a workshop, as a draft or published at once.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { SubmitButton } from '~/components/forms';
import { WorkshopForm, type WorkshopFormValues } from '~/components/workshop-form';
import { organisationOptions } from '~/models/organisations.server';
import { WORKSHOP_MODE_LABELS, createWorkshop, parseWorkshopForm } from '~/models/workshops.server';
import { requireCoordinator } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import type { FieldErrors } from '~/utils/validation.server';

export const meta: MetaFunction = () => [{ title: 'Schedule a workshop · Micro-credentials CoP' }];

export async function loader({ request }: LoaderFunctionArgs) {
  requireCoordinator(request);
  return {
    organisations: organisationOptions(),
    modeOptions: Object.entries(WORKSHOP_MODE_LABELS).map(([value, label]) => ({ value, label })),
    values: { mode: 'in_person', audience: 'all', organisationIds: [] } as WorkshopFormValues,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = requireCoordinator(request);
  const formData = await request.formData();
  const publish = formData.get('intent') === 'publish';
  const form = parseWorkshopForm(formData);
  if (!form.ok) return data<{ errors: FieldErrors; values: WorkshopFormValues }>({ errors: form.errors, values: form.values }, { status: 400 });
  const created = createWorkshop(user, form.data, { publish });
  return redirectWithFlash(
    request,
    `/workshops/${created.slug}`,
    publish ? 'Workshop published. Members can now RSVP.' : 'Draft saved. Only coordinators can see it until you publish it.',
  );
}

export default function NewWorkshop() {
  const { organisations, modeOptions, values } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="stack">
      <header>
        <p className="meta">
          <Link to="/workshops">Workshops</Link>
        </p>
        <h1>Schedule a workshop</h1>
        <p>Save it as a draft to finish later (only coordinators see drafts), or publish it so members can RSVP.</p>
      </header>
      <WorkshopForm values={actionData?.values ?? values} errors={actionData?.errors} organisations={organisations} modeOptions={modeOptions}>
        <SubmitButton name="intent" value="draft" className="button button--secondary">
          Save draft
        </SubmitButton>
        <SubmitButton name="intent" value="publish">
          Publish
        </SubmitButton>
      </WorkshopForm>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
