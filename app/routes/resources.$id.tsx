// /resources/:id: one resource: what it is, who published it, its download (or link), its version history with a
// download for each version, and, for the uploader and coordinators, a new-version upload, edit and remove.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { DiscussThis } from '~/components/discuss-this';
import { discussThis } from '~/models/discussions.server';
import { FormError, SubmitButton, TextField, type FieldErrors } from '~/components/forms';
import { TagLinks } from '~/components/resource-fields';
import {
  RESOURCE_KIND_LABELS,
  addResourceVersion,
  canEditResource,
  canViewResource,
  formatPublished,
  getResource,
  getResourceDetail,
  queueTextExtraction,
  removeResource,
} from '~/models/resources.server';
import { getUser, requireUser } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { idParam, notFound, readFormData } from '~/utils/http.server';
import { formatDate, formatDateTime } from '~/utils/time';
import { ACCEPT_ATTRIBUTE, ACCEPTED_TYPES_TEXT, createUploadSession, fileTypeLabel, formatBytes, readUploadForm, uploadLimitBytes } from '~/utils/uploads.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `${data.resource.title} · Resource library · Micro-credentials CoP` : 'Resource not found · Micro-credentials CoP' },
  ...(data?.resource.summary ? [{ name: 'description', content: data.resource.summary.slice(0, 300) }] : []),
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = getUser(request);
  const r = getResourceDetail(idParam(params.id), viewer) ?? notFound('There is no resource at this address.');
  const now = Date.now();
  const current = r.versions[0] ?? null;
  return {
    signedIn: viewer !== null,
    discussion: discussThis('resource', r.id, viewer, `/resources/${r.id}`),
    canEdit: canEditResource(viewer, r),
    resource: {
      id: r.id,
      title: r.title,
      kindLabel: RESOURCE_KIND_LABELS[r.kind],
      authors: r.authors,
      summary: r.summary,
      licence: r.licence,
      membersOnly: r.visibility === 'members',
      agenciesOnly: r.visibility === 'agencies',
      published: formatPublished(r.publishedOn),
      reviewBy: r.reviewBy !== null ? formatDate(r.reviewBy) : null,
      overdue: r.reviewBy !== null && r.reviewBy < now,
      externalUrl: r.externalUrl,
      downloads: r.downloadCount,
      added: formatDate(r.createdAt),
      organisation: r.organisation,
      uploader: r.uploader,
      tags: r.tags,
      workshops: r.workshops.map((w) => ({ slug: w.slug, title: w.title, when: formatDate(w.startsAt) })),
      caseStudies: r.caseStudies.map((c) => ({ slug: c.slug, title: c.title })),
    },
    current: current
      ? {
          versionNumber: current.versionNumber,
          type: fileTypeLabel(current.mimeType),
          size: formatBytes(current.size),
          searchable: current.extractionError ? 'failed' : current.extractionRefused ? 'refused' : current.extracted ? 'ready' : 'pending',
          // Why its text was not read (too big to unpack, too slow): for the people who can replace the file.
          refusedReason: canEditResource(viewer, r) ? current.extractionRefused : null,
        }
      : null,
    versions: r.versions.map((v) => ({
      versionNumber: v.versionNumber,
      name: v.originalName,
      note: v.note,
      when: formatDateTime(v.createdAt),
      by: v.uploadedByName,
      type: fileTypeLabel(v.mimeType),
      size: formatBytes(v.size),
      downloads: v.downloadCount,
    })),
    fileHint: `${ACCEPTED_TYPES_TEXT}, up to ${formatBytes(uploadLimitBytes())}.`,
    accept: ACCEPT_ATTRIBUTE,
  };
}

