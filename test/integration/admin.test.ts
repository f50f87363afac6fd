// Coordinator admin and the captured-mail viewer, driven through the real route loaders and actions.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db, sqlite } from '../../db/client.server';
import { DEMO_PASSWORD, seed } from '../../db/seed';
import * as adminLayout from '~/routes/admin';
import * as adminIndex from '~/routes/admin._index';
import * as adminOrganisations from '~/routes/admin.organisations._index';
import * as adminOrganisation from '~/routes/admin.organisations.$id';
import * as adminMembers from '~/routes/admin.members';
import * as adminInvitations from '~/routes/admin.invitations';
import * as adminJoinRequests from '~/routes/admin.join-requests';
import * as adminAudit from '~/routes/admin.audit';
import * as devMail from '~/routes/dev.mail._index';
import * as devMailMessage from '~/routes/dev.mail.$id';
import * as devMailEml from '~/routes/dev.mail.$id[.eml]';
import * as devMailHtml from '~/routes/dev.mail.$id.email[.html]';
import { requestPasswordReset, searchMembers, signIn } from '~/models/accounts.server';
import { createInvitation } from '~/models/invitations.server';
import { requestToJoin, verifyJoinRequest } from '~/models/join-requests.server';
import { getOrganisationById, getOrganisationBySlug } from '~/models/organisations.server';
import { createSession, generateToken, getUser, type SessionUser } from '~/utils/auth.server';
import { resetEnvCacheForTests } from '~/utils/env.server';
import { processOutbox } from '~/utils/mail.server';
import { users } from '../../db/schema';
import { eq } from 'drizzle-orm';

const BASE = 'http://localhost:3000';
const context = { clientIp: '127.0.0.1', cspNonce: '' };

type Handler = (args: any) => Promise<unknown>;
type Outcome = { status: number; body: any; headers: Headers };

/** Calls a loader or action and reports what the browser would get, whether it returned or threw. */
async function call(handler: Handler, request: Request, params: Record<string, string> = {}): Promise<Outcome> {
  try {
    return await toOutcome(await handler({ request, params, context }));
  } catch (thrown) {
    if (thrown instanceof Response) return toOutcome(thrown);
    throw thrown;
  }
}

async function toOutcome(result: unknown): Promise<Outcome> {
  if (result instanceof Response) {
    const type = result.headers.get('Content-Type') ?? '';
    return { status: result.status, headers: result.headers, body: type.includes('json') ? await result.json() : await result.text() };
  }
  if (result && typeof result === 'object' && (result as { type?: string }).type === 'DataWithResponseInit') {
    const d = result as { data: unknown; init: ResponseInit | null };
    return { status: d.init?.status ?? 200, headers: new Headers(d.init?.headers), body: d.data };
  }
  return { status: 200, headers: new Headers(), body: result };
}

function get(path: string, cookie?: string) {
  return new Request(BASE + path, { headers: cookie ? { Cookie: cookie } : {} });
}

function post(path: string, fields: Record<string, string>, cookie?: string) {
  return new Request(BASE + path, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
  });
}

function signInAs(userId: number): string {
  const token = generateToken();
  createSession(token, userId);
  return `__session=${token}`;
}

function userByEmail(email: string) {
  const row = db.select().from(users).where(eq(users.email, email)).get();
  if (!row) throw new Error(`no user ${email}`);
  return row;
}

function sessionUser(email: string): SessionUser {
  const u = userByEmail(email);
  const org = getOrganisationById(u.organisationId)!;
  return { id: u.id, email: u.email, name: u.name, role: u.role, organisationId: org.id, organisationName: org.name, organisationSlug: org.slug };
}

function auditRows(): { id: number; actor_id: number | null; action: string; target_id: number | null }[] {
  return sqlite.prepare('select id, actor_id, action, target_id from audit_log order by id').all() as never;
}

/** Everything an admin action could change, so a refused request can be shown to have changed nothing. */
function snapshot() {
  return ['organisations', 'users', 'invitations', 'join_requests', 'audit_log', 'outbox'].map((table) =>
    sqlite.prepare(`select * from ${table} order by rowid`).all(),
  );
}

