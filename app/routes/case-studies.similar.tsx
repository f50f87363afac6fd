// GET /case-studies/similar?title=&problem=[&exclude=id]: similar work (the duplication radar's list, for writers of
// case studies) as JSON. The form's live panel now asks /radar (app/components/duplication-radar.tsx); this address
// keeps answering with the same list. Without JavaScript the form gets it from its own action on Preview and Save
// draft, so nothing depends on this route.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { canCreateCaseStudy, findSimilarWork } from '~/models/case-studies.server';
import { getUser } from '~/utils/auth.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const user = getUser(request);
  // Only people who can write case studies need it; it lists members-only pilots to signed-in members.
  if (!canCreateCaseStudy(user)) throw new Response('Only project managers and coordinators can look for similar work.', { status: 403 });
  const url = new URL(request.url);
  const title = (url.searchParams.get('title') ?? '').slice(0, 300);
  const problem = (url.searchParams.get('problem') ?? '').slice(0, 5000);
  const exclude = url.searchParams.get('exclude') ?? '';
  const excludeId = /^[1-9]\d{0,15}$/.test(exclude) ? Number(exclude) : null;
  const items = findSimilarWork({ title, summary: problem }, { viewer: user, excludeId });
  return Response.json({ items }, { headers: { 'Cache-Control': 'private, no-store' } });
}