type ActionData = { intent: 'version' | 'remove'; errors: FieldErrors; values?: { note?: string }; duplicateOf?: { id: number; title: string } };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = requireUser(request);
  const id = idParam(params.id);
  const resource = getResource(id);
  if (!resource || !canViewResource(user, resource)) notFound('There is no resource at this address.');
  // Checked before a byte of an upload is read.
  if (!canEditResource(user, resource)) throw new Response('Only the person who added this resource, or a coordinator, can change it.', { status: 403 });

  if ((request.headers.get('Content-Type') ?? '').startsWith('multipart/form-data')) {
    const session = createUploadSession({ fileFields: ['file'] });
    try {
      const form = await readUploadForm(request, session);
      const note = String(form.formData.get('note') ?? '').trim();
      if (!form.ok) return data<ActionData>({ intent: 'version', errors: { file: [form.message] }, values: { note } }, { status: 400 });
      if (note.length > 500) return data<ActionData>({ intent: 'version', errors: { note: ['Keep the note under 500 characters.'] }, values: { note } }, { status: 400 });
      const upload = session.file('file');
      if (!upload) return data<ActionData>({ intent: 'version', errors: { file: ['Choose the file for the new version.'] }, values: { note } }, { status: 400 });
      if (!upload.ok) return data<ActionData>({ intent: 'version', errors: { file: [upload.message] }, values: { note } }, { status: 400 });
      const outcome = await addResourceVersion(user, id, upload, note);
      if (!outcome.ok) return data<ActionData>({ intent: 'version', errors: outcome.errors, values: { note }, duplicateOf: outcome.duplicateOf }, { status: 400 });
      queueTextExtraction();
      return redirectWithFlash(request, `/resources/${id}`, outcome.message);
    } finally {
      await session.cleanup();
    }
  }

  const formData = await readFormData(request);
  if (formData.get('intent') === 'remove') {
    if (formData.get('confirm') !== 'yes') {
      return data<ActionData>({ intent: 'remove', errors: { confirm: ['Tick the box to confirm you want to remove this resource and all its versions.'] } }, { status: 400 });
    }
    const outcome = await removeResource(user, id);
    if (!outcome.ok) throw new Response(outcome.message, { status: outcome.status });
    return redirectWithFlash(request, '/resources', outcome.message);
  }
  return data<ActionData>({ intent: 'remove', errors: { _form: ['Something was missing from that form. Please try again.'] } }, { status: 400 });
}

