// The access-control matrix: for every route and action, what each kind of person gets. One table, read across:
// a row is a request, a column is who sends it. The real route modules are called (loader for GET, action for
// anything else) with each person's session cookie, on the seeded demo community plus a few fixtures below.
//
// Cells:  200 (the page or file)  LOGIN (redirect to /login?redirectTo=...)  REDIRECT (redirect elsewhere, e.g.
//         a signed-in person sent away from /join)  400 (allowed in, but the deliberately incomplete form is refused:
//         the permission check passed without changing anything)  403 (not yours)  404 (you may not know it exists)
//
// Placeholders in braces are fixtures made in beforeAll:
//   {scheduled}   a published workshop open to everyone          {completed}  the demo's past meeting
//   {draft}       an unpublished workshop (also {draft2}, and {toPublish}, which the coordinator's row publishes)
//   {bcitoOnly}   a published workshop for BCITO only
//   {ownPilot}    the project manager's case study (EduBits)     {otherPilot} a case study nobody in the columns manages
//   {ownResource} a members-only file added by the member        {otherResource} a public file a coordinator added
//   {member}      the member's user id                           {org} / {orgSlug}  BCITO
//   {mail}        a captured email's outbox id                   {qualification}  a qualification code
//   {thread}      a discussion thread the member started (only when discussions exist)
//
// Columns: visitor (signed out); member (member@demo.example, BCITO); manager (project.manager@demo.example, Otago
// Polytechnic, manages {ownPilot}); coordinator (coordinator@demo.example); other (terry.shubkin@demo.example, a
// member of another organisation, Young Enterprise).
import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client.server';
import { organisations, workshops } from '../../db/schema';
import { seed } from '../../db/seed';
import { buildSimplePdf } from '../../db/seed-resources';
import { requestPasswordReset } from '~/models/accounts.server';
import { listMicroCredentials, listQualifications } from '~/models/micro-credentials.server';
import { createWorkshop, type WorkshopInput } from '~/models/workshops.server';
import { getUser, type SessionUser } from '~/utils/auth.server';
import { processOutbox } from '~/utils/mail.server';
import { callRoute, signedIn, statusClass, VISITOR, type Visitor } from '../support/routes';

const LOGIN = 'login';
const REDIRECT = 'redirect';
type Cell = 200 | 400 | 403 | 404 | typeof LOGIN | typeof REDIRECT;
type Row = [request: string, visitor: Cell, member: Cell, manager: Cell, coordinator: Cell, other: Cell];

