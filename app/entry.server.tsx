import { Transform } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { StringDecoder } from 'node:string_decoder';
import type { ActionFunctionArgs, AppLoadContext, EntryContext, LoaderFunctionArgs } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { renderToPipeableStream } from 'react-dom/server';
import { requestLog } from './utils/logger.server';
import { NonceProvider } from './utils/nonce';

export const streamTimeout = 5_000;

/**
 * Every error a loader, action or render throws (not a thrown Response) comes here once: logged with its stack and
 * the request id. The browser never sees it: in production Remix sends only "Unexpected Server Error".
 */
export function handleError(error: unknown, { request }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (request.signal.aborted) return; // the client went away: not a fault of ours
  requestLog().error({ err: error }, 'unhandled error');
}

/**
 * Every document is rendered whole before a byte is sent and answered as one buffer with its length, for browsers and
 * bots alike. The portal streams nothing (no deferred data: a page's loaders have finished before it renders), so
 * nothing arrives later this way; and one buffer is compressed in one pass, where a stream cost one zlib call per
 * 2 KB chunk React flushed (issue 21: the 130 KB thread page 19.5 → 15.1 ms of CPU; see docs/decisions/014).
 */
const CLOSING = '</body></html>';

/**
 * React closes the document (`</body></html>`) when its shell is done, and Remix's data scripts come after that,
 * past `</html>`. Browsers cope, but the HTML standard has nothing after `</html>` (the W3C checker stops there).
 * This holds the closing tags back until the end, so the scripts land inside <body>.
 */
function closeDocumentLast(): Transform {
  const decoder = new StringDecoder('utf8');
  let pending = ''; // the end of what came so far, which may be the start of CLOSING split across chunks
  let held = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let text = pending + decoder.write(chunk);
      pending = '';
      if (!held) {
        const at = text.indexOf(CLOSING);
        if (at !== -1) {
          held = true;
          text = text.slice(0, at) + text.slice(at + CLOSING.length);
        } else {
          const cut = Math.max(0, text.length - (CLOSING.length - 1));
          pending = text.slice(cut);
          text = text.slice(0, cut);
        }
      }
      done(null, text);
    },
    flush(done) {
      done(null, pending + decoder.end() + (held ? CLOSING : ''));
    },
  });
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = (loadContext as { cspNonce?: string }).cspNonce ?? '';
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        onShellReady() {
          shellRendered = true;
        },
        onAllReady() {
          const body = closeDocumentLast();
          pipe(body);
          buffer(body).then((html) => {
            clearTimeout(timer);
            responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
            responseHeaders.set('Content-Length', String(html.length));
            resolve(new Response(html, { headers: responseHeaders, status: responseStatusCode }));
          }, reject);
        },
        onShellError(error: unknown) {
          clearTimeout(timer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors after the shell rendered do not reach handleError; before it, onShellError passes them on.
          if (shellRendered) requestLog().error({ err: error }, 'error while streaming a page');
        },
      },
    );
    const timer = setTimeout(abort, streamTimeout + 1000);
  });
}
