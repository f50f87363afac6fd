import { Link } from '@remix-run/react';

export type RelatedResource = { id: number; title: string; kindLabel: string; published: string; typeLabel: string; membersOnly: boolean };

/** The "Resources" section shown on organisation, workshop and case-study pages. */
export function RelatedResources({ items, empty, addHref }: { items: RelatedResource[]; empty: string; addHref?: string }) {
  return (
    <>
      {items.length ? (
        <ul className="list-plain">
          {items.map((r) => (
            <li key={r.id}>
              <Link to={`/resources/${r.id}`}>{r.title}</Link>
              <span className="meta">
                {' '}
                · {[r.kindLabel, r.typeLabel, r.published].filter(Boolean).join(' · ')}
                {r.membersOnly ? ' · Members only' : ''}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty">{empty}</p>
      )}
      {addHref ? (
        <p>
          <Link to={addHref}>Add a resource</Link>
        </p>
      ) : null}
    </>
  );
}
