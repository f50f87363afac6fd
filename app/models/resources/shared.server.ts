import { db } from '../../../db/client.server';
import { reachesAudience } from '../audience.server';
import { RESOURCE_KINDS, type ResourceKind, resources, type Visibility } from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '~/utils/search-highlight';

export type Resource = typeof resources.$inferSelect;
export type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];

export const RESOURCE_KIND_LABELS: Record<ResourceKind, string> = {
  report: 'Report',
  info_sheet: 'Info sheet',
  presentation: 'Presentation',
  template: 'Template',
  evaluation: 'Evaluation',
  programme_document: 'Programme document',
  assessment: 'Assessment',
  other: 'Other',
};

export const RESOURCE_KIND_OPTIONS = RESOURCE_KINDS.map((k) => ({ value: k as string, label: RESOURCE_KIND_LABELS[k] }));

export const VISIBILITY_LABELS: Record<Visibility, string> = {
  public: 'Public: anyone can see and download it',
  members: 'Members only',
  agencies: 'Agencies only: members of NZBED, TEC and NZQA, coordinators, and the owning organisation',
};

export const LICENCE_SUGGESTIONS = ['CC BY 4.0', 'CC BY-SA 4.0', 'CC BY-NC 4.0', 'All rights reserved'];

export const PAGE_SIZE = 20;

export { HIGHLIGHT_END, HIGHLIGHT_START };

// ---------------------------------------------------------------------------------------------------------------
// Permissions: anyone may see public resources; members see everything; members and project managers add; the
// uploader and coordinators edit, add versions and remove.

export function canViewResource(viewer: SessionUser | null, resource: Pick<Resource, 'visibility' | 'organisationId'>): boolean {
  return reachesAudience(viewer, resource.visibility, resource.organisationId);
}

export function canAddResource(viewer: SessionUser | null): viewer is SessionUser {
  return viewer !== null;
}

export function canEditResource(user: SessionUser | null, resource: Pick<Resource, 'uploadedById'>): boolean {
  if (!user) return false;
  return user.role === 'coordinator' || (resource.uploadedById !== null && resource.uploadedById === user.id);
}

// ---------------------------------------------------------------------------------------------------------------
