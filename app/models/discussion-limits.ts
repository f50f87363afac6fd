// Discussion limits shared by the server (validation) and the pages (hints): no server-only imports here.
export const POSTS_PER_PAGE = 50;
export const THREADS_PER_PAGE = 30;
export const TITLE_MAX = 200;
export const BODY_MAX = 20_000;
export const REPORT_REASON_MAX = 1000;
export const POST_RATE_LIMIT = { limit: 10, windowMs: 60_000 };
