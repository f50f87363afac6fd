import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { getUser } from '~/utils/auth.server';
import { getHomeSummary } from '~/models/home.server';
import { nextWorkshops } from '~/models/workshops.server';
import { myUpcomingRsvps } from '~/models/rsvps.server';
import { formatDateRange } from '~/utils/time';
import { latestCaseStudies } from '~/models/case-studies.server';
import { listResources, RESOURCE_KIND_LABELS } from '~/models/resources.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Micro-credentials Community of Practice' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = getUser(request);
  return {
    user,
    summary: getHomeSummary(),
    workshops: nextWorkshops(3),
    myRsvps: user ? myUpcomingRsvps(user.id) : [],
    pilots: latestCaseStudies(user, 3).map((p) => ({ slug: p.slug, title: p.title, lead: p.leadOrganisationName })),
    resources: listResources(user, { sort: 'newest' })
      .items.slice(0, 3)
      .map((r) => ({ id: r.id, title: r.title, kindLabel: RESOURCE_KIND_LABELS[r.kind] })),
  };
}

export default function Home() {
  const { user, summary, workshops, myRsvps, pilots, resources } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <section className="hero" aria-labelledby="home-title">
        <h1 id="home-title">{user ? `Kia ora, ${user.name}` : 'Micro-credentials Community of Practice'}</h1>
        <p className="lead">
          Institutes of technology and polytechnics, industry training organisations, professional bodies, NZBED, TEC and
          NZQA working together on micro-credentials in engineering education: sharing pilots, stacking micro-credentials
          into qualifications such as the NZDE and BEngTech, and reducing duplication of effort.
        </p>
        {user ? null : (
          <p className="actions">
            <Link className="button" to="/login">
              Sign in
            </Link>
            <Link className="button button--secondary" to="/join">
              Request to join
            </Link>
          </p>
        )}
      </section>

      <div className="grid grid--2">
        <section className="card" aria-labelledby="workshops-title">
          <h2 id="workshops-title">Upcoming workshops</h2>
          {workshops.length ? (
            <ul className="list-plain">
              {workshops.map((w) => (
                <li key={w.id}>
                  <Link to={`/workshops/${w.slug}`}>{w.title}</Link>
                  <p className="meta">
                    {formatDateRange(w.startsAt, w.endsAt)} ·{' '}
                    {w.seatsTaken >= w.capacity ? `Full, ${w.waitlistLength} on the waitlist` : `${w.capacity - w.seatsTaken} of ${w.capacity} seats left`}
                  </p>
                </li>
              ))}
            </ul>
          ) : (
            <p className="empty">No workshops are scheduled yet. Coordinators announce them here.</p>
          )}
          <p>
            <Link to="/workshops">All workshops, and the records of past meetings</Link>
          </p>
        </section>
        {user ? (
          <section className="card" aria-labelledby="my-rsvps-title">
            <h2 id="my-rsvps-title">Your RSVPs</h2>
            {myRsvps.length ? (
              <ul className="list-plain">
                {myRsvps.map((r) => (
                  <li key={r.rsvpId}>
                    <Link to={`/workshops/${r.slug}`}>{r.title}</Link>
                    <p className="meta">
                      {formatDateRange(r.startsAt, r.endsAt)} ·{' '}
                      {r.seatStatus === 'confirmed'
                        ? "You're going"
                        : r.seatStatus === 'waitlisted'
                          ? `Waitlist position ${r.waitlistPosition}`
                          : r.response === 'maybe'
                            ? 'Maybe'
                            : "Can't go"}
                    </p>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="empty">You have not replied to any upcoming workshop yet.</p>
            )}
          </section>
        ) : null}
        <section className="card" aria-labelledby="pilots-title">
          <h2 id="pilots-title">Pilot case studies</h2>
          {pilots.length ? (
            <ul className="list-plain">
              {pilots.map((p) => (
                <li key={p.slug}>
                  <Link to={`/case-studies/${p.slug}`}>{p.title}</Link>
                  <span className="meta"> · {p.lead}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="empty">No pilots have been published yet. Project managers share their pilots here so others can build on them.</p>
          )}
          <p>
            <Link to="/case-studies">All pilot case studies</Link> · <Link to="/pathways">Stacking pathways</Link>
          </p>
        </section>
        <section className="card" aria-labelledby="resources-title">
          <h2 id="resources-title">Resource library</h2>
          {resources.length ? (
            <ul className="list-plain">
              {resources.map((r) => (
                <li key={r.id}>
                  <Link to={`/resources/${r.id}`}>{r.title}</Link>
                  <span className="meta"> · {r.kindLabel}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="empty">Reports, info sheets and slides will appear here.</p>
          )}
          <p>
            <Link to="/resources">Search the library</Link>
          </p>
        </section>
        <section className="card" aria-labelledby="community-title">
          <h2 id="community-title">The community</h2>
          <p>
            <Link to="/organisations">{summary.organisations} organisations</Link> and{' '}
            <Link to="/members">{summary.members} members</Link> so far.
          </p>
        </section>
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
