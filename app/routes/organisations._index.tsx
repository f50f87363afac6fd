import type { MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { listOrganisationsByKind } from '~/models/organisations.server';
import { ORGANISATION_KIND_LABELS } from '~/utils/labels';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Organisations · Micro-credentials CoP' }], 'Organisations in the Micro-credentials Community of Practice: polytechnics, universities, industry training organisations, employers and agencies.');

/** The first sentence or so of a description, cut at a word boundary. */
function excerpt(text: string, max = 180): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s,.;:–-]+$/, '')}…`;
}

// Public: the organisations in the community are no secret; their people are shown to members only.
export async function loader() {
  const groups = listOrganisationsByKind().map((group) => ({
    kind: group.kind,
    heading: ORGANISATION_KIND_LABELS[group.kind],
    organisations: group.organisations.map((org) => ({
      slug: org.slug,
      name: org.name,
      memberCount: org.memberCount,
      excerpt: excerpt(org.description),
    })),
  }));
  return { groups };
}

export default function Organisations() {
  const { groups } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <div>
        <h1>Organisations</h1>
        <p className="muted">
          The institutes, industry training organisations, professional bodies and agencies taking part in the community
          of practice.
        </p>
      </div>
      {groups.length === 0 ? (
        <p className="empty">No organisations have been added yet. Coordinators add them from the admin pages.</p>
      ) : (
        groups.map((group) => (
          <section key={group.kind} aria-labelledby={`kind-${group.kind}`}>
            <h2 id={`kind-${group.kind}`}>{group.heading}</h2>
            <ul className="grid grid--2 list-cards">
              {group.organisations.map((org) => (
                <li key={org.slug} className="card">
                  <h3>
                    <Link to={`/organisations/${org.slug}`}>{org.name}</Link>
                  </h3>
                  <p className="meta">
                    {org.memberCount === 1 ? '1 member' : `${org.memberCount} members`}
                  </p>
                  {org.excerpt ? <p>{org.excerpt}</p> : null}
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