const JOINER_PASSWORD = 'a long and unusual passphrase 2019';
let joinIp = 0;

/** A join request whose address is confirmed, waiting for a coordinator (or left unconfirmed). */
async function joinRequest(name: string, email: string, organisationId: number, { verify = true } = {}) {
  const outcome = await requestToJoin(
    { name, email, organisationId, reason: 'Working on a pilot', password: JOINER_PASSWORD, confirmPassword: JOINER_PASSWORD },
    `10.0.0.${++joinIp}`,
  );
  expect(outcome).toEqual({ ok: true });
  const row = sqlite.prepare('select id from join_requests where email = ?').get(email) as { id: number };
  if (verify) {
    const mail = sqlite.prepare("select text from outbox where to_address = ? and dedupe_key like 'join-verify:%' order by id desc").get(email) as { text: string };
    const token = /\/join\/verify\/([a-z2-7]+)/.exec(mail.text)![1]!;
    expect(verifyJoinRequest(token).ok).toBe(true);
  }
  return row.id;
}

let coordinator: ReturnType<typeof userByEmail>;
let projectManager: ReturnType<typeof userByEmail>;
let member: ReturnType<typeof userByEmail>;
let otherOrgMember: ReturnType<typeof userByEmail>;
let coordinatorCookie: string;

beforeAll(async () => {
  await seed();
  coordinator = userByEmail('coordinator@demo.example');
  projectManager = userByEmail('project.manager@demo.example');
  member = userByEmail('member@demo.example'); // BCITO
  otherOrgMember = userByEmail('bill.sole@demo.example'); // NZBED
  coordinatorCookie = signInAs(coordinator.id);
});

afterEach(() => {
  delete process.env.SMTP_URL;
  resetEnvCacheForTests();
});

