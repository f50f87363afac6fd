import { Form, NavLink } from '@remix-run/react';
import type { SessionUser } from '~/utils/auth.server';

const NAV = [
  { to: '/', label: 'Home', end: true },
  { to: '/workshops', label: 'Workshops' },
  { to: '/case-studies', label: 'Case studies' },
  { to: '/resources', label: 'Resources' },
  { to: '/discussions', label: 'Discussions' },
  { to: '/organisations', label: 'Organisations' },
  { to: '/map', label: 'Map' },
  { to: '/members', label: 'Members' },
];

export function SiteHeader({ user }: { user: SessionUser | null }) {
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <a className="brand" href="/">
          Micro-credentials <span>Community of Practice</span>
        </a>
        <nav aria-label="Main" className="main-nav">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end} prefetch="intent">
                  {item.label}
                </NavLink>
              </li>
            ))}
            {user?.role === 'coordinator' ? (
              <li>
                <NavLink to="/admin">Admin</NavLink>
              </li>
            ) : null}
          </ul>
        </nav>
        <Form method="get" action="/search" role="search" aria-label="Site" className="site-search">
          <label htmlFor="site-search-q" className="visually-hidden">
            Search the community
          </label>
          <input id="site-search-q" type="search" name="q" placeholder="Search" maxLength={200} autoComplete="off" />
          <button type="submit" className="button button--small">
            Find
          </button>
        </Form>
        <div className="account-nav">
          {user ? (
            <>
              <NavLink to="/settings/profile" className="account-nav__name">
                {user.name}
              </NavLink>
              <Form method="post" action="/logout">
                <button type="submit" className="button button--quiet">
                  Sign out
                </button>
              </Form>
            </>
          ) : (
            <>
              <NavLink to="/login">Sign in</NavLink>
              <NavLink to="/join" className="button button--small">
                Request to join
              </NavLink>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
