// /case-studies/new: a project manager (or coordinator) writes up a pilot. Preview re-renders the form with the page
// as readers will see it and the similar work already shared; Save draft keeps it private to its editors; Publish
// puts it in the list. Works the same with JavaScript off.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { CaseStudyForm } from '~/components/case-study-form';
import { PreviewSection } from '~/components/case-study-view';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { SubmitButton } from '~/components/forms';
import {
  canCreateCaseStudy,
  caseStudyFormOptions,
  createCaseStudy,
  findSimilarWork,
  newCaseStudyFormValues,
  parseCaseStudyForm,
  previewOfInput,
  type CaseStudyView as View,
  type SimilarWork,
} from '~/models/case-studies.server';
import type { CaseStudyFormValues } from '~/models/case-study-fields';
import { requireUser, type SessionUser } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { renderMarkdown } from '~/utils/markdown.server';
import type { FieldErrors } from '~/utils/validation.server';
import { readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Write a case study · Micro-credentials CoP' }]);

function requireWriter(request: Request): SessionUser {
  const user = requireUser(request);
  if (!canCreateCaseStudy(user)) throw new Response('Only project managers and coordinators can write case studies.', { status: 403 });
  return user;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireWriter(request);
  return { values: newCaseStudyFormValues(user), ...caseStudyFormOptions() };
}

type NewActionData = {
  values: CaseStudyFormValues;
  errors: FieldErrors;
  preview: View | null;
  /** When the form has errors, the story is still previewed on its own. */
  previewBodyHtml: string | null;
  similar: SimilarWork[];
};

export async function action({ request }: ActionFunctionArgs) {
  const user = requireWriter(request);
  const formData = await readFormData(request);
  const intent = formData.get('intent');
  const form = parseCaseStudyForm(formData, { actor: user, caseStudyId: null });
  const similar = () => findSimilarWork({ title: String(formData.get('title') ?? ''), summary: String(formData.get('problem') ?? '') }, { viewer: user });

  if (intent === 'preview') {
    return data<NewActionData>(
      form.ok
        ? { values: form.values, errors: {}, preview: previewOfInput(form.data, false), previewBodyHtml: null, similar: similar() }
        : { values: form.values, errors: form.errors, preview: null, previewBodyHtml: renderMarkdown(String(formData.get('body') ?? '')), similar: similar() },
      { status: form.ok ? 200 : 400 },
    );
  }
  if (!form.ok) {
    return data<NewActionData>({ values: form.values, errors: form.errors, preview: null, previewBodyHtml: null, similar: similar() }, { status: 400 });
  }
  const publish = intent === 'publish';
  const created = createCaseStudy(user, form.data, { publish });
  if (publish) return redirectWithFlash(request, `/case-studies/${created.slug}`, 'Case study published. It is now in the list of pilots.');
  return redirectWithFlash(
    request,
    `/case-studies/${created.slug}/edit`,
    'Draft saved. Only its project managers and coordinators can see it until you publish it. Check the similar work below before you go further.',
  );
}

export default function NewCaseStudy() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const values = actionData?.values ?? loaderData.values;
  return (
    <div className="stack">
      <header>
        <p className="meta">
          <Link to="/case-studies">Case studies</Link>
        </p>
        <h1>Write a case study</h1>
        <p>Share a micro-credential pilot so others can learn from it instead of repeating it. Save a draft to finish later, preview it, then publish.</p>
      </header>
      <PreviewSection preview={actionData?.preview ?? null} bodyHtml={actionData?.previewBodyHtml ?? null} />
      <CaseStudyForm
        values={values}
        errors={actionData?.errors}
        organisations={loaderData.organisations}
        projectManagers={loaderData.projectManagers}
        qualifications={loaderData.qualifications}
        similar={actionData?.similar ?? null}
        showSimilar
      >
        <SubmitButton name="intent" value="preview" className="button button--secondary">
          Preview
        </SubmitButton>
        <SubmitButton name="intent" value="draft" className="button button--secondary">
          Save draft
        </SubmitButton>
        <SubmitButton name="intent" value="publish">
          Publish
        </SubmitButton>
      </CaseStudyForm>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
