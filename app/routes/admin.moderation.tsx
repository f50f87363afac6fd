// /admin/moderation: the queue of reported posts, oldest first. A coordinator hides the post (which settles every
// report about it), resolves the report, or dismisses it. Every decision goes into the audit log.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { closeReport, getReportPostId, listReports, permalinkPath, setPostHidden } from '~/models/discussions.server';
import { requireCoordinator } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { formatDateTime } from '~/utils/time';
import { readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Moderation · Admin · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  requireCoordinator(request);
  const view = (r: ReturnType<typeof listReports>[number]) => ({
    id: r.id,
    reason: r.reason,
    status: r.status,
    reported: formatDateTime(r.createdAt),
    closed: r.resolvedAt === null ? null : formatDateTime(r.resolvedAt),
    resolverName: r.resolverName,
    reporterName: r.reporterName,
    authorName: r.authorName,
    excerpt: r.excerpt,
    postNumber: r.postNumber,
    postUrl: permalinkPath(r.threadId, r.postNumber),
    threadTitle: r.threadTitle,
    postHidden: r.postHiddenAt !== null,
    postRemoved: r.postDeletedAt !== null,
  });
  return { open: listReports('open').map(view), closed: listReports('closed', 20).map(view) };
}

export async function action({ request }: ActionFunctionArgs) {
  const coordinator = requireCoordinator(request);
  const form = await readFormData(request);
  const raw = String(form.get('reportId') ?? '');
  const reportId = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : null;
  const intent = form.get('intent');
  if (reportId === null) throw new Response('Choose a report.', { status: 400 });
  if (intent === 'hide') {
    const postId = getReportPostId(reportId);
    if (postId === undefined) throw new Response('That report no longer exists.', { status: 404 });
    const outcome = setPostHidden(coordinator, postId, true);
    if (!outcome.ok) throw new Response(outcome.message, { status: outcome.status });
    // Hiding settles the open reports about the post; this one is settled even if the post was hidden already.
    closeReport(coordinator, reportId, 'resolved');
    return redirectWithFlash(request, '/admin/moderation', 'Post hidden and its reports resolved.');
  }
  if (intent === 'resolve' || intent === 'dismiss') {
    const outcome = closeReport(coordinator, reportId, intent === 'resolve' ? 'resolved' : 'dismissed');
    if (!outcome.ok) throw new Response(outcome.message, { status: outcome.status });
    return redirectWithFlash(request, '/admin/moderation', outcome.message);
  }
  throw new Response('Choose hide, resolve or dismiss.', { status: 400 });
}

export default function Moderation() {
  const { open, closed } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <section aria-labelledby="queue-title">
        <h2 id="queue-title">Reported posts</h2>
        <p className="meta">
          Members report posts they think need a coordinator. Hide the post if it breaks the community's expectations (members then see “hidden by a
          coordinator”), resolve the report if you have dealt with it another way, or dismiss it if nothing needs doing. Threads are pinned, locked,
          moved and hidden from the thread page; categories are managed under <Link to="/admin/categories">discussion categories</Link>.
        </p>
        {open.length === 0 ? (
          <p className="empty">No reports are waiting. When a member reports a post it appears here.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Open reports, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">Post</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Reported</th>
                  <th scope="col">Decision</th>
                </tr>
              </thead>
              <tbody>
                {open.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to={r.postUrl}>
                        Post #{r.postNumber} in “{r.threadTitle}”
                      </Link>{' '}
                      by {r.authorName}
                      {r.postHidden ? (
                        <>
                          {' '}
                          <span className="badge badge--bad">Hidden</span>
                        </>
                      ) : null}
                      {r.postRemoved ? (
                        <>
                          {' '}
                          <span className="badge">Removed</span>
                        </>
                      ) : null}
                      <p className="meta">{r.excerpt}</p>
                    </td>
                    <td className="pre-wrap">{r.reason}</td>
                    <td>
                      {r.reporterName}
                      <br />
                      <span className="meta">{r.reported}</span>
                    </td>
                    <td>
                      <div className="actions">
                        {!r.postHidden ? (
                          <Form method="post" className="inline-form">
                            <input type="hidden" name="reportId" value={r.id} />
                            <input type="hidden" name="intent" value="hide" />
                            <button type="submit" className="button button--danger button--small">
                              Hide post
                            </button>
                          </Form>
                        ) : null}
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="reportId" value={r.id} />
                          <input type="hidden" name="intent" value="resolve" />
                          <button type="submit" className="button button--secondary button--small">
                            Resolve
                          </button>
                        </Form>
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="reportId" value={r.id} />
                          <input type="hidden" name="intent" value="dismiss" />
                          <button type="submit" className="button button--quiet button--small">
                            Dismiss
                          </button>
                        </Form>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="closed-title">
        <h2 id="closed-title">Recently dealt with</h2>
        {closed.length === 0 ? (
          <p className="empty">Nothing yet.</p>
        ) : (
          <ul className="list-plain">
            {closed.map((r) => (
              <li key={r.id}>
                <Link to={r.postUrl}>
                  Post #{r.postNumber} in “{r.threadTitle}”
                </Link>
                : {r.status === 'resolved' ? 'resolved' : 'dismissed'} by {r.resolverName ?? 'a coordinator'}, {r.closed}
                <p className="meta">
                  Reported by {r.reporterName}: {r.reason}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
