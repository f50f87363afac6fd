import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react';
import { useT } from '~/i18n/i18n';
import { useLangOf } from '~/i18n/text';

const TITLE_KEYS: Record<number, string> = {
  400: 'errors.title400',
  403: 'errors.title403',
  404: 'errors.title404',
  405: 'errors.title405',
  413: 'errors.title413',
  429: 'errors.title429',
};

/** The one error view every route exports. It never shows a stack trace: errors are logged on the server. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const { t } = useT();
  const langOf = useLangOf();
  const home = (
    <p>
      <Link to="/" lang={langOf('errors.home')}>
        {t('errors.home')}
      </Link>
    </p>
  );
  if (isRouteErrorResponse(error)) {
    const titleKey = TITLE_KEYS[error.status] ?? 'errors.titleGeneric';
    // Messages we throw are written for people; the router's own ("Error: No route matches …") are not.
    const message = typeof error.data === 'string' && error.data.length < 300 && !error.data.startsWith('Error:') ? error.data : null;
    return (
      <section className="error-page" aria-labelledby="error-title">
        <h1 id="error-title" lang={langOf(titleKey)}>
          {t(titleKey)}
        </h1>
        {message ? <p>{message}</p> : null}
        {error.status === 404 ? <p lang={langOf('errors.moved')}>{t('errors.moved')}</p> : null}
        {home}
      </section>
    );
  }
  return (
    <section className="error-page" aria-labelledby="error-title">
      <h1 id="error-title" lang={langOf('errors.titleGeneric')}>
        {t('errors.titleGeneric')}
      </h1>
      <p lang={langOf('errors.tryAgain')}>{t('errors.tryAgain')}</p>
      {home}
    </section>
  );
}
