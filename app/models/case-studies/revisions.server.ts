import { and, asc, eq, sql } from 'drizzle-orm';
import { db } from '../../../db/client.server';
import { caseStudyRevisions, type CaseStudyStatus, users, type Visibility } from '../../../db/schema';
import { once } from '~/utils/prepared.server';
import { type DiffOp, diffText } from '~/utils/diff';
import { formatDate } from '~/utils/time';
import { CASE_STUDY_STATUS_LABELS, DELIVERY_LABELS, type DeliveryMode, NZQA_STATUS_LABELS } from '../case-study-fields';
import type { NzqaStatus } from '../micro-credentials.server';
import type { OutcomeInput } from './form.server';
import type { CaseStudyDetail } from './reading.server';

// Revisions: snapshots, the fields that changed, and differences between two revisions

export type CaseStudySnapshot = {
  version: 1;
  title: string;
  leadOrganisation: string;
  partners: string[];
  managers: string[];
  status: CaseStudyStatus;
  startsOn: number | null;
  endsOn: number | null;
  funder: string;
  fundingNotes: string;
  targetAudience: string;
  problem: string;
  solution: string;
  delivery: DeliveryMode[];
  outcomes: OutcomeInput[];
  lessonsLearned: string;
  bodyMd: string;
  tags: string[];
  visibility: Visibility;
  microCredentials: {
    name: string;
    provider: string;
    credits: number | null;
    nzqfLevel: number | null;
    nzqaStatus: NzqaStatus;
    nzqaReference: string;
    stacking: { qualification: string; credits: number }[];
  }[];
};

/** Names rather than ids, so the history reads as it was even after an organisation is renamed. */
export function snapshotOf(detail: CaseStudyDetail): CaseStudySnapshot {
  return {
    version: 1,
    title: detail.title,
    leadOrganisation: detail.leadOrganisation.name,
    partners: detail.partners.map((p) => p.name),
    managers: detail.managers.map((m) => m.name),
    status: detail.status,
    startsOn: detail.startsOn,
    endsOn: detail.endsOn,
    funder: detail.funder,
    fundingNotes: detail.fundingNotes,
    targetAudience: detail.targetAudience,
    problem: detail.problem,
    solution: detail.solution,
    delivery: detail.delivery,
    outcomes: detail.outcomes.map(({ label, value, unit, asOf }) => ({ label, value, unit, asOf })),
    lessonsLearned: detail.lessonsLearned,
    bodyMd: detail.bodyMd,
    tags: detail.tags,
    visibility: detail.visibility,
    microCredentials: detail.microCredentials.map((m) => ({
      name: m.name,
      provider: m.providerName,
      credits: m.credits,
      nzqfLevel: m.nzqfLevel,
      nzqaStatus: m.nzqaStatus,
      nzqaReference: m.nzqaReference,
      stacking: m.stacking.map((s) => ({ qualification: s.name, credits: s.credits })),
    })),
  };
}

/** The fields a revision can change, in page order, with their labels. */
export const SNAPSHOT_FIELDS = [
  ['title', 'Title'],
  ['leadOrganisation', 'Lead organisation'],
  ['partners', 'Partner organisations'],
  ['managers', 'Project managers'],
  ['status', 'Status'],
  ['dates', 'Dates'],
  ['funder', 'Funder'],
  ['fundingNotes', 'Funding notes'],
  ['targetAudience', 'Target audience'],
  ['problem', 'Problem'],
  ['solution', 'Solution'],
  ['delivery', 'Delivery'],
  ['outcomes', 'Outcomes'],
  ['lessonsLearned', 'Lessons learned'],
  ['body', 'Story'],
  ['tags', 'Tags'],
  ['visibility', 'Visibility'],
  ['microCredentials', 'Micro-credentials'],
] as const;
export type SnapshotField = (typeof SNAPSHOT_FIELDS)[number][0];

const numberFormat = new Intl.NumberFormat('en-NZ', { maximumFractionDigits: 4 });
export function formatOutcomeValue(value: number | null, unit: string): string {
  return [value === null ? '' : numberFormat.format(value), unit].filter(Boolean).join(' ');
}

export function formatDates(startsOn: number | null, endsOn: number | null): string {
  if (startsOn === null && endsOn === null) return '';
  if (startsOn !== null && endsOn !== null) return `${formatDate(startsOn)} to ${formatDate(endsOn)}`;
  return startsOn !== null ? `From ${formatDate(startsOn)}` : `Until ${formatDate(endsOn!)}`;
}

function microCredentialLine(m: CaseStudySnapshot['microCredentials'][number]): string {
  const parts = [`${m.name} (${m.provider})`];
  if (m.credits !== null) parts.push(`${m.credits} credits`);
  if (m.nzqfLevel !== null) parts.push(`Level ${m.nzqfLevel}`);
  parts.push(`NZQA: ${NZQA_STATUS_LABELS[m.nzqaStatus] ?? m.nzqaStatus}${m.nzqaReference ? ` ${m.nzqaReference}` : ''}`);
  if (m.stacking.length) parts.push(`stacks into ${m.stacking.map((s) => `${s.qualification} (${s.credits} credits)`).join(', ')}`);
  return parts.join('; ');
}

