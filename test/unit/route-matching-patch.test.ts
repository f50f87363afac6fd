// The patch in patches/@remix-run+router+*.patch (applied by `patch-package` on `npm install`): the router the server
// loads (CommonJS, as @remix-run/server-runtime and react-router require it) flattens and ranks a routes array once
// and reuses it, instead of on every match. These tests fail when the patch is not applied, and check that matching
// still answers as before.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type Route = { id: string; path?: string; index?: boolean; children?: Route[] };
type Router = {
  matchRoutes: (routes: Route[], location: string) => { route: Route; params: Record<string, string | undefined> }[] | null;
};
const router = createRequire(import.meta.url)('@remix-run/router') as Router;

/** A route whose `path` counts how often the router reads it: flattening reads every path, a cached match none. */
function counted(route: Route, reads: { n: number }): Route {
  const path = route.path;
  const copy: Route = { ...route, children: route.children?.map((c) => counted(c, reads)) };
  delete copy.path;
  Object.defineProperty(copy, 'path', { enumerable: true, get: () => (reads.n++, path) });
  return copy;
}

const tree = (): Route[] => [
  {
    id: 'root',
    path: '',
    children: [
      { id: 'home', index: true },
      { id: 'workshops', path: 'workshops' },
      { id: 'workshop', path: 'workshops/:slug' },
      { id: 'workshop-new', path: 'workshops/new' },
      { id: 'docs', path: 'docs/*' },
      { id: 'optional', path: 'people/:id?' },
    ],
  },
];

describe('route matching (patched @remix-run/router)', () => {
  it('flattens and ranks a routes array once, then reuses it for every later match', () => {
    const reads = { n: 0 };
    const routes = tree().map((r) => counted(r, reads));
    router.matchRoutes(routes, '/workshops/abc');
    const afterFirst = reads.n;
    expect(afterFirst).toBeGreaterThan(0);
    router.matchRoutes(routes, '/workshops/def');
    router.matchRoutes(routes, '/');
    expect(reads.n).toBe(afterFirst);
  });

  it('still ranks static paths above dynamic ones, splats last, and reads params', () => {
    const routes = tree();
    const leaf = (path: string) => router.matchRoutes(routes, path)?.at(-1);
    expect(leaf('/workshops/new')?.route.id).toBe('workshop-new');
    expect(leaf('/workshops/abc')?.route.id).toBe('workshop');
    expect(leaf('/workshops/abc')?.params.slug).toBe('abc');
    expect(leaf('/WORKSHOPS/abc')?.route.id).toBe('workshop');
    expect(leaf('/docs/a/b')?.params['*']).toBe('a/b');
    expect(leaf('/people')?.route.id).toBe('optional');
    expect(leaf('/people/7')?.params.id).toBe('7');
    expect(leaf('/')?.route.id).toBe('home');
    expect(router.matchRoutes(routes, '/nowhere/at/all')).toBeNull();
  });

  it('keeps arrays apart: another routes array is matched on its own routes', () => {
    const a = tree();
    const b: Route[] = [{ id: 'other', path: 'workshops/:slug' }];
    expect(router.matchRoutes(a, '/workshops/x')?.at(-1)?.route.id).toBe('workshop');
    expect(router.matchRoutes(b, '/workshops/x')?.at(-1)?.route.id).toBe('other');
    expect(router.matchRoutes(b, '/workshops')).toBeNull();
  });
});
