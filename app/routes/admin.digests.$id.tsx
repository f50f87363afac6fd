// /admin/digests/:id: composing one digest. The introduction (markdown), the gathered items (remove, move up or
// down), the audience with how many people it reaches, a preview as any recipient sees it (HTML in a sandboxed
// frame, and the plain text), a test to oneself, send now (after a confirmation step that works without
// JavaScript) or schedule (New Zealand time), and once sent the delivery report. Every button is a plain form.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SubmitButton, TextAreaField, TextField } from '~/components/forms';
import { ChoiceGroup } from '~/components/workshop-form';
import {
  AUDIENCE_KIND_LABELS,
  DIGEST_SECTIONS,
  DIGEST_SECTION_LABELS,
  DIGEST_STATUS_LABELS,
  countRecipients,
  deleteDigest,
  deliveryReport,
  digestTextSchema,
  getDigest,
  listDigestItems,
  moveDigestItem,
  parseAudienceForm,
  previewFor,
  previewRecipientOptions,
  removeDigestItem,
  scheduleDigest,
  sendDigest,
  sendTestToSelf,
  setDigestAudience,
  unscheduleDigest,
  updateDigestText,
  type DigestAudience,
} from '~/models/digests.server';
import { organisationOptions } from '~/models/organisations.server';
import { requireCoordinator } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { idParam, notFound, readFormData } from '~/utils/http.server';
import { ORGANISATION_KIND_LABELS, ROLE_LABELS } from '~/utils/labels';
import { formatDateTime, formatSince, parseDateTimeLocal, toDateInputValue, toDateTimeLocalValue } from '~/utils/time';
import { parseForm, type FieldErrors } from '~/utils/validation.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([{ title: `${data?.digest.subject ?? 'Digest'} · Digests · Admin · Micro-credentials CoP` }]);

function audienceSummary(audience: DigestAudience, orgNames: Map<number, string>): string {
  switch (audience.kind) {
    case 'everyone':
      return 'Everyone';
    case 'organisation_kinds':
      return audience.values.map((k) => ORGANISATION_KIND_LABELS[k]).join(', ');
    case 'organisations':
      return audience.ids.map((id) => orgNames.get(id) ?? `Organisation ${id}`).join(', ');
    case 'roles':
      return audience.values.map((r) => ROLE_LABELS[r]).join(', ');
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = requireCoordinator(request);
  const id = idParam(params.id);
  const digest = getDigest(id) ?? notFound('There is no such digest.');
  const url = new URL(request.url);
  const now = Date.now();
  const organisations = organisationOptions();
  const orgNames = new Map(organisations.map((o) => [o.id, o.name]));

  const options = previewRecipientOptions(digest.audience);
  if (!options.some((o) => o.id === viewer.id)) options.unshift({ id: viewer.id, name: viewer.name, organisationName: viewer.organisationName });
  const asParam = Number(url.searchParams.get('as'));
  const previewAs = Number.isSafeInteger(asParam) && asParam > 0 ? asParam : (options.find((o) => o.id !== viewer.id)?.id ?? viewer.id);
  const preview = previewFor(id, previewAs, now) ?? previewFor(id, viewer.id, now)!;

  const items = listDigestItems(id);
  const sections = DIGEST_SECTIONS.map((section) => ({
    section,
    label: DIGEST_SECTION_LABELS[section],
    items: items
      .filter((i) => i.section === section)
      .map((i) => ({ id: i.id, title: i.payload.title, url: i.payload.url, meta: i.payload.meta ?? '', summary: i.payload.summary, organisationName: i.payload.organisationName })),
  })).filter((s) => s.items.length > 0);

  const a = digest.audience;
  return {
    digest: {
      id: digest.id,
      subject: digest.subject,
      introMd: digest.introMd,
      status: digest.status,
      statusLabel: DIGEST_STATUS_LABELS[digest.status],
      automatic: digest.automatic,
      editable: digest.editable,
      since: formatSince(digest.sinceAt),
      sentAt: digest.sentAt ? formatDateTime(digest.sentAt) : null,
      scheduledFor: digest.scheduledFor ? formatDateTime(digest.scheduledFor) : null,
      // Suggest 9 am tomorrow, New Zealand time.
      scheduleValue: digest.scheduledFor ? toDateTimeLocalValue(digest.scheduledFor) : `${toDateInputValue(now + 24 * 60 * 60 * 1000)}T09:00`,
    },
    sections,
    itemCount: items.length,
    audience: {
      kind: a.kind,
      kinds: a.kind === 'organisation_kinds' ? a.values : [],
      organisationIds: a.kind === 'organisations' ? a.ids.map(String) : [],
      roles: a.kind === 'roles' ? a.values : [],
      summary: audienceSummary(a, orgNames),
    },
    recipientCount: digest.editable ? countRecipients(a) : null,
    choices: {
      kinds: Object.entries(ORGANISATION_KIND_LABELS).map(([value, label]) => ({ value, label })),
      organisations: organisations.map((o) => ({ value: String(o.id), label: o.name })),
      roles: Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label })),
      audienceKinds: Object.entries(AUDIENCE_KIND_LABELS).map(([value, label]) => ({ value, label })),
    },
    preview: {
      as: preview.recipient.id,
      name: preview.recipient.name,
      email: preview.recipient.email,
      excludedBecause: preview.excludedBecause,
      subject: preview.subject,
      htmlUrl: `/admin/digests/${id}/email.html?as=${preview.recipient.id}`,
      text: preview.text,
      options: options.map((o) => ({ value: String(o.id), label: `${o.name} (${o.organisationName})${o.id === viewer.id ? ' – you' : ''}` })),
    },
    confirmSend: url.searchParams.get('confirm') === 'send' && digest.editable,
    report: digest.status === 'sending' || digest.status === 'sent' ? deliveryReport(id) : null,
    viewerEmail: viewer.email,
  };
}

