// /workshops/:slug: the workshop as members see it (agenda, time, place, seats, RSVP, who is going, calendar
// links, the record of the meeting), plus the coordinator's attendee list, attendance and status controls.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useId } from 'react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SubmitButton, TextAreaField, type FieldErrors } from '~/components/forms';
import { ChoiceGroup } from '~/components/workshop-form';
import { RelatedResources } from '~/components/related-resources';
import { DiscussThis } from '~/components/discuss-this';
import { discussThis } from '~/models/discussions.server';
import { relatedResourceItems, resourcesForWorkshop } from '~/models/resources.server';
import { WorkshopStatusActions } from '~/components/workshop-status-actions';
import { getMyRsvp, rsvp, rsvpSchema, withdrawRsvp, workshopUrl } from '~/models/rsvps.server';
import {
  WORKSHOP_MODE_LABELS,
  WORKSHOP_STATUS_LABELS,
  canViewWorkshop,
  cancelWorkshop,
  completeWorkshop,
  getWorkshopAudience,
  getWorkshopBySlug,
  getWorkshopRecord,
  isWorkshopInAudience,
  listAttendees,
  listRsvpsForCoordinator,
  markAttendance,
  publishWorkshop,
  seatSummary,
  type Workshop,
} from '~/models/workshops.server';
import { getUser, requireCoordinator, requireUser, type SessionUser } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { notFound, readFormData } from '~/utils/http.server';
import { googleCalendarUrl, outlookCalendarUrl } from '~/utils/ics';
import { markdownToPlainText } from '~/utils/markdown.server';
import { formatDate, formatDateRange, formatDateTime } from '~/utils/time';
import { parseForm, type FormValues } from '~/utils/validation.server';
import { plural } from '~/utils/workshop-text';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `${data.workshop.title} · Workshops · Micro-credentials CoP` : 'Workshop not found · Micro-credentials CoP' },
  ...(data?.workshop.summary ? [{ name: 'description', content: data.workshop.summary }] : []),
]);

const ATTENDANCE_LABELS = { in_person: 'In person', online: 'Online' } as const;

/** The workshop, if this viewer may know it exists (drafts are for coordinators only); otherwise 404. */
function visibleWorkshop(viewer: SessionUser | null, slug: string | undefined): Workshop {
  const workshop = getWorkshopBySlug(slug ?? '');
  if (!workshop || !canViewWorkshop(viewer, workshop)) notFound('There is no workshop at this address.');
  return workshop;
}

/** Why RSVPs are closed right now, or null when members can reply (the model enforces the same rules). */
function rsvpClosedReason(workshop: Workshop, now: number): string | null {
  if (workshop.status === 'draft') return 'This workshop is a draft: members can RSVP once it is published.';
  if (workshop.status === 'cancelled') return 'This workshop has been cancelled.';
  if (workshop.status === 'completed' || workshop.endsAt <= now) return 'This workshop has already happened.';
  if (workshop.rsvpDeadline !== null && now > workshop.rsvpDeadline) {
    return 'The RSVP deadline has passed. Contact a coordinator if you need to change your answer.';
  }
  return null;
}

