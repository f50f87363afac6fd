import { db } from '../../../db/client.server';
import { caseStudies } from '../../../db/schema';
import type { Tx } from '../micro-credentials.server';

export type CaseStudy = typeof caseStudies.$inferSelect;
export type Reader = Tx | typeof db;

// The case-study page, the list and the home page run these reads on every view: each query is built and prepared once
// (drizzle building the SQL cost more than running it), with placeholders for what varies and a JSON array (read with
// json_each) for a list of ids. Queries that take a reader are prepared on `db` and built afresh for a transaction.

/** Slugs that are pages of their own under /case-studies/. */
export const RESERVED_SLUGS = new Set(['new', 'similar']);

// Who may create, edit and see a case study: app/utils/permissions.server.ts.