type ActionData = { intent: string; message?: string; errors?: FieldErrors; values?: Record<string, string> };

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireCoordinator(request);
  const id = idParam(params.id);
  if (!getDigest(id)) notFound('There is no such digest.');
  const formData = await readFormData(request);
  const intent = String(formData.get('intent') ?? '');
  const here = `/admin/digests/${id}`;
  const fail = (status: number, body: ActionData) => data(body, { status });
  const done = (outcome: { ok: true; message: string } | { ok: false; status: number; message: string; errors?: FieldErrors }, to = here) =>
    outcome.ok ? redirectWithFlash(request, to, outcome.message) : fail(outcome.status, { intent, message: outcome.message, errors: outcome.errors });

  switch (intent) {
    case 'text': {
      const form = parseForm(digestTextSchema, formData);
      if (!form.ok) return fail(400, { intent, errors: form.errors, values: form.values });
      return done(updateDigestText(actor, id, form.data));
    }
    case 'remove':
    case 'up':
    case 'down': {
      const itemId = Number(formData.get('itemId'));
      if (!Number.isSafeInteger(itemId) || itemId <= 0) return fail(400, { intent, message: 'Choose an item.' });
      const outcome = intent === 'remove' ? removeDigestItem(actor, id, itemId) : moveDigestItem(actor, id, itemId, intent);
      return done(outcome, `${here}#items`);
    }
    case 'audience': {
      const parsed = parseAudienceForm(formData);
      if (!parsed.ok) return fail(400, { intent, errors: parsed.errors, message: 'Choose who the digest is for.' });
      return done(setDigestAudience(actor, id, parsed.audience), `${here}#audience`);
    }
    case 'test':
      return done(sendTestToSelf(actor, id), `${here}#send`);
    case 'send': {
      if (formData.get('confirmed') !== 'yes') return fail(400, { intent, message: 'Confirm that you want to send the digest now.' });
      return done(sendDigest(actor, id));
    }
    case 'schedule': {
      const value = String(formData.get('scheduledFor') ?? '');
      const parsed = parseDateTimeLocal(value);
      if (!parsed.ok) return fail(400, { intent, errors: { scheduledFor: [parsed.error] }, values: { scheduledFor: value } });
      const outcome = scheduleDigest(actor, id, parsed.date.getTime());
      return outcome.ok ? redirectWithFlash(request, here, outcome.message) : fail(outcome.status, { intent, message: outcome.message, errors: outcome.errors, values: { scheduledFor: value } });
    }
    case 'unschedule':
      return done(unscheduleDigest(actor, id));
    case 'delete': {
      const outcome = deleteDigest(actor, id);
      return done(outcome, '/admin/digests');
    }
    default:
      return fail(400, { intent, message: 'Choose one of the actions on this page.' });
  }
}