function audienceMessage(names: string[]): string {
  return `This workshop is for people from ${names.join(', ')}. RSVPs are open to them only.`;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = getUser(request);
  const workshop = visibleWorkshop(viewer, params.slug);
  const now = Date.now();
  const coordinator = viewer?.role === 'coordinator';
  const seats = seatSummary(workshop.id);
  const mine = viewer ? getMyRsvp(viewer.id, workshop.id) : null;
  const hasSeat = mine?.seatStatus === 'confirmed';
  const audience = workshop.audience === 'organisations' ? getWorkshopAudience(workshop.id) : [];
  const inAudience = viewer ? isWorkshopInAudience(workshop.id, workshop.audience, viewer.organisationId) : false;
  const started = workshop.startsAt <= now;
  const place = workshop.mode === 'online' ? 'Online' : [workshop.venue, workshop.mode === 'hybrid' ? 'or online' : ''].filter(Boolean).join(', ');
  const calendarDetails = [markdownToPlainText(workshop.summary), workshopUrl(workshop)].filter(Boolean).join('\n\n');
  const calendarInput = { title: workshop.title, start: workshop.startsAt, end: workshop.endsAt, details: calendarDetails, location: place };
  const showRecord = workshop.status === 'completed' || workshop.recordUpdatedAt !== null;
  const record = showRecord ? getWorkshopRecord(workshop.id) : null;

  return {
    workshop: {
      slug: workshop.slug,
      title: workshop.title,
      summary: workshop.summary,
      agendaHtml: workshop.agendaHtml,
      status: workshop.status,
      statusLabel: WORKSHOP_STATUS_LABELS[workshop.status],
      when: formatDateRange(workshop.startsAt, workshop.endsAt),
      mode: workshop.mode,
      modeLabel: WORKSHOP_MODE_LABELS[workshop.mode],
      venue: workshop.venue,
      // The joining link goes only to people with a seat, and to coordinators.
      onlineUrl: (hasSeat || coordinator) && workshop.mode !== 'in_person' ? workshop.onlineUrl : '',
      capacity: workshop.capacity,
      deadline: workshop.rsvpDeadline === null ? null : formatDateTime(workshop.rsvpDeadline),
      audience: audience.map((o) => o.name),
      started,
      ended: workshop.endsAt <= now || workshop.status === 'completed',
    },
    seats: {
      taken: seats.seatsTaken,
      waitlist: seats.waitlistLength,
    },
    viewer: viewer ? { signedIn: true as const, inAudience, coordinator } : null,
    loginUrl: `/login?redirectTo=${encodeURIComponent(`/workshops/${workshop.slug}`)}`,
    closedReason: rsvpClosedReason(workshop, now),
    myRsvp: mine
      ? {
          response: mine.response,
          seatStatus: mine.seatStatus,
          attendanceMode: mine.attendanceMode,
          needs: mine.needs,
          waitlistPosition: mine.waitlistPosition,
        }
      : null,
    // Names are for members only; visitors see the count.
    attendees: viewer ? listAttendees(workshop.id).map((a) => ({ userId: a.userId, name: a.name, organisationName: a.organisationName, organisationSlug: a.organisationSlug })) : null,
    // Calendar links are for workshops still to come.
    calendar:
      workshop.status === 'scheduled' && workshop.endsAt > now
        ? { ics: `/workshops/${workshop.slug}/calendar.ics`, google: googleCalendarUrl(calendarInput), outlook: outlookCalendarUrl(calendarInput) }
        : null,
    record: record
      ? {
          notesHtml: workshop.recordNotesHtml,
          attendingOrganisations: record.attendingOrganisations,
          decisions: record.decisions.map((d) => ({ id: d.id, text: d.text })),
          actionItems: record.actionItems.map((a) => ({
            id: a.id,
            text: a.text,
            ownerName: a.ownerName,
            ownerSlug: a.ownerSlug,
            due: a.dueDate === null ? null : formatDate(a.dueDate),
            done: a.doneAt !== null,
          })),
        }
      : null,
    coordinatorView: coordinator
      ? {
          rsvps: listRsvpsForCoordinator(workshop.id).map((r) => ({
            userId: r.userId,
            name: r.name,
            email: r.email,
            organisationName: r.organisationName,
            status: r.seatStatus === 'confirmed' ? 'Going' : r.seatStatus === 'waitlisted' ? 'Waitlisted' : r.response === 'maybe' ? 'Maybe' : "Can't go",
            confirmed: r.seatStatus === 'confirmed',
            mode: r.attendanceMode ? ATTENDANCE_LABELS[r.attendanceMode] : '',
            needs: r.needs,
            respondedAt: formatDateTime(r.respondedAt),
            attended: r.attended,
          })),
          canMarkAttendance: started && (workshop.status === 'scheduled' || workshop.status === 'completed'),
        }
      : null,
    resources: relatedResourceItems(resourcesForWorkshop(workshop.id, viewer)),
    discussion: discussThis('workshop', workshop.id, viewer, `/workshops/${workshop.slug}`),
  };
}

type ActionForm = 'rsvp' | 'withdraw' | 'status' | 'cancel' | 'attendance';
type PageActionData = { form: ActionForm; errors: FieldErrors; values?: FormValues };

function refuse(form: ActionForm, errors: FieldErrors, status = 400, values?: FormValues) {
  return data<PageActionData>({ form, errors, values }, { status });
}

