import { Link, useLocation } from '@remix-run/react';
import { useT } from '~/i18n/i18n';
import { useLangOf } from '~/i18n/text';

/** "Previous / Next" links that keep the rest of the query string (the search term). */
export function Pagination({ page, hasMore, label }: { page: number; hasMore: boolean; label?: string }) {
  const location = useLocation();
  const { t } = useT();
  const langOf = useLangOf();
  if (page <= 1 && !hasMore) return null;
  const hrefFor = (n: number) => {
    const params = new URLSearchParams(location.search);
    if (n <= 1) params.delete('page');
    else params.set('page', String(n));
    const search = params.toString();
    return `${location.pathname}${search ? `?${search}` : ''}`;
  };
  return (
    <nav aria-label={label ?? t('pagination.label')} className="pagination">
      {page > 1 ? (
        <Link to={hrefFor(page - 1)} rel="prev" lang={langOf('pagination.previous')}>
          {t('pagination.previous')}
        </Link>
      ) : null}
      <span className="meta" lang={langOf('pagination.page')}>
        {t('pagination.page', { page })}
      </span>
      {hasMore ? (
        <Link to={hrefFor(page + 1)} rel="next" lang={langOf('pagination.next')}>
          {t('pagination.next')}
        </Link>
      ) : null}
    </nav>
  );
}
