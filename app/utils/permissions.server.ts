// Who may do what: the one module that answers `can(user, action, thing)` for every action in the portal. Routes ask
// it before acting (through requireAllowed), loaders ask it to decide which buttons to show, and every model function
// that writes asks it again with the acting user (through authorize), so a route that forgets cannot open a hole.
// Rules of the domain that are not about who is asking (no withdrawal after the event, attendance only once a workshop
// has started) live in the models. See docs/decisions/008-permissions.md.
import type { Role, Visibility, WorkshopStatus } from '../../db/schema';
import { reachesAudience } from '../models/audience.server';
import { sqlite } from '../../db/client.server';
import { getAuth, requireUser, type SessionUser } from './auth.server';
import { requireAdminSecondFactor } from './second-factor.server';

/** Whoever is asking: a signed-in person (id, role and, for audience tiers, organisation), or nobody (a visitor). */
export type Actor = (Pick<SessionUser, 'id' | 'role'> & Partial<Pick<SessionUser, 'organisationId'>>) | null | undefined;

// ---------------------------------------------------------------------------------------------------------------
// Audiences: who content reaches (public, members, agencies only). The tier rule itself, with its SQL twin for lists,
// is app/models/audience.server.ts; everything that decides for one thing asks through here.

/** Whether content for `audience`, owned by `owningOrganisationId`, reaches this person. */
export function reaches(user: Actor, audience: Visibility, owningOrganisationId: number | null = null): boolean {
  return reachesAudience(user, audience, owningOrganisationId);
}

// ---------------------------------------------------------------------------------------------------------------
// Actions and the thing each one is about

type PostFacts = { authorId: number | null; deletedAt: number | null; hiddenAt: number | null };

/** Every action, mapped to the thing it needs (`void`: none). */
export type Things = {
  // Administration: the admin area, the audit log, reports and exports, captured mail (while mail goes to files).
  'admin:view': void;
  'member:change-role': void;
  'member:deactivate': void;
  'member:erase': void; // decide erasure requests, erase an account
  'organisation:manage': void;
  'invitation:manage': void;
  'join-request:decide': void;
  'digest:manage': void;
  // The member directory and the look-alike radar are for signed-in members.
  'member:view': void;
  'radar:use': void;
  // Workshops
  'workshop:view': { status: WorkshopStatus };
  'workshop:schedule': void; // create, edit, publish, cancel, complete
  'workshop:rsvp': { status: WorkshopStatus };
  'workshop:see-attendees': void; // the coordinator's list with needs and emails, the CSV, the joining link
  'workshop:mark-attendance': void;
  'workshop:write-record': void;
  // Pilot case studies (and the micro-credentials they award)
  'case-study:view': { id: number; publishedAt: number | null; visibility: Visibility; leadOrganisationId: number | null };
  'case-study:create': void; // also the "similar work" check while writing one
  'case-study:edit': { id: number };
  'case-study:view-all-drafts': void;
  'case-study:hand-over': void; // choose a pilot's project managers freely (others must keep themselves in the list)
  // The resource library
  'resource:view': { visibility: Visibility; organisationId: number | null };
  'resource:add': void;
  'resource:edit': { uploadedById: number | null }; // edit, add a version, remove
  // Discussions
  'discussion:read': void;
  'discussion:moderate': void; // pin, lock, move, hide, categories, reports, hidden threads and posts
  'thread:view': { hiddenAt: number | null };
  'thread:start': void;
  'thread:reply': { hiddenAt: number | null; lockedAt: number | null };
  'post:read': { hiddenAt: number | null };
  'post:edit': PostFacts;
  'post:delete': PostFacts;
  'post:report': PostFacts;
};
export type Action = keyof Things;
type ThingArg<A extends Action> = Things[A] extends void ? [] : [thing: Things[A]];

const is = (user: Actor, ...roles: Role[]) => !!user && roles.includes(user.role);
const coordinator = (user: Actor) => is(user, 'coordinator');
const signedIn = (user: Actor) => !!user;

const managesCaseStudy = (() => {
  let stmt: ReturnType<typeof sqlite.prepare<[number, number]>> | undefined;
  return (userId: number, caseStudyId: number) => {
    stmt ??= sqlite.prepare('select 1 from case_study_managers where case_study_id = ? and user_id = ?');
    return stmt.get(caseStudyId, userId) !== undefined;
  };
})();

