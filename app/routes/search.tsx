// /search?q=&kind=&organisationId=&organisationKind=&year=&page=: one search across workshops (and their records),
// pilots, micro-credentials, resources (and the text inside them), discussions, organisations and members. A GET form
// that works without JavaScript; with it, results follow the typing (a debounced submit that replaces the history
// entry) and the previous results stay on screen until the new ones arrive. Only what the viewer may see is found
// (app/models/search.server.ts). Matches are marked by the server with two private-use characters and split into
// <mark> elements here: the text is never parsed as HTML.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, useNavigation, useSubmit } from '@remix-run/react';
import { useEffect, useRef, type FormEvent } from 'react';
import { SelectField } from '~/components/forms';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { Pagination } from '~/components/pagination';
import { Highlighted } from '~/components/resource-fields';
import { search, searchFilterOptions, searchFiltersFromParams } from '~/models/search.server';
import { getUser } from '~/utils/auth.server';
import { ORGANISATION_KIND_SHORT } from '~/utils/labels';
import { QUERY_MAX_LENGTH } from '~/utils/search-labels';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data?.filters.q.trim() ? `“${data.filters.q.trim()}” · Search · Micro-credentials CoP` : 'Search · Micro-credentials CoP' },
], 'Search workshops, pilots, micro-credentials, resources, discussions, organisations and members of the community.');

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = getUser(request);
  const url = new URL(request.url);
  const filters = searchFiltersFromParams(url.searchParams);
  const result = search(viewer, filters);
  return {
    signedIn: viewer !== null,
    filters: {
      q: filters.q,
      kind: filters.kind ?? '',
      organisationId: filters.organisationId ? String(filters.organisationId) : '',
      organisationKind: filters.organisationKind ?? '',
      year: filters.year ? String(filters.year) : '',
    },
    filtered: Boolean(filters.kind || filters.organisationId || filters.organisationKind || filters.year),
    searched: result.searched,
    page: result.page,
    hasMore: result.hasMore,
    hits: result.hits.map((h) => ({
      key: `${h.kind}-${h.id}`,
      kindLabel: h.kindLabel,
      title: h.title,
      url: h.url,
      snippet: h.snippet,
      context: h.context,
      organisation: h.organisation ? { name: h.organisation.name, slug: h.organisation.slug, kindLabel: ORGANISATION_KIND_SHORT[h.organisation.kind] } : null,
      year: h.year,
      membersOnly: h.membersOnly,
      agenciesOnly: h.agenciesOnly,
      state: h.state,
    })),
    options: searchFilterOptions(viewer),
  };
}

const TYPING_DELAY_MS = 250;

