// The community map (/map): which organisations work on what. Organisations, grouped by kind, against three sets of
// topics: the tags most used on pilots and resources, the NZQF levels of micro-credentials, and the qualifications
// micro-credentials stack into. A cell counts the pilots, micro-credentials and resources behind it; an empty cell is
// a gap, and a topic nobody covers is a gap for the whole community. Built only from what the viewer may see:
// published pilots (members-only ones for members), their micro-credentials, and resources.
import { audienceSql } from './audience.server';
import { sqlite } from '../../db/client.server';
import { ORGANISATION_KINDS, type OrganisationKind } from '../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { ORGANISATION_KIND_LABELS } from '~/utils/labels';

type Viewer = Pick<SessionUser, 'id' | 'role' | 'organisationId'> | null;

/** The most used tags become columns. */
export const MAP_TAG_COLUMNS = 12;

export type TopicKind = 'tag' | 'level' | 'qualification';
export type Topic = { kind: TopicKind; value: string; label: string; key: string };

export type MapTable = {
  kind: TopicKind;
  topics: (Topic & { total: number })[];
  groups: {
    kind: OrganisationKind;
    label: string;
    rows: { organisation: { id: number; name: string; slug: string }; cells: number[] }[];
  }[];
};

export type CommunityMap = { tables: MapTable[]; focus: string | null; tagOptions: string[] };

const topicKey = (kind: TopicKind, value: string) => `${kind}:${value}`;

/** "tag:construction", "level:5", "qualification:nzde" → a topic, or null when it is not one. */
export function parseTopic(key: string): { kind: TopicKind; value: string } | null {
  const match = /^(tag|level|qualification):(.{1,80})$/s.exec(key);
  if (!match) return null;
  const [, kind, value] = match as unknown as [string, TopicKind, string];
  if (kind === 'level' && !/^(10|[1-9])$/.test(value)) return null;
  return { kind, value };
}

// What the viewer may see, as SQL over the base tables.
const visiblePilot = (alias: string, viewer: Viewer) =>
  `${alias}.published_at IS NOT NULL AND ${audienceSql(viewer, `${alias}.visibility`, `${alias}.lead_organisation_id`)}`;
const visibleResource = (alias: string, viewer: Viewer) => audienceSql(viewer, `${alias}.visibility`, `${alias}.organisation_id`);
const visibleCredential = (alias: string, viewer: Viewer) =>
  `(${alias}.case_study_id IS NULL OR EXISTS (SELECT 1 FROM case_studies vc WHERE vc.id = ${alias}.case_study_id AND ${visiblePilot('vc', viewer)}))`;

/** Pilot–organisation pairs (lead and partners) and resource–organisation pairs the viewer may see, with a tag. */
function taggedWork(viewer: Viewer, focus: string | null) {
  const focusPilot = focus ? `AND EXISTS (SELECT 1 FROM case_study_tags ft WHERE ft.case_study_id = c.id AND ft.tag = @focus)` : '';
  const focusResource = focus ? `AND EXISTS (SELECT 1 FROM resource_tags ft WHERE ft.resource_id = r.id AND ft.tag = @focus)` : '';
  return sqlite
    .prepare(
      `SELECT t.tag AS tag, o.organisation_id AS organisationId, 'pilot:' || c.id AS item
       FROM case_studies c
       JOIN case_study_tags t ON t.case_study_id = c.id
       JOIN (SELECT id AS case_study_id, lead_organisation_id AS organisation_id FROM case_studies
             UNION SELECT case_study_id, organisation_id FROM case_study_partners) o ON o.case_study_id = c.id
       WHERE ${visiblePilot('c', viewer)} ${focusPilot}
       UNION
       SELECT t.tag, r.organisation_id, 'resource:' || r.id
       FROM resources r JOIN resource_tags t ON t.resource_id = r.id
       WHERE r.organisation_id IS NOT NULL AND ${visibleResource('r', viewer)} ${focusResource}`,
    )
    .all(...(focus ? [{ focus }] : [])) as { tag: string; organisationId: number; item: string }[];
}

function credentials(viewer: Viewer, focus: string | null) {
  const focusClause = focus ? `AND EXISTS (SELECT 1 FROM case_study_tags ft WHERE ft.case_study_id = m.case_study_id AND ft.tag = @focus)` : '';
  return sqlite
    .prepare(
      `SELECT m.id, m.provider_organisation_id AS organisationId, m.nzqf_level AS level,
         (SELECT group_concat(q.code, ' ') FROM micro_credential_stacking s JOIN qualifications q ON q.id = s.qualification_id WHERE s.micro_credential_id = m.id) AS codes
       FROM micro_credentials m
       WHERE ${visibleCredential('m', viewer)} ${focusClause}`,
    )
    .all(...(focus ? [{ focus }] : [])) as { id: number; organisationId: number; level: number | null; codes: string | null }[];
}

