// GET /radar?title=&summary=[&kind=&exclude=]: the duplication radar's data for a form being written (a fetcher in
// app/components/duplication-radar.tsx, debounced as the title and summary are typed). Things across the community
// that look like what is being written, with their organisation; only what this member may see. Without JavaScript
// the form's own action calls findLookAlikes and renders the same list, so nothing depends on this route.
import type { LoaderFunctionArgs } from '@remix-run/node';
import type { ShouldRevalidateFunction } from '@remix-run/react';
import { findLookAlikes, lookAlikeInputFromParams } from '~/models/search.server';
import { getUser } from '~/utils/auth.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const user = getUser(request);
  // Every form that shows the radar is for signed-in members; it would list members-only work to them.
  if (!user) throw new Response('Sign in to see similar work.', { status: 403 });
  const input = lookAlikeInputFromParams(new URL(request.url).searchParams);
  return Response.json({ items: findLookAlikes(input, user) }, { headers: { 'Cache-Control': 'private, no-store' } });
}

// The list answers what was typed, which no form submission changes; re-asking after every action only wastes a
// query, and a navigation that interrupts the re-ask makes the framework log an AbortError.
export const shouldRevalidate: ShouldRevalidateFunction = () => false;
