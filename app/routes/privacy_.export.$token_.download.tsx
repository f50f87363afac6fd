// POST /privacy/export/:token/download: spends the single-use link and streams the ZIP from disk (never read whole
// into memory); the file is deleted once sent. A GET (a pasted link) goes back to the page that explains the link.
import fs from 'node:fs';
import { createReadableStreamFromReadable, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { claimExportDownload } from '~/models/data-export.server';
import { requireUser } from '~/utils/auth.server';
import { contentDisposition } from '~/utils/downloads.server';
import { toDateInputValue } from '~/utils/time';

export async function loader({ params }: LoaderFunctionArgs) {
  return redirect(`/privacy/export/${encodeURIComponent(params.token ?? '')}`);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = requireUser(request);
  const token = params.token ?? '';
  const claimed = claimExportDownload(user, token);
  if (!('path' in claimed)) return redirect(`/privacy/export/${encodeURIComponent(token)}`, 303);
  const stream = fs.createReadStream(claimed.path);
  stream.once('close', claimed.finished);
  return new Response(createReadableStreamFromReadable(stream), {
    status: 200,
    headers: {
      'Content-Type': 'application/zip',
      'Content-Length': String(claimed.size),
      'Content-Disposition': contentDisposition(`my-data-${toDateInputValue(Date.now())}.zip`),
      'Cache-Control': 'no-store, no-transform',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