describe('who may use admin', () => {
  async function fixtures() {
    const nzbed = getOrganisationBySlug('new-zealand-board-of-engineering-diplomas')!;
    const invitation = createInvitation(sessionUser('coordinator@demo.example'), {
      email: `pending-${Math.random().toString(36).slice(2)}@example.nz`,
      organisationId: nzbed.id,
      role: 'member',
    });
    expect(invitation.ok).toBe(true);
    const invitationId = (sqlite.prepare('select max(id) as id from invitations').get() as { id: number }).id;
    const requestId = await joinRequest('Pending Person', `join-${Math.random().toString(36).slice(2)}@example.nz`, nzbed.id);
    requestPasswordReset(member.email, '10.9.9.9');
    await processOutbox();
    const mailId = (sqlite.prepare('select max(id) as id from outbox').get() as { id: number }).id;
    return { nzbed, invitationId, requestId, mailId };
  }

  function loaders(f: Awaited<ReturnType<typeof fixtures>>): [string, Handler, string, Record<string, string>][] {
    return [
      ['admin layout', adminLayout.loader, '/admin', {}],
      ['admin overview', adminIndex.loader, '/admin', {}],
      ['organisations list', adminOrganisations.loader, '/admin/organisations', {}],
      ['organisation edit', adminOrganisation.loader, `/admin/organisations/${f.nzbed.id}`, { id: String(f.nzbed.id) }],
      ['members', adminMembers.loader, '/admin/members', {}],
      ['invitations', adminInvitations.loader, '/admin/invitations', {}],
      ['join requests', adminJoinRequests.loader, '/admin/join-requests', {}],
      ['audit log', adminAudit.loader, '/admin/audit', {}],
      ['captured mail', devMail.loader, '/dev/mail', {}],
      ['captured message', devMailMessage.loader, `/dev/mail/${f.mailId}`, { id: String(f.mailId) }],
      ['raw message', devMailEml.loader, `/dev/mail/${f.mailId}.eml`, { id: String(f.mailId) }],
      ['message HTML', devMailHtml.loader, `/dev/mail/${f.mailId}/email.html`, { id: String(f.mailId) }],
    ];
  }

  function actions(f: Awaited<ReturnType<typeof fixtures>>, actorId: number): [string, Handler, string, Record<string, string>, Record<string, string>][] {
    return [
      ['create organisation', adminOrganisations.action, '/admin/organisations', {}, { name: 'Sneaky Institute', kind: 'itp' }],
      ['edit another organisation', adminOrganisation.action, `/admin/organisations/${f.nzbed.id}`, { id: String(f.nzbed.id) }, { name: 'Renamed Board', kind: 'other' }],
      ['promote themselves', adminMembers.action, '/admin/members', {}, { intent: 'role', userId: String(actorId), role: 'coordinator' }],
      ['change another org member role', adminMembers.action, '/admin/members', {}, { intent: 'role', userId: String(otherOrgMember.id), role: 'project_manager' }],
      ['deactivate the coordinator', adminMembers.action, '/admin/members', {}, { intent: 'deactivate', userId: String(coordinator.id) }],
      ['deactivate another org member', adminMembers.action, '/admin/members', {}, { intent: 'deactivate', userId: String(otherOrgMember.id) }],
      ['invite', adminInvitations.action, '/admin/invitations', {}, { intent: 'invite', email: 'friend@example.nz', organisationId: String(f.nzbed.id), role: 'coordinator' }],
      ['revoke an invitation', adminInvitations.action, '/admin/invitations', {}, { intent: 'revoke', invitationId: String(f.invitationId) }],
      ['approve a join request', adminJoinRequests.action, '/admin/join-requests', {}, { requestId: String(f.requestId), decision: 'approve', note: '' }],
      ['decline a join request', adminJoinRequests.action, '/admin/join-requests', {}, { requestId: String(f.requestId), decision: 'decline', note: 'No' }],
    ];
  }

  for (const who of ['member@demo.example', 'project.manager@demo.example']) {
    it(`refuses ${who} with 403 on every admin page and action, changing nothing`, async () => {
      const f = await fixtures();
      const actor = userByEmail(who);
      const cookie = signInAs(actor.id);
      for (const [name, loader, path, params] of loaders(f)) {
        const res = await call(loader, get(path, cookie), params);
        expect(res.status, `${name} loader`).toBe(403);
      }
      const before = snapshot();
      for (const [name, action, path, params, body] of actions(f, actor.id)) {
        const res = await call(action, post(path, body, cookie), params);
        expect(res.status, `${name} action`).toBe(403);
      }
      expect(snapshot()).toEqual(before);
      expect(userByEmail(who).role).toBe(actor.role);
    });
  }

  it('sends a visitor to sign in from every admin page and action, changing nothing', async () => {
    const f = await fixtures();
    for (const [name, loader, path, params] of loaders(f)) {
      const res = await call(loader, get(path), params);
      expect(res.status, `${name} loader`).toBe(302);
      expect(res.headers.get('Location'), name).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
    }
    const before = snapshot();
    for (const [name, action, path, params, body] of actions(f, member.id)) {
      const res = await call(action, post(path, body), params);
      expect(res.status, `${name} action`).toBe(302);
      expect(res.headers.get('Location'), name).toMatch(/^\/login\?redirectTo=/);
    }
    expect(snapshot()).toEqual(before);
  });

  it('lets a coordinator open every admin page', async () => {
    const f = await fixtures();
    for (const [name, loader, path, params] of loaders(f)) {
      const res = await call(loader, get(path, coordinatorCookie), params);
      expect(res.status, name).toBe(200);
    }
  });
});