/** Each field of a snapshot as the text a reader compares. */
export function snapshotTexts(s: CaseStudySnapshot): Record<SnapshotField, string> {
  return {
    title: s.title,
    leadOrganisation: s.leadOrganisation,
    partners: s.partners.join('\n'),
    managers: s.managers.join('\n'),
    status: CASE_STUDY_STATUS_LABELS[s.status] ?? s.status,
    dates: formatDates(s.startsOn, s.endsOn),
    funder: s.funder,
    fundingNotes: s.fundingNotes,
    targetAudience: s.targetAudience,
    problem: s.problem,
    solution: s.solution,
    delivery: s.delivery.map((d) => DELIVERY_LABELS[d] ?? d).join('\n'),
    outcomes: s.outcomes.map((o) => `${o.label}: ${formatOutcomeValue(o.value, o.unit) || '–'}${o.asOf !== null ? ` (as of ${formatDate(o.asOf)})` : ''}`).join('\n'),
    lessonsLearned: s.lessonsLearned,
    body: s.bodyMd,
    tags: s.tags.join(', '),
    visibility: s.visibility === 'members' ? 'Members only' : s.visibility === 'agencies' ? 'Agencies only' : 'Public',
    microCredentials: s.microCredentials.map(microCredentialLine).join('\n'),
  };
}

export function changedFieldLabels(before: CaseStudySnapshot, after: CaseStudySnapshot): string[] {
  const a = snapshotTexts(before);
  const b = snapshotTexts(after);
  return SNAPSHOT_FIELDS.filter(([key]) => a[key] !== b[key]).map(([, label]) => label);
}

export type FieldDiff = { field: SnapshotField; label: string; ops: DiffOp[]; multiline: boolean };

/** Field-by-field differences between two snapshots; unchanged fields are left out. */
export function diffSnapshots(from: CaseStudySnapshot, to: CaseStudySnapshot): FieldDiff[] {
  const a = snapshotTexts(from);
  const b = snapshotTexts(to);
  return SNAPSHOT_FIELDS.filter(([key]) => a[key] !== b[key]).map(([key, label]) => ({
    field: key,
    label,
    ops: diffText(a[key], b[key]),
    multiline: a[key].includes('\n') || b[key].includes('\n'),
  }));
}

function parseSnapshot(json: string): CaseStudySnapshot {
  const raw = JSON.parse(json) as Partial<CaseStudySnapshot>;
  // Tolerate snapshots missing a field (an older shape): an absent field reads as empty.
  return {
    version: 1,
    title: raw.title ?? '',
    leadOrganisation: raw.leadOrganisation ?? '',
    partners: raw.partners ?? [],
    managers: raw.managers ?? [],
    status: raw.status ?? 'proposed',
    startsOn: raw.startsOn ?? null,
    endsOn: raw.endsOn ?? null,
    funder: raw.funder ?? '',
    fundingNotes: raw.fundingNotes ?? '',
    targetAudience: raw.targetAudience ?? '',
    problem: raw.problem ?? '',
    solution: raw.solution ?? '',
    delivery: raw.delivery ?? [],
    outcomes: raw.outcomes ?? [],
    lessonsLearned: raw.lessonsLearned ?? '',
    bodyMd: raw.bodyMd ?? '',
    tags: raw.tags ?? [],
    visibility: raw.visibility ?? 'public',
    microCredentials: raw.microCredentials ?? [],
  };
}

const revisionsQuery = once(() =>
  db
    .select({ id: caseStudyRevisions.id, editorId: caseStudyRevisions.editorId, editorName: users.name, changedFields: caseStudyRevisions.changedFields, createdAt: caseStudyRevisions.createdAt })
    .from(caseStudyRevisions)
    .leftJoin(users, eq(users.id, caseStudyRevisions.editorId))
    .where(eq(caseStudyRevisions.caseStudyId, sql.placeholder('caseStudyId')))
    .orderBy(asc(caseStudyRevisions.id))
    .prepare(),
);

/** A case study's revisions, newest first, numbered from 1 (the first published version). */
export function listRevisions(caseStudyId: number) {
  const rows = revisionsQuery().all({ caseStudyId });
  return rows.map((r, i) => ({ ...r, number: i + 1 })).reverse();
}

const snapshotQuery = once(() =>
  db
    .select({ snapshot: caseStudyRevisions.snapshot })
    .from(caseStudyRevisions)
    .where(and(eq(caseStudyRevisions.id, sql.placeholder('revisionId')), eq(caseStudyRevisions.caseStudyId, sql.placeholder('caseStudyId'))))
    .prepare(),
);

export function getRevisionSnapshot(caseStudyId: number, revisionId: number): CaseStudySnapshot | undefined {
  const row = snapshotQuery().get({ caseStudyId, revisionId });
  return row ? parseSnapshot(row.snapshot) : undefined;
}

/** Differences between two revisions of the same case study; undefined when either is not one of its revisions. */
export function diffRevisions(caseStudyId: number, fromId: number, toId: number): FieldDiff[] | undefined {
  const from = getRevisionSnapshot(caseStudyId, fromId);
  const to = getRevisionSnapshot(caseStudyId, toId);
  if (!from || !to) return undefined;
  return diffSnapshots(from, to);
}

// ---------------------------------------------------------------------------------------------------------------
