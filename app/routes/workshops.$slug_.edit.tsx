// /workshops/:slug/edit: coordinators change a workshop. Lowering the capacity below the number already going
// saves nothing until the coordinator says what happens to the people over it.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { SubmitButton } from '~/components/forms';
import { HiddenWorkshopValues, WorkshopForm, type WorkshopFormValues } from '~/components/workshop-form';
import { WorkshopStatusActions } from '~/components/workshop-status-actions';
import { organisationOptions } from '~/models/organisations.server';
import {
  WORKSHOP_MODE_LABELS,
  WORKSHOP_STATUS_LABELS,
  getWorkshopAudience,
  getWorkshopBySlug,
  parseWorkshopForm,
  updateWorkshop,
  type Workshop,
} from '~/models/workshops.server';
import { requireCoordinator } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { notFound, readFormData } from '~/utils/http.server';
import { toDateTimeLocalValue } from '~/utils/time';
import type { FieldErrors } from '~/utils/validation.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `Edit ${data.workshop.title} · Micro-credentials CoP` : 'Workshop not found · Micro-credentials CoP' },
]);

/** The form's values for a saved workshop: times as New Zealand wall-clock values for datetime-local inputs. */
function formValuesOf(workshop: Workshop, audienceIds: number[]): WorkshopFormValues {
  return {
    title: workshop.title,
    summary: workshop.summary,
    agenda: workshop.agendaMd,
    startsAt: toDateTimeLocalValue(workshop.startsAt),
    endsAt: toDateTimeLocalValue(workshop.endsAt),
    mode: workshop.mode,
    venue: workshop.venue,
    onlineUrl: workshop.onlineUrl,
    capacity: String(workshop.capacity),
    orgSeatCap: workshop.orgSeatCap === null ? '' : String(workshop.orgSeatCap),
    rsvpDeadline: workshop.rsvpDeadline === null ? '' : toDateTimeLocalValue(workshop.rsvpDeadline),
    audience: workshop.audience,
    organisationIds: audienceIds.map(String),
  };
}

function workshopFor(slug: string | undefined): Workshop {
  return getWorkshopBySlug(slug ?? '') ?? notFound('There is no workshop at this address.');
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireCoordinator(request);
  const workshop = workshopFor(params.slug);
  const audienceIds = getWorkshopAudience(workshop.id).map((o) => o.id);
  return {
    workshop: {
      slug: workshop.slug,
      title: workshop.title,
      status: workshop.status,
      statusLabel: WORKSHOP_STATUS_LABELS[workshop.status],
      started: workshop.startsAt <= Date.now(),
    },
    values: formValuesOf(workshop, audienceIds),
    organisations: organisationOptions(),
    modeOptions: Object.entries(WORKSHOP_MODE_LABELS).map(([value, label]) => ({ value, label })),
  };
}

type OverCapacityPanel = { people: { userId: number; name: string; organisationName: string }[]; confirmed: number; capacity: number };
type EditActionData = { errors: FieldErrors; values: WorkshopFormValues; overCapacity: OverCapacityPanel | null };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = requireCoordinator(request);
  const workshop = workshopFor(params.slug);
  const formData = await readFormData(request);
  const form = parseWorkshopForm(formData);
  if (!form.ok) return data<EditActionData>({ errors: form.errors, values: form.values, overCapacity: null }, { status: 400 });

  const choice = formData.get('overCapacityChoice');
  const overCapacityChoice = choice === 'keep' || choice === 'waitlist' ? choice : undefined;
  const outcome = updateWorkshop(user, workshop.id, form.data, { overCapacityChoice });
  if (outcome.ok) return redirectWithFlash(request, `/workshops/${workshop.slug}`, outcome.message);
  if (outcome.reason === 'over-capacity') {
    // Nothing is saved: 409 says so, and the page asks the coordinator to decide.
    const people = outcome.overCapacity.map((p) => ({ userId: p.userId, name: p.name, organisationName: p.organisationName }));
    return data<EditActionData>(
      { errors: {}, values: form.values, overCapacity: { people, confirmed: outcome.confirmed, capacity: form.data.capacity } },
      { status: 409 },
    );
  }
  return data<EditActionData>({ errors: { _form: [outcome.message] }, values: form.values, overCapacity: null }, { status: 400 });
}

export default function EditWorkshop() {
  const { workshop, values, organisations, modeOptions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const over = actionData?.overCapacity;
  const shownValues = actionData?.values ?? values;
  return (
    <div className="stack">
      <header>
        <p className="meta">
          <Link to="/workshops">Workshops</Link> · <Link to={`/workshops/${workshop.slug}`}>{workshop.title}</Link> ·{' '}
          <span className="badge">{workshop.statusLabel}</span>
        </p>
        <h1>Edit workshop</h1>
      </header>

      {over ? (
        <section className="decision-panel" aria-labelledby="over-title">
          <h2 id="over-title">
            {over.people.length === 1 ? '1 person is' : `${over.people.length} people are`} over the new capacity
          </h2>
          <p>
            {over.confirmed} people have a seat, but the new capacity is {over.capacity}. <strong>Nothing has been saved yet.</strong> These are the
            people who took their seats last:
          </p>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">People over the new capacity</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Organisation</th>
                </tr>
              </thead>
              <tbody>
                {over.people.map((p) => (
                  <tr key={p.userId}>
                    <td>{p.name}</td>
                    <td>{p.organisationName}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>Choose what happens to them, or change the capacity in the form below and save again.</p>
          <Form method="post" className="actions">
            <HiddenWorkshopValues values={shownValues} />
            <SubmitButton name="overCapacityChoice" value="keep" className="button button--secondary">
              Keep everyone (no new seats until enough withdraw)
            </SubmitButton>
            <SubmitButton name="overCapacityChoice" value="waitlist">
              Move these people to the top of the waitlist
            </SubmitButton>
          </Form>
        </section>
      ) : null}

      {workshop.status === 'cancelled' ? (
        <p className="notice">This workshop has been cancelled, so it can no longer be edited.</p>
      ) : (
        <section aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          {workshop.status === 'scheduled' ? (
            <p className="muted">If you change the time or place, everyone with a seat or on the waitlist is emailed an updated invitation.</p>
          ) : null}
          <WorkshopForm values={shownValues} errors={actionData?.errors} organisations={organisations} modeOptions={modeOptions}>
            <SubmitButton>Save changes</SubmitButton>
            <Link to={`/workshops/${workshop.slug}`}>Back to the workshop</Link>
          </WorkshopForm>
        </section>
      )}

      {workshop.status === 'draft' || workshop.status === 'scheduled' ? (
        <section aria-labelledby="status-title">
          <h2 id="status-title">Status</h2>
          <WorkshopStatusActions slug={workshop.slug} status={workshop.status} started={workshop.started} />
        </section>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