describe('organisations', () => {
  it('creates an organisation that then has a public page', async () => {
    const res = await call(
      adminOrganisations.action,
      post('/admin/organisations', { name: 'Waikato Institute of Technology', kind: 'itp', description: 'Wintec.', website: 'https://www.wintec.ac.nz' }, coordinatorCookie),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/admin/organisations');
    expect(res.headers.get('Set-Cookie')).toMatch(/__flash=/);
    const org = getOrganisationBySlug('waikato-institute-of-technology');
    expect(org).toMatchObject({ name: 'Waikato Institute of Technology', kind: 'itp', description: 'Wintec.', website: 'https://www.wintec.ac.nz' });
    const list = await call(adminOrganisations.loader, get('/admin/organisations', coordinatorCookie));
    expect(list.body.organisations.map((o: { name: string }) => o.name)).toContain('Waikato Institute of Technology');
  });

  it('refuses a duplicate name with 400, a message on the name field, and the input kept', async () => {
    const before = snapshot();
    const res = await call(
      adminOrganisations.action,
      post('/admin/organisations', { name: 'bcito', kind: 'ito', description: 'A second one', website: '' }, coordinatorCookie),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors.name).toEqual(['An organisation with that name already exists.']);
    expect(res.body.values).toMatchObject({ name: 'bcito', kind: 'ito', description: 'A second one' });
    expect(snapshot()).toEqual(before);
  });

  it('refuses a missing kind and a non-web address with field messages', async () => {
    const res = await call(adminOrganisations.action, post('/admin/organisations', { name: 'Somewhere', kind: '', website: 'javascript:alert(1)' }, coordinatorCookie));
    expect(res.status).toBe(400);
    expect(res.body.errors.kind?.length).toBeGreaterThan(0);
    expect(res.body.errors.website?.length).toBeGreaterThan(0);
    expect(res.body.values.website).toBe('javascript:alert(1)');
    expect(getOrganisationBySlug('somewhere')).toBeUndefined();
  });

  it('edits an organisation, keeping its address, and refuses a name another organisation has', async () => {
    const bcito = getOrganisationBySlug('bcito')!;
    const page = await call(adminOrganisation.loader, get(`/admin/organisations/${bcito.id}`, coordinatorCookie), { id: String(bcito.id) });
    expect(page.body.organisation.name).toBe('BCITO');

    const saved = await call(
      adminOrganisation.action,
      post(`/admin/organisations/${bcito.id}`, { name: 'BCITO (Building)', kind: 'ito', description: 'Updated description.', website: 'https://bcito.org.nz' }, coordinatorCookie),
      { id: String(bcito.id) },
    );
    expect(saved.status).toBe(302);
    expect(getOrganisationById(bcito.id)).toMatchObject({ name: 'BCITO (Building)', slug: 'bcito', description: 'Updated description.', website: 'https://bcito.org.nz' });

    const clash = await call(
      adminOrganisation.action,
      post(`/admin/organisations/${bcito.id}`, { name: 'MITO', kind: 'ito', description: 'Clash' }, coordinatorCookie),
      { id: String(bcito.id) },
    );
    expect(clash.status).toBe(400);
    expect(clash.body.errors.name).toEqual(['An organisation with that name already exists.']);
    expect(clash.body.values.name).toBe('MITO');
    expect(getOrganisationById(bcito.id)!.name).toBe('BCITO (Building)');
  });

  it('answers 404 for an organisation that does not exist or a malformed id', async () => {
    for (const id of ['999999', 'abc', '1.5', '-1']) {
      const view = await call(adminOrganisation.loader, get(`/admin/organisations/${id}`, coordinatorCookie), { id });
      expect(view.status, id).toBe(404);
      const save = await call(adminOrganisation.action, post(`/admin/organisations/${id}`, { name: 'X Org', kind: 'other' }, coordinatorCookie), { id });
      expect(save.status, id).toBe(404);
    }
  });
});

describe('members', () => {
  it('changes a role, and refuses a role that does not exist', async () => {
    const target = userByEmail('jo.brady@demo.example');
    const res = await call(adminMembers.action, post('/admin/members?q=jo', { intent: 'role', userId: String(target.id), role: 'project_manager' }, coordinatorCookie));
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/admin/members?q=jo');
    expect(userByEmail(target.email).role).toBe('project_manager');

    const bad = await call(adminMembers.action, post('/admin/members', { intent: 'role', userId: String(target.id), role: 'superuser' }, coordinatorCookie));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/role/i);
    expect(userByEmail(target.email).role).toBe('project_manager');
  });

  it('deactivates a member: their sessions end, they cannot sign in, and reactivation restores access', async () => {
    const target = userByEmail('terry.shubkin@demo.example');
    const theirCookie = signInAs(target.id);
    expect(getUser(get('/', theirCookie))?.id).toBe(target.id);
    expect((await signIn(target.email, DEMO_PASSWORD, '10.1.1.1')).ok).toBe(true);

    const res = await call(adminMembers.action, post('/admin/members', { intent: 'deactivate', userId: String(target.id) }, coordinatorCookie));
    expect(res.status).toBe(302);
    expect(userByEmail(target.email).deactivatedAt).not.toBeNull();
    expect(sqlite.prepare('select count(*) as n from sessions where user_id = ?').get(target.id)).toEqual({ n: 0 });
    expect(getUser(get('/', theirCookie))).toBeNull();
    expect(await signIn(target.email, DEMO_PASSWORD, '10.1.1.1')).toEqual({ ok: false, reason: 'invalid' });
    expect(searchMembers({ q: 'Terry' }).members).toHaveLength(0);
    const list = await call(adminMembers.loader, get('/admin/members?q=Terry', coordinatorCookie));
    expect(list.body.members).toEqual([expect.objectContaining({ id: target.id, deactivated: true })]);

    const back = await call(adminMembers.action, post('/admin/members', { intent: 'reactivate', userId: String(target.id) }, coordinatorCookie));
    expect(back.status).toBe(302);
    expect(userByEmail(target.email).deactivatedAt).toBeNull();
    expect((await signIn(target.email, DEMO_PASSWORD, '10.1.1.1')).ok).toBe(true);
  });

  it('does not let a coordinator deactivate or demote themselves', async () => {
    const before = snapshot();
    const deactivate = await call(adminMembers.action, post('/admin/members', { intent: 'deactivate', userId: String(coordinator.id) }, coordinatorCookie));
    expect(deactivate.status).toBe(400);
    expect(deactivate.body.error).toBe('You cannot deactivate yourself.');
    const demote = await call(adminMembers.action, post('/admin/members', { intent: 'role', userId: String(coordinator.id), role: 'member' }, coordinatorCookie));
    expect(demote.status).toBe(400);
    expect(snapshot()).toEqual(before);
    expect(getUser(get('/', coordinatorCookie))?.role).toBe('coordinator');
  });
});

