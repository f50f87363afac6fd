// /micro-credentials: the register of micro-credentials the pilots award, filtered by NZQF level, credits,
// provider and the qualification they stack into. A GET form, so it works without JavaScript.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { SelectField, TextField } from '~/components/forms';
import { NZQA_STATUS_LABELS } from '~/models/case-study-fields';
import { listMicroCredentials, microCredentialFilterOptions, parseMicroCredentialFilters } from '~/models/micro-credentials.server';
import { getUser } from '~/utils/auth.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () =>
  withDescription(
    [
      { title: 'Micro-credential register · Micro-credentials CoP' },
      { tagName: 'link', rel: 'alternate', type: 'application/ld+json', href: '/micro-credentials.json', title: 'The register as Open Badges 3.0 achievements' },
      { tagName: 'link', rel: 'alternate', type: 'text/csv', href: '/micro-credentials.csv', title: 'The register as CSV' },
    ],
    'The register of micro-credentials from the community’s pilots: credits, NZQF level and what each stacks into.',
  );

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = getUser(request);
  const filters = parseMicroCredentialFilters(new URL(request.url).searchParams);
  const options = microCredentialFilterOptions(viewer);
  const str = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));
  return {
    filters: {
      level: str(filters.level),
      minCredits: str(filters.minCredits),
      maxCredits: str(filters.maxCredits),
      provider: str(filters.providerId),
      qualification: filters.qualification ?? '',
    },
    filtered: Object.values(filters).some((v) => v !== null && v !== undefined),
    options: {
      level: Array.from({ length: 10 }, (_, i) => ({ value: String(i + 1), label: `Level ${i + 1}` })),
      provider: options.providers.map((p) => ({ value: String(p.id), label: p.name })),
      qualification: options.qualifications.map((q) => ({ value: q.code, label: q.name })),
    },
    microCredentials: listMicroCredentials(viewer, filters).map((m) => ({
      id: m.id,
      name: m.name,
      provider: { name: m.providerName, slug: m.providerSlug },
      credits: m.credits,
      level: m.nzqfLevel,
      nzqa: `${NZQA_STATUS_LABELS[m.nzqaStatus]}${m.nzqaReference ? ` (${m.nzqaReference})` : ''}`,
      stacking: m.stacking.map((s) => ({ code: s.code, name: s.name, credits: s.credits })),
      caseStudy: m.caseStudySlug ? { slug: m.caseStudySlug, title: m.caseStudyTitle ?? '' } : null,
    })),
  };
}

export default function MicroCredentials() {
  const { filters, filtered, options, microCredentials } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <header className="page-header">
        <div>
          <h1>Micro-credential register</h1>
          <p className="muted">What the pilots award: credits, NZQF level, NZQA status, and the qualifications each stacks into.</p>
        </div>
        <p className="actions">
          <Link to="/pathways">Stacking pathways</Link>
          <Link to="/case-studies">Case studies</Link>
          <a href="/micro-credentials.csv" download>
            Download as CSV
          </a>
          <a href="/micro-credentials.json" type="application/ld+json">
            Open Badges 3.0 (JSON-LD)
          </a>
        </p>
      </header>

      <Form method="get" className="search-form filter-form" role="search" aria-label="Filter micro-credentials">
        <SelectField label="NZQF level" name="level" options={options.level} placeholder="Any level" defaultValue={filters.level} />
        <TextField label="Credits from" name="minCredits" type="number" inputMode="numeric" min={0} step={1} defaultValue={filters.minCredits} />
        <TextField label="Credits up to" name="maxCredits" type="number" inputMode="numeric" min={0} step={1} defaultValue={filters.maxCredits} />
        <SelectField label="Provider" name="provider" options={options.provider} placeholder="Any provider" defaultValue={filters.provider} />
        <SelectField label="Stacks into" name="qualification" options={options.qualification} placeholder="Any qualification" defaultValue={filters.qualification} />
        <button type="submit" className="button">
          Filter
        </button>
        {filtered ? (
          <Link to="/micro-credentials" className="button button--quiet">
            Clear filters
          </Link>
        ) : null}
      </Form>

      <section aria-labelledby="register-title">
        <h2 id="register-title">{filtered ? `Matching micro-credentials (${microCredentials.length})` : `All micro-credentials (${microCredentials.length})`}</h2>
        {microCredentials.length === 0 ? (
          <p className="empty">
            {filtered ? (
              <>
                None match these filters. <Link to="/micro-credentials">Clear the filters</Link>.
              </>
            ) : (
              'No micro-credentials are recorded yet. They are added with the case study of the pilot that awards them.'
            )}
          </p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Micro-credentials</caption>
              <thead>
                <tr>
                  <th scope="col">Micro-credential</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Credits</th>
                  <th scope="col">NZQF level</th>
                  <th scope="col">NZQA</th>
                  <th scope="col">Stacks into</th>
                  <th scope="col">Pilot</th>
                </tr>
              </thead>
              <tbody>
                {microCredentials.map((m) => (
                  <tr key={m.id}>
                    <th scope="row">
                      <Link to={`/micro-credentials/${m.id}`}>{m.name}</Link>
                    </th>
                    <td>
                      <Link to={`/organisations/${m.provider.slug}`}>{m.provider.name}</Link>
                    </td>
                    <td>{m.credits ?? <span className="muted">Not given</span>}</td>
                    <td>{m.level ?? <span className="muted">Not given</span>}</td>
                    <td>{m.nzqa}</td>
                    <td>
                      {m.stacking.length
                        ? m.stacking.map((s, i) => (
                            <span key={s.code}>
                              {i > 0 ? ', ' : ''}
                              <Link to={`/pathways/${s.code}`}>{s.name}</Link> ({s.credits} credits)
                            </span>
                          ))
                        : '–'}
                    </td>
                    <td>{m.caseStudy ? <Link to={`/case-studies/${m.caseStudy.slug}`}>{m.caseStudy.title}</Link> : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
