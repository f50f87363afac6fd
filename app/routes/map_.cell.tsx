// /map/cell?org=<slug>&topic=tag:<tag>|level:<n>|qualification:<code>: the work behind one cell of the community map,
// as the viewer may see it: pilots, micro-credentials, resources and the workshops those resources belong to.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { mapCell, type CellItem } from '~/models/map.server';
import { getUser } from '~/utils/auth.server';
import { notFound } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `${data.organisation.name} · ${data.topic.label} · Community map · Micro-credentials CoP` : 'Not found · Micro-credentials CoP' },
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const cell = mapCell(getUser(request), params.get('org') ?? '', params.get('topic') ?? '') ?? notFound('There is no such organisation or topic on the map.');
  const search = new URLSearchParams({ organisationId: String(cell.organisation.id) });
  if (cell.topic.kind === 'tag') search.set('q', cell.topic.value);
  return { ...cell, searchUrl: `/search?${search}` };
}

function ItemList({ title, items }: { title: string; items: CellItem[] }) {
  if (!items.length) return null;
  const id = `cell-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <ul className="list-plain radar-list">
        {items.map((item) => (
          <li key={item.url + item.title}>
            <Link to={item.url}>{item.title}</Link>
            {item.detail ? <span className="meta"> · {item.detail}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function MapCellPage() {
  const { organisation, topic, pilots, microCredentials, resources, workshops, searchUrl } = useLoaderData<typeof loader>();
  const nothing = !pilots.length && !microCredentials.length && !resources.length;
  return (
    <div className="stack">
      <header>
        <p className="meta">
          <Link to="/map">Community map</Link>
        </p>
        <h1>
          {organisation.name}: {topic.label}
        </h1>
        <p className="muted">
          The work behind this cell of the map. <Link to={`/organisations/${organisation.slug}`}>More about {organisation.name}</Link>.
        </p>
      </header>
      {nothing ? <p className="empty">Nothing here that you can see: this is a gap. If your organisation works on it, share a pilot or a resource.</p> : null}
      <ItemList title="Pilots" items={pilots} />
      <ItemList title="Micro-credentials" items={microCredentials} />
      <ItemList title="Resources" items={resources} />
      <ItemList title="Workshops" items={workshops} />
      <p>
        <Link to={searchUrl}>Search everything from {organisation.name}</Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
