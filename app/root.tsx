import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Link, Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData, useRouteLoaderData } from '@remix-run/react';
import stylesUrl from './styles/app.css?url';
import { SiteHeader } from './components/site-header';
import { FlashMessage } from './components/flash-message';
import { GeneralErrorBoundary } from './components/error-boundary';
import { getUser } from './utils/auth.server';
import { readFlash } from './utils/flash.server';
import { useNonce } from './utils/nonce';
import { withDescription } from '~/utils/meta';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesUrl },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

export const meta: MetaFunction = () => withDescription([{ title: 'Micro-credentials Community of Practice' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = getUser(request);
  const { flash, setCookie } = await readFlash(request);
  return data({ user, flash }, setCookie ? { headers: { 'Set-Cookie': setCookie } } : undefined);
}

export function useOptionalUser() {
  return useRouteLoaderData<typeof loader>('root')?.user ?? null;
}

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  const rootData = useRouteLoaderData<typeof loader>('root');
  return (
    <html lang="en-NZ">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <SiteHeader user={rootData?.user ?? null} />
        <main id="main" tabIndex={-1}>
          {rootData?.flash ? <FlashMessage flash={rootData.flash} /> : null}
          {children}
        </main>
        <footer className="site-footer">
          <p>
            Micro-credentials Community of Practice: ITPs, ITOs, professional bodies, NZBED, TEC and NZQA working
            together on micro-credentials in engineering education. Times are shown in New Zealand time.
          </p>
          <p>
            <Link to="/privacy">Privacy</Link>
          </p>
        </footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  useLoaderData<typeof loader>();
  return <Outlet />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