export default function Search() {
  const { signedIn, filters, filtered, searched, page, hasMore, hits, options } = useLoaderData<typeof loader>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const input = useRef<HTMLInputElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  // Back and forward change the query under the box: show it, unless the person is typing in it.
  useEffect(() => {
    if (input.current && document.activeElement !== input.current) input.current.value = filters.q;
  }, [filters.q]);

  // One search in flight at a time: what is typed meanwhile waits and is sent, as it then reads, when the answer lands
  // (interrupting a search would abort it, which the framework logs as an error, and the results would not change
  // at all while someone keeps typing on a slow connection).
  const waiting = useRef<HTMLFormElement | null>(null);
  const go = (form: HTMLFormElement) => {
    if (navigation.state !== 'idle') {
      waiting.current = form;
      return;
    }
    const data = new FormData(form);
    // A new search starts at its first page.
    data.delete('page');
    for (const [key, value] of [...data.entries()]) if (value === '') data.delete(key);
    submit(data, { method: 'get', action: '/search', replace: true, preventScrollReset: true });
  };
  const goLatest = useRef(go);
  goLatest.current = go;
  useEffect(() => {
    if (navigation.state !== 'idle' || !waiting.current) return;
    const form = waiting.current;
    waiting.current = null;
    goLatest.current(form);
  }, [navigation.state]);

  const onChange = (event: FormEvent<HTMLFormElement>) => {
    const form = event.currentTarget;
    const target = event.target as HTMLElement;
    clearTimeout(timer.current);
    if (target.tagName === 'SELECT') go(form);
    else timer.current = setTimeout(() => goLatest.current(form), TYPING_DELAY_MS);
  };
  const updating = navigation.state === 'loading' && navigation.location.pathname === '/search';
  const q = filters.q.trim();

  return (
    <div className="stack">
      <header>
        <h1>Search</h1>
        <p className="muted">
          Workshops and their records, pilot case studies, micro-credentials, resources and the text inside them
          {signedIn ? ', discussions, organisations and members' : ' and organisations'}: everything in one place.
        </p>
      </header>

      <Form method="get" action="/search" role="search" aria-label="Search the community" className="site-search-page" onChange={onChange}>
        <div className="search-form">
          <div className="field">
            <label htmlFor="search-q">Search for</label>
            <input
              ref={input}
              id="search-q"
              type="search"
              name="q"
              defaultValue={filters.q}
              maxLength={QUERY_MAX_LENGTH}
              autoComplete="off"
              aria-describedby="search-q-hint"
            />
            <p className="field__hint" id="search-q-hint">
              Words or “a phrase in quotes”. Accents do not matter: Maori finds Māori.
            </p>
          </div>
        </div>
        <div className="filter-grid">
          <SelectField id="search-kind" label="Show" name="kind" defaultValue={filters.kind} options={options.kinds} placeholder="Everything" />
          <SelectField id="search-org" label="Organisation" name="organisationId" defaultValue={filters.organisationId} options={options.organisations} placeholder="Any organisation" />
          <SelectField
            id="search-org-kind"
            label="Kind of organisation"
            name="organisationKind"
            defaultValue={filters.organisationKind}
            options={options.organisationKinds}
            placeholder="Any kind"
          />
          <SelectField id="search-year" label="Year" name="year" defaultValue={filters.year} options={options.years} placeholder="Any year" />
        </div>
        <div className="actions">
          <button type="submit" className="button">
            Search
          </button>
          {q || filtered ? <Link to="/search">Clear search and filters</Link> : null}
        </div>
      </Form>

      <section aria-labelledby="results-title" aria-busy={updating || undefined} className={updating ? 'search-results search-results--updating' : 'search-results'}>
        <h2 id="results-title">{q ? `Results for “${q}”` : filtered ? 'Everything matching the filters' : 'Results'}</h2>
        <p role="status" className="meta">
          {!searched
            ? ''
            : hits.length === 0
              ? 'Nothing found.'
              : `${hasMore || page > 1 ? `Page ${page}: ` : ''}${hits.length === 1 ? '1 result' : `${hits.length} results`}${hasMore ? ', more on the next page' : ''}.`}
        </p>
        {hits.length ? (
          <ol className="list-plain search-hits">
            {hits.map((h) => (
              <li key={h.key}>
                <h3>
                  <Link to={h.url}>
                    <Highlighted text={h.title} />
                  </Link>
                </h3>
                <p className="meta">
                  <span className="badge">{h.kindLabel}</span>
                  {h.state === 'draft' ? (
                    <>
                      {' '}
                      <span className="badge badge--warn">Draft</span>
                    </>
                  ) : null}
                  {h.state === 'hidden' ? (
                    <>
                      {' '}
                      <span className="badge badge--bad">Hidden by a coordinator</span>
                    </>
                  ) : null}
                  {h.agenciesOnly ? (
                    <>
                      {' '}
                      <span className="badge badge--warn">Agencies only</span>
                    </>
                  ) : null}
                  {h.membersOnly ? (
                    <>
                      {' '}
                      <span className="badge badge--warn">Members only</span>
                    </>
                  ) : null}
                  {h.organisation ? (
                    <>
                      {' · '}
                      <Link to={`/organisations/${h.organisation.slug}`}>{h.organisation.name}</Link> ({h.organisation.kindLabel})
                    </>
                  ) : null}
                  {h.year ? ` · ${h.year}` : ''}
                </p>
                {h.context ? <p className="meta">{h.context}</p> : null}
                {h.snippet ? (
                  <p className="snippet">
                    <Highlighted text={h.snippet} />
                  </p>
                ) : null}
              </li>
            ))}
          </ol>
        ) : searched ? (
          <div className="empty">
            <p>{q ? `Nothing we can show you matches “${q}”${filtered ? ' with these filters' : ''}.` : 'Nothing matches these filters.'}</p>
            <ul>
              {filtered ? <li>Clear the filters to search everything.</li> : null}
              <li>Try fewer words, or another spelling: the last word also matches the start of longer words.</li>
              {signedIn ? null : (
                <li>
                  <Link to={`/login?redirectTo=${encodeURIComponent(`/search?q=${encodeURIComponent(q)}`)}`}>Sign in</Link> to search discussions, members and
                  members-only pilots and resources too.
                </li>
              )}
            </ul>
          </div>
        ) : (
          <p className="empty">
            Type what you are looking for: a pilot, a report or a sentence inside it, a workshop, an organisation
            {signedIn ? ', a discussion or a person' : ''}. Or choose a filter to see everything of one kind.
          </p>
        )}
        <Pagination page={page} hasMore={hasMore} label="Pages of results" />
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