describe('invitations', () => {
  it('queues the invitation email and lists the invitation as pending until revoked', async () => {
    const bcito = getOrganisationBySlug('bcito')!;
    const res = await call(
      adminInvitations.action,
      post('/admin/invitations', { intent: 'invite', email: ' New.Person@Example.NZ ', organisationId: String(bcito.id), role: 'project_manager' }, coordinatorCookie),
    );
    expect(res.status).toBe(302);
    const mail = sqlite.prepare("select subject, text from outbox where to_address = 'new.person@example.nz'").get() as { subject: string; text: string };
    expect(mail.subject).toMatch(/invited you/);
    expect(mail.text).toMatch(/http:\/\/localhost:3000\/invite\/[a-z2-7]+/);

    const list = await call(adminInvitations.loader, get('/admin/invitations', coordinatorCookie));
    const row = list.body.invitations.find((i: { email: string }) => i.email === 'new.person@example.nz');
    expect(row).toMatchObject({ status: 'pending', organisationName: bcito.name, roleLabel: 'Project manager' });

    const revoked = await call(adminInvitations.action, post('/admin/invitations', { intent: 'revoke', invitationId: String(row.id) }, coordinatorCookie));
    expect(revoked.status).toBe(302);
    const after = await call(adminInvitations.loader, get('/admin/invitations', coordinatorCookie));
    expect(after.body.invitations.find((i: { id: number }) => i.id === row.id).status).toBe('revoked');

    const again = await call(adminInvitations.action, post('/admin/invitations', { intent: 'revoke', invitationId: String(row.id) }, coordinatorCookie));
    expect(again.status).toBe(400);
  });

  it('shows accepted and expired invitations as such', async () => {
    const bcito = getOrganisationBySlug('bcito')!;
    createInvitation(sessionUser(coordinator.email), { email: 'late@example.nz', organisationId: bcito.id, role: 'member' });
    createInvitation(sessionUser(coordinator.email), { email: 'joined@example.nz', organisationId: bcito.id, role: 'member' });
    sqlite.prepare("update invitations set expires_at = ? where email = 'late@example.nz'").run(Date.now() - 1000);
    sqlite.prepare("update invitations set accepted_at = ? where email = 'joined@example.nz'").run(Date.now());
    const list = await call(adminInvitations.loader, get('/admin/invitations', coordinatorCookie));
    const status = (email: string) => list.body.invitations.find((i: { email: string }) => i.email === email).status;
    expect(status('late@example.nz')).toBe('expired');
    expect(status('joined@example.nz')).toBe('accepted');
  });

  it('refuses a bad address or an existing member with 400 and keeps the input', async () => {
    const bcito = getOrganisationBySlug('bcito')!;
    const before = snapshot();
    const bad = await call(adminInvitations.action, post('/admin/invitations', { intent: 'invite', email: 'not-an-email', organisationId: String(bcito.id), role: 'member' }, coordinatorCookie));
    expect(bad.status).toBe(400);
    expect(bad.body.errors.email?.length).toBeGreaterThan(0);
    expect(bad.body.values).toMatchObject({ email: 'not-an-email', organisationId: String(bcito.id), role: 'member' });
    const existing = await call(adminInvitations.action, post('/admin/invitations', { intent: 'invite', email: member.email, organisationId: String(bcito.id), role: 'member' }, coordinatorCookie));
    expect(existing.status).toBe(400);
    expect(existing.body.errors.email).toEqual(['Someone with that email address is already a member.']);
    expect(snapshot()).toEqual(before);
  });
});

