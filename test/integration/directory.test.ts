// The public organisation directory and the members-only people directory, through the real route loaders.
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { db, sqlite } from '../../db/client.server';
import { seed } from '../../db/seed';
import { users } from '../../db/schema';
import * as organisationsPage from '~/routes/organisations._index';
import * as organisationPage from '~/routes/organisations.$slug';
import * as membersPage from '~/routes/members._index';
import * as memberPage from '~/routes/members.$id';
import { getOrganisationBySlug } from '~/models/organisations.server';
import { createSession, generateToken } from '~/utils/auth.server';
import { ORGANISATION_KIND_LABELS } from '~/utils/labels';

const BASE = 'http://localhost:3000';
const context = { clientIp: '127.0.0.1', cspNonce: '' };

type Handler = (args: any) => Promise<unknown>;

/** Runs a loader; a thrown Response (404, redirect) comes back as { status, headers } instead of throwing. */
async function load(handler: Handler, path: string, params: Record<string, string> = {}, cookie?: string) {
  const request = new Request(BASE + path, { headers: cookie ? { Cookie: cookie } : {} });
  try {
    return { status: 200, headers: new Headers(), body: (await handler({ request, params, context })) as any };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, headers: thrown.headers, body: null as any };
    throw thrown;
  }
}

function userId(email: string) {
  return db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id;
}

let memberCookie: string;

beforeAll(async () => {
  await seed();
  const token = generateToken();
  createSession(token, userId('member@demo.example'));
  memberCookie = `__session=${token}`;
});

describe('/organisations', () => {
  it('groups organisations by kind, in the order of the kinds, with headings and active member counts', async () => {
    const { status, body } = await load(organisationsPage.loader, '/organisations');
    expect(status).toBe(200);
    const kinds = body.groups.map((g: { kind: string }) => g.kind);
    expect(kinds).toEqual(['itp', 'ito', 'professional_body', 'nzbed', 'tec', 'nzqa', 'industry', 'other']);
    const ito = body.groups.find((g: { kind: string }) => g.kind === 'ito');
    expect(ito.heading).toBe(ORGANISATION_KIND_LABELS.ito);
    expect(ito.organisations.map((o: { name: string }) => o.name)).toEqual(['BCITO', 'MITO', 'Primary ITO']);
    const otago = body.groups[0].organisations.find((o: { slug: string }) => o.slug === 'otago-polytechnic');
    expect(otago.memberCount).toBe(2); // Demo Project Manager and Jo Brady
    expect(otago.excerpt).toMatch(/^Has significant experience .*EduBits, developed with industry partners\.$/);
    // A long description is cut at a word and marked as cut.
    const nzqa = body.groups.find((g: { kind: string }) => g.kind === 'nzqa').organisations[0];
    expect(nzqa.excerpt.length).toBeLessThanOrEqual(181);
    expect(nzqa.excerpt).toMatch(/^NZQA ran micro-credential pilot projects .*[a-z]…$/);
  });

  it('counts only active members', async () => {
    const terry = userId('terry.shubkin@demo.example');
    sqlite.prepare('update users set deactivated_at = ? where id = ?').run(Date.now(), terry);
    try {
      const { body } = await load(organisationsPage.loader, '/organisations');
      const other = body.groups.find((g: { kind: string }) => g.kind === 'other');
      expect(other.organisations.find((o: { slug: string }) => o.slug === 'young-enterprise').memberCount).toBe(0);
    } finally {
      sqlite.prepare('update users set deactivated_at = null where id = ?').run(terry);
    }
  });
});

describe('/organisations/:slug', () => {
  it('shows a visitor the organisation and how many people, but not who they are', async () => {
    const { status, body } = await load(organisationPage.loader, '/organisations/otago-polytechnic', { slug: 'otago-polytechnic' });
    expect(status).toBe(200);
    expect(body.organisation).toMatchObject({ name: 'Otago Polytechnic', kindLabel: 'ITP' });
    expect(body.peopleCount).toBe(2);
    expect(body.people).toBeNull();
    const everything = JSON.stringify(body);
    expect(everything).not.toContain('Jo Brady');
    expect(everything).not.toContain('Demo Project Manager');
    expect(everything).not.toContain('@demo.example');
  });

  it('lists the people, linked by id, to a signed-in member', async () => {
    const { body } = await load(organisationPage.loader, '/organisations/otago-polytechnic', { slug: 'otago-polytechnic' }, memberCookie);
    expect(body.people).toEqual([
      { id: userId('project.manager@demo.example'), name: 'Demo Project Manager', roleLabel: 'Project manager', jobTitle: 'Pilot project manager' },
      { id: userId('jo.brady@demo.example'), name: 'Jo Brady', roleLabel: 'Member', jobTitle: 'Deputy Chief Executive People, Performance and Development' },
    ]);
    expect(JSON.stringify(body)).not.toContain('@demo.example');
  });

  it('answers 404 for an unknown organisation', async () => {
    expect((await load(organisationPage.loader, '/organisations/no-such-place', { slug: 'no-such-place' })).status).toBe(404);
    expect((await load(organisationPage.loader, '/organisations/no-such-place', { slug: 'no-such-place' }, memberCookie)).status).toBe(404);
  });
});