export async function action({ request, params }: ActionFunctionArgs) {
  // Every intent needs a signed-in member: visitors go to sign in and come back here.
  const user = requireUser(request);
  const workshop = visibleWorkshop(user, params.slug);
  const back = `/workshops/${workshop.slug}`;
  const formData = await readFormData(request);
  const intent = formData.get('intent');

  if (intent === 'rsvp') {
    if (!isWorkshopInAudience(workshop.id, workshop.audience, user.organisationId)) {
      const names = getWorkshopAudience(workshop.id).map((o) => o.name);
      return refuse('rsvp', { _form: [audienceMessage(names)] }, 403);
    }
    const form = parseForm(rsvpSchema, formData);
    if (!form.ok) return refuse('rsvp', form.errors, 400, form.values);
    const outcome = rsvp(user, workshop.id, form.data);
    if (!outcome.ok) return refuse('rsvp', { [outcome.field ?? '_form']: [outcome.message] }, 400, form.values);
    return redirectWithFlash(request, back, outcome.message);
  }

  if (intent === 'withdraw') {
    // After the event (or once cancelled) the reply is the attendance record: it is not the member's to delete.
    if (workshop.status !== 'scheduled' || workshop.endsAt <= Date.now()) {
      return refuse('withdraw', { _form: ['RSVPs for this workshop are closed, so your reply can no longer be withdrawn.'] });
    }
    const outcome = withdrawRsvp(user, workshop.id);
    if (!outcome.ok) return refuse('withdraw', { _form: [outcome.message] });
    return redirectWithFlash(request, back, outcome.message);
  }

  if (intent === 'publish' || intent === 'cancel' || intent === 'complete') {
    const coordinator = requireCoordinator(request);
    if (intent === 'cancel' && formData.get('confirm') !== 'yes') {
      return refuse('cancel', { confirm: ['Tick the box to confirm that the workshop is cancelled and everyone is told.'] });
    }
    const outcome =
      intent === 'publish' ? publishWorkshop(coordinator, workshop.id) : intent === 'cancel' ? cancelWorkshop(coordinator, workshop.id) : completeWorkshop(coordinator, workshop.id);
    if (!outcome.ok) return refuse(intent === 'cancel' ? 'cancel' : 'status', { _form: [outcome.message] });
    return redirectWithFlash(request, back, outcome.message);
  }

  if (intent === 'attendance') {
    const coordinator = requireCoordinator(request);
    if (workshop.startsAt > Date.now() || (workshop.status !== 'scheduled' && workshop.status !== 'completed')) {
      return refuse('attendance', { _form: ['Attendance can be marked once the workshop has started.'] });
    }
    const attended = formData
      .getAll('attended')
      .map(Number)
      .filter((id) => Number.isSafeInteger(id) && id > 0);
    markAttendance(coordinator, workshop.id, attended);
    return redirectWithFlash(request, back, `Attendance saved: ${plural(new Set(attended).size, 'person', 'people')} marked as attended.`);
  }

  return refuse('status', { _form: ['Choose one of the actions on this page.'] });
}

function RsvpState({ myRsvp }: { myRsvp: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>['myRsvp']> }) {
  const mode = myRsvp.attendanceMode ? ` (${ATTENDANCE_LABELS[myRsvp.attendanceMode].toLowerCase()})` : '';
  if (myRsvp.seatStatus === 'confirmed') return <p className="seat-line">You're going{mode}.</p>;
  if (myRsvp.seatStatus === 'waitlisted') {
    return (
      <p className="seat-line">
        You're on the waitlist, position {myRsvp.waitlistPosition}. We'll email you if a seat frees.
      </p>
    );
  }
  if (myRsvp.response === 'maybe') return <p className="seat-line">Maybe. A maybe does not hold a seat.</p>;
  return <p className="seat-line">You said you can't go.</p>;
}

