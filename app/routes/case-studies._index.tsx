// /case-studies: published pilots, filtered by status, organisation kind (lead or partner), funder, NZQF level of
// their micro-credentials, and tag. The filters are a GET form, so they work without JavaScript and can be shared
// as a link. Writers also see their drafts here.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { SelectField } from '~/components/forms';
import { CASE_STUDY_STATUS_LABELS } from '~/models/case-study-fields';
import {
  canCreateCaseStudy,
  caseStudyFilterOptions,
  draftsFor,
  formatDates,
  listCaseStudies,
  parseCaseStudyFilters,
  type CaseStudyListItem,
} from '~/models/case-studies.server';
import { getUser } from '~/utils/auth.server';
import { ORGANISATION_KIND_SHORT } from '~/utils/labels';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Case studies · Micro-credentials CoP' }], 'Pilot case studies of micro-credentials in New Zealand engineering education: the problem, the solution, the audience, outcomes and lessons learned.');

function item(cs: CaseStudyListItem) {
  return {
    id: cs.id,
    slug: cs.slug,
    title: cs.title,
    statusLabel: CASE_STUDY_STATUS_LABELS[cs.status],
    membersOnly: cs.visibility === 'members',
    agenciesOnly: cs.visibility === 'agencies',
    lead: { name: cs.leadOrganisationName, slug: cs.leadOrganisationSlug },
    funder: cs.funder,
    dates: formatDates(cs.startsOn, cs.endsOn),
    summary: cs.summary,
    tags: cs.tags,
    levels: cs.levels,
    microCredentialCount: cs.microCredentialCount,
  };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = getUser(request);
  const filters = parseCaseStudyFilters(new URL(request.url).searchParams);
  const options = caseStudyFilterOptions(viewer);
  return {
    canCreate: canCreateCaseStudy(viewer),
    filters: {
      status: filters.status ?? '',
      kind: filters.kind ?? '',
      funder: filters.funder ?? '',
      level: filters.level ? String(filters.level) : '',
      tag: filters.tag ?? '',
    },
    filtered: Object.values(filters).some((v) => v !== null && v !== undefined),
    options: {
      status: Object.entries(CASE_STUDY_STATUS_LABELS).map(([value, label]) => ({ value, label })),
      kind: Object.entries(ORGANISATION_KIND_SHORT).map(([value, label]) => ({ value, label })),
      funder: options.funders.map((f) => ({ value: f, label: f })),
      level: options.levels.map((l) => ({ value: String(l), label: `Level ${l}` })),
      tag: options.tags.map((t) => ({ value: t, label: t })),
    },
    caseStudies: listCaseStudies(viewer, filters).map(item),
    drafts: draftsFor(viewer).map(item),
  };
}

type Item = ReturnType<typeof item>;

function CaseStudyList({ items }: { items: Item[] }) {
  return (
    <ul className="list-plain">
      {items.map((cs) => (
        <li key={cs.id}>
          <h3>
            <Link to={`/case-studies/${cs.slug}`}>{cs.title}</Link>
          </h3>
          <p className="meta">
            <span className="badge">{cs.statusLabel}</span> · Led by <Link to={`/organisations/${cs.lead.slug}`}>{cs.lead.name}</Link>
            {cs.funder ? ` · Funder: ${cs.funder}` : ''}
            {cs.dates ? ` · ${cs.dates}` : ''}
            {cs.membersOnly ? ' · Members only' : ''}
            {cs.agenciesOnly ? ' · Agencies only' : ''}
          </p>
          {cs.summary ? <p>{cs.summary}</p> : null}
          {cs.microCredentialCount ? (
            <p className="meta">
              {cs.microCredentialCount === 1 ? '1 micro-credential' : `${cs.microCredentialCount} micro-credentials`}
              {cs.levels.length ? ` · NZQF ${cs.levels.length === 1 ? 'Level' : 'Levels'} ${cs.levels.join(', ')}` : ''}
            </p>
          ) : null}
          {cs.tags.length ? (
            <ul className="tag-list" aria-label="Tags">
              {cs.tags.map((t) => (
                <li key={t}>
                  <Link className="badge" to={`/case-studies?tag=${encodeURIComponent(t)}`}>
                    {t}
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export default function CaseStudies() {
  const { canCreate, filters, filtered, options, caseStudies, drafts } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <header className="page-header">
        <div>
          <h1>Case studies</h1>
          <p className="muted">Micro-credential pilots, what they set out to do, what they measured and what they learned.</p>
        </div>
        <p className="actions">
          <Link to="/micro-credentials">Micro-credential register</Link>
          {canCreate ? (
            <Link className="button" to="/case-studies/new">
              Write a case study
            </Link>
          ) : null}
        </p>
      </header>

      <Form method="get" className="search-form filter-form" role="search" aria-label="Filter case studies">
        <SelectField label="Status" name="status" options={options.status} placeholder="Any status" defaultValue={filters.status} />
        <SelectField label="Organisation kind" name="kind" options={options.kind} placeholder="Any kind" defaultValue={filters.kind} />
        <SelectField label="Funder" name="funder" options={options.funder} placeholder="Any funder" defaultValue={filters.funder} />
        <SelectField label="NZQF level" name="level" options={options.level} placeholder="Any level" defaultValue={filters.level} />
        <SelectField label="Tag" name="tag" options={options.tag} placeholder="Any tag" defaultValue={filters.tag} />
        <button type="submit" className="button">
          Filter
        </button>
        {filtered ? (
          <Link to="/case-studies" className="button button--quiet">
            Clear filters
          </Link>
        ) : null}
      </Form>

      {drafts.length ? (
        <section aria-labelledby="drafts-title">
          <h2 id="drafts-title">Drafts you can edit</h2>
          <CaseStudyList items={drafts} />
        </section>
      ) : null}

      <section aria-labelledby="results-title">
        <h2 id="results-title">{filtered ? `Matching pilots (${caseStudies.length})` : `Published pilots (${caseStudies.length})`}</h2>
        {caseStudies.length ? (
          <CaseStudyList items={caseStudies} />
        ) : (
          <p className="empty">
            {filtered ? (
              <>
                No pilots match these filters. <Link to="/case-studies">Clear the filters</Link> to see them all.
              </>
            ) : canCreate ? (
              <>
                No pilots have been shared yet. <Link to="/case-studies/new">Write the first case study</Link>.
              </>
            ) : (
              'No pilots have been shared yet. Project managers publish them here.'
            )}
          </p>
        )}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
