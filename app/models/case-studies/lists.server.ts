import { and, asc, desc, eq, isNotNull, isNull, ne, or, type Placeholder, sql, type SQL } from 'drizzle-orm';
import { audienceKey } from '../audience.server';
import { db } from '../../../db/client.server';
import {
  CASE_STUDY_STATUSES,
  caseStudies,
  caseStudyManagers,
  caseStudyPartners,
  type CaseStudyStatus,
  caseStudyTags,
  microCredentials,
  ORGANISATION_KINDS,
  type OrganisationKind,
  organisations,
  type Visibility,
} from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { once, oncePerKey } from '~/utils/prepared.server';
import { excerpt } from '~/utils/markdown.server';
import { publishedCaseStudyVisibleTo } from '../micro-credentials.server';
import { canCreateCaseStudy } from './shared.server';

// Lists

export type CaseStudyFilters = {
  status?: CaseStudyStatus | null;
  kind?: OrganisationKind | null;
  funder?: string | null;
  level?: number | null;
  tag?: string | null;
};

/** Reads the /case-studies filter form (GET); unknown values are dropped rather than answered with an error. */
export function parseCaseStudyFilters(params: URLSearchParams): CaseStudyFilters {
  const status = params.get('status') ?? '';
  const kind = params.get('kind') ?? '';
  const level = params.get('level') ?? '';
  const funder = (params.get('funder') ?? '').trim();
  const tag = (params.get('tag') ?? '').trim().toLowerCase();
  return {
    status: (CASE_STUDY_STATUSES as readonly string[]).includes(status) ? (status as CaseStudyStatus) : null,
    kind: (ORGANISATION_KINDS as readonly string[]).includes(kind) ? (kind as OrganisationKind) : null,
    funder: funder && funder.length <= 100 ? funder : null,
    level: /^(?:[1-9]|10)$/.test(level) ? Number(level) : null,
    tag: tag && tag.length <= 40 ? tag : null,
  };
}

export type CaseStudyListItem = {
  id: number;
  slug: string;
  title: string;
  status: CaseStudyStatus;
  visibility: Visibility;
  funder: string;
  startsOn: number | null;
  endsOn: number | null;
  leadOrganisationName: string;
  leadOrganisationSlug: string;
  summary: string;
  tags: string[];
  levels: number[];
  microCredentialCount: number;
  publishedAt: number | null;
};

const listItemColumns = {
  id: caseStudies.id,
  slug: caseStudies.slug,
  title: caseStudies.title,
  status: caseStudies.status,
  visibility: caseStudies.visibility,
  funder: caseStudies.funder,
  startsOn: caseStudies.startsOn,
  endsOn: caseStudies.endsOn,
  problem: caseStudies.problem,
  solution: caseStudies.solution,
  publishedAt: caseStudies.publishedAt,
  leadOrganisationName: organisations.name,
  leadOrganisationSlug: organisations.slug,
};

function listRowsQuery(where: SQL | undefined, order: 'published' | 'updated', limit: number | Placeholder) {
  return db
    .select(listItemColumns)
    .from(caseStudies)
    .innerJoin(organisations, eq(organisations.id, caseStudies.leadOrganisationId))
    .where(where)
    .orderBy(order === 'published' ? desc(caseStudies.publishedAt) : desc(caseStudies.updatedAt), asc(caseStudies.title))
    .limit(limit);
}

type ListRow = ReturnType<ReturnType<typeof listRowsQuery>['all']>[number];

/** The lists every view of the home page and /case-studies runs, prepared once per variant (visitor, member, drafts). */
const preparedList = oncePerKey<string, ReturnType<ReturnType<typeof listRowsQuery>['prepare']>>();

const listTagsQuery = once(() =>
  db
    .select()
    .from(caseStudyTags)
    .where(sql`${caseStudyTags.caseStudyId} in (select value from json_each(${sql.placeholder('ids')}))`)
    .orderBy(asc(caseStudyTags.tag))
    .prepare(),
);

const listCredentialsQuery = once(() =>
  db
    .select({ caseStudyId: microCredentials.caseStudyId, level: microCredentials.nzqfLevel })
    .from(microCredentials)
    .where(sql`${microCredentials.caseStudyId} in (select value from json_each(${sql.placeholder('ids')}))`)
    .prepare(),
);

function listItems(where: SQL | undefined, order: 'published' | 'updated', limit = -1): CaseStudyListItem[] {
  return withListDetails(listRowsQuery(where, order, limit).all());
}

/**
 * As listItems, through the list prepared under `key`: `where` must give the same SQL text every time for a key,
 * with anything that varies as a placeholder whose value is in `params`.
 */
export function preparedListItems(key: string, where: () => SQL, order: 'published' | 'updated', limit = -1, params: Record<string, unknown> = {}): CaseStudyListItem[] {
  const query = preparedList(`${key}:${order}`, () => listRowsQuery(where(), order, sql.placeholder('limit')).prepare());
  // A negative limit means none (drizzle leaves the clause out; SQLite reads `limit -1` the same way).
  return withListDetails(query.all({ ...params, limit: limit >= 0 ? limit : -1 }));
}