export default function WorkshopPage() {
  const { workshop, seats, viewer, loginUrl, closedReason, myRsvp, attendees, calendar, record, coordinatorView, resources, discussion } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errorsFor = (form: ActionForm) => (actionData?.form === form ? actionData.errors : undefined);
  const rsvpErrors = errorsFor('rsvp');
  const rsvpValues = actionData?.form === 'rsvp' ? actionData.values : undefined;
  const attendanceId = useId();

  return (
    <article className="stack">
      <header>
        <p className="meta">
          <Link to="/workshops">Workshops</Link>
          {workshop.status !== 'scheduled' ? (
            <>
              {' '}
              · <span className={`badge${workshop.status === 'cancelled' ? ' badge--bad' : workshop.status === 'draft' ? ' badge--warn' : ''}`}>{workshop.statusLabel}</span>
            </>
          ) : null}
        </p>
        <h1>{workshop.title}</h1>
        {workshop.summary ? <p className="lead">{workshop.summary}</p> : null}
        {workshop.status === 'cancelled' ? <p className="notice">This workshop has been cancelled.</p> : null}
        <dl className="details">
          <dt>When</dt>
          <dd>
            {workshop.when} <span className="meta">(New Zealand time)</span>
          </dd>
          <dt>Format</dt>
          <dd>{workshop.modeLabel}</dd>
          {workshop.mode !== 'online' ? (
            <>
              <dt>Venue</dt>
              <dd>{workshop.venue || 'To be confirmed'}</dd>
            </>
          ) : null}
          {workshop.onlineUrl ? (
            <>
              <dt>Joining link</dt>
              <dd className="break-anywhere">
                {/^https?:\/\//i.test(workshop.onlineUrl) ? (
                  <a href={workshop.onlineUrl} rel="noopener noreferrer">
                    {workshop.onlineUrl}
                  </a>
                ) : (
                  workshop.onlineUrl
                )}
              </dd>
            </>
          ) : null}
          <dt>Seats</dt>
          <dd>
            {seats.taken} of {workshop.capacity} seats taken
            {seats.taken >= workshop.capacity ? ' (full)' : ''}
            {seats.waitlist > 0 ? ` · ${plural(seats.waitlist, 'person', 'people')} on the waitlist` : ' · nobody on the waitlist'}
          </dd>
          {workshop.deadline ? (
            <>
              <dt>RSVP by</dt>
              <dd>{workshop.deadline}</dd>
            </>
          ) : null}
          {workshop.audience.length ? (
            <>
              <dt>For</dt>
              <dd>People from {workshop.audience.join(', ')}</dd>
            </>
          ) : null}
        </dl>
      </header>

      <section aria-labelledby="agenda-title">
        <h2 id="agenda-title">Agenda</h2>
        {workshop.agendaHtml ? (
          // Sanitised once, when the coordinator saved it.
          <div className="prose" dangerouslySetInnerHTML={{ __html: workshop.agendaHtml }} />
        ) : (
          <p className="empty">The agenda has not been published yet.</p>
        )}
      </section>

      {record ? (
        <section aria-labelledby="record-title">
          <h2 id="record-title">Record of the meeting</h2>
          {record.notesHtml ? (
            <div className="prose" dangerouslySetInnerHTML={{ __html: record.notesHtml }} />
          ) : (
            <p className="empty">The notes of this meeting have not been written yet.</p>
          )}
          <h3>Attending organisations</h3>
          {record.attendingOrganisations.length ? (
            <ul>
              {record.attendingOrganisations.map((o) => (
                <li key={o.id}>
                  <Link to={`/organisations/${o.slug}`}>{o.name}</Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className="empty">No attending organisations recorded.</p>
          )}
          <h3>Decisions</h3>
          {record.decisions.length ? (
            <ol>
              {record.decisions.map((d) => (
                <li key={d.id}>{d.text}</li>
              ))}
            </ol>
          ) : (
            <p className="empty">No decisions recorded.</p>
          )}
          <h3>Action items</h3>
          {record.actionItems.length ? (
            <ul className="list-plain">
              {record.actionItems.map((a) => (
                <li key={a.id}>
                  {a.done ? <span className="badge">Done</span> : null} {a.text}
                  {a.ownerName || a.due ? (
                    <span className="meta">
                      {a.ownerName ? (
                        <>
                          {' '}
                          · Owner: <Link to={`/organisations/${a.ownerSlug}`}>{a.ownerName}</Link>
                        </>
                      ) : null}
                      {a.due ? ` · Due ${a.due}` : null}
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="empty">No action items recorded.</p>
          )}
        </section>
      ) : null}

      <section aria-labelledby="workshop-resources-title">
        <h2 id="workshop-resources-title">Slides and resources</h2>
        <RelatedResources items={resources} empty="No resources are linked to this workshop yet." addHref={viewer ? '/resources/new' : undefined} />
      </section>

      <DiscussThis discussion={discussion} />

      <section aria-labelledby="rsvp-title" className="card">
        <h2 id="rsvp-title">Your RSVP</h2>
        {!viewer ? (
          closedReason ? (
            <p>{closedReason}</p>
          ) : (
            <p>
              <Link to={loginUrl}>Sign in to RSVP</Link>. Not a member yet? <Link to="/join">Request to join</Link>.
            </p>
          )
        ) : (
          <>
            {myRsvp ? <RsvpState myRsvp={myRsvp} /> : null}
            {closedReason ? (
              <p>{closedReason}</p>
            ) : !viewer.inAudience ? (
              <>
                <FormError errors={rsvpErrors?._form} />
                <p>{audienceMessage(workshop.audience)}</p>
              </>
            ) : (
              <>
                {workshop.deadline ? <p className="muted">You can reply, change or withdraw until {workshop.deadline}.</p> : null}
                <Form
                  method="post"
                  className="form"
                  noValidate
                  key={myRsvp ? `${myRsvp.response}-${myRsvp.seatStatus ?? 'none'}-${myRsvp.attendanceMode ?? ''}` : 'none'}
                >
                  <input type="hidden" name="intent" value="rsvp" />
                  <FormError errors={rsvpErrors?._form} />
                  <ChoiceGroup
                    legend="Will you come?"
                    name="response"
                    type="radio"
                    options={[
                      { value: 'going', label: 'Going' },
                      { value: 'maybe', label: 'Maybe' },
                      { value: 'not_going', label: "Can't go" },
                    ]}
                    selected={[rsvpValues?.response ?? myRsvp?.response ?? '']}
                    errors={rsvpErrors?.response}
                  />
                  {workshop.mode === 'hybrid' ? (
                    <ChoiceGroup
                      legend="How will you attend?"
                      name="attendanceMode"
                      type="radio"
                      options={[
                        { value: 'in_person', label: 'In person' },
                        { value: 'online', label: 'Online' },
                      ]}
                      selected={[rsvpValues?.attendanceMode ?? myRsvp?.attendanceMode ?? '']}
                      errors={rsvpErrors?.attendanceMode}
                    />
                  ) : null}
                  <TextAreaField
                    label="Access or dietary needs (optional)"
                    name="needs"
                    rows={3}
                    maxLength={1000}
                    hint="Seen by coordinators only."
                    defaultValue={rsvpValues?.needs ?? myRsvp?.needs ?? ''}
                    errors={rsvpErrors?.needs}
                  />
                  <div>
                    <SubmitButton pendingText="Sending…">
                      {!myRsvp ? 'Send my RSVP' : myRsvp.response === 'not_going' ? 'Change my reply' : 'Update my RSVP'}
                    </SubmitButton>
                  </div>
                </Form>
                {/* After "Can't go" there is nothing to withdraw from (no seat, no place in line): one action, changing the reply. */}
                {myRsvp && myRsvp.response !== 'not_going' ? (
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="withdraw" />
                    <FormError errors={errorsFor('withdraw')?._form} />
                    <SubmitButton className="button button--secondary" pendingText="Withdrawing…">
                      Withdraw my RSVP
                    </SubmitButton>
                  </Form>
                ) : null}
              </>
            )}
          </>
        )}
      </section>

      <section aria-labelledby="going-title">
        <h2 id="going-title">{workshop.ended ? 'Who went' : "Who's going"}</h2>
        {attendees ? (
          attendees.length === 0 ? (
            <p className="empty">{workshop.ended ? 'Nobody had a seat.' : 'Nobody has a seat yet.'}</p>
          ) : (
            <ul className="list-plain">
              {attendees.map((a) => (
                <li key={a.userId}>
                  {a.name} <span className="meta">· <Link to={`/organisations/${a.organisationSlug}`}>{a.organisationName}</Link></span>
                </li>
              ))}
            </ul>
          )
        ) : (
          <p>
            {plural(seats.taken, 'person', 'people')} {workshop.ended ? 'had a seat' : seats.taken === 1 ? 'is going' : 'are going'}.{' '}
            <Link to={loginUrl}>Sign in</Link> to see who.
          </p>
        )}
      </section>

      {calendar ? (
        <section aria-labelledby="calendar-title">
          <h2 id="calendar-title">Add to your calendar</h2>
          <ul className="link-list">
            <li>
              <a href={calendar.ics} download>
                Download the calendar file (.ics)
              </a>
            </li>
            <li>
              <a href={calendar.google} rel="noopener noreferrer">
                Add to Google Calendar
              </a>
            </li>
            <li>
              <a href={calendar.outlook} rel="noopener noreferrer">
                Add to Outlook
              </a>
            </li>
          </ul>
          {viewer ? (
            <p className="muted">
              Or subscribe to <Link to="/settings/calendar">your personal calendar feed</Link>: it holds every workshop you have a seat at.
            </p>
          ) : null}
        </section>
      ) : null}

      {coordinatorView ? (
        <section aria-labelledby="coordinator-title" className="stack">
          <h2 id="coordinator-title">For coordinators</h2>
          <FormError errors={errorsFor('status')?._form} />
          <p className="actions">
            {workshop.status !== 'cancelled' ? (
              <Link className="button button--secondary" to={`/workshops/${workshop.slug}/edit`}>
                Edit workshop
              </Link>
            ) : null}
            {workshop.status === 'completed' ? (
              <Link className="button button--secondary" to={`/workshops/${workshop.slug}/record`}>
                {record?.notesHtml || record?.decisions.length ? 'Edit the record of the meeting' : 'Write the record of the meeting'}
              </Link>
            ) : null}
          </p>
          <FormError errors={errorsFor('cancel')?._form} />
          <WorkshopStatusActions slug={workshop.slug} status={workshop.status} started={workshop.started} cancelErrors={errorsFor('cancel')?.confirm} />

          <div>
            <h3>Replies</h3>
            {coordinatorView.rsvps.length === 0 ? (
              <p className="empty">Nobody has replied yet.</p>
            ) : (
              <>
                <p>
                  <a href={`/workshops/${workshop.slug}/attendees.csv`} download>
                    Download the attendee list (CSV)
                  </a>
                </p>
                <div className="table-wrap">
                  <table>
                    <caption className="visually-hidden">Everyone who replied, with their needs</caption>
                    <thead>
                      <tr>
                        <th scope="col">Name</th>
                        <th scope="col">Email</th>
                        <th scope="col">Organisation</th>
                        <th scope="col">Status</th>
                        <th scope="col">Mode</th>
                        <th scope="col">Needs</th>
                        <th scope="col">RSVP time</th>
                      </tr>
                    </thead>
                    <tbody>
                      {coordinatorView.rsvps.map((r) => (
                        <tr key={r.userId}>
                          <th scope="row">{r.name}</th>
                          <td className="nowrap">{r.email}</td>
                          <td>{r.organisationName}</td>
                          <td className="nowrap">{r.status}</td>
                          <td className="nowrap">{r.mode}</td>
                          <td className="pre-wrap">{r.needs}</td>
                          <td className="nowrap">{r.respondedAt}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )}
          </div>

          {coordinatorView.canMarkAttendance ? (
            <div>
              <h3 id={`${attendanceId}-title`}>Attendance</h3>
              {coordinatorView.rsvps.some((r) => r.confirmed) ? (
                <Form method="post" className="form" aria-labelledby={`${attendanceId}-title`}>
                  <input type="hidden" name="intent" value="attendance" />
                  <FormError errors={errorsFor('attendance')?._form} />
                  <fieldset className="fieldset">
                    <legend>Who came?</legend>
                    <p className="field__hint">Everyone is ticked until attendance is saved; untick anyone who did not come.</p>
                    <div className="choice-list choice-list--columns">
                      {coordinatorView.rsvps
                        .filter((r) => r.confirmed)
                        .map((r) => (
                          <div className="checkbox" key={r.userId}>
                            <input type="checkbox" id={`${attendanceId}-${r.userId}`} name="attended" value={r.userId} defaultChecked={r.attended !== false} />
                            <label htmlFor={`${attendanceId}-${r.userId}`}>
                              {r.name} <span className="meta">({r.organisationName})</span>
                            </label>
                          </div>
                        ))}
                    </div>
                  </fieldset>
                  <div>
                    <SubmitButton pendingText="Saving…">Save attendance</SubmitButton>
                  </div>
                </Form>
              ) : (
                <p className="empty">Nobody had a seat, so there is no attendance to mark.</p>
              )}
            </div>
          ) : null}
        </section>
      ) : null}
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
