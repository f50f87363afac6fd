import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { getProfile } from '~/models/accounts.server';
import { requireUser } from '~/utils/auth.server';
import { idParam, notFound } from '~/utils/http.server';
import { ROLE_LABELS } from '~/utils/labels';
import { formatDate } from '~/utils/time';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `${data.person.name} · Micro-credentials CoP` : 'Member not found · Micro-credentials CoP' },
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = requireUser(request);
  const profile = getProfile(idParam(params.id)) ?? notFound('There is no member at this address.');
  const base = {
    id: profile.id,
    name: profile.name,
    organisationName: profile.organisationName,
    organisationSlug: profile.organisationSlug,
    isSelf: profile.id === viewer.id,
  };
  // Someone who has left keeps their name on what they wrote, but their profile says no more than that.
  if (profile.deactivatedAt !== null) return { active: false as const, person: base };
  return {
    active: true as const,
    person: {
      ...base,
      roleLabel: ROLE_LABELS[profile.role],
      jobTitle: profile.jobTitle,
      bio: profile.bio,
      interests: profile.interests
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      memberSince: formatDate(profile.createdAt),
    },
  };
}

export default function Member() {
  const data = useLoaderData<typeof loader>();
  const { person } = data;
  return (
    <article className="stack">
      <header>
        <p className="meta">
          <Link to="/members">Members</Link>
        </p>
        <h1>{person.name}</h1>
        <p>
          <Link to={`/organisations/${person.organisationSlug}`}>{person.organisationName}</Link>
          {data.active ? (
            <>
              {' '}
              · <span className="badge">{data.person.roleLabel}</span>
            </>
          ) : null}
        </p>
        {data.active && data.person.jobTitle ? <p>{data.person.jobTitle}</p> : null}
      </header>
      {data.active ? (
        <>
          <section aria-labelledby="bio-title">
            <h2 id="bio-title">About</h2>
            {data.person.bio ? (
              <div className="prose">
                {data.person.bio.split(/\n{2,}/).map((paragraph, i) => (
                  <p key={i} className="pre-wrap">
                    {paragraph}
                  </p>
                ))}
              </div>
            ) : (
              <p className="empty">{person.isSelf ? 'You have not written a bio yet.' : `${person.name} has not written a bio yet.`}</p>
            )}
          </section>
          <section aria-labelledby="interests-title">
            <h2 id="interests-title">Interests</h2>
            {data.person.interests.length ? (
              <ul className="tag-list">
                {data.person.interests.map((interest) => (
                  <li key={interest}>
                    <Link to={`/members?q=${encodeURIComponent(interest)}`} className="badge">
                      {interest}
                    </Link>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="empty">No interests listed.</p>
            )}
          </section>
          <p className="meta">Member since {data.person.memberSince}</p>
          {person.isSelf ? (
            <p>
              <Link to="/settings/profile" className="button button--secondary">
                Edit your profile
              </Link>
            </p>
          ) : null}
        </>
      ) : (
        <p className="notice">{person.name} is no longer active in the community.</p>
      )}
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
