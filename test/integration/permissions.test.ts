// The permission module on its own: the rules table, the audiences, and the clean refusals routes and models rely on.
import { describe, expect, it } from 'vitest';
import type { Role } from '../../db/schema';
import { ACTIONS, authorize, can, reaches, refusalStatus } from '~/utils/permissions.server';

const as = (role: Role, id = 1) => ({ id, role });
const member = as('member', 11);
const manager = as('project_manager', 12);
const coordinator = as('coordinator', 13);

describe('can', () => {
  it('keeps administration to coordinators', () => {
    for (const action of ['admin:view', 'member:change-role', 'invitation:manage', 'digest:manage', 'workshop:schedule', 'discussion:moderate'] as const) {
      expect([null, member, manager, coordinator].map((u) => can(u, action)), action).toEqual([false, false, false, true]);
    }
  });

  it('shows drafts to coordinators only and published workshops to everyone', () => {
    expect([null, member, coordinator].map((u) => can(u, 'workshop:view', { status: 'draft' }))).toEqual([false, false, true]);
    expect([null, member, coordinator].map((u) => can(u, 'workshop:view', { status: 'scheduled' }))).toEqual([true, true, true]);
  });

  it('lets people change their own resources and posts, and coordinators every resource', () => {
    expect(can(member, 'resource:edit', { uploadedById: member.id })).toBe(true);
    expect(can(manager, 'resource:edit', { uploadedById: member.id })).toBe(false);
    expect(can(coordinator, 'resource:edit', { uploadedById: member.id })).toBe(true);
    const post = { authorId: member.id, deletedAt: null, hiddenAt: null };
    expect(can(member, 'post:edit', post)).toBe(true);
    expect(can(coordinator, 'post:edit', post)).toBe(false);
    expect(can(member, 'post:edit', { ...post, hiddenAt: 1 })).toBe(false);
    expect(can(member, 'post:report', post)).toBe(false);
    expect(can(manager, 'post:report', post)).toBe(true);
  });

  it('reaches public content to everyone and members-only content to signed-in people', () => {
    expect(reaches(null, 'public')).toBe(true);
    expect(reaches(null, 'members')).toBe(false);
    expect(reaches(member, 'members')).toBe(true);
    expect(reaches({ ...member, organisationId: 7 }, 'agencies', 7)).toBe(true);
    expect(can(null, 'resource:view', { visibility: 'members', organisationId: null })).toBe(false);
    expect(can(null, 'case-study:view', { id: 0, publishedAt: 1, visibility: 'public', leadOrganisationId: null })).toBe(true);
    expect(can(member, 'case-study:view', { id: 0, publishedAt: null, visibility: 'public', leadOrganisationId: null })).toBe(false);
  });
});

describe('authorize', () => {
  it('throws a 403 Response for what one may not do, and a 404 for what one may not know exists', () => {
    const thrown = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        return error;
      }
      return null;
    };
    const forbidden = thrown(() => authorize(member, 'member:change-role'));
    expect(forbidden).toBeInstanceOf(Response);
    expect((forbidden as Response).status).toBe(403);
    const hidden = thrown(() => authorize(member, 'workshop:view', { status: 'draft' }));
    expect((hidden as Response).status).toBe(404);
    expect(thrown(() => authorize(coordinator, 'member:change-role'))).toBeNull();
  });

  it('answers every action with 403 or 404', () => {
    expect(ACTIONS.length).toBeGreaterThan(30);
    for (const action of ACTIONS) expect([403, 404]).toContain(refusalStatus(action));
  });
});
