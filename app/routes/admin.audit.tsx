import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { Pagination } from '~/components/pagination';
import { listAuditLog } from '~/models/audit.server';
import { requireCoordinator } from '~/utils/auth.server';
import { pageParam } from '~/utils/http.server';
import { formatDateTime } from '~/utils/time';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Audit log · Admin · Micro-credentials CoP' }]);

const PAGE_SIZE = 100;

export async function loader({ request }: LoaderFunctionArgs) {
  requireCoordinator(request);
  const page = pageParam(new URL(request.url));
  const rows = listAuditLog({ limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
  return {
    page,
    hasMore: rows.length > PAGE_SIZE,
    entries: rows.slice(0, PAGE_SIZE).map((e) => ({
      id: e.id,
      when: formatDateTime(e.createdAt),
      who: e.actorName ?? 'System',
      action: e.action,
      summary: e.summary,
    })),
  };
}

export default function AuditLog() {
  const { entries, page, hasMore } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h2>Audit log</h2>
      <p className="meta">Every change made in admin, newest first. Entries cannot be edited or removed.</p>
      {entries.length === 0 ? (
        <p className="empty">Nothing has been recorded yet.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Admin actions, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Summary</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>{e.when}</td>
                  <td>{e.who}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>{e.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={page} hasMore={hasMore} label="Audit log pages" />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
