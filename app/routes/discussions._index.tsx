// /discussions: the categories (with their counts, the member's unread posts and latest thread) and the latest
// threads across the community. For signed-in members only.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { ThreadList } from '~/components/discussion-ui';
import { canModerate, listCategorySummaries, listThreads, threadRow } from '~/models/discussions.server';
import { requireUser } from '~/utils/auth.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Discussions · Micro-credentials CoP' }], 'Discussions among members of the Micro-credentials Community of Practice.');

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  return {
    categories: listCategorySummaries(user).map((c) => ({
      slug: c.slug,
      name: c.name,
      description: c.description,
      threadCount: c.threadCount,
      postCount: c.postCount,
      unread: c.unread,
      muted: c.watchLevel === 'muted',
      watching: c.watchLevel === 'watching',
      latest: c.latest ? threadRow(c.latest) : null,
    })),
    latest: listThreads(user, { limit: 20, skipMutedCategories: true }).map(threadRow),
    moderator: canModerate(user),
  };
}

export default function DiscussionsIndex() {
  const { categories, latest, moderator } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <header className="page-header">
        <div>
          <h1>Discussions</h1>
          <p className="muted">Conversations between meetings: pilots, quality assurance, stacking and the workshops.</p>
        </div>
        <p className="actions">
          <Link className="button" to="/discussions/new">
            Start a thread
          </Link>
          {moderator ? (
            <Link className="button button--secondary" to="/admin/categories">
              Manage categories
            </Link>
          ) : null}
        </p>
      </header>

      <section aria-labelledby="categories-title">
        <h2 id="categories-title">Categories</h2>
        {categories.length === 0 ? (
          <p className="empty">There are no categories yet. {moderator ? <Link to="/admin/categories">Add the first one</Link> : 'A coordinator will add them.'}</p>
        ) : (
          <div className="grid grid--2">
            {categories.map((c) => (
              <article key={c.slug} className="card" aria-labelledby={`category-${c.slug}`}>
                <h3 id={`category-${c.slug}`}>
                  <Link to={`/discussions/c/${c.slug}`}>{c.name}</Link>{' '}
                  {c.unread > 0 ? <span className="badge badge--ok">{c.unread} unread</span> : null}{' '}
                  {c.watching ? <span className="badge">Watching</span> : null} {c.muted ? <span className="badge">Muted</span> : null}
                </h3>
                {c.description ? <p>{c.description}</p> : null}
                <p className="meta">
                  {c.threadCount === 1 ? '1 thread' : `${c.threadCount} threads`} · {c.postCount === 1 ? '1 post' : `${c.postCount} posts`}
                </p>
                {c.latest ? (
                  <p className="meta">
                    Latest: <Link to={c.latest.url}>{c.latest.title}</Link>, <time dateTime={c.latest.lastActivityIso}>{c.latest.lastActivity}</time>
                  </p>
                ) : null}
              </article>
            ))}
          </div>
        )}
      </section>

      <section aria-labelledby="latest-title">
        <h2 id="latest-title">Latest threads</h2>
        {latest.length === 0 ? (
          <p className="empty">
            No threads yet. <Link to="/discussions/new">Start the first one</Link>.
          </p>
        ) : (
          <ThreadList threads={latest} caption="Latest threads, most recently active first" />
        )}
        {categories.some((c) => c.muted) ? <p className="meta">Threads in categories you have muted are left out of this list.</p> : null}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