// prettier-ignore
const MATRIX: Row[] = [
  // request                                                       visitor   member    manager   coordinator other
  // Home, directory, account pages
  ['GET /',                                                        200,      200,      200,      200,      200],
  ['GET /organisations',                                           200,      200,      200,      200,      200],
  ['GET /organisations/{orgSlug}',                                 200,      200,      200,      200,      200],
  ['GET /members',                                                 LOGIN,    200,      200,      200,      200],
  ['GET /members/{member}',                                        LOGIN,    200,      200,      200,      200],
  ['GET /login',                                                   200,      REDIRECT, REDIRECT, REDIRECT, REDIRECT],
  ['POST /login email=&password=',                                 400,      400,      400,      400,      400],
  ['GET /join',                                                    200,      REDIRECT, REDIRECT, REDIRECT, REDIRECT],
  ['POST /join name=',                                             400,      REDIRECT, REDIRECT, REDIRECT, REDIRECT],
  ['GET /forgot-password',                                         200,      200,      200,      200,      200],
  ['POST /forgot-password email=not-an-address',                   400,      400,      400,      400,      400],
  ['GET /reset-password/no-such-token',                            404,      404,      404,      404,      404],
  ['POST /reset-password/no-such-token password=',                 404,      404,      404,      404,      404],
  ['GET /invite/no-such-token',                                    404,      404,      404,      404,      404],
  ['GET /join/verify/no-such-token',                               404,      404,      404,      404,      404],
  ['GET /join/sso',                                                200,      200,      200,      200,      200],
  // Single sign-on: no provider is configured here, so there is nothing to start or come back to.
  ['GET /auth/oidc',                                               404,      404,      404,      404,      404],
  ['POST /auth/oidc',                                              404,      404,      404,      404,      404],
  ['GET /auth/oidc/callback?state=x&code=y',                       404,      404,      404,      404,      404],
  ['POST /auth/oidc/unlink identityId=999999',                     LOGIN,    REDIRECT, REDIRECT, REDIRECT, REDIRECT],
  ['POST /logout',                                                 REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT],
  // The language switch: anyone may choose (a cookie, and the member's record when signed in)
  ['POST /language language=mi-NZ&redirectTo=%2F',                  REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT],
  // Second factors: the second step needs a pending sign-in (none here); a step-up needs a factor (none here)
  ['GET /login/verify',                                            LOGIN,    LOGIN,    LOGIN,    LOGIN,    LOGIN],
  ['POST /login/verify intent=totp&code=123456',                   400,      400,      400,      400,      400],
  ['GET /login/passkey',                                           LOGIN,    LOGIN,    LOGIN,    LOGIN,    LOGIN],
  ['POST /login/passkey response=',                                400,      400,      400,      400,      400],
  ['POST /passkeys/options purpose=',                              400,      400,      400,      400,      400],
  ['GET /reauthenticate',                                          LOGIN,    REDIRECT, REDIRECT, REDIRECT, REDIRECT],
  ['POST /reauthenticate intent=',                                 LOGIN,    400,      400,      400,      400],
  // Settings: one's own only
  ['GET /settings',                                                LOGIN,    REDIRECT, REDIRECT, REDIRECT, REDIRECT],
  ['GET /settings/profile',                                        LOGIN,    200,      200,      200,      200],
  ['POST /settings/profile name=',                                 LOGIN,    400,      400,      400,      400],
  ['GET /settings/security',                                       LOGIN,    200,      200,      200,      200],
  ['POST /settings/security intent=nothing',                       LOGIN,    400,      400,      400,      400],
  ['GET /settings/calendar',                                       LOGIN,    200,      200,      200,      200],
  ['POST /settings/calendar intent=nothing',                       LOGIN,    400,      400,      400,      400],
  ['GET /calendar/no-such-token.ics',                              404,      404,      404,      404,      404],
  // Workshops
  ['GET /workshops',                                               200,      200,      200,      200,      200],
  ['GET /workshops/{scheduled}',                                   200,      200,      200,      200,      200],
  ['GET /workshops/{completed}',                                   200,      200,      200,      200,      200],
  ['GET /workshops/{draft}',                                       404,      404,      404,      200,      404],
  ['GET /workshops/{bcitoOnly}',                                   200,      200,      200,      200,      200],
  ['POST /workshops/{scheduled} intent=rsvp&response=',            LOGIN,    400,      400,      400,      400],
  ['POST /workshops/{bcitoOnly} intent=rsvp&response=',            LOGIN,    400,      403,      403,      403],
  ['POST /workshops/{draft} intent=rsvp&response=',                LOGIN,    404,      404,      400,      404],
  ['POST /workshops/{scheduled} intent=cancel',                    LOGIN,    403,      403,      400,      403],
  ['POST /workshops/{completed} intent=publish',                   LOGIN,    403,      403,      400,      403],
  ['POST /workshops/{toPublish} intent=publish',                   LOGIN,    404,      404,      REDIRECT, 404],
  ['POST /workshops/{scheduled} intent=nothing',                   LOGIN,    400,      400,      400,      400],
  ['GET /workshops/new',                                           LOGIN,    403,      403,      200,      403],
  ['POST /workshops/new title=',                                   LOGIN,    403,      403,      400,      403],
  ['GET /workshops/{scheduled}/edit',                              LOGIN,    403,      403,      200,      403],
  ['POST /workshops/{scheduled}/edit title=',                      LOGIN,    403,      403,      400,      403],
  ['GET /workshops/{completed}/record',                            LOGIN,    403,      403,      200,      403],
  ['POST /workshops/{scheduled}/record notes=',                    LOGIN,    403,      403,      400,      403],
  ['GET /workshops/{scheduled}/attendees.csv',                     LOGIN,    403,      403,      200,      403],
  ['GET /workshops/{scheduled}/calendar.ics',                      200,      200,      200,      200,      200],
  ['GET /workshops/{draft2}/calendar.ics',                         404,      404,      404,      404,      404],
  ['GET /workshops/calendar.ics',                                  200,      200,      200,      200,      200],
  // Case studies and the micro-credential register
  ['GET /case-studies',                                            200,      200,      200,      200,      200],
  ['GET /case-studies/{ownPilot}',                                 200,      200,      200,      200,      200],
  ['GET /case-studies/{ownPilot}/history',                         200,      200,      200,      200,      200],
  ['GET /case-studies/new',                                        LOGIN,    403,      200,      200,      403],
  ['POST /case-studies/new title=',                                LOGIN,    403,      400,      400,      403],
  ['GET /case-studies/similar?title=stacking',                     403,      403,      200,      200,      403],
  ['GET /case-studies/{ownPilot}/edit',                            LOGIN,    403,      200,      200,      403],
  ['POST /case-studies/{ownPilot}/edit title=',                    LOGIN,    403,      400,      400,      403],
  ['GET /case-studies/{otherPilot}/edit',                          LOGIN,    403,      403,      200,      403],
  ['POST /case-studies/{otherPilot}/edit title=',                  LOGIN,    403,      403,      400,      403],
  ['GET /micro-credentials',                                       200,      200,      200,      200,      200],
  ['GET /micro-credentials.json',                                  200,      200,      200,      200,      200],
  ['GET /micro-credentials.csv',                                   200,      200,      200,      200,      200],
  ['GET /micro-credentials/{microCredential}',                     200,      200,      200,      200,      200],
  ['GET /micro-credentials/{microCredential}.json',                200,      200,      200,      200,      200],
  ['GET /micro-credentials/99999999.json',                         404,      404,      404,      404,      404],
  ['GET /pathways',                                                200,      200,      200,      200,      200],
  ['GET /pathways/{qualification}',                                200,      200,      200,      200,      200],
  // Resource library
  ['GET /resources',                                               200,      200,      200,      200,      200],
  ['GET /resources/new',                                           LOGIN,    200,      200,      200,      200],
  ['POST /resources/new title=',                                   LOGIN,    400,      400,      400,      400],
  ['GET /resources/{ownResource}',                                 404,      200,      200,      200,      200],
  ['GET /resources/{ownResource}/download',                        404,      200,      200,      200,      200],
  ['GET /resources/{ownResource}/versions/1/download',             404,      200,      200,      200,      200],
  ['GET /resources/{ownResource}/versions/9/download',             404,      404,      404,      404,      404],
  ['GET /resources/{ownResource}/edit',                            LOGIN,    200,      403,      200,      403],
  ['POST /resources/{ownResource}/edit title=',                    LOGIN,    400,      403,      400,      403],
  ['POST /resources/{ownResource} intent=remove',                  LOGIN,    400,      403,      400,      403],
  ['GET /resources/{otherResource}',                               200,      200,      200,      200,      200],
  ['GET /resources/{otherResource}/download',                      200,      200,      200,      200,      200],
  ['GET /resources/{otherResource}/edit',                          LOGIN,    403,      403,      200,      403],
  ['POST /resources/{otherResource}/edit title=',                  LOGIN,    403,      403,      400,      403],
  ['POST /resources/{otherResource} intent=remove',                LOGIN,    403,      403,      400,      403],
  // Administration: coordinators only
  ['GET /admin',                                                   LOGIN,    403,      403,      200,      403],
  ['GET /admin/members',                                           LOGIN,    403,      403,      200,      403],
  ['POST /admin/members intent=role&userId={member}&role=king',    LOGIN,    403,      403,      400,      403],
  ['GET /admin/organisations',                                     LOGIN,    403,      403,      200,      403],
  ['GET /admin/reports',                                           LOGIN,    403,      403,      200,      403],
  ['GET /admin/reports?from=2025-02-30',                           LOGIN,    403,      403,      400,      403],
  ['POST /admin/reports from=junk',                                LOGIN,    403,      403,      400,      403],
  ['GET /admin/reports/workshops.csv',                             LOGIN,    403,      403,      200,      403],
  ['GET /admin/reports.pdf?from=1999-01-01&to=1999-12-31',         LOGIN,    403,      403,      400,      403],
  ['GET /admin/exports',                                           LOGIN,    403,      403,      200,      403],
  ['GET /admin/exports/members.csv',                               LOGIN,    403,      403,      200,      403],
  ['POST /admin/organisations name=',                              LOGIN,    403,      403,      400,      403],
  ['GET /admin/organisations/{org}',                               LOGIN,    403,      403,      200,      403],
  ['POST /admin/organisations/{org} name=',                        LOGIN,    403,      403,      400,      403],
  ['GET /admin/organisations/99999',                               LOGIN,    403,      403,      404,      403],
  ['GET /admin/invitations',                                       LOGIN,    403,      403,      200,      403],
  ['POST /admin/invitations email=',                               LOGIN,    403,      403,      400,      403],
  ['POST /admin/invitations intent=revoke',                        LOGIN,    403,      403,      400,      403],
  ['GET /admin/join-requests',                                     LOGIN,    403,      403,      200,      403],
  ['POST /admin/join-requests requestId=',                         LOGIN,    403,      403,      400,      403],
  ['GET /admin/audit',                                             LOGIN,    403,      403,      200,      403],
  // Captured mail (only while mail goes to files, as in tests): coordinators only
  ['GET /dev/mail',                                                LOGIN,    403,      403,      200,      403],
  ['GET /dev/mail/{mail}',                                         LOGIN,    403,      403,      200,      403],
  ['GET /dev/mail/{mail}.eml',                                     LOGIN,    403,      403,      200,      403],
  ['GET /dev/mail/{mail}/email.html',                              LOGIN,    403,      403,      200,      403],
  ['GET /dev/mail/99999',                                          LOGIN,    403,      403,      404,      403],
  // Search, the community map, look-alike radar
  ['GET /search?q=micro-credentials',                              200,      200,      200,      200,      200],
  ['GET /search?q=%22unbalanced',                                  200,      200,      200,      200,      200],
  ['GET /map',                                                     200,      200,      200,      200,      200],
  ['GET /map/cell?org=no-such-org&topic=nothing',                  404,      404,      404,      404,      404],
  ['GET /radar?title=stacking',                                    403,      200,      200,      200,      200],
  // Digests and notification settings (issue 10)
  ['GET /settings/notifications',                                  LOGIN,    200,      200,      200,      200],
  ['POST /settings/notifications digestFrequency=hourly',          LOGIN,    400,      400,      400,      400],
  ['GET /unsubscribe/no-such-token',                               400,      400,      400,      400,      400],
  ['POST /unsubscribe/no-such-token',                              400,      400,      400,      400,      400],
  ['GET /admin/digests',                                           LOGIN,    403,      403,      200,      403],
  ['POST /admin/digests intent=nothing',                           LOGIN,    403,      403,      400,      403],
  ['GET /admin/digests/99999',                                     LOGIN,    403,      403,      404,      403],
  ['GET /admin/digests/99999/email.html',                          LOGIN,    403,      403,      404,      403],
  ['POST /admin/digests/99999 intent=text',                        LOGIN,    403,      403,      404,      403],
  // Privacy (issue 18): the privacy page, one's own export and erasure request, the emailed link, coordinators' erasure page
  ['GET /privacy',                                                 200,      200,      200,      200,      200],
  ['GET /settings/privacy',                                        LOGIN,    200,      200,      200,      200],
  ['POST /settings/privacy intent=nothing',                        LOGIN,    400,      400,      400,      400],
  ['GET /privacy/export/no-such-token',                            LOGIN,    404,      404,      404,      404],
  ['POST /privacy/export/no-such-token/download',                  LOGIN,    REDIRECT, REDIRECT, REDIRECT, REDIRECT],
  ['GET /admin/erasure',                                           LOGIN,    403,      403,      200,      403],
  ['POST /admin/erasure intent=nothing',                           LOGIN,    403,      403,      400,      403],
  // The benchmark's framework floor exists only when the benchmark starts the server with PORTAL_BENCH=1.
  ['GET /bench/floor',                                             404,      404,      404,      404,      404],
];