describe('join requests', () => {
  it('cannot be decided before the person confirms their email, and says so in the list', async () => {
    const nzqa = getOrganisationBySlug('new-zealand-qualifications-authority')!;
    const id = await joinRequest('Unconfirmed Person', 'unconfirmed@example.nz', nzqa.id, { verify: false });
    const list = await call(adminJoinRequests.loader, get('/admin/join-requests', coordinatorCookie));
    expect(list.body.requests.find((r: { id: number }) => r.id === id).status).toBe('unverified');
    const res = await call(adminJoinRequests.action, post('/admin/join-requests', { requestId: String(id), decision: 'approve', note: 'Welcome' }, coordinatorCookie));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/not confirmed/);
    expect(res.body.note).toBe('Welcome');
    expect(sqlite.prepare("select count(*) as n from users where email = 'unconfirmed@example.nz'").get()).toEqual({ n: 0 });
  });

  it('approving creates the member and emails them; declining emails them the note', async () => {
    const nzqa = getOrganisationBySlug('new-zealand-qualifications-authority')!;
    const yes = await joinRequest('Approved Person', 'approved@example.nz', nzqa.id);
    const no = await joinRequest('Declined Person', 'declined@example.nz', nzqa.id);
    const layout = await call(adminLayout.loader, get('/admin', coordinatorCookie));
    expect(layout.body.pendingJoinRequests).toBeGreaterThanOrEqual(2);

    const approve = await call(adminJoinRequests.action, post('/admin/join-requests', { requestId: String(yes), decision: 'approve', note: '' }, coordinatorCookie));
    expect(approve.status).toBe(302);
    expect(userByEmail('approved@example.nz')).toMatchObject({ name: 'Approved Person', organisationId: nzqa.id, role: 'member' });
    expect((await signIn('approved@example.nz', JOINER_PASSWORD, '10.2.2.2')).ok).toBe(true);

    const decline = await call(adminJoinRequests.action, post('/admin/join-requests', { requestId: String(no), decision: 'decline', note: 'Please ask your manager to get in touch.' }, coordinatorCookie));
    expect(decline.status).toBe(302);
    expect(sqlite.prepare("select count(*) as n from users where email = 'declined@example.nz'").get()).toEqual({ n: 0 });
    const declinedMail = sqlite.prepare("select text from outbox where to_address = 'declined@example.nz' and dedupe_key like 'join-decided:%'").get() as { text: string };
    expect(declinedMail.text).toContain('Please ask your manager to get in touch.');
    expect(sqlite.prepare("select count(*) as n from outbox where to_address = 'approved@example.nz' and dedupe_key like 'join-decided:%'").get()).toEqual({ n: 1 });

    const twice = await call(adminJoinRequests.action, post('/admin/join-requests', { requestId: String(yes), decision: 'decline', note: '' }, coordinatorCookie));
    expect(twice.status).toBe(400);
  });
});

