import { asc, sql } from 'drizzle-orm';
import { audienceSql } from '../audience.server';
import { db, sqlite } from '../../../db/client.server';
import { RESOURCE_KINDS, type ResourceKind, resourceTags, VISIBILITIES, type Visibility } from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { once } from '~/utils/prepared.server';
import { toFtsQuery } from '~/utils/fts-query';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '~/utils/search-highlight';
import { getZonedParts, parseDateInput } from '~/utils/time';
import { PAGE_SIZE } from './shared.server';

// Lists and search ---------------------------------------------------------------------------------------------

export type LibrarySort = 'newest' | 'downloads' | 'relevance';

export type LibraryFilters = {
  q?: string;
  kind?: ResourceKind;
  /** Organisation slug. */
  organisation?: string;
  year?: number;
  tag?: string;
  visibility?: Visibility;
  /** Only resources whose review-by date has passed. */
  overdue?: boolean;
  sort?: LibrarySort;
  page?: number;
};

export type ResourceListItem = {
  id: number;
  title: string;
  kind: ResourceKind;
  authors: string;
  summary: string;
  visibility: Visibility;
  publishedOn: number | null;
  reviewBy: number | null;
  externalUrl: string | null;
  downloadCount: number;
  createdAt: number;
  organisationName: string | null;
  organisationSlug: string | null;
  versionNumber: number | null;
  mimeType: string | null;
  size: number | null;
  tags: string[];
  /** With a search: a short passage around the match, matches between HIGHLIGHT_START and HIGHLIGHT_END. */
  snippet: string | null;
};

/** The first instant of a year in New Zealand, and of the next. */
function yearBounds(year: number): [number, number] {
  const start = parseDateInput(`${String(year).padStart(4, '0')}-01-01`);
  const end = parseDateInput(`${String(year + 1).padStart(4, '0')}-01-01`);
  if (!start.ok || !end.ok) return [0, 0];
  return [start.date.getTime(), end.date.getTime()];
}

/** Reads the library's query string (?q=&kind=&organisation=&year=&tag=&visibility=&review=overdue&sort=&page=). */
export function filtersFromSearchParams(params: URLSearchParams, viewer: SessionUser | null): LibraryFilters {
  const text = (name: string, max = 200) => (params.get(name) ?? '').trim().slice(0, max);
  const kind = text('kind');
  const visibility = text('visibility');
  const year = text('year');
  const sort = text('sort');
  const page = text('page');
  return {
    q: text('q', 300) || undefined,
    kind: (RESOURCE_KINDS as readonly string[]).includes(kind) ? (kind as ResourceKind) : undefined,
    organisation: text('organisation', 100) || undefined,
    year: /^\d{4}$/.test(year) ? Number(year) : undefined,
    tag: text('tag', 40).toLowerCase() || undefined,
    // Visitors see public resources only, so the choice means nothing to them.
    visibility: viewer && (VISIBILITIES as readonly string[]).includes(visibility) ? (visibility as Visibility) : undefined,
    overdue: viewer !== null && params.get('review') === 'overdue',
    sort: sort === 'downloads' || sort === 'newest' || sort === 'relevance' ? sort : undefined,
    page: /^\d{1,5}$/.test(page) && Number(page) > 0 ? Number(page) : 1,
  };
}

/**
 * The library, filtered and sorted, with a search when `q` is given (sorted by relevance unless another sort is
 * chosen). Members-only resources are left out for visitors. Returns one page and whether there are more.
 */
export function listResources(viewer: SessionUser | null, filters: LibraryFilters = {}, now = Date.now()): { items: ResourceListItem[]; hasMore: boolean; searched: boolean } {
  const where: string[] = [];
  const params: Record<string, string | number> = {};
  where.push(audienceSql(viewer, 'r.visibility', 'r.organisation_id'));
  if (viewer && filters.visibility) {
    where.push('r.visibility = @visibility');
    params.visibility = filters.visibility;
  }
  if (filters.kind) {
    where.push('r.kind = @kind');
    params.kind = filters.kind;
  }
  if (filters.organisation) {
    where.push('o.slug = @organisation');
    params.organisation = filters.organisation;
  }
  if (filters.year) {
    const [from, to] = yearBounds(filters.year);
    where.push('r.published_on >= @yearFrom and r.published_on < @yearTo');
    params.yearFrom = from;
    params.yearTo = to;
  }
  if (filters.tag) {
    where.push('exists (select 1 from resource_tags t where t.resource_id = r.id and t.tag = @tag)');
    params.tag = filters.tag;
  }
  if (filters.overdue && viewer) {
    where.push('r.review_by is not null and r.review_by < @now');
    params.now = now;
  }
  const match = filters.q ? toFtsQuery(filters.q) : null;
  if (filters.q && !match) return { items: [], hasMore: false, searched: true };
  if (match) params.match = match;

  const sort = filters.sort ?? (match ? 'relevance' : 'newest');
  const order =
    sort === 'relevance' && match
      ? 'bm25(resources_fts, 10.0, 4.0, 4.0, 4.0, 1.0), r.id desc'
      : sort === 'downloads'
        ? 'r.download_count desc, coalesce(r.published_on, r.created_at) desc, r.id desc'
        : 'coalesce(r.published_on, r.created_at) desc, r.id desc';
  const page = Math.max(1, filters.page ?? 1);
  params.limit = PAGE_SIZE + 1;
  params.offset = (page - 1) * PAGE_SIZE;
  params.hlStart = HIGHLIGHT_START;
  params.hlEnd = HIGHLIGHT_END;

  const from = match
    ? `resources_fts join resources r on r.id = resources_fts.rowid`
    : `resources r`;
  if (match) where.push('resources_fts match @match');
  const rows = sqlite
    .prepare(
      `select r.id, r.title, r.kind, r.authors, r.summary, r.visibility, r.published_on as publishedOn, r.review_by as reviewBy,
        r.external_url as externalUrl, r.download_count as downloadCount, r.created_at as createdAt,
        o.name as organisationName, o.slug as organisationSlug,
        ${match ? `snippet(resources_fts, -1, @hlStart, @hlEnd, '…', 14)` : 'null'} as snippet
      from ${from}
      left join organisations o on o.id = r.organisation_id
      ${where.length ? `where ${where.join(' and ')}` : ''}
      order by ${order}
      limit @limit offset @offset`,
    )
    .all(params) as Omit<ResourceListItem, 'tags' | 'versionNumber' | 'mimeType' | 'size'>[];
  const hasMore = rows.length > PAGE_SIZE;
  const pageRows = rows.slice(0, PAGE_SIZE);
  const ids = pageRows.map((r) => r.id);
  // The current file and the tags are read for the page only: joined in the query above, the current-version lookup
  // ran for every resource in the library before the sort (28 ms of 30 on the bench's 5,000 resources).
  const tags = tagsFor(ids);
  const files = currentFilesFor(ids);
  return {
    items: pageRows.map((r) => {
      const file = files.get(r.id);
      return { ...r, versionNumber: file?.versionNumber ?? null, mimeType: file?.mimeType ?? null, size: file?.size ?? null, tags: tags.get(r.id) ?? [] };
    }),
    hasMore,
    searched: match !== null,
  };
}