/** Groups rows by a key, keeping their order. */
function groupBy<T, K>(rows: T[], keyOf: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

function withListDetails(rows: ListRow[]): CaseStudyListItem[] {
  if (rows.length === 0) return [];
  const ids = JSON.stringify(rows.map((r) => r.id));
  const tags = groupBy(listTagsQuery().all({ ids }), (t) => t.caseStudyId);
  const credentials = groupBy(listCredentialsQuery().all({ ids }), (c) => c.caseStudyId);
  return rows.map(({ problem, solution, ...r }) => {
    const mine = credentials.get(r.id) ?? [];
    return {
      ...r,
      summary: excerpt(problem || solution, 220),
      tags: (tags.get(r.id) ?? []).map((t) => t.tag),
      levels: [...new Set(mine.map((c) => c.level).filter((l): l is number => l !== null))].sort((a, b) => a - b),
      microCredentialCount: mine.length,
    };
  });
}

function hasFilters(filters: CaseStudyFilters): boolean {
  return Boolean(filters.status || filters.funder || filters.kind || filters.level || filters.tag);
}

/** Published case studies the viewer may see, filtered; newest first. */
export function listCaseStudies(viewer: SessionUser | null, filters: CaseStudyFilters = {}): CaseStudyListItem[] {
  if (!hasFilters(filters)) return preparedListItems(audienceKey(viewer), () => publishedCaseStudyVisibleTo(viewer), 'published');
  const conditions: SQL[] = [publishedCaseStudyVisibleTo(viewer)];
  if (filters.status) conditions.push(eq(caseStudies.status, filters.status));
  if (filters.funder) conditions.push(sql`lower(${caseStudies.funder}) = lower(${filters.funder})`);
  if (filters.kind) {
    // The lead or any partner is of that kind.
    conditions.push(
      or(
        eq(organisations.kind, filters.kind),
        sql`exists (select 1 from ${caseStudyPartners} p join ${organisations} po on po.id = p.organisation_id where p.case_study_id = ${caseStudies.id} and po.kind = ${filters.kind})`,
      ) as SQL,
    );
  }
  if (filters.level) {
    conditions.push(sql`exists (select 1 from ${microCredentials} m where m.case_study_id = ${caseStudies.id} and m.nzqf_level = ${filters.level})`);
  }
  if (filters.tag) {
    conditions.push(sql`exists (select 1 from ${caseStudyTags} t where t.case_study_id = ${caseStudies.id} and t.tag = ${filters.tag})`);
  }
  return listItems(and(...conditions), 'published');
}

const filterOptionQueries = oncePerKey<string, ReturnType<typeof buildFilterOptionQueries>>();

function buildFilterOptionQueries(visible: SQL) {
  return {
    funders: db
      .selectDistinct({ funder: caseStudies.funder })
      .from(caseStudies)
      .where(and(visible, ne(caseStudies.funder, '')))
      .orderBy(asc(caseStudies.funder))
      .prepare(),
    tags: db
      .selectDistinct({ tag: caseStudyTags.tag })
      .from(caseStudyTags)
      .innerJoin(caseStudies, eq(caseStudies.id, caseStudyTags.caseStudyId))
      .where(visible)
      .orderBy(asc(caseStudyTags.tag))
      .prepare(),
    levels: db
      .selectDistinct({ level: microCredentials.nzqfLevel })
      .from(microCredentials)
      .innerJoin(caseStudies, eq(caseStudies.id, microCredentials.caseStudyId))
      .where(and(visible, isNotNull(microCredentials.nzqfLevel)))
      .orderBy(asc(microCredentials.nzqfLevel))
      .prepare(),
  };
}

/** What the filter form offers: the funders, tags and NZQF levels found on case studies the viewer can see. */
export function caseStudyFilterOptions(viewer: SessionUser | null) {
  const q = filterOptionQueries(audienceKey(viewer), () => buildFilterOptionQueries(publishedCaseStudyVisibleTo(viewer)));
  const funders = q.funders.all().map((r) => r.funder);
  const tags = q.tags.all().map((r) => r.tag);
  const levels = q.levels.all().map((r) => r.level!);
  return { funders: [...new Set(funders)], tags, levels };
}

/** Drafts this person may edit: every draft for a coordinator, their own pilots' drafts for a project manager. */
export function draftsFor(viewer: SessionUser | null): CaseStudyListItem[] {
  if (!canCreateCaseStudy(viewer)) return [];
  if (viewer!.role === 'coordinator') return preparedListItems('drafts', () => isNull(caseStudies.publishedAt) as SQL, 'updated');
  return preparedListItems(
    'managerDrafts',
    () =>
      and(
        isNull(caseStudies.publishedAt),
        sql`exists (select 1 from ${caseStudyManagers} cm where cm.case_study_id = ${caseStudies.id} and cm.user_id = ${sql.placeholder('userId')})`,
      ) as SQL,
    'updated',
    -1,
    { userId: viewer!.id },
  );
}

/** The published pilots an organisation leads or partners in (for its directory page), as the viewer may see them. */
export function caseStudiesForOrganisation(organisationId: number, viewer: SessionUser | null = null) {
  const partnerOf = sql`exists (select 1 from ${caseStudyPartners} p where p.case_study_id = ${caseStudies.id} and p.organisation_id = ${organisationId})`;
  const rows = listItems(and(publishedCaseStudyVisibleTo(viewer), or(eq(caseStudies.leadOrganisationId, organisationId), partnerOf)), 'published');
  const leads = new Set(
    db.select({ id: caseStudies.id }).from(caseStudies).where(eq(caseStudies.leadOrganisationId, organisationId)).all().map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, role: leads.has(r.id) ? ('lead' as const) : ('partner' as const) }));
}

// ---------------------------------------------------------------------------------------------------------------
