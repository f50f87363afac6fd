// A small community for the digest tests, written straight into the test database with chosen timestamps (so
// "new since" is exact): four organisations, members in every state a digest cares about, and a week of activity.
// Also: calling a route's loader or action the way Remix does, and signing a member in.
import { eq } from 'drizzle-orm';
import { db } from '../../db/client.server';
import {
  caseStudies,
  caseStudyRevisions,
  discussionCategories,
  microCredentials,
  organisations,
  posts,
  resources,
  rsvps,
  threads,
  users,
  workshopActionItems,
  workshopAudienceOrganisations,
  workshopDecisions,
  workshops,
  type OrganisationKind,
  type Role,
} from '../../db/schema';
import { createSession, generateToken } from '../../app/utils/auth.server';

export const DAY = 24 * 60 * 60 * 1000;

export function addOrganisation(name: string, kind: OrganisationKind, createdAt: number): number {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return db.insert(organisations).values({ name, slug, kind, description: `${name} works on micro-credentials.`, createdAt }).returning({ id: organisations.id }).get().id;
}

export function addMember(
  email: string,
  name: string,
  organisationId: number,
  opts: { role?: Role; createdAt?: number; frequency?: 'weekly' | 'fortnightly' | 'monthly' | 'off'; deactivatedAt?: number | null; bouncedAt?: number | null; interests?: string } = {},
): number {
  return db
    .insert(users)
    .values({
      email,
      name,
      organisationId,
      role: opts.role ?? 'member',
      // A coordinator's second-factor grace period starts now, so admin pages open on a password (docs/decisions/011).
      roleGivenAt: opts.role === 'coordinator' ? Date.now() : null,
      createdAt: opts.createdAt ?? Date.now() - 400 * DAY,
      digestFrequency: opts.frequency ?? 'weekly',
      deactivatedAt: opts.deactivatedAt ?? null,
      emailBouncedAt: opts.bouncedAt ?? null,
      interests: opts.interests ?? '',
    })
    .returning({ id: users.id })
    .get().id;
}

export function addWorkshop(
  slug: string,
  title: string,
  opts: { startsAt: number; capacity?: number; status?: 'draft' | 'scheduled' | 'completed'; audienceOrganisationIds?: number[]; createdAt?: number; recordUpdatedAt?: number | null },
): number {
  const id = db
    .insert(workshops)
    .values({
      slug,
      title,
      summary: `${title}: what pilots have learned.`,
      startsAt: opts.startsAt,
      endsAt: opts.startsAt + 3 * 60 * 60 * 1000,
      mode: 'hybrid',
      venue: 'Wellington',
      capacity: opts.capacity ?? 20,
      audience: opts.audienceOrganisationIds ? 'organisations' : 'all',
      status: opts.status ?? 'scheduled',
      recordUpdatedAt: opts.recordUpdatedAt ?? null,
      createdAt: opts.createdAt ?? Date.now() - 30 * DAY,
    })
    .returning({ id: workshops.id })
    .get().id;
  for (const organisationId of opts.audienceOrganisationIds ?? []) db.insert(workshopAudienceOrganisations).values({ workshopId: id, organisationId }).run();
  return id;
}

export function addRsvp(workshopId: number, userId: number, seatStatus: 'confirmed' | 'waitlisted' = 'confirmed', waitlistedAt: number | null = null) {
  db.insert(rsvps).values({ workshopId, userId, response: 'going', seatStatus, waitlistedAt, respondedAt: Date.now() }).run();
}

export function addResource(title: string, organisationId: number | null, createdAt: number): number {
  return db
    .insert(resources)
    .values({ title, kind: 'report', organisationId, summary: `${title}, shared so nobody has to start from scratch.`, externalUrl: 'https://example.org/report', createdAt, updatedAt: createdAt })
    .returning({ id: resources.id })
    .get().id;
}

export type Community = Awaited<ReturnType<typeof buildCommunity>>;

/**
 * The community as it stands at `now`. Organisations and people are old, except one organisation and one member
 * who joined two days ago. Activity in the last seven days: a pilot published (with a micro-credential), an older
 * pilot revised, a resource, a workshop record with decisions and actions, a busy discussion (and a hidden one),
 * and three upcoming workshops: one open to all, one for BCITO only, one full.
 */
