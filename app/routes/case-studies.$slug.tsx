// /case-studies/:slug: one pilot as readers see it. Drafts are shown to their editors only (404 to everyone else);
// members-only case studies to signed-in members only.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { CaseStudyView } from '~/components/case-study-view';
import { RelatedResources } from '~/components/related-resources';
import { DiscussThis } from '~/components/discuss-this';
import { discussThis } from '~/models/discussions.server';
import { relatedResourceItems, resourcesForCaseStudy } from '~/models/resources.server';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { getCaseStudyBySlug, listRevisions, viewOfDetail } from '~/models/case-studies.server';
import { getUser } from '~/utils/auth.server';
import { notFound } from '~/utils/http.server';
import { formatDate } from '~/utils/time';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `${data.caseStudy.title} · Case studies · Micro-credentials CoP` : 'Case study not found · Micro-credentials CoP' },
  ...(data?.summary ? [{ name: 'description', content: data.summary }] : []),
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = getUser(request);
  const found = getCaseStudyBySlug(params.slug ?? '', viewer) ?? notFound('There is no case study at this address.');
  const cs = found.caseStudy;
  const revisions = cs.publishedAt === null ? [] : listRevisions(cs.id);
  return {
    slug: cs.slug,
    caseStudy: viewOfDetail(cs, { showNames: viewer !== null }),
    summary: (cs.problem || cs.solution).slice(0, 300),
    canEdit: found.canEdit,
    draft: cs.publishedAt === null,
    membersOnly: cs.visibility === 'members',
    agenciesOnly: cs.visibility === 'agencies',
    publishedOn: cs.publishedAt === null ? null : formatDate(cs.publishedAt),
    updatedOn: revisions.length > 1 ? formatDate(revisions[0].createdAt) : null,
    revisionCount: revisions.length,
    resources: relatedResourceItems(resourcesForCaseStudy(cs.id, viewer)),
    discussion: discussThis('case_study', cs.id, viewer, `/case-studies/${cs.slug}`),
    signedIn: viewer !== null,
  };
}

export default function CaseStudyPage() {
  const { slug, caseStudy, canEdit, draft, membersOnly, agenciesOnly, publishedOn, updatedOn, revisionCount, resources, signedIn, discussion } = useLoaderData<typeof loader>();
  return (
    <article className="stack">
      <header>
        <p className="meta">
          <Link to="/case-studies">Case studies</Link> · <span className="badge">{caseStudy.statusLabel}</span>
          {draft ? (
            <>
              {' '}
              <span className="badge badge--warn">Draft: only its editors can see it</span>
            </>
          ) : null}
          {membersOnly ? (
            <>
              {' '}
              <span className="badge">Members only</span>
            </>
          ) : null}
          {agenciesOnly ? (
            <>
              {' '}
              <span className="badge badge--warn">Agencies only</span>
            </>
          ) : null}
        </p>
        <h1>{caseStudy.title}</h1>
        {publishedOn ? (
          <p className="meta">
            Published {publishedOn}
            {updatedOn ? ` · last edited ${updatedOn}` : ''}
            {revisionCount > 0 ? (
              <>
                {' '}
                · <Link to={`/case-studies/${slug}/history`}>History ({revisionCount === 1 ? '1 revision' : `${revisionCount} revisions`})</Link>
              </>
            ) : null}
          </p>
        ) : null}
        {canEdit ? (
          <p className="actions">
            <Link className="button" to={`/case-studies/${slug}/edit`}>
              {draft ? 'Continue writing' : 'Edit case study'}
            </Link>
          </p>
        ) : null}
      </header>
      <CaseStudyView cs={caseStudy} level={2} />
      <section aria-labelledby="case-study-resources-title">
        <h2 id="case-study-resources-title">Resources from this pilot</h2>
        <RelatedResources items={resources} empty="No resources are linked to this pilot yet." addHref={signedIn ? '/resources/new' : undefined} />
      </section>
      <DiscussThis discussion={discussion} />
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