const STATUS_BADGE: Record<string, string> = { draft: 'badge', scheduled: 'badge badge--warn', sending: 'badge badge--warn', sent: 'badge badge--ok' };

export default function DigestCompose() {
  const { digest, sections, itemCount, audience, recipientCount, choices, preview, confirmSend, report } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const errorsFor = (intent: string) => (actionData?.intent === intent ? (actionData.errors ?? {}) : {});
  const messageFor = (intent: string) => (actionData?.intent === intent && actionData.message ? [actionData.message] : undefined);
  const textErrors = errorsFor('text');
  const textValues = actionData?.intent === 'text' ? (actionData.values ?? {}) : {};
  const audienceErrors = errorsFor('audience');
  const scheduleErrors = errorsFor('schedule');
  const itemMessage = ['remove', 'up', 'down'].includes(actionData?.intent ?? '') ? actionData?.message : undefined;

  return (
    <div className="stack">
      <p className="meta">
        <Link to="/admin/digests">All digests</Link>
      </p>
      <div className="page-header">
        <h2>{digest.subject}</h2>
        <p>
          <span className={STATUS_BADGE[digest.status] ?? 'badge'}>{digest.statusLabel}</span>{' '}
          {digest.automatic ? 'Automatic digest (each member got their own selection). ' : ''}
          Covers what is new since {digest.since}.
          {digest.sentAt ? ` Sent ${digest.sentAt}.` : ''}
          {digest.scheduledFor ? ` Scheduled for ${digest.scheduledFor}.` : ''}
        </p>
      </div>

      {report ? (
        <section aria-labelledby="report-title" className="stack-tight">
          <h3 id="report-title">Delivery report</h3>
          <dl className="details">
            <dt>Recipients</dt>
            <dd>{report.recipients}</dd>
            <dt>Queued (waiting or being sent)</dt>
            <dd>{report.queued}</dd>
            <dt>Sent</dt>
            <dd>{report.sent}</dd>
            <dt>Failed</dt>
            <dd>{report.failed}</dd>
          </dl>
          {report.problems.length ? (
            <div className="table-wrap">
              <table>
                <caption>Failed messages, and messages waiting to be retried</caption>
                <thead>
                  <tr>
                    <th scope="col">Member</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Error</th>
                  </tr>
                </thead>
                <tbody>
                  {report.problems.map((p) => (
                    <tr key={p.userId}>
                      <th scope="row">
                        {p.name}
                        <div className="meta">{p.email}</div>
                      </th>
                      <td>{p.status === 'failed' ? <span className="badge badge--bad">Failed: no more digests to this address</span> : <span className="badge badge--warn">Will retry</span>}</td>
                      <td>{p.attempts}</td>
                      <td className="pre-wrap">{p.error}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">No delivery errors.</p>
          )}
        </section>
      ) : null}

      {digest.editable ? (
        <section aria-labelledby="text-title" className="stack-tight">
          <h3 id="text-title">Subject and introduction</h3>
          <Form method="post" className="form" key={`text-${digest.subject}-${digest.introMd.length}`}>
            <input type="hidden" name="intent" value="text" />
            <FormError errors={messageFor('text')} />
            <TextField label="Subject" name="subject" required maxLength={150} defaultValue={textValues.subject ?? digest.subject} errors={textErrors.subject} />
            <TextAreaField
              label="Introduction"
              name="intro"
              rows={6}
              maxLength={10000}
              hint="Markdown: blank lines between paragraphs, **bold**, [link text](https://…), lists with “- ”. Shown above the items."
              defaultValue={textValues.intro ?? digest.introMd}
              errors={textErrors.intro}
            />
            <SubmitButton className="button button--secondary" pendingText="Saving…">
              Save subject and introduction
            </SubmitButton>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="items" className="stack-tight">
        <h3 id="items">Items ({itemCount})</h3>
        {itemMessage ? <FormError errors={[itemMessage]} /> : null}
        {sections.length === 0 ? (
          <p className="empty">Nothing new was found for this period. Write an introduction to send news of your own, or delete this draft.</p>
        ) : (
          sections.map((s) => (
            <section key={s.section} aria-labelledby={`section-${s.section}`} className="stack-tight">
              <h4 id={`section-${s.section}`}>{s.label}</h4>
              <ol className="list-plain stack-tight">
                {s.items.map((item, index) => (
                  <li key={item.id} className="card">
                    <p>
                      <a href={item.url}>{item.title}</a>
                    </p>
                    {item.meta ? <p className="meta">{item.meta}</p> : null}
                    {item.summary ? <p>{item.summary}</p> : null}
                    {digest.editable ? (
                      <div className="actions">
                        {index > 0 ? (
                          <Form method="post" className="inline-form">
                            <input type="hidden" name="intent" value="up" />
                            <input type="hidden" name="itemId" value={item.id} />
                            <button type="submit" className="button button--small button--secondary" aria-label={`Move up: ${item.title}`}>
                              Move up
                            </button>
                          </Form>
                        ) : null}
                        {index < s.items.length - 1 ? (
                          <Form method="post" className="inline-form">
                            <input type="hidden" name="intent" value="down" />
                            <input type="hidden" name="itemId" value={item.id} />
                            <button type="submit" className="button button--small button--secondary" aria-label={`Move down: ${item.title}`}>
                              Move down
                            </button>
                          </Form>
                        ) : null}
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value="remove" />
                          <input type="hidden" name="itemId" value={item.id} />
                          <button type="submit" className="button button--small button--danger" aria-label={`Remove: ${item.title}`}>
                            Remove
                          </button>
                        </Form>
                      </div>
                    ) : null}
                  </li>
                ))}
              </ol>
            </section>
          ))
        )}
      </section>

      <section aria-labelledby="audience" className="stack-tight">
        <h3 id="audience">Audience</h3>
        {digest.editable ? (
          <>
            <p className="seat-line">
              {recipientCount === 1 ? '1 person' : `${recipientCount} people`} will receive this digest ({audience.summary}).
            </p>
            <p className="meta">Deactivated members, members who turned digests off and addresses that bounced are always left out.</p>
            <Form method="post" className="form" key={`audience-${audience.kind}-${audience.kinds.join()}-${audience.organisationIds.join()}-${audience.roles.join()}`}>
              <input type="hidden" name="intent" value="audience" />
              <FormError errors={messageFor('audience')} />
              <ChoiceGroup
                legend="Who should receive it?"
                name="audience"
                type="radio"
                options={choices.audienceKinds}
                selected={[audience.kind]}
                errors={audienceErrors.audience}
              />
              <ChoiceGroup legend="Kinds of organisation" hint="Used when the audience is “Kinds of organisation”." name="kinds" type="checkbox" options={choices.kinds} selected={audience.kinds} errors={audienceErrors.kinds} className="choice-list choice-list--columns" />
              <ChoiceGroup
                legend="Organisations"
                hint="Used when the audience is “Chosen organisations”."
                name="organisationIds"
                type="checkbox"
                options={choices.organisations}
                selected={audience.organisationIds}
                errors={audienceErrors.organisationIds}
                className="choice-list choice-list--columns"
              />
              <ChoiceGroup legend="Roles" hint="Used when the audience is “Roles”." name="roles" type="checkbox" options={choices.roles} selected={audience.roles} errors={audienceErrors.roles} />
              <SubmitButton className="button button--secondary" pendingText="Saving…">
                Save audience and count recipients
              </SubmitButton>
            </Form>
          </>
        ) : (
          <p>{audience.summary}</p>
        )}
      </section>

      <section aria-labelledby="preview-title" className="stack-tight">
        <h3 id="preview-title">Preview</h3>
        <Form method="get" className="search-form">
          <label htmlFor="preview-as">Preview as</label>
          <select id="preview-as" name="as" defaultValue={String(preview.as)} key={preview.as}>
            {preview.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          <button type="submit" className="button button--secondary">
            Show preview
          </button>
        </Form>
        <p>
          As {preview.name} ({preview.email}) would see it: their own upcoming workshops, and items from their organisation marked “From your
          organisation”. Subject: <strong>{preview.subject}</strong>
        </p>
        {preview.excludedBecause ? <p className="notice">{preview.excludedBecause}</p> : null}
        <h4>HTML version</h4>
        <p className="meta">Shown in a sandbox: scripts never run and links inside it do not open.</p>
        <iframe sandbox="" src={preview.htmlUrl} title={`HTML version of the digest as ${preview.name} sees it`} className="mail-frame" />
        <h4>Plain-text version</h4>
        <pre className="pre-wrap card">{preview.text}</pre>
      </section>

      {digest.editable ? (
        <section aria-labelledby="send" className="stack-tight">
          <h3 id="send">Send</h3>
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="test" />
            <FormError errors={messageFor('test')} />
            <SubmitButton className="button button--secondary" pendingText="Sending a test…">
              Send a test to myself
            </SubmitButton>
          </Form>

          {confirmSend ? (
            <div className="decision-panel" role="region" aria-labelledby="confirm-title">
              <h4 id="confirm-title">Send this digest now?</h4>
              <p>
                It goes to {recipientCount === 1 ? '1 person' : `${recipientCount} people`} ({audience.summary}) straight away, and cannot be recalled.
              </p>
              <FormError errors={messageFor('send')} />
              <div className="actions">
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="send" />
                  <input type="hidden" name="confirmed" value="yes" />
                  <SubmitButton pendingText="Queuing…">Yes, send it now</SubmitButton>
                </Form>
                <Link to="." className="button button--secondary">
                  Cancel
                </Link>
              </div>
            </div>
          ) : (
            <div className="stack-tight">
              <FormError errors={messageFor('send')} />
              <p>
                <Link to="?confirm=send#send" className="button">
                  Send now…
                </Link>
              </p>
            </div>
          )}

          <Form method="post" className="form" key={`schedule-${digest.scheduleValue}`}>
            <input type="hidden" name="intent" value="schedule" />
            <FormError errors={messageFor('schedule') && !scheduleErrors.scheduledFor ? messageFor('schedule') : undefined} />
            <TextField
              label="Or send it later (New Zealand time)"
              name="scheduledFor"
              type="datetime-local"
              defaultValue={(actionData?.intent === 'schedule' && actionData.values?.scheduledFor) || digest.scheduleValue}
              errors={scheduleErrors.scheduledFor}
              hint="It goes to whoever is in the audience at that time."
            />
            <SubmitButton className="button button--secondary" pendingText="Scheduling…">
              {digest.status === 'scheduled' ? 'Change the time' : 'Schedule'}
            </SubmitButton>
          </Form>
          {digest.status === 'scheduled' ? (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="unschedule" />
              <FormError errors={messageFor('unschedule')} />
              <SubmitButton className="button button--secondary" pendingText="Cancelling…">
                Cancel the schedule
              </SubmitButton>
            </Form>
          ) : null}
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="delete" />
            <FormError errors={messageFor('delete')} />
            <SubmitButton className="button button--danger" pendingText="Deleting…">
              Delete this {digest.status === 'scheduled' ? 'scheduled digest' : 'draft'}
            </SubmitButton>
          </Form>
        </section>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