describe('audit log', () => {
  it('records exactly one entry, naming the coordinator, for every admin action', async () => {
    const mito = getOrganisationBySlug('mito')!;
    const target = userByEmail('brenden.mischewski@demo.example');
    const requestId = await joinRequest('Audited Person', 'audited@example.nz', mito.id);
    const steps: [string, Handler, Request, Record<string, string>, string][] = [
      ['organisation.create', adminOrganisations.action, post('/admin/organisations', { name: 'Ara Institute of Canterbury', kind: 'itp' }, coordinatorCookie), {}, 'Ara Institute of Canterbury'],
      ['organisation.update', adminOrganisation.action, post(`/admin/organisations/${mito.id}`, { name: 'MITO', kind: 'ito', description: 'Motor Industry Training Organisation.' }, coordinatorCookie), { id: String(mito.id) }, 'MITO'],
      ['member.role', adminMembers.action, post('/admin/members', { intent: 'role', userId: String(target.id), role: 'member' }, coordinatorCookie), {}, target.name],
      ['member.deactivate', adminMembers.action, post('/admin/members', { intent: 'deactivate', userId: String(target.id) }, coordinatorCookie), {}, target.name],
      ['member.reactivate', adminMembers.action, post('/admin/members', { intent: 'reactivate', userId: String(target.id) }, coordinatorCookie), {}, target.name],
      ['invitation.create', adminInvitations.action, post('/admin/invitations', { intent: 'invite', email: 'audit-invite@example.nz', organisationId: String(mito.id), role: 'member' }, coordinatorCookie), {}, 'audit-invite@example.nz'],
      ['join-request.approve', adminJoinRequests.action, post('/admin/join-requests', { requestId: String(requestId), decision: 'approve' }, coordinatorCookie), {}, 'Audited Person'],
    ];
    for (const [expected, handler, request, params, mentions] of steps) {
      const before = auditRows();
      const res = await call(handler, request, params);
      expect(res.status, expected).toBe(302);
      const added = auditRows().slice(before.length);
      expect(added, expected).toEqual([expect.objectContaining({ action: expected, actor_id: coordinator.id })]);
      const page = await call(adminAudit.loader, get('/admin/audit', coordinatorCookie));
      expect(page.body.entries[0]).toMatchObject({ who: 'Demo Coordinator', action: expected });
      expect(page.body.entries[0].summary).toContain(mentions);
      expect(page.body.entries[0].when).toMatch(/NZ[SD]T$/);
    }
    // Revoking is audited too.
    const invitation = sqlite.prepare("select id from invitations where email = 'audit-invite@example.nz'").get() as { id: number };
    const before = auditRows();
    await call(adminInvitations.action, post('/admin/invitations', { intent: 'revoke', invitationId: String(invitation.id) }, coordinatorCookie));
    expect(auditRows().slice(before.length)).toEqual([expect.objectContaining({ action: 'invitation.revoke', actor_id: coordinator.id, target_id: invitation.id })]);
  });
});