// Discussions and their admin pages, once they exist (issue 7).
// prettier-ignore
const DISCUSSIONS: Row[] = [
  ['GET /discussions',                                             LOGIN,    200,      200,      200,      200],
  ['GET /discussions/new',                                         LOGIN,    200,      200,      200,      200],
  ['POST /discussions/new title=',                                 LOGIN,    400,      400,      400,      400],
  ['GET /discussions/{thread}',                                    LOGIN,    200,      200,      200,      200],
  ['POST /discussions/{thread} intent=reply&body=',                LOGIN,    400,      400,      400,      400],
  ['POST /discussions/{thread} intent=lock',                       LOGIN,    403,      403,      REDIRECT, 403],
  ['GET /discussions/{thread}/posts/1/edit',                       LOGIN,    200,      403,      403,      403],
  ['POST /discussions/{thread}/posts/1/edit body=',                LOGIN,    400,      403,      403,      403],
  ['GET /discussions/{thread}/posts/1/history',                    LOGIN,    200,      200,      200,      200],
  ['GET /discussions/{thread}/posts/1/report',                     LOGIN,    403,      200,      200,      200],
  ['POST /discussions/{thread}/posts/1/report reason=',            LOGIN,    403,      400,      400,      400],
  ['GET /admin/categories',                                        LOGIN,    403,      403,      200,      403],
  ['POST /admin/categories intent=create&name=',                   LOGIN,    403,      403,      400,      403],
  ['GET /admin/moderation',                                        LOGIN,    403,      403,      200,      403],
  ['POST /admin/moderation intent=dismiss',                        LOGIN,    403,      403,      400,      403],
];
const hasDiscussions = fs.existsSync('app/routes/discussions._index.tsx');

