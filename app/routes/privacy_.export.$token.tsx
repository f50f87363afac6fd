// /privacy/export/:token: the emailed link to a member's data. Opening it spends nothing (mail scanners open links);
// the button posts to the download route, which spends the link and streams the ZIP. Used or expired: a clear page.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useLoaderData, useParams } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { withDescription } from '~/utils/meta';
import { describeExportLink } from '~/models/data-export.server';
import { requireUser } from '~/utils/auth.server';
import { formatDateTime } from '~/utils/time';
import { formatBytes } from '~/utils/uploads.server';

export const meta: MetaFunction = () => withDescription([{ title: 'Download my data · Micro-credentials CoP' }]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const link = describeExportLink(user, params.token ?? '');
  const status = link.state === 'ready' ? 200 : link.state === 'unknown' || link.state === 'not-yours' ? 404 : 410;
  return data(
    {
      state: link.state,
      expiresAt: link.state === 'ready' ? formatDateTime(link.expiresAt) : null,
      size: link.state === 'ready' ? formatBytes(link.size) : null,
    },
    // The site-wide Referrer-Policy (strict-origin-when-cross-origin) keeps the token out of other sites' logs; a
    // stricter no-referrer here would make the browser send "Origin: null" on the form post, which the cross-site
    // check refuses.
    { status },
  );
}

export default function ExportLinkPage() {
  const d = useLoaderData<typeof loader>();
  const { token } = useParams();
  return (
    <div className="stack prose">
      <h1>Download my data</h1>
      {d.state === 'ready' ? (
        <>
          <p>
            Your data is ready: one ZIP file ({d.size}) with your records as JSON, the files you uploaded, and a README explaining each file. The
            link works once: after you download, it is spent. It expires {d.expiresAt}.
          </p>
          <Form method="post" action={`/privacy/export/${encodeURIComponent(token ?? '')}/download`} reloadDocument>
            <button type="submit" className="button">
              Download the ZIP
            </button>
          </Form>
        </>
      ) : d.state === 'used' ? (
        <p className="notice" role="status">
          This link has already been used: each download link works once. If you need another copy, ask again at{' '}
          <Link to="/settings/privacy">Settings → Privacy</Link>.
        </p>
      ) : d.state === 'expired' ? (
        <p className="notice" role="status">
          This link has expired, and the copy it pointed to has been deleted. Ask for a new copy at <Link to="/settings/privacy">Settings → Privacy</Link>.
        </p>
      ) : (
        <p className="notice" role="status">
          This download link is not valid for your account. Links work only for the person who asked, while signed in. You can ask for a copy of your
          own data at <Link to="/settings/privacy">Settings → Privacy</Link>.
        </p>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