describe('captured mail (/dev/mail)', () => {
  it('lists captured messages and shows one with its headers, links and raw file', async () => {
    const bcito = getOrganisationBySlug('bcito')!;
    await call(adminInvitations.action, post('/admin/invitations', { intent: 'invite', email: 'mail-viewer@example.nz', organisationId: String(bcito.id), role: 'member' }, coordinatorCookie));
    const row = sqlite.prepare("select id from outbox where to_address = 'mail-viewer@example.nz'").get() as { id: number };

    // Before the worker sends it: listed as pending, no .eml yet.
    const pending = await call(devMailMessage.loader, get(`/dev/mail/${row.id}`, coordinatorCookie), { id: String(row.id) });
    expect(pending.body).toMatchObject({ hasFile: false, message: { status: 'pending', messageId: null } });
    expect((await call(devMailEml.loader, get(`/dev/mail/${row.id}.eml`, coordinatorCookie), { id: String(row.id) })).status).toBe(404);

    await processOutbox();
    const index = await call(devMail.loader, get('/dev/mail', coordinatorCookie));
    expect(index.body.messages.find((m: { id: number }) => m.id === row.id)).toMatchObject({ to: 'mail-viewer@example.nz', status: 'sent' });

    const view = await call(devMailMessage.loader, get(`/dev/mail/${row.id}`, coordinatorCookie), { id: String(row.id) });
    expect(view.status).toBe(200);
    expect(view.body.message).toMatchObject({ to: 'mail-viewer@example.nz', status: 'sent', attempts: 1 });
    expect(view.body.message.messageId).toMatch(/^<outbox-\d+@localhost>$/);
    expect(view.body.hasFile).toBe(true);
    expect(view.body.links).toEqual(expect.arrayContaining([expect.stringMatching(/^http:\/\/localhost:3000\/invite\/[a-z2-7]+$/)]));
    expect(view.body.links.every((l: string) => /^https?:\/\//.test(l))).toBe(true);
    const html = await call(devMailHtml.loader, get(`/dev/mail/${row.id}/email.html`, coordinatorCookie), { id: String(row.id) });
    expect(html.status).toBe(200);
    expect(html.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('<html');

    const raw = await call(devMailEml.loader, get(`/dev/mail/${row.id}.eml`, coordinatorCookie), { id: String(row.id) });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('Content-Type')).toBe('message/rfc822');
    expect(raw.headers.get('Content-Disposition')).toBe(`attachment; filename="message-${row.id}.eml"`);
    expect(raw.body).toMatch(/^To: mail-viewer@example\.nz$/m);
  });

  it('answers 404 for a message that does not exist', async () => {
    for (const id of ['999999', 'abc']) {
      expect((await call(devMailMessage.loader, get(`/dev/mail/${id}`, coordinatorCookie), { id })).status).toBe(404);
      expect((await call(devMailEml.loader, get(`/dev/mail/${id}.eml`, coordinatorCookie), { id })).status).toBe(404);
      expect((await call(devMailHtml.loader, get(`/dev/mail/${id}/email.html`, coordinatorCookie), { id })).status).toBe(404);
    }
  });

  it('does not exist, for anyone, when SMTP_URL is set', async () => {
    const id = String((sqlite.prepare('select max(id) as id from outbox').get() as { id: number }).id);
    process.env.SMTP_URL = 'smtp://127.0.0.1:2525';
    resetEnvCacheForTests();
    for (const cookie of [coordinatorCookie, signInAs(member.id), undefined]) {
      expect((await call(devMail.loader, get('/dev/mail', cookie))).status).toBe(404);
      expect((await call(devMailMessage.loader, get(`/dev/mail/${id}`, cookie), { id })).status).toBe(404);
      expect((await call(devMailEml.loader, get(`/dev/mail/${id}.eml`, cookie), { id })).status).toBe(404);
    }
    const layout = await call(adminLayout.loader, get('/admin', coordinatorCookie));
    expect(layout.body.showMail).toBe(false);

    delete process.env.SMTP_URL;
    resetEnvCacheForTests();
    expect((await call(devMail.loader, get('/dev/mail', coordinatorCookie))).status).toBe(200);
    expect((await call(adminLayout.loader, get('/admin', coordinatorCookie))).body.showMail).toBe(true);
  });
});
