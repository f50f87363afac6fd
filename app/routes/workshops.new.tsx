// /workshops/new: a coordinator schedules a workshop, as a draft or published at once. The duplication radar lists
// workshops, pilots and discussions that look alike: as the title and summary are typed (JavaScript), or after
// "Check for similar work" and after a refused save (without).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { DuplicationRadar } from '~/components/duplication-radar';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { SubmitButton } from '~/components/forms';
import { WorkshopForm, type WorkshopFormValues } from '~/components/workshop-form';
import { organisationOptions } from '~/models/organisations.server';
import { findLookAlikes, type LookAlike } from '~/models/search.server';
import { WORKSHOP_MODE_LABELS, createWorkshop, parseWorkshopForm } from '~/models/workshops.server';
import { requireCoordinator } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import type { FieldErrors } from '~/utils/validation.server';
import { readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Schedule a workshop · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  requireCoordinator(request);
  return {
    organisations: organisationOptions(),
    modeOptions: Object.entries(WORKSHOP_MODE_LABELS).map(([value, label]) => ({ value, label })),
    values: { mode: 'in_person', audience: 'all', organisationIds: [] } as WorkshopFormValues,
  };
}

type ActionData = { errors: FieldErrors; values: WorkshopFormValues; similar: LookAlike[] };

export async function action({ request }: ActionFunctionArgs) {
  const user = requireCoordinator(request);
  const formData = await readFormData(request);
  const intent = formData.get('intent');
  const publish = intent === 'publish';
  const form = parseWorkshopForm(formData);
  const similar = () => findLookAlikes({ title: String(formData.get('title') ?? ''), summary: String(formData.get('summary') ?? '') }, user);
  // "Check for similar work" saves nothing: the form comes back as typed, with the look-alikes.
  if (intent === 'check') return data<ActionData>({ errors: {}, values: form.values, similar: similar() });
  if (!form.ok) return data<ActionData>({ errors: form.errors, values: form.values, similar: similar() }, { status: 400 });
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
      <WorkshopForm
        values={actionData?.values ?? values}
        errors={actionData?.errors}
        organisations={organisations}
        modeOptions={modeOptions}
        beforeActions={
          <DuplicationRadar
            items={actionData?.similar ?? null}
            hint="Write the title and summary: workshops, pilots and discussions on the same subject are listed here, so you can build on them."
          />
        }
      >
        <SubmitButton name="intent" value="draft" className="button button--secondary">
          Save draft
        </SubmitButton>
        <SubmitButton name="intent" value="publish">
          Publish
        </SubmitButton>
        <SubmitButton name="intent" value="check" className="button button--quiet">
          Check for similar work
        </SubmitButton>
      </WorkshopForm>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