const COLUMNS = ['visitor', 'member', 'manager', 'coordinator', 'other'] as const;
type Column = (typeof COLUMNS)[number];
const EMAILS: Record<Exclude<Column, 'visitor'>, string> = {
  member: 'member@demo.example',
  manager: 'project.manager@demo.example',
  coordinator: 'coordinator@demo.example',
  other: 'terry.shubkin@demo.example',
};
/** A fresh session for each request, so a row that signs out (POST /logout) cannot change the rows after it. */
const as = (column: Column): Visitor => (column === 'visitor' ? VISITOR : signedIn(column, EMAILS[column]));
let people: Record<Column, Visitor>;
const fixtures: Record<string, string> = {};

function userOf(who: Visitor): SessionUser {
  return getUser(new Request('http://localhost:3000/', { headers: { Cookie: who.cookie } }))!;
}

function workshopInput(title: string, overrides: Partial<WorkshopInput> = {}): WorkshopInput {
  const start = Date.UTC(2031, 8, 18, 21, 30); // 19 September 2031, 9:30 in Wellington
  return {
    title,
    summary: 'A workshop for the access matrix.',
    agendaMd: '',
    startsAt: start,
    endsAt: start + 5 * 60 * 60 * 1000,
    mode: 'in_person',
    venue: 'Wellington',
    onlineUrl: '',
    capacity: 20,
    orgSeatCap: null,
    rsvpDeadline: null,
    audience: 'all',
    organisationIds: [],
    ...overrides,
  };
}

