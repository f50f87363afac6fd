// /discussions/c/:slug: one category's threads (pinned first, then most recently active), and the member's watch
// or mute setting for the category.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { ThreadList, WatchControls } from '~/components/discussion-ui';
import { Pagination } from '~/components/pagination';
import {
  THREADS_PER_PAGE,
  categoryWatchLevel,
  countThreads,
  getCategoryBySlug,
  listThreads,
  setCategoryWatch,
  threadRow,
  type WatchLevel,
} from '~/models/discussions.server';
import { requireUser } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { notFound, pageParam, readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `${data.category.name} · Discussions · Micro-credentials CoP` : 'Category not found · Micro-credentials CoP' },
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const category = getCategoryBySlug(params.slug ?? '') ?? notFound('There is no discussion category at this address.');
  const page = pageParam(new URL(request.url));
  const rows = listThreads(user, { categoryId: category.id, pinnedFirst: true, limit: THREADS_PER_PAGE + 1, offset: (page - 1) * THREADS_PER_PAGE });
  return {
    category: { slug: category.slug, name: category.name, description: category.description },
    threads: rows.slice(0, THREADS_PER_PAGE).map(threadRow),
    total: countThreads(user, category.id),
    page,
    hasMore: rows.length > THREADS_PER_PAGE,
    watchLevel: categoryWatchLevel(user.id, category.id),
  };
}

const LEVELS: WatchLevel[] = ['watching', 'muted', 'normal'];
const MESSAGES: Record<WatchLevel, string> = {
  watching: 'You are now watching this category: every new thread in it will be emailed to you.',
  muted: 'Category muted: its threads are left out of Latest for you.',
  normal: 'Back to normal for this category: you hear about threads you start, reply to or watch.',
};

export async function action({ request, params }: ActionFunctionArgs) {
  const user = requireUser(request);
  const category = getCategoryBySlug(params.slug ?? '') ?? notFound('There is no discussion category at this address.');
  const form = await readFormData(request);
  const level = String(form.get('level') ?? '') as WatchLevel;
  if (form.get('intent') !== 'watch' || !LEVELS.includes(level)) throw new Response('Choose watch, mute or normal.', { status: 400 });
  setCategoryWatch(user.id, category.id, level);
  return redirectWithFlash(request, `/discussions/c/${category.slug}`, MESSAGES[level]);
}

export default function CategoryPage() {
  const { category, threads, total, page, hasMore, watchLevel } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <header className="page-header">
        <div>
          <p className="meta">
            <Link to="/discussions">Discussions</Link>
          </p>
          <h1>{category.name}</h1>
          {category.description ? <p className="muted">{category.description}</p> : null}
        </div>
        <p>
          <Link className="button" to={`/discussions/new?category=${encodeURIComponent(category.slug)}`}>
            Start a thread
          </Link>
        </p>
      </header>
      <WatchControls
        level={watchLevel}
        what="category"
        explanation="Watching emails you every new thread here; muting leaves its threads out of Latest. Threads you start or reply to are watched either way."
      />
      <section aria-labelledby="threads-title">
        <h2 id="threads-title">{total === 1 ? '1 thread' : `${total} threads`}</h2>
        {threads.length === 0 ? (
          <p className="empty">
            No threads here yet. <Link to={`/discussions/new?category=${encodeURIComponent(category.slug)}`}>Start one</Link>.
          </p>
        ) : (
          <ThreadList threads={threads} showCategory={false} caption={`Threads in ${category.name}, pinned first, then most recently active`} />
        )}
        <Pagination page={page} hasMore={hasMore} label="Thread pages" />
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