function organisationGroups() {
  const orgs = sqlite.prepare('SELECT id, name, slug, kind FROM organisations ORDER BY name').all() as { id: number; name: string; slug: string; kind: OrganisationKind }[];
  return ORGANISATION_KINDS.map((kind) => ({ kind, label: ORGANISATION_KIND_LABELS[kind], organisations: orgs.filter((o) => o.kind === kind) })).filter(
    (g) => g.organisations.length > 0,
  );
}

/** Every tag the viewer can see on pilots and resources, most used first (for the focus filter). */
function allTags(viewer: Viewer): string[] {
  const rows = sqlite
    .prepare(
      `SELECT tag, count(*) AS n FROM (
         SELECT t.tag FROM case_study_tags t JOIN case_studies c ON c.id = t.case_study_id WHERE ${visiblePilot('c', viewer)}
         UNION ALL
         SELECT t.tag FROM resource_tags t JOIN resources r ON r.id = t.resource_id WHERE ${visibleResource('r', viewer)}
       ) GROUP BY tag ORDER BY n DESC, tag LIMIT 200`,
    )
    .all() as { tag: string; n: number }[];
  return rows.map((r) => r.tag);
}

function table(kind: TopicKind, topics: Topic[], counts: Map<string, Map<number, number>>, groups: ReturnType<typeof organisationGroups>): MapTable {
  const totals = topics.map((t) => [...(counts.get(t.key)?.values() ?? [])].reduce((a, b) => a + b, 0));
  return {
    kind,
    topics: topics.map((t, i) => ({ ...t, total: totals[i]! })),
    groups: groups.map((g) => ({
      kind: g.kind,
      label: g.label,
      rows: g.organisations.map((o) => ({
        organisation: { id: o.id, name: o.name, slug: o.slug },
        cells: topics.map((t) => counts.get(t.key)?.get(o.id) ?? 0),
      })),
    })),
  };
}

function bump(counts: Map<string, Map<number, number>>, key: string, organisationId: number) {
  const row = counts.get(key) ?? counts.set(key, new Map()).get(key)!;
  row.set(organisationId, (row.get(organisationId) ?? 0) + 1);
}

/**
 * The map for this viewer. `focus` (a tag) narrows everything to work with that tag: "who else is doing Level 5
 * micro-credentials in construction?" is the level table with the focus "construction".
 */