beforeAll(async () => {
  await seed();
  people = { visitor: VISITOR, member: as('member'), manager: as('manager'), coordinator: as('coordinator'), other: as('other') };
  const coordinator = userOf(people.coordinator);
  const bcito = db.select().from(organisations).where(eq(organisations.slug, 'bcito')).get()!;
  fixtures.org = String(bcito.id);
  fixtures.orgSlug = bcito.slug;
  fixtures.member = String(people.member.userId);
  fixtures.scheduled = createWorkshop(coordinator, workshopInput('Matrix: open to all'), { publish: true }).slug;
  fixtures.draft = createWorkshop(coordinator, workshopInput('Matrix: a draft')).slug;
  fixtures.draft2 = createWorkshop(coordinator, workshopInput('Matrix: another draft')).slug;
  fixtures.toPublish = createWorkshop(coordinator, workshopInput('Matrix: a draft to publish')).slug;
  fixtures.bcitoOnly = createWorkshop(coordinator, workshopInput('Matrix: BCITO only', { audience: 'organisations', organisationIds: [bcito.id] }), {
    publish: true,
  }).slug;
  fixtures.completed = db.select({ slug: workshops.slug }).from(workshops).where(eq(workshops.status, 'completed')).get()!.slug;
  fixtures.ownPilot = 'otago-polytechnic-edubits';
  fixtures.otherPilot = 'bcito-micro-credential-trial';
  fixtures.qualification = listQualifications()[0]!.code;
  fixtures.microCredential = String(listMicroCredentials(null)[0]!.id);

  // The member adds a members-only file through the real upload route.
  const form = new FormData();
  form.append('title', 'Matrix: members-only notes');
  form.append('kind', 'report');
  form.append('visibility', 'members');
  form.append('organisationId', String(bcito.id));
  form.append('file', new File([buildSimplePdf([[{ text: 'Members-only notes for the access matrix.' }]], { title: 'Notes' }) as Uint8Array<ArrayBuffer>], 'notes.pdf', { type: 'application/pdf' }));
  const created = await callRoute('POST', '/resources/new', people.member, form);
  expect(created.status, JSON.stringify(created.data)).toBe(302);
  fixtures.ownResource = created.location!.split('/').pop()!;
  const others = await callRoute('GET', '/resources', VISITOR);
  const items = (others.data as { items: { id: number; title: string }[] }).items;
  fixtures.otherResource = String(items.find((r) => String(r.id) !== fixtures.ownResource)!.id);

  // A captured email for the /dev/mail pages.
  requestPasswordReset('member@demo.example', '10.9.8.7');
  await processOutbox();
  fixtures.mail = String((await import('~/utils/mail.server')).listOutbox(1)[0]!.id);

  if (hasDiscussions) {
    const { listCategories } = await import('~/models/discussions.server');
    // db/seed.ts may not seed discussions yet; their own seed is idempotent.
    if (listCategories().length === 0) {
      const { seedDiscussions } = await import('../../db/seed-discussions');
      db.transaction((tx) => seedDiscussions(tx));
    }
    const categories = listCategories();
    const body = new URLSearchParams({ title: 'Matrix: a thread', body: 'Kia ora koutou, a thread for the access matrix.', categoryId: String(categories[0]?.id ?? '') });
    const thread = await callRoute('POST', '/discussions/new', people.member, body);
    expect(thread.status, JSON.stringify(thread.data)).toBe(302);
    fixtures.thread = /^\/discussions\/(\d+)/.exec(thread.location!)![1];
  }
});