export function buildCommunity(now = Date.now()) {
  const old = now - 400 * DAY;
  const otago = addOrganisation('Otago Polytechnic', 'itp', old);
  const bcito = addOrganisation('BCITO', 'ito', old);
  const engnz = addOrganisation('Engineering New Zealand', 'professional_body', old);
  const tec = addOrganisation('Tertiary Education Commission', 'tec', old);
  const newOrg = addOrganisation('Primary ITO', 'ito', now - 2 * DAY);

  const coordinator = addMember('coordinator@digest.test', 'Cora Coordinator', tec, { role: 'coordinator' });
  const ana = addMember('ana@digest.test', 'Ana Otago', otago);
  const ben = addMember('ben@digest.test', 'Ben Builder', bcito, { role: 'project_manager' });
  const cai = addMember('cai@digest.test', 'Cai Carpenter', bcito);
  const eng = addMember('eng@digest.test', 'Eru Engineer', engnz);
  const unsubscribed = addMember('off@digest.test', 'Olive Off', otago, { frequency: 'off' });
  const deactivated = addMember('gone@digest.test', 'Gus Gone', bcito, { deactivatedAt: now - 10 * DAY });
  const bounced = addMember('bounced@digest.test', 'Bea Bounced', otago, { bouncedAt: now - 5 * DAY });
  const newcomer = addMember('new@digest.test', 'Nia Newcomer', newOrg, { createdAt: now - 2 * DAY, interests: 'stacking, recognition of prior learning' });

  // A pilot published this week, with a micro-credential; a draft (never in a digest); an older pilot revised.
  const pilot = db
    .insert(caseStudies)
    .values({ slug: 'edubits-pilot', title: 'EduBits for engineering technicians', leadOrganisationId: otago, problem: 'Employers wanted proof of specific skills.', publishedAt: now - 2 * DAY, createdAt: now - 20 * DAY, updatedAt: now - 2 * DAY })
    .returning({ id: caseStudies.id })
    .get().id;
  const draftPilot = db.insert(caseStudies).values({ slug: 'secret-draft', title: 'A draft nobody should see', leadOrganisationId: bcito, publishedAt: null }).returning({ id: caseStudies.id }).get().id;
  const olderPilot = db
    .insert(caseStudies)
    .values({ slug: 'site-safety', title: 'Site safety micro-credential', leadOrganisationId: bcito, publishedAt: now - 60 * DAY, createdAt: now - 90 * DAY, updatedAt: now - DAY })
    .returning({ id: caseStudies.id })
    .get().id;
  const revision = db.insert(caseStudyRevisions).values({ caseStudyId: olderPilot, snapshot: '{}', changedFields: 'Outcomes, Lessons learned', createdAt: now - DAY }).returning({ id: caseStudyRevisions.id }).get().id;
  const credential = db
    .insert(microCredentials)
    .values({ caseStudyId: pilot, name: 'Reading engineering drawings', providerOrganisationId: otago, credits: 5, nzqfLevel: 4, nzqaStatus: 'approved', createdAt: now - 2 * DAY })
    .returning({ id: microCredentials.id })
    .get().id;
  db.insert(microCredentials).values({ caseStudyId: draftPilot, name: 'Hidden draft credential', providerOrganisationId: bcito, createdAt: now - DAY }).run();

  const resource = addResource('Employer survey 2019', bcito, now - DAY);

  // Workshops: upcoming for all (Ana has a seat), for BCITO only, and full; one past with its record written this week.
  const open = addWorkshop('stacking-workshop', 'Stacking micro-credentials into the NZDE', { startsAt: now + 20 * DAY, capacity: 30 });
  const bcitoOnly = addWorkshop('bcito-assessors', 'Assessor moderation for BCITO', { startsAt: now + 25 * DAY, capacity: 10, audienceOrganisationIds: [bcito] });
  const full = addWorkshop('full-house', 'A workshop with no seats left', { startsAt: now + 15 * DAY, capacity: 1 });
  addRsvp(open, ana);
  addRsvp(full, eng);
  const past = addWorkshop('third-meeting', 'Third community of practice meeting', { startsAt: now - 10 * DAY, status: 'completed', recordUpdatedAt: now - DAY });
  db.insert(workshopDecisions).values({ workshopId: past, text: 'Share pilot evaluation templates in the library.', position: 0 }).run();
  db.insert(workshopActionItems).values({ workshopId: past, text: 'Draft a common evaluation template', ownerOrganisationId: bcito, dueDate: now + 30 * DAY, position: 0 }).run();

  // Discussions: a busy visible thread (its latest post hidden by a coordinator) and a hidden thread.
  const category = db.insert(discussionCategories).values({ slug: 'general', name: 'General' }).returning({ id: discussionCategories.id }).get().id;
  const thread = db.insert(threads).values({ categoryId: category, title: 'How are you assessing in the workplace?', authorId: ben, createdAt: now - 3 * DAY }).returning({ id: threads.id }).get().id;
  const bodies = ['We use practical assessments on site.', 'Otago uses EduBits evidence portfolios.', 'Workplace verifiers sign off each task.'];
  bodies.forEach((bodyMd, i) => db.insert(posts).values({ threadId: thread, authorId: [ben, ana, cai][i]!, number: i + 1, bodyMd, bodyHtml: `<p>${bodyMd}</p>`, createdAt: now - 3 * DAY + i * 60_000 }).run());
  db.insert(posts).values({ threadId: thread, authorId: eng, number: 4, bodyMd: 'Buy cheap watches here', bodyHtml: '', hiddenAt: now - DAY, createdAt: now - 2 * DAY }).run();
  const hiddenThread = db.insert(threads).values({ categoryId: category, title: 'Spam thread', authorId: eng, hiddenAt: now - DAY, createdAt: now - 2 * DAY }).returning({ id: threads.id }).get().id;
  for (let n = 1; n <= 5; n++) db.insert(posts).values({ threadId: hiddenThread, authorId: eng, number: n, bodyMd: 'spam', bodyHtml: '', createdAt: now - 2 * DAY }).run();

  return {
    now,
    orgs: { otago, bcito, engnz, tec, newOrg },
    people: { coordinator, ana, ben, cai, eng, unsubscribed, deactivated, bounced, newcomer },
    content: { pilot, draftPilot, olderPilot, revision, credential, resource, open, bcitoOnly, full, past, thread, hiddenThread },
  };
}

