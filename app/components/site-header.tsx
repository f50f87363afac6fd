import { Form, NavLink, useLocation } from '@remix-run/react';
import type { SessionUser } from '~/utils/auth.server';
import { useT } from '~/i18n/i18n';
import { useLangOf } from '~/i18n/text';
import { LANGUAGES } from '~/i18n/languages';

const NAV = [
  { to: '/', key: 'nav.home', end: true },
  { to: '/workshops', key: 'nav.workshops' },
  { to: '/case-studies', key: 'nav.caseStudies' },
  { to: '/resources', key: 'nav.resources' },
  { to: '/discussions', key: 'nav.discussions' },
  { to: '/organisations', key: 'nav.organisations' },
  { to: '/map', key: 'nav.map' },
  { to: '/members', key: 'nav.members' },
];

export function SiteHeader({ user }: { user: SessionUser | null }) {
  const { t } = useT();
  const langOf = useLangOf();
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <a className="brand" href="/" lang={langOf('site.brandLead')}>
          {t('site.brandLead')} <span>{t('site.brandTail')}</span>
        </a>
        <nav aria-label={t('nav.label')} className="main-nav">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end} prefetch="intent" lang={langOf(item.key)}>
                  {t(item.key)}
                </NavLink>
              </li>
            ))}
            {user?.role === 'coordinator' ? (
              <li>
                <NavLink to="/admin" lang={langOf('nav.admin')}>
                  {t('nav.admin')}
                </NavLink>
              </li>
            ) : null}
          </ul>
        </nav>
        <Form method="get" action="/search" role="search" aria-label={t('search.siteLabel')} className="site-search">
          <label htmlFor="site-search-q" className="visually-hidden" lang={langOf('search.fieldLabel')}>
            {t('search.fieldLabel')}
          </label>
          <input id="site-search-q" type="search" name="q" placeholder={t('search.placeholder')} maxLength={200} autoComplete="off" />
          <button type="submit" className="button button--small" lang={langOf('search.submit')}>
            {t('search.submit')}
          </button>
        </Form>
        <LanguageSwitch />
        <div className="account-nav">
          {user ? (
            <>
              <NavLink to="/settings/profile" className="account-nav__name">
                {user.name}
              </NavLink>
              <Form method="post" action="/logout">
                <button type="submit" className="button button--quiet" lang={langOf('account.signOut')}>
                  {t('account.signOut')}
                </button>
              </Form>
            </>
          ) : (
            <>
              <NavLink to="/login" lang={langOf('account.signIn')}>
                {t('account.signIn')}
              </NavLink>
              <NavLink to="/join" className="button button--small" lang={langOf('account.requestToJoin')}>
                {t('account.requestToJoin')}
              </NavLink>
            </>
          )}
        </div>
      </div>
    </header>
  );
}

/** One button per other language, each named in its own language; a plain form, so it works without JavaScript. */
function LanguageSwitch() {
  const { t, language } = useT();
  const location = useLocation();
  return (
    <Form method="post" action="/language" className="language-switch" aria-label={t('language.switchTo')}>
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      {LANGUAGES.filter((l) => l.code !== language).map((l) => (
        <button key={l.code} type="submit" name="language" value={l.code} lang={l.htmlLang} className="button button--quiet">
          {l.name}
        </button>
      ))}
    </Form>
  );
}
