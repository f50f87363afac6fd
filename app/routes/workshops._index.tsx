// /workshops: what is coming up and what has happened. Coordinators also see drafts and cancelled workshops.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useLocation } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { WORKSHOP_MODE_LABELS, WORKSHOP_STATUS_LABELS, listWorkshops } from '~/models/workshops.server';
import { getUser } from '~/utils/auth.server';
import { pageParam } from '~/utils/http.server';
import { formatDateRange } from '~/utils/time';
import { seatsText } from '~/utils/workshop-text';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Workshops · Micro-credentials CoP' }], 'Upcoming and past workshops of the Micro-credentials Community of Practice, in New Zealand time, with seats, waitlists and records of what was decided.');

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = getUser(request);
  const url = new URL(request.url);
  const upcomingPage = pageParam(url, 'upcoming');
  const pastPage = pageParam(url, 'past');
  const { upcoming, moreUpcoming, past, morePast } = listWorkshops(viewer, { upcomingPage, pastPage });
  const item = (w: (typeof upcoming)[number], showSeats: boolean) => ({
    id: w.id,
    slug: w.slug,
    title: w.title,
    summary: w.summary,
    when: formatDateRange(w.startsAt, w.endsAt),
    modeLabel: WORKSHOP_MODE_LABELS[w.mode],
    venue: w.mode === 'online' ? '' : w.venue,
    status: w.status,
    statusLabel: WORKSHOP_STATUS_LABELS[w.status],
    seats: showSeats && w.status === 'scheduled' ? seatsText(w.seatsTaken, w.capacity, w.waitlistLength) : null,
    restricted: w.audience === 'organisations',
  });
  return {
    coordinator: viewer?.role === 'coordinator',
    upcoming: upcoming.map((w) => item(w, true)),
    past: past.map((w) => item(w, false)),
    pages: { upcoming: upcomingPage, moreUpcoming, past: pastPage, morePast },
  };
}

type Item = ReturnType<typeof useLoaderData<typeof loader>>['upcoming'][number];

/** Previous/next links for one of the two lists, keeping the other list's page. */
function ListPages({ param, page, hasMore, label, newer, older }: { param: 'upcoming' | 'past'; page: number; hasMore: boolean; label: string; newer: string; older: string }) {
  const location = useLocation();
  if (page <= 1 && !hasMore) return null;
  const hrefFor = (n: number) => {
    const params = new URLSearchParams(location.search);
    if (n <= 1) params.delete(param);
    else params.set(param, String(n));
    const search = params.toString();
    return `${location.pathname}${search ? `?${search}` : ''}`;
  };
  return (
    <nav aria-label={label} className="pagination">
      {page > 1 ? (
        <Link to={hrefFor(page - 1)} rel="prev">
          {newer}
        </Link>
      ) : null}
      <span className="meta">Page {page}</span>
      {hasMore ? (
        <Link to={hrefFor(page + 1)} rel="next">
          {older}
        </Link>
      ) : null}
    </nav>
  );
}

function WorkshopList({ items }: { items: Item[] }) {
  return (
    <ul className="list-plain">
      {items.map((w) => (
        <li key={w.id}>
          <h3>
            <Link to={`/workshops/${w.slug}`}>{w.title}</Link>
            {w.status !== 'scheduled' ? (
              <>
                {' '}
                <span className={`badge${w.status === 'cancelled' ? ' badge--bad' : w.status === 'draft' ? ' badge--warn' : ''}`}>{w.statusLabel}</span>
              </>
            ) : null}
          </h3>
          <p className="meta">
            {w.when} · {w.modeLabel}
            {w.venue ? ` · ${w.venue}` : ''}
            {w.restricted ? ' · For invited organisations' : ''}
          </p>
          {w.summary ? <p>{w.summary}</p> : null}
          {w.seats ? <p className="seat-line">{w.seats}</p> : null}
        </li>
      ))}
    </ul>
  );
}

export default function Workshops() {
  const { coordinator, upcoming, past, pages } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <header className="page-header">
        <div>
          <h1>Workshops</h1>
          <p className="muted">Times are New Zealand time.</p>
        </div>
        <p className="actions">
          <a href="/workshops/calendar.ics">Subscribe to all workshops</a>
          {coordinator ? (
            <Link className="button" to="/workshops/new">
              Schedule a workshop
            </Link>
          ) : null}
        </p>
      </header>

      <section aria-labelledby="upcoming-title">
        <h2 id="upcoming-title">Upcoming</h2>
        {upcoming.length ? (
          <>
            <WorkshopList items={upcoming} />
            <ListPages param="upcoming" page={pages.upcoming} hasMore={pages.moreUpcoming} label="Upcoming workshop pages" newer="Sooner" older="Later" />
          </>
        ) : (
          <p className="empty">
            No workshops are scheduled right now.{' '}
            {coordinator ? <Link to="/workshops/new">Schedule one</Link> : 'Coordinators announce them here, and in your email.'}
          </p>
        )}
      </section>

      <section aria-labelledby="past-title">
        <h2 id="past-title">Past</h2>
        {past.length ? (
          <>
            <WorkshopList items={past} />
            <ListPages param="past" page={pages.past} hasMore={pages.morePast} label="Past workshop pages" newer="More recent" older="Earlier" />
          </>
        ) : (
          <p className="empty">No workshops have taken place yet.</p>
        )}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