// The library, the home page and the workshop and case-study pages run these reads on every view: their statements
// are prepared once (drizzle building the SQL cost more than running it), with the ids as one JSON array (json_each).
const currentFilesQuery = once(() =>
  sqlite.prepare<[string], { resourceId: number; versionNumber: number; mimeType: string | null; size: number | null }>(
    `select v.resource_id as resourceId, v.version_number as versionNumber, f.mime_type as mimeType, f.size as size
       from resource_versions v left join stored_files f on f.sha256 = v.sha256
       where v.resource_id in (select value from json_each(?))
         and v.version_number = (select max(v2.version_number) from resource_versions v2 where v2.resource_id = v.resource_id)`,
  ),
);

/** The current (highest-numbered) version of each of these resources, with its file's type and size. */
function currentFilesFor(ids: number[]): Map<number, { versionNumber: number; mimeType: string | null; size: number | null }> {
  const map = new Map<number, { versionNumber: number; mimeType: string | null; size: number | null }>();
  if (!ids.length) return map;
  const rows = currentFilesQuery().all(JSON.stringify(ids));
  for (const { resourceId, ...file } of rows) map.set(resourceId, file);
  return map;
}

const tagsQuery = once(() =>
  db
    .select()
    .from(resourceTags)
    .where(sql`${resourceTags.resourceId} in (select value from json_each(${sql.placeholder('ids')}))`)
    .orderBy(asc(resourceTags.tag))
    .prepare(),
);

function tagsFor(ids: number[]): Map<number, string[]> {
  const map = new Map<number, string[]>();
  if (!ids.length) return map;
  const rows = tagsQuery().all({ ids: JSON.stringify(ids) });
  for (const row of rows) (map.get(row.resourceId) ?? map.set(row.resourceId, []).get(row.resourceId)!).push(row.tag);
  return map;
}

/** Full-text search over titles, summaries, authors, tags and the text inside files, best match first. */
export function searchResources(query: string, viewer: SessionUser | null, filters: Omit<LibraryFilters, 'q'> = {}) {
  return listResources(viewer, { ...filters, q: query });
}

/** Choices for the library's filters, drawn from what this viewer can see. */
export function libraryFilterOptions(viewer: SessionUser | null) {
  // Members see every resource, so only a visitor's lists need each resource's visibility (and the joins that read
  // it). Counting and grouping stay in SQL: reading every row into JavaScript cost 30 ms on 5,000 resources.
  const visible = audienceSql(viewer, 'r.visibility', 'r.organisation_id');
  const publicOnly = visible === '1 = 1' ? '' : ` and ${visible}`;
  const orgs = sqlite
    .prepare(`select o.slug, o.name from organisations o where exists (select 1 from resources r where r.organisation_id = o.id${publicOnly}) order by o.name asc`)
    .all() as { slug: string; name: string }[];
  // From the newest year of publication to the oldest, in New Zealand (two index lookups; reading every resource's
  // date cost 12 ms on 5,000). A year in between with nothing published simply finds nothing.
  const range = sqlite
    .prepare(
      `select (select min(r.published_on) from resources r where r.published_on is not null${publicOnly}) as first,
              (select max(r.published_on) from resources r where r.published_on is not null${publicOnly}) as last`,
    )
    .get() as { first: number | null; last: number | null };
  const years: number[] = [];
  if (range.first !== null && range.last !== null) {
    for (let y = getZonedParts(range.last).year; y >= getZonedParts(range.first).year && years.length < 100; y--) years.push(y);
  }
  const tags = sqlite
    .prepare(
      !publicOnly
        ? `select tag, count(*) as count from resource_tags group by tag order by tag asc limit 100`
        : `select t.tag, count(*) as count from resource_tags t join resources r on r.id = t.resource_id where 1 = 1${publicOnly} group by t.tag order by t.tag asc limit 100`,
    )
    .all() as { tag: string; count: number }[];
  return { organisations: orgs, years, tags };
}
