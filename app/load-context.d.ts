import '@remix-run/node';

declare module '@remix-run/node' {
  interface AppLoadContext {
    /** Per-request CSP nonce, set by server.ts. */
    cspNonce: string;
    /** The client's address as Express sees it (trust proxy applies), for throttling. */
    clientIp: string;
  }
}
