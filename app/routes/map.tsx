// /map[?tag=]: the community map. Organisations, grouped by kind, against the tags of their pilots and resources,
// the NZQF levels of their micro-credentials and the qualifications those stack into. Each number links to the work
// behind it (/map/cell); an empty cell is a gap, and a column nobody fills is a gap for the whole community. A tag
// chosen as the focus narrows every table to work with that tag ("Level 5 micro-credentials in construction").
// Visible to everyone, built only from what the viewer may see. Each table scrolls sideways on a phone.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { communityMap, type MapTable } from '~/models/map.server';
import { getUser } from '~/utils/auth.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Community map · Micro-credentials CoP' }], 'Which organisations work on which micro-credential topics, NZQF levels and qualifications, and the gaps nobody covers yet.');

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = getUser(request);
  const tag = (new URL(request.url).searchParams.get('tag') ?? '').trim().toLowerCase().slice(0, 40);
  const map = communityMap(viewer, { focus: tag || null });
  return { signedIn: viewer !== null, ...map };
}

const TABLE_TEXT: Record<MapTable['kind'], { title: string; caption: string; empty: string }> = {
  tag: {
    title: 'Topics',
    caption: 'Organisations (rows, grouped by kind) against the tags most used on pilots and resources. Each number counts the pilots and resources behind it.',
    empty: 'No pilots or resources have tags yet.',
  },
  level: {
    title: 'NZQF levels',
    caption: 'Organisations (rows, grouped by kind) against the NZQF levels of the micro-credentials they provide. Each number counts micro-credentials.',
    empty: 'No micro-credential has an NZQF level recorded yet.',
  },
  qualification: {
    title: 'Qualifications stacked into',
    caption: 'Organisations (rows, grouped by kind) against the qualifications their micro-credentials stack into. Each number counts micro-credentials.',
    empty: 'No qualifications are recorded yet.',
  },
};

function MapTableView({ table, focus }: { table: MapTable; focus: string | null }) {
  const text = TABLE_TEXT[table.kind];
  const headingId = `map-${table.kind}-title`; // not `map-tag`: the topic select below has that id
  const gaps = table.topics.filter((t) => t.total === 0);
  return (
    <section aria-labelledby={headingId} className="stack-tight">
      <h2 id={headingId}>{text.title}</h2>
      {table.topics.length === 0 ? (
        <p className="empty">{text.empty}</p>
      ) : (
        <>
          <p className="muted">
            {text.caption}
            {focus ? ` Only work tagged “${focus}”.` : ''} A dash is a gap.
          </p>
          <div className="table-wrap map-scroll" role="region" aria-label={`${text.title} by organisation (scrolls sideways)`} tabIndex={0}>
            <table className="map-table">
              <caption className="visually-hidden">
                {text.title} by organisation{focus ? `, only work tagged “${focus}”` : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Organisation</th>
                  {table.topics.map((t) => (
                    <th scope="col" key={t.key} className={t.total === 0 ? 'map-gap-column' : undefined}>
                      {t.label}
                      {t.total === 0 ? (
                        <>
                          <br />
                          <span className="badge badge--warn">Nobody yet</span>
                        </>
                      ) : null}
                    </th>
                  ))}
                </tr>
              </thead>
              {table.groups.map((group) => (
                <tbody key={group.kind}>
                  <tr>
                    <th scope="rowgroup" colSpan={table.topics.length + 1} className="map-group">
                      {group.label}
                    </th>
                  </tr>
                  {group.rows.map((row) => (
                    <tr key={row.organisation.id}>
                      <th scope="row">
                        <Link to={`/organisations/${row.organisation.slug}`}>{row.organisation.name}</Link>
                      </th>
                      {row.cells.map((count, i) => {
                        const topic = table.topics[i]!;
                        return count > 0 ? (
                          <td key={topic.key} className="map-cell">
                            <Link to={`/map/cell?org=${encodeURIComponent(row.organisation.slug)}&topic=${encodeURIComponent(topic.key)}`}>
                              {count}
                              <span className="visually-hidden">
                                {' '}
                                from {row.organisation.name} on {topic.label}
                              </span>
                            </Link>
                          </td>
                        ) : (
                          <td key={topic.key} className="map-gap">
                            <span aria-hidden="true">–</span>
                            <span className="visually-hidden">none</span>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              ))}
            </table>
          </div>
          {gaps.length ? (
            <p>
              <strong>Gaps nobody covers{focus ? ` in “${focus}”` : ''}:</strong> {gaps.map((g) => g.label).join(', ')}.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

export default function CommunityMap() {
  const { signedIn, tables, focus, tagOptions } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <header>
        <h1>Community map</h1>
        <p className="muted">
          Who is working on what, so nobody starts again what another organisation has done: follow a number to the pilots, micro-credentials, resources and
          workshops behind it. Dashes are gaps.
          {signedIn ? '' : ' Sign in to include members-only pilots and resources.'}
        </p>
      </header>
      <Form method="get" className="search-form" aria-label="Focus the map">
        <div className="field">
          <label htmlFor="map-tag">Only work tagged</label>
          <select id="map-tag" name="tag" defaultValue={focus ?? ''}>
            <option value="">Any topic</option>
            {tagOptions.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          Show
        </button>
        {focus ? <Link to="/map">Show everything</Link> : null}
      </Form>
      {tables.map((table) => (
        <MapTableView key={table.kind} table={table} focus={focus} />
      ))}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
