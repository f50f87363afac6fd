// /resources/new: a member adds a resource, either a file (streamed to disk, its type checked from its bytes) or a
// link to a web page, with its metadata and the workshops and pilots it belongs to. The duplication radar lists
// similar work already shared: as the title and summary are typed (JavaScript), or after "Check for similar work"
// and after a refused save (without).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { DuplicationRadar } from '~/components/duplication-radar';
import { FormError, SubmitButton, TextField, type FieldErrors } from '~/components/forms';
import { ResourceFields, type ResourceFormValues } from '~/components/resource-fields';
import { createResource, parseResourceForm, queueTextExtraction, resourceFieldOptions } from '~/models/resources.server';
import { findLookAlikes, type LookAlike } from '~/models/search.server';
import { requireUser } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { ACCEPTED_TYPES_TEXT, ACCEPT_ATTRIBUTE, createUploadSession, formatBytes, readUploadForm, uploadLimitBytes } from '~/utils/uploads.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Add a resource · Resource library · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  return {
    options: resourceFieldOptions(user),
    values: { visibility: 'public', organisationId: String(user.organisationId) } as ResourceFormValues,
    fileHint: `${ACCEPTED_TYPES_TEXT}, up to ${formatBytes(uploadLimitBytes())}.`,
    accept: ACCEPT_ATTRIBUTE,
  };
}

type ActionData = { errors: FieldErrors; values: ResourceFormValues; duplicateOf?: { id: number; title: string }; similar?: LookAlike[] };

const text = (values: ResourceFormValues, name: string) => (typeof values[name] === 'string' ? (values[name] as string) : '');

export async function action({ request }: ActionFunctionArgs) {
  // Permission first: nobody's bytes reach the disk before we know who they are.
  const user = requireUser(request);
  if (!(request.headers.get('Content-Type') ?? '').startsWith('multipart/form-data')) {
    return data<ActionData>({ errors: { _form: ['The form was not sent as an upload. Please try again.'] }, values: {} }, { status: 400 });
  }
  const session = createUploadSession({ fileFields: ['file'] });
  try {
    const form = await readUploadForm(request, session);
    if (!form.ok) {
      const parsed = parseResourceForm(form.formData, 'file');
      return data<ActionData>({ errors: { file: [form.message] }, values: parsed.values }, { status: 400 });
    }
    const upload = session.file('file');
    if (form.formData.get('intent') === 'check') {
      // Nothing is saved: the form comes back with the similar work already shared (the file must be chosen again).
      const { values } = parseResourceForm(form.formData, 'file');
      const errors: FieldErrors = upload?.ok ? { file: [`“${upload.originalName}” was fine, but choose the file again: browsers cannot keep a chosen file after the form is sent back.`] } : {};
      return data<ActionData>({ errors, values, similar: findLookAlikes({ title: text(values, 'title'), summary: text(values, 'summary') }, user) });
    }
    const url = String(form.formData.get('url') ?? '').trim();
    const source = upload ? 'file' : url ? 'link' : 'file';
    const parsed = parseResourceForm(form.formData, source);
    const errors: Record<string, string[]> = parsed.ok ? {} : { ...(parsed.errors as Record<string, string[]>) };
    if (!upload && !url) errors.file = ['Choose a file to upload, or enter a link below.'];
    if (upload && url) errors.url = ['Add either a file or a link, not both. Empty this box to upload the file.'];
    if (upload && !upload.ok) errors.file = [upload.message];
    if (!parsed.ok || Object.keys(errors).length) {
      // A browser cannot put a file back into a file input, so say so when the file itself was fine.
      if (upload?.ok && !errors.file) errors.file = [`“${upload.originalName}” was fine, but choose the file again: browsers cannot keep a chosen file after the form is sent back.`];
      const similar = findLookAlikes({ title: text(parsed.values, 'title'), summary: text(parsed.values, 'summary') }, user);
      return data<ActionData>({ errors, values: parsed.values, similar }, { status: 400 });
    }
    const outcome = await createResource(user, parsed.data, upload?.ok ? upload : null);
    if (!outcome.ok) return data<ActionData>({ errors: outcome.errors, values: parsed.values, duplicateOf: outcome.duplicateOf }, { status: 400 });
    if (upload) queueTextExtraction();
    return redirectWithFlash(request, `/resources/${outcome.id}`, outcome.message);
  } finally {
    await session.cleanup();
  }
}

export default function NewResource() {
  const { options, values, fileHint, accept } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors ?? {};
  const shown = actionData?.values ?? values;
  return (
    <div className="stack">
      <header>
        <p className="meta">
          <Link to="/resources">Resource library</Link>
        </p>
        <h1>Add a resource</h1>
        <p>Upload a report, slides, a template or other document, or add a link to one published elsewhere. Anyone in the community can then find it, including by words inside the document.</p>
      </header>
      <Form method="post" encType="multipart/form-data" className="form" noValidate>
        <FormError errors={errors._form} />
        <fieldset className="fieldset">
          <legend>The file or link</legend>
          <div className="stack-tight">
            <TextField label="File" name="file" type="file" accept={accept} hint={fileHint} errors={errors.file} />
            {actionData?.duplicateOf ? (
              <p>
                <Link to={`/resources/${actionData.duplicateOf.id}`}>Open “{actionData.duplicateOf.title}”</Link>
              </p>
            ) : null}
            <TextField
              label="Or a link instead"
              name="url"
              type="url"
              inputMode="url"
              hint="For a resource published on another website: its address, starting with https://."
              maxLength={2000}
              defaultValue={typeof shown.url === 'string' ? shown.url : ''}
              errors={errors.url}
            />
          </div>
        </fieldset>
        <ResourceFields values={shown} errors={errors} options={options} />
        <DuplicationRadar
          items={actionData?.similar ?? null}
          hint="Write the title and summary: reports, pilots, workshops and discussions that look similar are listed here, so you can link to them or add to them instead."
        />
        <div className="actions">
          <SubmitButton pendingText="Uploading…">Add to the library</SubmitButton>
          <SubmitButton name="intent" value="check" className="button button--quiet">
            Check for similar work
          </SubmitButton>
          <Link to="/resources">Cancel</Link>
        </div>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