export function emailOf(userId: number): string {
  return db.select({ email: users.email }).from(users).where(eq(users.id, userId)).get()!.email;
}

/** A signed-in session cookie for this member. */
export function signIn(userId: number): string {
  const token = generateToken();
  createSession(token, userId);
  return `__session=${token}`;
}

type Handler = (args: any) => Promise<unknown>;
export type RouteOutcome = { status: number; data: any; headers: Headers; body: string | null };

/** Calls a loader or action the way Remix does and flattens what it returns or throws. */
export async function callRoute(
  handler: Handler,
  {
    path,
    form,
    body,
    cookie,
    params = {},
    headers: extra = {},
    ip = '127.0.0.1',
  }: { path: string; form?: Record<string, string | string[]>; body?: string; cookie?: string; params?: Record<string, string>; headers?: Record<string, string>; ip?: string },
): Promise<RouteOutcome> {
  const headers = new Headers(extra);
  if (cookie) headers.set('Cookie', cookie);
  let init: RequestInit = { headers };
  if (form || body !== undefined) {
    const params2 = new URLSearchParams();
    for (const [key, value] of Object.entries(form ?? {})) for (const v of Array.isArray(value) ? value : [value]) params2.append(key, v);
    headers.set('Content-Type', 'application/x-www-form-urlencoded');
    init = { method: 'POST', headers, body: body ?? params2.toString() };
  }
  let out: unknown;
  try {
    out = await handler({ request: new Request(`http://localhost:3000${path}`, init), params, context: { clientIp: ip, cspNonce: '' } });
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    out = thrown;
  }
  if (out instanceof Response) return { status: out.status, data: null, headers: out.headers, body: await out.text() };
  if (out && typeof out === 'object' && (out as { type?: string }).type === 'DataWithResponseInit') {
    const { data, init: responseInit } = out as { data: unknown; init: ResponseInit | null };
    return { status: responseInit?.status ?? 200, data, headers: new Headers(responseInit?.headers), body: null };
  }
  return { status: 200, data: out, headers: new Headers(), body: null };
}
