// /resources: the community's library. Filters (kind, organisation, year, tag, visibility, review overdue), sorting
// (newest, most downloaded, best match) and a search inside the documents, all in one GET form that works without
// JavaScript. Matches in a snippet are marked by the server with two private-use characters and split here into
// <mark> elements: the text is never parsed as HTML.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { SelectField } from '~/components/forms';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { Pagination } from '~/components/pagination';
import { Highlighted, TagLinks } from '~/components/resource-fields';
import {
  RESOURCE_KIND_LABELS,
  RESOURCE_KIND_OPTIONS,
  filtersFromSearchParams,
  formatPublished,
  libraryFilterOptions,
  listResources,
} from '~/models/resources.server';
import { getUser } from '~/utils/auth.server';
import { fileTypeLabel, formatBytes } from '~/utils/uploads.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data?.filters.q ? `“${data.filters.q}” · Resource library · Micro-credentials CoP` : 'Resource library · Micro-credentials CoP' },
  { name: 'description', content: 'Reports, info sheets, presentations and templates shared by the micro-credentials community of practice.' },
], 'The resource library: guides, templates, evaluations and research on micro-credentials shared by the community, searchable inside the documents.');

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = getUser(request);
  const url = new URL(request.url);
  const filters = filtersFromSearchParams(url.searchParams, viewer);
  const { items, hasMore, searched } = listResources(viewer, filters);
  const now = Date.now();
  const options = libraryFilterOptions(viewer);
  return {
    signedIn: viewer !== null,
    filters: {
      q: filters.q ?? '',
      kind: filters.kind ?? '',
      organisation: filters.organisation ?? '',
      year: filters.year ? String(filters.year) : '',
      tag: filters.tag ?? '',
      visibility: filters.visibility ?? '',
      review: filters.overdue ? 'overdue' : '',
      sort: filters.sort ?? (filters.q ? 'relevance' : 'newest'),
    },
    filtered: Boolean(filters.q || filters.kind || filters.organisation || filters.year || filters.tag || filters.visibility || filters.overdue),
    searched,
    page: filters.page ?? 1,
    hasMore,
    options: {
      kinds: RESOURCE_KIND_OPTIONS,
      organisations: options.organisations.map((o) => ({ value: o.slug, label: o.name })),
      years: options.years.map((y) => ({ value: String(y), label: String(y) })),
      tags: options.tags.map((t) => ({ value: t.tag, label: `${t.tag} (${t.count})` })),
    },
    items: items.map((r) => ({
      id: r.id,
      title: r.title,
      kindLabel: RESOURCE_KIND_LABELS[r.kind],
      authors: r.authors,
      summary: r.summary,
      membersOnly: r.visibility === 'members',
      agenciesOnly: r.visibility === 'agencies',
      overdue: viewer !== null && r.reviewBy !== null && r.reviewBy < now,
      published: formatPublished(r.publishedOn),
      organisationName: r.organisationName,
      organisationSlug: r.organisationSlug,
      file: r.externalUrl ? null : r.mimeType ? `${fileTypeLabel(r.mimeType)}, ${formatBytes(r.size ?? 0)}` : null,
      linkHost: r.externalUrl ? hostOf(r.externalUrl) : null,
      downloads: r.downloadCount,
      tags: r.tags,
      snippet: r.snippet,
    })),
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

export default function ResourceLibrary() {
  const { signedIn, filters, filtered, searched, items, page, hasMore, options } = useLoaderData<typeof loader>();
  const sortOptions: { value: string; label: string }[] = [
    ...(filters.q ? [{ value: 'relevance', label: 'Best match' }] : []),
    { value: 'newest', label: 'Newest first' },
    { value: 'downloads', label: 'Most downloaded' },
  ];
  return (
    <div className="stack">
      <header className="page-header">
        <div>
          <h1>Resource library</h1>
          <p className="muted">Reports, info sheets, slides and templates from across the community. Search looks inside the documents too.</p>
        </div>
        {signedIn ? (
          <p className="actions">
            <Link className="button" to="/resources/new">
              Add a resource
            </Link>
          </p>
        ) : null}
      </header>

      <Form method="get" role="search" className="library-filters" aria-label="Search and filter the library">
          <div className="search-form">
            <div className="field">
              <label htmlFor="library-q">Search the library</label>
              <input id="library-q" type="search" name="q" defaultValue={filters.q} maxLength={300} aria-describedby="library-q-hint" />
              <p className="field__hint" id="library-q-hint">
                Words or “a phrase in quotes”; end a word with * to match its beginning (micro*).
              </p>
            </div>
          </div>
          <div className="filter-grid">
            <SelectField id="library-kind" label="Kind" name="kind" defaultValue={filters.kind} options={options.kinds} placeholder="Any kind" />
            <SelectField id="library-org" label="Organisation" name="organisation" defaultValue={filters.organisation} options={options.organisations} placeholder="Any organisation" />
            <SelectField id="library-year" label="Year published" name="year" defaultValue={filters.year} options={options.years} placeholder="Any year" />
            <SelectField id="library-tag" label="Tag" name="tag" defaultValue={filters.tag} options={options.tags} placeholder="Any tag" />
            {signedIn ? (
              <SelectField
                id="library-visibility"
                label="Visibility"
                name="visibility"
                defaultValue={filters.visibility}
                options={[
                  { value: 'public', label: 'Public' },
                  { value: 'members', label: 'Members only' },
                  { value: 'agencies', label: 'Agencies only' },
                ]}
                placeholder="Any"
              />
            ) : null}
            {signedIn ? (
              <SelectField
                id="library-review"
                label="Review date"
                name="review"
                defaultValue={filters.review}
                options={[{ value: 'overdue', label: 'Past its review date' }]}
                placeholder="Any"
              />
            ) : null}
            <div className="field">
              <label htmlFor="library-sort">Sort by</label>
              <select id="library-sort" name="sort" defaultValue={filters.sort}>
                {sortOptions.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="actions">
            <button type="submit" className="button">
              Search
            </button>
            {filtered ? <Link to="/resources">Clear search and filters</Link> : null}
          </div>
      </Form>

      <section aria-labelledby="results-title">
        <h2 id="results-title">{searched ? `Results for “${filters.q}”` : filtered ? 'Matching resources' : 'All resources'}</h2>
        {items.length ? (
          <ul className="list-plain resource-list">
            {items.map((r) => (
              <li key={r.id}>
                <h3>
                  <Link to={`/resources/${r.id}`}>{r.title}</Link>
                </h3>
                <p className="meta">
                  <span className="badge">{r.kindLabel}</span>
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
                  {r.organisationName ? ` · ${r.organisationName}` : ''}
                  {r.published ? ` · ${r.published}` : ''}
                  {r.authors ? ` · ${r.authors}` : ''}
                </p>
                {r.snippet ? (
                  <p className="snippet">
                    <Highlighted text={r.snippet} />
                  </p>
                ) : r.summary ? (
                  <p>{r.summary.length > 300 ? `${r.summary.slice(0, 300)}…` : r.summary}</p>
                ) : null}
                <p className="meta">
                  {r.file ? r.file : r.linkHost ? `Link to ${r.linkHost}` : null}
                  {` · ${r.downloads === 1 ? '1 download' : `${r.downloads} downloads`}`}
                </p>
                <TagLinks tags={r.tags} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty">
            {searched
              ? 'Nothing in the library matches that search. Try fewer or shorter words, or a word with * at the end.'
              : filtered
                ? 'No resources match these filters. Clear some of them to see more.'
                : signedIn
                  ? 'The library is empty. Add the first resource.'
                  : 'No public resources yet. Members can sign in to see and add more.'}
          </p>
        )}
        <Pagination page={page} hasMore={hasMore} label="Pages of resources" />
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
