import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { getOrganisationBySlug } from '~/models/organisations.server';
import { workshopsForOrganisation } from '~/models/workshops.server';
import { caseStudiesForOrganisation } from '~/models/case-studies.server';
import { relatedResourceItems, resourcesForOrganisation } from '~/models/resources.server';
import { RelatedResources } from '~/components/related-resources';
import { formatDateRange } from '~/utils/time';
import { getUser } from '~/utils/auth.server';
import { notFound } from '~/utils/http.server';
import { ORGANISATION_KIND_SHORT, ROLE_LABELS } from '~/utils/labels';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `${data.organisation.name} · Micro-credentials CoP` : 'Organisation not found · Micro-credentials CoP' },
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = getUser(request);
  const org = getOrganisationBySlug(params.slug ?? '') ?? notFound('There is no organisation at this address.');
  return {
    signedIn: viewer !== null,
    organisation: {
      slug: org.slug,
      name: org.name,
      kindLabel: ORGANISATION_KIND_SHORT[org.kind],
      description: org.description,
      website: org.website,
    },
    peopleCount: org.people.length,
    // Names are for members only: a visitor's copy of the page (and its data) carries just the count.
    people: viewer
      ? org.people.map((p) => ({ id: p.id, name: p.name, roleLabel: ROLE_LABELS[p.role], jobTitle: p.jobTitle }))
      : null,
    workshops: workshopsForOrganisation(org.id),
    pilots: caseStudiesForOrganisation(org.id, viewer).map((p) => ({ slug: p.slug, title: p.title, role: p.role, lead: p.leadOrganisationName })),
    resources: relatedResourceItems(resourcesForOrganisation(org.id, viewer)),
  };
}

export default function Organisation() {
  const { organisation, people, peopleCount, signedIn, workshops, resources, pilots } = useLoaderData<typeof loader>();
  const countText = peopleCount === 1 ? '1 member' : `${peopleCount} members`;
  return (
    <article className="stack">
      <header>
        <p className="meta">
          <Link to="/organisations">Organisations</Link> · <span className="badge">{organisation.kindLabel}</span>
        </p>
        <h1>{organisation.name}</h1>
        {organisation.description ? (
          <div className="prose">
            {organisation.description.split(/\n{2,}/).map((paragraph, i) => (
              <p key={i}>{paragraph}</p>
            ))}
          </div>
        ) : (
          <p className="empty">No description yet.</p>
        )}
        {organisation.website ? (
          <p>
            <a href={organisation.website} rel="noopener nofollow">
              Visit the {organisation.name} website
            </a>
          </p>
        ) : null}
      </header>

      <section aria-labelledby="people-title">
        <h2 id="people-title">People</h2>
        {people ? (
          people.length === 0 ? (
            <p className="empty">No members from {organisation.name} have joined yet.</p>
          ) : (
            <ul className="list-plain">
              {people.map((person) => (
                <li key={person.id}>
                  <Link to={`/members/${person.id}`}>{person.name}</Link>
                  <span className="meta">
                    {' '}
                    · {person.roleLabel}
                    {person.jobTitle ? ` · ${person.jobTitle}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          )
        ) : (
          <p>
            {countText} of the community {peopleCount === 1 ? 'is' : 'are'} from {organisation.name}.{' '}
            {signedIn ? null : (
              <>
                <Link to={`/login?redirectTo=${encodeURIComponent(`/organisations/${organisation.slug}`)}`}>Sign in</Link> to
                see who they are.
              </>
            )}
          </p>
        )}
      </section>

      <section aria-labelledby="pilots-title">
        <h2 id="pilots-title">Pilots</h2>
        {pilots.length ? (
          <ul className="list-plain">
            {pilots.map((p) => (
              <li key={p.slug}>
                <Link to={`/case-studies/${p.slug}`}>{p.title}</Link>
                <span className="meta"> · {p.role === 'lead' ? 'Lead organisation' : `Partner (led by ${p.lead})`}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty">No micro-credential pilots from {organisation.name} have been shared yet.</p>
        )}
      </section>

      <section aria-labelledby="resources-title">
        <h2 id="resources-title">Resources</h2>
        <RelatedResources items={resources} empty={`No resources from ${organisation.name} are in the library yet.`} />
      </section>

      <section aria-labelledby="workshops-title">
        <h2 id="workshops-title">Workshops attended</h2>
        {workshops.length ? (
          <ul className="list-plain">
            {workshops.map((w) => (
              <li key={w.id}>
                <Link to={`/workshops/${w.slug}`}>{w.title}</Link>
                <span className="meta"> · {formatDateRange(w.startsAt, w.endsAt)}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty">No one from {organisation.name} has attended a workshop yet.</p>
        )}
      </section>
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
