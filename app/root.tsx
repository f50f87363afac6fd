import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Link, Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData, useRouteLoaderData } from '@remix-run/react';
import stylesUrl from './styles/app.css?url';
import { SiteHeader } from './components/site-header';
import { FlashMessage } from './components/flash-message';
import { GeneralErrorBoundary } from './components/error-boundary';
import { getUser, type SessionUser } from './utils/auth.server';
import { readFlash, type Flash } from './utils/flash.server';
import { useNonce } from './utils/nonce';
import { withDescription } from '~/utils/meta';
import { I18nextProvider } from 'react-i18next';
import { i18nFor, useT } from './i18n/i18n';
import { T, useLangOf } from './i18n/text';
import { DEFAULT_LANGUAGE, LANGUAGES } from './i18n/languages';
import { resolveLanguage } from './i18n/language.server';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesUrl },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

export const meta: MetaFunction = () => withDescription([{ title: 'Micro-credentials Community of Practice' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = getUser(request);
  const { flash, setCookie } = await readFlash(request);
  return data({ user, flash, language: resolveLanguage(request, user?.language) }, setCookie ? { headers: { 'Set-Cookie': setCookie } } : undefined);
}

export function useOptionalUser() {
  return useRouteLoaderData<typeof loader>('root')?.user ?? null;
}

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  const rootData = useRouteLoaderData<typeof loader>('root');
  const language = rootData?.language ?? DEFAULT_LANGUAGE;
  const htmlLang = LANGUAGES.find((l) => l.code === language)?.htmlLang ?? DEFAULT_LANGUAGE;
  return (
    <html lang={htmlLang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <I18nextProvider i18n={i18nFor(language)}>
          <Page user={rootData?.user ?? null} flash={rootData?.flash ?? null}>
            {children}
          </Page>
        </I18nextProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function Page({ user, flash, children }: { user: SessionUser | null; flash: Flash | null; children: React.ReactNode }) {
  const { t } = useT();
  const langOf = useLangOf();
  return (
    <>
      <T k="site.skipToContent" as="a" className="skip-link" href="#main" />
      <SiteHeader user={user} />
      <main id="main" tabIndex={-1}>
        {flash ? <FlashMessage flash={flash} /> : null}
        {children}
      </main>
      <footer className="site-footer">
        <T k="site.footer" as="p" />
        <p>
          <Link to="/privacy" lang={langOf('site.privacy')}>
            {t('site.privacy')}
          </Link>
        </p>
      </footer>
    </>
  );
}

export default function App() {
  useLoaderData<typeof loader>();
  return <Outlet />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