const RULES: { [A in Action]: (user: Actor, thing: Things[A]) => boolean } = {
  'admin:view': coordinator,
  'member:change-role': coordinator,
  'member:deactivate': coordinator,
  'member:erase': coordinator,
  'organisation:manage': coordinator,
  'invitation:manage': coordinator,
  'join-request:decide': coordinator,
  'digest:manage': coordinator,
  'member:view': signedIn,
  'radar:use': signedIn,

  'workshop:view': (user, w) => w.status !== 'draft' || coordinator(user),
  'workshop:schedule': coordinator,
  'workshop:rsvp': (user, w) => signedIn(user) && w.status !== 'draft',
  'workshop:see-attendees': coordinator,
  'workshop:mark-attendance': coordinator,
  'workshop:write-record': coordinator,

  // Published: whoever the audience reaches. Drafts: their editors only.
  'case-study:view': (user, c) => (c.publishedAt !== null && reaches(user, c.visibility, c.leadOrganisationId)) || RULES['case-study:edit'](user, c),
  'case-study:create': (user) => is(user, 'project_manager', 'coordinator'),
  // The pilot's own project managers (while they are project managers) and coordinators.
  'case-study:edit': (user, c) => coordinator(user) || (is(user, 'project_manager') && managesCaseStudy(user!.id, c.id)),
  'case-study:view-all-drafts': coordinator,
  'case-study:hand-over': coordinator,

  'resource:view': (user, r) => reaches(user, r.visibility, r.organisationId),
  'resource:add': signedIn,
  'resource:edit': (user, r) => coordinator(user) || (!!user && r.uploadedById !== null && r.uploadedById === user.id),

  'discussion:read': signedIn,
  'discussion:moderate': coordinator,
  'thread:view': (user, t) => signedIn(user) && (t.hiddenAt === null || coordinator(user)),
  'thread:start': signedIn,
  'thread:reply': (user, t) => RULES['thread:view'](user, t) && t.lockedAt === null,
  'post:read': (user, p) => signedIn(user) && (p.hiddenAt === null || coordinator(user)),
  // Members edit and remove their own posts only, while a post is neither removed nor hidden by a coordinator.
  'post:edit': (user, p) => !!user && p.authorId === user.id && p.deletedAt === null && p.hiddenAt === null,
  'post:delete': (user, p) => RULES['post:edit'](user, p),
  // Anyone may report someone else's post while it is there and not already hidden.
  'post:report': (user, p) => !!user && p.authorId !== user.id && p.deletedAt === null && p.hiddenAt === null,
};

/** The names of every action, for tests and documentation. */
export const ACTIONS = Object.keys(RULES) as Action[];

/** Whether this person may do this to this thing. */
export function can<A extends Action>(user: Actor, action: A, ...[thing]: ThingArg<A>): boolean {
  return RULES[action](user, thing as Things[A]);
}

// ---------------------------------------------------------------------------------------------------------------
// Refusing cleanly

/** Things one may not know exist answer 404; everything else 403. */
const NOT_FOUND_ACTIONS = new Set<Action>(['workshop:view', 'case-study:view', 'resource:view', 'thread:view', 'post:read']);

const MESSAGES: Partial<Record<Action, string>> = {
  'workshop:view': 'There is no workshop at this address.',
  'case-study:view': 'There is no case study at this address.',
  'resource:view': 'There is no resource at this address.',
  'thread:view': 'There is no discussion at this address.',
  'post:read': 'That post no longer exists.',
  'case-study:create': 'Only project managers and coordinators can write up a pilot.',
  'case-study:edit': 'Only the pilot’s project managers and coordinators can edit it.',
  'resource:edit': 'Only the person who added this resource, or a coordinator, can change it.',
  'post:edit': 'You can edit your own posts only.',
  'post:delete': 'You can remove your own posts only.',
  'radar:use': 'Sign in to see similar work.',
};

/** The status a refusal of this action answers with: 404 for things one may not know exist, 403 otherwise. */
export function refusalStatus(action: Action): 403 | 404 {
  return NOT_FOUND_ACTIONS.has(action) ? 404 : 403;
}

/** The sentence a refusal of this action shows. */
export function refusalMessage(action: Action): string {
  return MESSAGES[action] ?? (RULES[action] === coordinator ? 'Only coordinators can do this.' : 'You cannot do this.');
}

/**
 * Throws a clean 403 (or 404 for things one may not know exist) unless the person may do this. Model functions that
 * write call it with the acting user, so a route that forgets to check cannot open a hole.
 */
export function authorize<A extends Action>(user: Actor, action: A, ...thing: ThingArg<A>): void {
  if (!can(user, action, ...thing)) throw new Response(refusalMessage(action), { status: refusalStatus(action) });
}

/**
 * For routes: the signed-in person, if they may do this. Visitors go to sign in (and come back); signed-in people who
 * may not get a 403 or 404 from authorize. Coordinators-only actions also need the coordinator's second factor (or
 * its grace period; a step-up after twelve hours: docs/decisions/011-second-factors.md).
 */
export function requireAllowed<A extends Action>(request: Request, action: A, ...thing: ThingArg<A>): SessionUser {
  const user = requireUser(request);
  authorize(user, action, ...thing);
  if (RULES[action] === coordinator) requireAdminSecondFactor(request, user, getAuth(request)!.session);
  return user;
}
