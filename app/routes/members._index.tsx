import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { TextField } from '~/components/forms';
import { Pagination } from '~/components/pagination';
import { searchMembers } from '~/models/accounts.server';
import { requireUser } from '~/utils/auth.server';
import { pageParam } from '~/utils/http.server';
import { ROLE_LABELS } from '~/utils/labels';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Members · Micro-credentials CoP' }], 'Members of the Micro-credentials Community of Practice and what they work on.');

export async function loader({ request }: LoaderFunctionArgs) {
  requireUser(request);
  const url = new URL(request.url);
  const q = (url.searchParams.get('q') ?? '').trim().slice(0, 100);
  const page = pageParam(url);
  const { members, hasMore } = searchMembers({ q, page });
  return {
    q,
    page,
    hasMore,
    // Email addresses stay out of the directory: members find each other by name and organisation.
    members: members.map((m) => ({
      id: m.id,
      name: m.name,
      roleLabel: ROLE_LABELS[m.role],
      jobTitle: m.jobTitle,
      interests: m.interests,
      organisationName: m.organisationName,
      organisationSlug: m.organisationSlug,
    })),
  };
}

export default function Members() {
  const { q, page, hasMore, members } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Members</h1>
      <Form method="get" className="search-form" role="search" aria-label="Members">
        <TextField label="Search by name, organisation or interest" name="q" type="search" defaultValue={q} maxLength={100} />
        <button type="submit" className="button">
          Search
        </button>
        {q ? (
          <Link to="/members" className="button button--quiet">
            Clear
          </Link>
        ) : null}
      </Form>
      <section aria-labelledby="results-title">
        <h2 id="results-title" className="visually-hidden">
          {q ? `Members matching “${q}”` : 'All members'}
        </h2>
        {members.length === 0 ? (
          <p className="empty">
            {q ? `No members match “${q}”. Try part of a name, an organisation such as “Otago”, or an interest such as “stacking”.` : 'No members yet.'}
          </p>
        ) : (
          <ul className="list-plain">
            {members.map((m) => (
              <li key={m.id}>
                <Link to={`/members/${m.id}`}>
                  <strong>{m.name}</strong>
                </Link>
                <div className="meta">
                  {m.jobTitle ? `${m.jobTitle} · ` : ''}
                  <Link to={`/organisations/${m.organisationSlug}`}>{m.organisationName}</Link> · {m.roleLabel}
                </div>
                {m.interests ? <div className="meta">Interests: {m.interests}</div> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      <Pagination page={page} hasMore={hasMore} label="Member pages" />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
