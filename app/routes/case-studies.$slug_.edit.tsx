// /case-studies/:slug/edit: the pilot's own project managers and coordinators edit it (everyone else: 403, or 404
// for a draft they cannot see). A draft can be saved again or published; a published case study keeps a revision
// of every save that changes something.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { CaseStudyForm } from '~/components/case-study-form';
import { PreviewSection } from '~/components/case-study-view';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { SubmitButton } from '~/components/forms';
import {
  caseStudyFormOptions,
  caseStudyFormValues,
  findSimilarWork,
  getCaseStudyBySlug,
  parseCaseStudyForm,
  previewOfInput,
  updateCaseStudy,
  type CaseStudyDetail,
  type CaseStudyView as View,
  type SimilarWork,
} from '~/models/case-studies.server';
import type { CaseStudyFormValues } from '~/models/case-study-fields';
import { requireUser, type SessionUser } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { notFound, readFormData } from '~/utils/http.server';
import { renderMarkdown } from '~/utils/markdown.server';
import type { FieldErrors } from '~/utils/validation.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `Edit ${data.caseStudy.title} · Micro-credentials CoP` : 'Case study not found · Micro-credentials CoP' },
]);

/** The case study, if this person may edit it: 404 when they cannot even see it, 403 when they can but not edit. */
function editableCaseStudy(user: SessionUser, slug: string | undefined): CaseStudyDetail {
  const found = getCaseStudyBySlug(slug ?? '', user) ?? notFound('There is no case study at this address.');
  if (!found.canEdit) throw new Response('Only this pilot’s project managers and coordinators can edit it.', { status: 403 });
  return found.caseStudy;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const cs = editableCaseStudy(user, params.slug);
  const draft = cs.publishedAt === null;
  return {
    caseStudy: { id: cs.id, slug: cs.slug, title: cs.title, draft },
    values: caseStudyFormValues(cs),
    // A draft is still being written: show what others have already done.
    similar: draft ? findSimilarWork({ title: cs.title, summary: cs.problem }, { viewer: user, excludeId: cs.id }) : null,
    ...caseStudyFormOptions(),
  };
}

type EditActionData = {
  values: CaseStudyFormValues;
  errors: FieldErrors;
  preview: View | null;
  previewBodyHtml: string | null;
  similar: SimilarWork[] | null;
};

export async function action({ request, params }: ActionFunctionArgs) {
  const user = requireUser(request);
  const cs = editableCaseStudy(user, params.slug);
  const draft = cs.publishedAt === null;
  const formData = await readFormData(request);
  const intent = formData.get('intent');
  const form = parseCaseStudyForm(formData, { actor: user, caseStudyId: cs.id });
  const similar = () =>
    draft ? findSimilarWork({ title: String(formData.get('title') ?? ''), summary: String(formData.get('problem') ?? '') }, { viewer: user, excludeId: cs.id }) : null;

  if (intent === 'preview') {
    return data<EditActionData>(
      form.ok
        ? { values: form.values, errors: {}, preview: previewOfInput(form.data, !draft), previewBodyHtml: null, similar: similar() }
        : { values: form.values, errors: form.errors, preview: null, previewBodyHtml: renderMarkdown(String(formData.get('body') ?? '')), similar: similar() },
      { status: form.ok ? 200 : 400 },
    );
  }
  if (!form.ok) return data<EditActionData>({ values: form.values, errors: form.errors, preview: null, previewBodyHtml: null, similar: similar() }, { status: 400 });

  const publish = draft && intent === 'publish';
  const outcome = updateCaseStudy(user, cs.id, form.data, { publish });
  if (!outcome.ok) {
    if (outcome.reason === 'forbidden') throw new Response('Only this pilot’s project managers and coordinators can edit it.', { status: 403 });
    notFound('There is no case study at this address.');
  }
  if (outcome.justPublished) return redirectWithFlash(request, `/case-studies/${outcome.slug}`, 'Case study published. It is now in the list of pilots.');
  if (!outcome.published) return redirectWithFlash(request, `/case-studies/${outcome.slug}/edit`, 'Draft saved. Only its project managers and coordinators can see it.');
  return redirectWithFlash(
    request,
    `/case-studies/${outcome.slug}`,
    outcome.changedFields.length ? `Saved. The history keeps this revision (changed: ${outcome.changedFields.join(', ')}).` : 'Nothing had changed, so no new revision was kept.',
    outcome.changedFields.length ? 'success' : 'info',
  );
}

export default function EditCaseStudy() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { caseStudy } = loaderData;
  return (
    <div className="stack">
      <header>
        <p className="meta">
          <Link to="/case-studies">Case studies</Link> · <Link to={`/case-studies/${caseStudy.slug}`}>{caseStudy.title}</Link>
          {caseStudy.draft ? (
            <>
              {' '}
              · <span className="badge badge--warn">Draft</span>
            </>
          ) : null}
        </p>
        <h1>{caseStudy.draft ? 'Continue writing the case study' : 'Edit the case study'}</h1>
        {caseStudy.draft ? (
          <p>Only its project managers and coordinators can see this draft. Publish it when it is ready.</p>
        ) : (
          <p>
            Every change you save is kept in the <Link to={`/case-studies/${caseStudy.slug}/history`}>history</Link>, with your name and the fields you changed.
          </p>
        )}
      </header>
      <PreviewSection preview={actionData?.preview ?? null} bodyHtml={actionData?.previewBodyHtml ?? null} />
      <CaseStudyForm
        values={actionData?.values ?? loaderData.values}
        errors={actionData?.errors}
        organisations={loaderData.organisations}
        projectManagers={loaderData.projectManagers}
        qualifications={loaderData.qualifications}
        similar={actionData ? actionData.similar : loaderData.similar}
        showSimilar={caseStudy.draft}
        excludeId={caseStudy.id}
      >
        <SubmitButton name="intent" value="preview" className="button button--secondary">
          Preview
        </SubmitButton>
        {caseStudy.draft ? (
          <>
            <SubmitButton name="intent" value="draft" className="button button--secondary">
              Save draft
            </SubmitButton>
            <SubmitButton name="intent" value="publish">
              Publish
            </SubmitButton>
          </>
        ) : (
          <SubmitButton name="intent" value="save">
            Save changes
          </SubmitButton>
        )}
      </CaseStudyForm>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
