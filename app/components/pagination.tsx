import { Link, useLocation } from '@remix-run/react';

/** "Previous / Next" links that keep the rest of the query string (the search term). */
export function Pagination({ page, hasMore, label = 'Pages' }: { page: number; hasMore: boolean; label?: string }) {
  const location = useLocation();
  if (page <= 1 && !hasMore) return null;
  const hrefFor = (n: number) => {
    const params = new URLSearchParams(location.search);
    if (n <= 1) params.delete('page');
    else params.set('page', String(n));
    const search = params.toString();
    return `${location.pathname}${search ? `?${search}` : ''}`;
  };
  return (
    <nav aria-label={label} className="pagination">
      {page > 1 ? (
        <Link to={hrefFor(page - 1)} rel="prev">
          Previous page
        </Link>
      ) : null}
      <span className="meta">Page {page}</span>
      {hasMore ? (
        <Link to={hrefFor(page + 1)} rel="next">
          Next page
        </Link>
      ) : null}
    </nav>
  );
}
