// Audience tiers (issue 18): who a piece of content reaches. One rule, here, in two forms that must agree: a
// function for one thing (pages, downloads) and an SQL condition for lists (library, case studies, search, radar,
// map). The permissions module (app/utils/permissions.server.ts, `reaches`) can fold this in when it lands.
//
//   public    everyone, visitors too
//   members   anyone signed in (the default)
//   agencies  members whose organisation is NZBED, TEC or NZQA, coordinators, and the owning organisation
import { sqlite } from '../../db/client.server';
import type { OrganisationKind, Visibility } from '../../db/schema';
import type { SessionUser } from '~/utils/auth.server';

export const AGENCY_KINDS: readonly OrganisationKind[] = ['nzbed', 'tec', 'nzqa'];

type Viewer = Pick<SessionUser, 'role' | 'organisationId'> | null | undefined;

function organisationKind(organisationId: number | undefined): OrganisationKind | null {
  if (typeof organisationId !== 'number' || !Number.isInteger(organisationId)) return null;
  const row = sqlite.prepare('select kind from organisations where id = ?').get(organisationId) as { kind: OrganisationKind } | undefined;
  return row?.kind ?? null;
}

/** Whether the viewer may see agencies-only material in general (not counting their own organisation's). */
export function isAgencyViewer(viewer: Viewer): boolean {
  if (!viewer) return false;
  if (viewer.role === 'coordinator') return true;
  const kind = organisationKind(viewer.organisationId);
  return kind !== null && AGENCY_KINDS.includes(kind);
}

/** The tier rule for one thing: does `audience`, owned by `owningOrganisationId`, reach `viewer`? */
export function reachesAudience(viewer: Viewer, audience: Visibility, owningOrganisationId: number | null): boolean {
  if (audience === 'public') return true;
  if (!viewer) return false;
  if (audience === 'members') return true;
  return isAgencyViewer(viewer) || (owningOrganisationId !== null && owningOrganisationId === viewer.organisationId);
}

/**
 * The same rule as an SQL condition over a visibility column and an owning-organisation column: constant text for
 * a given viewer class (so statements stay cached), with the viewer's organisation inlined as a number.
 */
export function audienceSql(viewer: Viewer, visibilityColumn: string, organisationColumn: string): string {
  if (!viewer) return `${visibilityColumn} = 'public'`;
  if (isAgencyViewer(viewer)) return '1 = 1';
  return `(${visibilityColumn} <> 'agencies' OR ${organisationColumn} = ${organisationNumber(viewer)})`;
}

/** A key naming the viewer's class for statements prepared once per SQL text (the condition above differs by class). */
export function audienceKey(viewer: Viewer): string {
  if (!viewer) return 'visitor';
  return isAgencyViewer(viewer) ? 'agency' : `org${organisationNumber(viewer)}`;
}

/** The viewer's organisation id as an SQL number literal (-1, matching nothing, if a caller passed none). */
function organisationNumber(viewer: NonNullable<Viewer>): number {
  return Number.isInteger(viewer.organisationId) ? viewer.organisationId : -1;
}