export default function ResourcePage() {
  const { resource: r, current, versions, canEdit, signedIn, fileHint, accept, discussion } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const versionErrors = actionData?.intent === 'version' ? actionData.errors : undefined;
  const removeErrors = actionData?.intent === 'remove' ? actionData.errors : undefined;
  return (
    <article className="stack">
      <header>
        <p className="meta">
          <Link to="/resources">Resource library</Link> · <span className="badge">{r.kindLabel}</span>
          {r.agenciesOnly ? (
            <>
              {' '}
              <span className="badge badge--warn">Agencies only</span>
            </>
          ) : null}
          {r.membersOnly ? (
            <>
              {' '}
              <span className="badge badge--warn">Members only</span>
            </>
          ) : null}
          {r.overdue ? (
            <>
              {' '}
              <span className="badge badge--bad">Review overdue</span>
            </>
          ) : null}
        </p>
        <h1>{r.title}</h1>
        {r.summary ? (
          <div className="prose">
            {r.summary.split(/\n{2,}/).map((p, i) => (
              <p key={i} className="pre-wrap">
                {p}
              </p>
            ))}
          </div>
        ) : null}
        <p className="actions">
          {r.externalUrl ? (
            <a className="button" href={`/resources/${r.id}/download`} rel="noopener noreferrer">
              Open the link<span className="visually-hidden"> to {r.title}</span>
            </a>
          ) : current ? (
            <a className="button" href={`/resources/${r.id}/download`} download>
              Download<span className="visually-hidden"> {r.title}</span> ({current.type}, {current.size})
            </a>
          ) : null}
          {canEdit ? (
            <Link className="button button--secondary" to={`/resources/${r.id}/edit`}>
              Edit details
            </Link>
          ) : null}
        </p>
        {r.externalUrl ? <p className="meta break-anywhere">{r.externalUrl}</p> : null}
      </header>

      <section aria-labelledby="about-title">
        <h2 id="about-title">About this resource</h2>
        <dl className="details">
          <dt>Authors</dt>
          <dd>{r.authors || <span className="muted">Not stated</span>}</dd>
          <dt>Published by</dt>
          <dd>{r.organisation ? <Link to={`/organisations/${r.organisation.slug}`}>{r.organisation.name}</Link> : <span className="muted">Not stated</span>}</dd>
          <dt>Published</dt>
          <dd>{r.published || <span className="muted">Not stated</span>}</dd>
          <dt>Licence</dt>
          <dd>{r.licence || <span className="muted">Not stated</span>}</dd>
          <dt>Who can see it</dt>
          <dd>{r.agenciesOnly ? 'Agencies (NZBED, TEC, NZQA), coordinators and the owning organisation' : r.membersOnly ? 'Members only' : 'Anyone'}</dd>
          {r.reviewBy ? (
            <>
              <dt>Review by</dt>
              <dd>
                {r.reviewBy}
                {r.overdue ? ' (overdue: it may be out of date)' : ''}
              </dd>
            </>
          ) : null}
          <dt>Added</dt>
          <dd>
            {r.added}
            {r.uploader ? (
              <>
                {' by '}
                {signedIn ? <Link to={`/members/${r.uploader.id}`}>{r.uploader.name}</Link> : r.uploader.name}
              </>
            ) : null}
          </dd>
          <dt>{r.externalUrl ? 'Visits' : 'Downloads'}</dt>
          <dd>{r.downloads}</dd>
          {current ? (
            <>
              <dt>Search inside</dt>
              <dd>
                {current.searchable === 'ready'
                  ? 'The text of the current version is searchable.'
                  : current.searchable === 'pending'
                    ? 'The text is being read for search; it will be searchable shortly.'
                    : current.searchable === 'refused'
                      ? 'The text of this file was not read, so only its details are searchable.'
                      : 'The text of this file could not be read, so only its details are searchable.'}
                {current.refusedReason ? (
                  <>
                    {' '}
                    {current.refusedReason} To make it searchable, upload a smaller copy (for example without large images) as a new version.
                  </>
                ) : null}
              </dd>
            </>
          ) : null}
        </dl>
        <TagLinks tags={r.tags} />
      </section>

      {r.workshops.length || r.caseStudies.length ? (
        <section aria-labelledby="linked-title">
          <h2 id="linked-title">Part of</h2>
          <ul>
            {r.workshops.map((w) => (
              <li key={`w-${w.slug}`}>
                Workshop: <Link to={`/workshops/${w.slug}`}>{w.title}</Link> ({w.when})
              </li>
            ))}
            {r.caseStudies.map((c) => (
              <li key={`c-${c.slug}`}>
                Pilot: <Link to={`/case-studies/${c.slug}`}>{c.title}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {versions.length ? (
        <section aria-labelledby="versions-title">
          <h2 id="versions-title">Version history</h2>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Every version of {r.title}, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">File</th>
                  <th scope="col">Uploaded</th>
                  <th scope="col">Note</th>
                  <th scope="col">Downloads</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v, i) => (
                  <tr key={v.versionNumber}>
                    <th scope="row">
                      {v.versionNumber}
                      {i === 0 ? ' (current)' : ''}
                    </th>
                    <td className="break-anywhere">
                      <a href={`/resources/${r.id}/versions/${v.versionNumber}/download`} download>
                        <span className="visually-hidden">Download version {v.versionNumber}: </span>
                        {v.name}
                      </a>
                      <br />
                      <span className="meta">
                        {v.type}, {v.size}
                      </span>
                    </td>
                    <td>
                      {v.when}
                      {v.by ? ` by ${v.by}` : ''}
                    </td>
                    <td className="pre-wrap">{v.note}</td>
                    <td>{v.downloads}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {canEdit && !r.externalUrl ? (
        <section aria-labelledby="new-version-title">
          <h2 id="new-version-title">Upload a new version</h2>
          <p>The new file becomes the one people download and search; earlier versions stay in the history above.</p>
          <Form method="post" encType="multipart/form-data" className="form" noValidate>
            <FormError errors={versionErrors?._form} />
            <TextField label="New file" name="file" type="file" accept={accept} hint={fileHint} errors={versionErrors?.file} />
            {actionData?.intent === 'version' && actionData.duplicateOf && actionData.duplicateOf.id !== r.id ? (
              <p>
                <Link to={`/resources/${actionData.duplicateOf.id}`}>Open “{actionData.duplicateOf.title}”</Link>
              </p>
            ) : null}
            <TextField
              label="What changed"
              name="note"
              maxLength={500}
              hint="Optional, for example “Corrected figures in section 3”."
              defaultValue={actionData?.intent === 'version' ? actionData.values?.note ?? '' : ''}
              errors={versionErrors?.note}
            />
            <div>
              <SubmitButton pendingText="Uploading…">Upload new version</SubmitButton>
            </div>
          </Form>
        </section>
      ) : null}

      {canEdit ? (
        <section aria-labelledby="remove-title">
          <h2 id="remove-title">Remove from the library</h2>
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="remove" />
            <FormError errors={removeErrors?._form} />
            <div>
              <div className="checkbox">
                <input
                  type="checkbox"
                  id="confirm-remove"
                  name="confirm"
                  value="yes"
                  aria-invalid={removeErrors?.confirm ? true : undefined}
                  aria-describedby={removeErrors?.confirm ? 'confirm-remove-error' : undefined}
                />
                <label htmlFor="confirm-remove">Remove “{r.title}” and all its versions. This cannot be undone.</label>
              </div>
              {removeErrors?.confirm ? (
                <p className="field__error" id="confirm-remove-error">
                  {removeErrors.confirm.join(' ')}
                </p>
              ) : null}
            </div>
            <div>
              <SubmitButton className="button button--danger">Remove resource</SubmitButton>
            </div>
          </Form>
        </section>
      ) : null}
      <DiscussThis discussion={discussion} />
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