describe('/members', () => {
  const names = (body: { members: { name: string }[] }) => body.members.map((m) => m.name);

  it('sends a visitor to sign in', async () => {
    const res = await load(membersPage.loader, '/members?q=otago');
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe(`/login?redirectTo=${encodeURIComponent('/members?q=otago')}`);
  });

  it('lists everyone active, by name, without email addresses', async () => {
    const { body } = await load(membersPage.loader, '/members', {}, memberCookie);
    expect(names(body)).toEqual([...names(body)].sort((a, b) => a.localeCompare(b)));
    expect(names(body)).toContain('Bill Sole');
    expect(JSON.stringify(body)).not.toContain('@demo.example');
    expect(body.hasMore).toBe(false);
  });

  it('finds people by part of their name, their organisation, or an interest', async () => {
    expect(names((await load(membersPage.loader, '/members?q=sole', {}, memberCookie)).body)).toEqual(['Bill Sole']);
    expect(names((await load(membersPage.loader, '/members?q=Otago', {}, memberCookie)).body)).toEqual(['Demo Project Manager', 'Jo Brady']);
    expect(names((await load(membersPage.loader, '/members?q=edubits', {}, memberCookie)).body)).toEqual(['Demo Project Manager', 'Jo Brady']);
    expect(names((await load(membersPage.loader, '/members?q=quality%20assurance', {}, memberCookie)).body)).toEqual(['Bill Sole', 'Demo Coordinator']);
    const none = (await load(membersPage.loader, '/members?q=%25_nothing', {}, memberCookie)).body;
    expect(none).toMatchObject({ q: '%_nothing', members: [] });
  });

  it('leaves deactivated people out of the search', async () => {
    const bill = userId('bill.sole@demo.example');
    sqlite.prepare('update users set deactivated_at = ? where id = ?').run(Date.now(), bill);
    try {
      expect(names((await load(membersPage.loader, '/members?q=sole', {}, memberCookie)).body)).toEqual([]);
    } finally {
      sqlite.prepare('update users set deactivated_at = null where id = ?').run(bill);
    }
  });

  it('pages through long results, 50 at a time', async () => {
    const org = getOrganisationBySlug('udacity')!;
    const insert = sqlite.prepare("insert into users (email, name, organisation_id, role, interests) values (?, ?, ?, 'member', 'paging')");
    for (let i = 0; i < 55; i++) insert.run(`pager${i}@example.nz`, `Pager ${String(i).padStart(2, '0')}`, org.id);
    const first = (await load(membersPage.loader, '/members?q=paging', {}, memberCookie)).body;
    expect(first).toMatchObject({ page: 1, hasMore: true });
    expect(first.members).toHaveLength(50);
    const second = (await load(membersPage.loader, '/members?q=paging&page=2', {}, memberCookie)).body;
    expect(second).toMatchObject({ page: 2, hasMore: false });
    expect(names(second)).toEqual(['Pager 50', 'Pager 51', 'Pager 52', 'Pager 53', 'Pager 54']);
    // A nonsense page number is page 1, not an error.
    expect((await load(membersPage.loader, '/members?q=paging&page=banana', {}, memberCookie)).body.page).toBe(1);
    sqlite.prepare("delete from users where interests = 'paging'").run();
  });
});

describe('/members/:id', () => {
  it('shows a profile: organisation, role, job title, bio and interests, but no email address', async () => {
    const id = userId('brenden.mischewski@demo.example');
    const { status, body } = await load(memberPage.loader, `/members/${id}`, { id: String(id) }, memberCookie);
    expect(status).toBe(200);
    expect(body.active).toBe(true);
    expect(body.person).toMatchObject({
      name: 'Brenden Mischewski',
      organisationName: 'Engineering e2e',
      organisationSlug: 'engineering-e2e',
      roleLabel: 'Project manager',
      jobTitle: 'Project Manager, Engineering e2e micro-credentials initiative',
      interests: ['micro-credentials', 'NZDE', 'stacking'],
      isSelf: false,
    });
    expect(body.person.bio).toContain('community of practice');
    expect(JSON.stringify(body)).not.toContain('@demo.example');
  });

  it('sends a visitor to sign in', async () => {
    const id = userId('bill.sole@demo.example');
    const res = await load(memberPage.loader, `/members/${id}`, { id: String(id) });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toMatch(/^\/login\?redirectTo=/);
  });

  it('answers 404 for an unknown or non-numeric id', async () => {
    for (const id of ['999999', 'abc', '1.5', '0', '-2', '1e3', '99999999999999999999']) {
      expect((await load(memberPage.loader, `/members/${id}`, { id }, memberCookie)).status, id).toBe(404);
    }
  });

  it('says a deactivated person is no longer active, and shows nothing more about them', async () => {
    const id = userId('jo.brady@demo.example');
    sqlite.prepare("update users set deactivated_at = ?, bio = 'Private bio' where id = ?").run(Date.now(), id);
    try {
      const { status, body } = await load(memberPage.loader, `/members/${id}`, { id: String(id) }, memberCookie);
      expect(status).toBe(200);
      expect(body.active).toBe(false);
      expect(body.person).toMatchObject({ name: 'Jo Brady', organisationName: 'Otago Polytechnic' });
      expect(JSON.stringify(body)).not.toContain('Private bio');
      expect(body.person.interests).toBeUndefined();
    } finally {
      sqlite.prepare("update users set deactivated_at = null, bio = '' where id = ?").run(id);
    }
  });
});
