// /discussions/:id/posts/:number: the permalink of a post. It redirects to the page of the thread that holds the
// post, at its #post-N anchor, so a link keeps working however long the thread grows.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { getPostByNumber, getThreadForViewer, postLocation } from '~/models/discussions.server';
import { requireUser } from '~/utils/auth.server';
import { idParam, notFound } from '~/utils/http.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const thread = getThreadForViewer(user, idParam(params.id)) ?? notFound('There is no thread at this address.');
  const number = idParam(params.number);
  if (!getPostByNumber(thread.id, number)) notFound(`This thread has no post #${number}.`);
  return redirect(postLocation(thread.id, number));
}

// Never rendered (the loader always redirects or throws); present so a missing post gets the site's 404 page.
export default function Permalink() {
  return null;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