export function communityMap(viewer: Viewer, { focus = null }: { focus?: string | null } = {}): CommunityMap {
  const tagOptions = allTags(viewer);
  const focusTag = focus && tagOptions.includes(focus) ? focus : null;
  const groups = organisationGroups();

  // Tags: the most used (by distinct pilots and resources), as columns.
  const work = taggedWork(viewer, focusTag);
  const tagCounts = new Map<string, Map<number, number>>();
  const itemsPerTag = new Map<string, Set<string>>();
  for (const w of work) {
    bump(tagCounts, topicKey('tag', w.tag), w.organisationId);
    (itemsPerTag.get(w.tag) ?? itemsPerTag.set(w.tag, new Set()).get(w.tag)!).add(w.item);
  }
  const tags = [...itemsPerTag]
    .sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0]))
    .slice(0, MAP_TAG_COLUMNS)
    .map(([tag]) => tag)
    .sort((a, b) => a.localeCompare(b));
  const tagTopics = tags.map((tag) => ({ kind: 'tag' as const, value: tag, label: tag, key: topicKey('tag', tag) }));

  // Levels: every level from the lowest to the highest any micro-credential has, so the levels between are gaps.
  const creds = credentials(viewer, focusTag);
  const levelCounts = new Map<string, Map<number, number>>();
  const qualificationCounts = new Map<string, Map<number, number>>();
  for (const c of creds) {
    if (c.level !== null) bump(levelCounts, topicKey('level', String(c.level)), c.organisationId);
    for (const code of (c.codes ?? '').split(' ').filter(Boolean)) bump(qualificationCounts, topicKey('qualification', code), c.organisationId);
  }
  const levels = creds.map((c) => c.level).filter((l): l is number => l !== null);
  const low = levels.length ? Math.min(...levels) : 0;
  const high = levels.length ? Math.max(...levels) : -1;
  const levelTopics = Array.from({ length: high - low + 1 }, (_, i) => {
    const level = String(low + i);
    return { kind: 'level' as const, value: level, label: `Level ${level}`, key: topicKey('level', level) };
  });

  // Qualifications: all of them, so one nothing stacks into yet shows as a gap.
  const qualifications = sqlite.prepare('SELECT code, name FROM qualifications ORDER BY coalesce(nzqf_level, 99), name').all() as { code: string; name: string }[];
  const qualificationTopics = qualifications.map((q) => ({ kind: 'qualification' as const, value: q.code, label: q.name, key: topicKey('qualification', q.code) }));

  return {
    focus: focusTag,
    tagOptions,
    tables: [table('tag', tagTopics, tagCounts, groups), table('level', levelTopics, levelCounts, groups), table('qualification', qualificationTopics, qualificationCounts, groups)],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// One cell: the work behind it

export type CellItem = { title: string; url: string; detail: string };
export type MapCell = {
  organisation: { id: number; name: string; slug: string };
  topic: Topic;
  pilots: CellItem[];
  microCredentials: CellItem[];
  resources: CellItem[];
  workshops: CellItem[];
};

/** The pilots, micro-credentials, resources and workshops behind one cell, as the viewer may see them; null if unknown. */
export function mapCell(viewer: Viewer, organisationSlug: string, topicKeyText: string): MapCell | null {
  const topic = parseTopic(topicKeyText);
  const organisation = sqlite.prepare('SELECT id, name, slug FROM organisations WHERE slug = ?').get(organisationSlug) as MapCell['organisation'] | undefined;
  if (!topic || !organisation) return null;
  const params = { org: organisation.id, value: topic.value };
  let pilots: { slug: string; title: string; lead: string }[] = [];
  let micro: { name: string; slug: string | null; level: number | null; credits: number | null }[] = [];
  let resourceRows: { id: number; title: string; kind: string }[] = [];
  let label = topic.value;

  if (topic.kind === 'tag') {
    pilots = sqlite
      .prepare(
        `SELECT c.slug, c.title, lo.name AS lead FROM case_studies c JOIN organisations lo ON lo.id = c.lead_organisation_id
         WHERE ${visiblePilot('c', viewer)}
           AND EXISTS (SELECT 1 FROM case_study_tags t WHERE t.case_study_id = c.id AND t.tag = @value)
           AND (c.lead_organisation_id = @org OR EXISTS (SELECT 1 FROM case_study_partners p WHERE p.case_study_id = c.id AND p.organisation_id = @org))
         ORDER BY c.title`,
      )
      .all(params) as typeof pilots;
    resourceRows = sqlite
      .prepare(
        `SELECT r.id, r.title, r.kind FROM resources r
         WHERE r.organisation_id = @org AND ${visibleResource('r', viewer)}
           AND EXISTS (SELECT 1 FROM resource_tags t WHERE t.resource_id = r.id AND t.tag = @value)
         ORDER BY r.title`,
      )
      .all(params) as typeof resourceRows;
  } else {
    const condition =
      topic.kind === 'level'
        ? 'm.nzqf_level = @value'
        : 'EXISTS (SELECT 1 FROM micro_credential_stacking s JOIN qualifications q ON q.id = s.qualification_id WHERE s.micro_credential_id = m.id AND q.code = @value)';
    micro = sqlite
      .prepare(
        `SELECT m.name, c.slug, m.nzqf_level AS level, m.credits FROM micro_credentials m LEFT JOIN case_studies c ON c.id = m.case_study_id
         WHERE m.provider_organisation_id = @org AND ${visibleCredential('m', viewer)} AND ${condition}
         ORDER BY m.name`,
      )
      .all(params) as typeof micro;
    pilots = sqlite
      .prepare(
        `SELECT DISTINCT c.slug, c.title, lo.name AS lead FROM micro_credentials m
         JOIN case_studies c ON c.id = m.case_study_id JOIN organisations lo ON lo.id = c.lead_organisation_id
         WHERE m.provider_organisation_id = @org AND ${visiblePilot('c', viewer)} AND ${condition}
         ORDER BY c.title`,
      )
      .all(params) as typeof pilots;
    if (topic.kind === 'level') label = `Level ${topic.value}`;
    else {
      const q = sqlite.prepare('SELECT name FROM qualifications WHERE code = ?').get(topic.value) as { name: string } | undefined;
      if (!q) return null;
      label = q.name;
    }
  }
  // Workshops where this work was presented or discussed: those its resources are linked to.
  const workshops = resourceRows.length
    ? (sqlite
        .prepare(
          `SELECT DISTINCT w.slug, w.title, w.starts_at AS startsAt FROM resource_workshops rw JOIN workshops w ON w.id = rw.workshop_id
           WHERE rw.resource_id IN (SELECT value FROM json_each(?)) AND w.status <> 'draft' ORDER BY w.starts_at DESC`,
        )
        .all(JSON.stringify(resourceRows.map((r) => r.id))) as { slug: string; title: string; startsAt: number }[])
    : [];

  return {
    organisation,
    topic: { kind: topic.kind, value: topic.value, label, key: topicKey(topic.kind, topic.value) },
    pilots: pilots.map((p) => ({ title: p.title, url: `/case-studies/${p.slug}`, detail: `Led by ${p.lead}` })),
    microCredentials: micro.map((m) => ({
      title: m.name,
      url: m.slug ? `/case-studies/${m.slug}#micro-credentials` : '/micro-credentials',
      detail: [m.level !== null ? `NZQF Level ${m.level}` : '', m.credits !== null ? `${m.credits} credits` : ''].filter(Boolean).join(', '),
    })),
    resources: resourceRows.map((r) => ({ title: r.title, url: `/resources/${r.id}`, detail: '' })),
    workshops: workshops.map((w) => ({ title: w.title, url: `/workshops/${w.slug}`, detail: '' })),
  };
}