function fill(text: string): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in fixtures)) throw new Error(`No fixture {${name}}`);
    return fixtures[name];
  });
}

async function runRow(row: Row): Promise<string[]> {
  const [request, ...expected] = row;
  const [method, url, body] = fill(request).split(' ');
  const problems: string[] = [];
  // The coordinator goes last: theirs is the request most likely to be allowed and change something (publishing).
  const order = [0, 1, 2, 4, 3];
  for (const i of order) {
    const column = COLUMNS[i];
    const outcome = await callRoute(method, url, as(column), method === 'GET' ? undefined : new URLSearchParams(body ?? ''));
    const actual = statusClass(outcome);
    if (actual !== expected[i]) {
      const detail = outcome.error ? ` (${String(outcome.error)})` : outcome.location ? ` → ${outcome.location}` : '';
      problems.push(`${request} as ${column}: expected ${expected[i]}, got ${actual}${detail}`);
    }
  }
  return problems;
}

describe('access matrix', () => {
  it.each(MATRIX.map((row) => [row[0], row] as const))('%s', async (_name, row) => {
    expect(await runRow(row)).toEqual([]);
  });

  it.runIf(hasDiscussions).each(DISCUSSIONS.map((row) => [row[0], row] as const))('%s', async (_name, row) => {
    expect(await runRow(row)).toEqual([]);
  });

  it('covers every route module that has a loader or an action', async () => {
    const { routeFiles, matchRoute } = await import('../support/routes');
    const covered = new Set(
      [...MATRIX, ...(hasDiscussions ? DISCUSSIONS : [])].map((row) => matchRoute(new URL(fill(row[0]).split(' ')[1], 'http://x').pathname).route.id),
    );
    // Layout routes are reached only through their children (each child checks permission itself); the unsubscribe
    // link authenticates by its signed token alone.
    const exempt = new Set(['admin', 'settings', 'discussions.unwatch.$token', 'discussions.c.$slug', 'discussions.$id_.posts.$number']);
    const missing = [];
    for (const route of routeFiles()) {
      const source = fs.readFileSync(`app/routes/${route.file}`, 'utf8');
      if (!/export (async )?function (loader|action)/.test(source)) continue;
      if (!covered.has(route.id) && !exempt.has(route.id)) missing.push(route.id);
    }
    expect(missing).toEqual([]);
  });
});

