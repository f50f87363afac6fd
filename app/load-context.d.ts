import '@remix-run/node';
import type { Logger } from 'pino';

declare module '@remix-run/node' {
  interface AppLoadContext {
    /** Per-request CSP nonce, set by server.ts. */
    cspNonce: string;
    /** The client's address as Express sees it (trust proxy applies), for throttling. */
    clientIp: string;
    /** This request's id (also sent back as X-Request-Id). Set by server.ts; absent when a test calls a handler. */
    requestId?: string;
    /** A logger whose lines carry the request id (models reach the same one through requestLog()). */
    log?: Logger;
  }
}
