import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react';

const TITLES: Record<number, string> = {
  400: 'That request could not be understood',
  403: 'You do not have access to this',
  404: 'Page not found',
  405: 'That is not allowed here',
  413: 'That upload is too large',
  429: 'Too many attempts',
};

/** The one error view every route exports. It never shows a stack trace: errors are logged on the server. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    // Messages we throw are written for people; the router's own ("Error: No route matches …") are not.
    const message = typeof error.data === 'string' && error.data.length < 300 && !error.data.startsWith('Error:') ? error.data : null;
    return (
      <section className="error-page" aria-labelledby="error-title">
        <h1 id="error-title">{TITLES[error.status] ?? 'Something went wrong'}</h1>
        {message ? <p>{message}</p> : null}
        {error.status === 404 ? <p>The page may have moved, or the address may be mistyped.</p> : null}
        <p>
          <Link to="/">Go to the home page</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="error-page" aria-labelledby="error-title">
      <h1 id="error-title">Something went wrong</h1>
      <p>We could not show this page. Please try again in a moment; if it keeps happening, tell a coordinator.</p>
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </section>
  );
}