// Audience tiers (issue 18): each tier × each kind of person on every kind of tiered content (case studies and
// resources), on the page, the download, the list and search. The agencies-only items belong to BCITO, the member's
// organisation. Columns: visitor, member (BCITO: the owning organisation), agency (Bill Sole, NZBED), other (Terry
// Shubkin, Young Enterprise), coordinator.
describe('audience tiers', () => {
  const TIERS = ['public', 'members', 'agencies'] as const;
  const WHO = ['visitor', 'member', 'agency', 'other', 'coordinator'] as const;
  type Who = (typeof WHO)[number];
  const emails: Record<Exclude<Who, 'visitor'>, string> = {
    member: 'member@demo.example',
    agency: 'bill.sole@demo.example',
    other: 'terry.shubkin@demo.example',
    coordinator: 'coordinator@demo.example',
  };
  // Who each tier reaches.
  const REACHES: Record<(typeof TIERS)[number], Who[]> = {
    public: ['visitor', 'member', 'agency', 'other', 'coordinator'],
    members: ['member', 'agency', 'other', 'coordinator'],
    agencies: ['member', 'agency', 'coordinator'],
  };
  const items: Record<string, { slug: string; resourceId: number; word: string }> = {};
  const who = (w: Who): Visitor => (w === 'visitor' ? VISITOR : signedIn(w, emails[w]));

  beforeAll(async () => {
    const { sqlite } = await import('../../db/client.server');
    const bcito = sqlite.prepare(`select organisation_id from users where email = 'member@demo.example'`).pluck().get() as number;
    for (const tier of TIERS) {
      const word = `tierword${tier}`;
      const slug = `tier-${tier}-pilot`;
      sqlite
        .prepare(`insert into case_studies (slug, title, lead_organisation_id, visibility, published_at, problem) values (?, ?, ?, ?, ?, ?)`)
        .run(slug, `Tier ${tier} pilot ${word}`, bcito, tier, Date.now(), `About ${word}`);
      const resourceId = Number(
        sqlite
          .prepare(`insert into resources (title, kind, organisation_id, visibility, external_url, summary) values (?, 'report', ?, ?, 'https://example.org/report', ?)`)
          .run(`Tier ${tier} report ${word}`, bcito, tier, `About ${word}`).lastInsertRowid,
      );
      items[tier] = { slug, resourceId, word };
    }
  });

  for (const tier of TIERS) {
    for (const w of WHO) {
      const allowed = REACHES[tier].includes(w);
      it(`${tier} content ${allowed ? 'reaches' : 'is hidden from'} ${w}: pages, download, lists and search`, async () => {
        const { slug, resourceId, word } = items[tier];
        const expectPage = allowed ? 200 : 404;
        expect(statusClass(await callRoute('GET', `/case-studies/${slug}`, who(w)))).toBe(expectPage);
        expect(statusClass(await callRoute('GET', `/resources/${resourceId}`, who(w)))).toBe(expectPage);
        expect(statusClass(await callRoute('GET', `/resources/${resourceId}/download`, who(w)))).toBe(allowed ? REDIRECT : 404);
        const library = (await callRoute('GET', '/resources', who(w))).data as { items: { id: number }[] };
        expect(library.items.some((r) => r.id === resourceId)).toBe(allowed);
        const list = (await callRoute('GET', '/case-studies', who(w))).data as { caseStudies: { slug: string }[] };
        expect(list.caseStudies.some((c) => c.slug === slug)).toBe(allowed);
        const search = (await callRoute('GET', `/search?q=${word}`, who(w))).data as { hits: { url: string }[] };
        expect(search.hits.some((h) => h.url === `/case-studies/${slug}`)).toBe(allowed);
        expect(search.hits.some((h) => h.url === `/resources/${resourceId}`)).toBe(allowed);
      });
    }
  }
});
