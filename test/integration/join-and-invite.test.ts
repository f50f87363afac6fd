// The two ways in: asking to join (confirm the email, then a coordinator decides) and accepting an invitation.
import { eq } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '../../db/client.server';
import { users } from '../../db/schema';
import { seed } from '../../db/seed';
import { signIn } from '~/models/accounts.server';
import { createInvitation, listInvitations, revokeInvitation } from '~/models/invitations.server';
import { decideJoinRequest, listJoinRequests } from '~/models/join-requests.server';
import { organisationOptions } from '~/models/organisations.server';
import { createSession, generateToken, validateSessionToken, type SessionUser } from '~/utils/auth.server';
import { listOutbox } from '~/utils/mail.server';
import * as invite from '~/routes/invite.$token';
import * as join from '~/routes/join';
import * as verify from '~/routes/join_.verify.$token';

type Handler = (args: any) => Promise<unknown>;
type Outcome = { status: number; data: any; headers: Headers };

/** Calls a loader or action the way Remix would and flattens whatever it returns or throws. */
async function call(
  handler: Handler,
  { path, form, cookie, params = {}, ip = '127.0.0.1' }: { path: string; form?: Record<string, string>; cookie?: string; params?: Record<string, string>; ip?: string },
): Promise<Outcome> {
  const headers = new Headers();
  if (cookie) headers.set('Cookie', cookie);
  const request = new Request(`http://localhost:3000${path}`, form ? { method: 'POST', body: new URLSearchParams(form), headers } : { headers });
  let out: unknown;
  try {
    out = await handler({ request, params, context: { clientIp: ip, cspNonce: '' } });
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    out = thrown;
  }
  if (out instanceof Response) return { status: out.status, data: null, headers: out.headers };
  if (out && typeof out === 'object' && (out as { type?: string }).type === 'DataWithResponseInit') {
    const { data, init } = out as { data: unknown; init: ResponseInit | null };
    return { status: init?.status ?? 200, data, headers: new Headers(init?.headers) };
  }
  return { status: 200, data: out, headers: new Headers() };
}

function findUser(email: string) {
  return db.select().from(users).where(eq(users.email, email)).get();
}

function orgId(name: string): number {
  return organisationOptions().find((o) => o.name === name)!.id;
}

function mailTo(email: string) {
  return listOutbox(1000).filter((m) => m.toAddress === email);
}

/** The token in the first link to `path` in the newest message to `email`, read from the plain-text part. */
function linkToken(email: string, path: '/join/verify/' | '/invite/'): string {
  const message = mailTo(email).find((m) => m.text.includes(path));
  const match = message && new RegExp(`http://localhost:3000${path}([a-z2-7]{32})`).exec(message.text);
  if (!match) throw new Error(`no ${path} link emailed to ${email}`);
  return match[1]!;
}

function requestFor(email: string) {
  return listJoinRequests().find((r) => r.email === email);
}

let coordinator: SessionUser;
let coordinatorCookie: string;

beforeAll(async () => {
  await seed();
  const token = generateToken();
  createSession(token, findUser('coordinator@demo.example')!.id);
  coordinator = validateSessionToken(token)!.user;
  coordinatorCookie = `__session=${token}`;
});

afterEach(() => {
  vi.useRealTimers();
});

const PASSWORD = 'tui sings at dawn in the kowhai';

function joinForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    name: 'Mere Tane',
    email: 'mere.tane@example.nz',
    organisationId: String(orgId('MITO')),
    reason: 'I run the automotive micro-credential pilot.',
    password: PASSWORD,
    confirmPassword: PASSWORD,
    ...overrides,
  };
}

describe('request to join', () => {
  it('offers the organisations to choose from and sends signed-in people home', async () => {
    const page = await call(join.loader, { path: '/join' });
    expect(page.status).toBe(200);
    expect(page.data.organisations.map((o: { name: string }) => o.name)).toContain('Otago Polytechnic');

    const signedIn = await call(join.loader, { path: '/join', cookie: coordinatorCookie });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get('Location')).toBe('/');
  });

  it('a bad email address is a 400 with a field message, the other input kept, and the password never echoed', async () => {
    const res = await call(join.action, { path: '/join', form: joinForm({ email: 'mere at example' }), ip: '10.1.0.1' });
    expect(res.status).toBe(400);
    expect(res.data.errors.email).toEqual(['Enter an email address like name@example.nz.']);
    expect(res.data.values).toEqual({
      name: 'Mere Tane',
      email: 'mere at example',
      organisationId: String(orgId('MITO')),
      reason: 'I run the automotive micro-credential pilot.',
    });
    expect(JSON.stringify(res.data)).not.toContain(PASSWORD);
    expect(listJoinRequests()).toHaveLength(0);
  });

  it('refuses a short, common or mismatched password with a field message and records nothing', async () => {
    const short = await call(join.action, { path: '/join', form: joinForm({ password: 'kowhai', confirmPassword: 'kowhai' }), ip: '10.1.0.2' });
    expect(short.status).toBe(400);
    expect(short.data.errors.password).toEqual(['Use at least 10 characters. A few words make a good passphrase.']);

    const common = await call(join.action, { path: '/join', form: joinForm({ password: 'password123', confirmPassword: 'password123' }), ip: '10.1.0.2' });
    expect(common.status).toBe(400);
    expect(common.data.errors.password).toEqual(['That password is too common. Choose something less guessable.']);

    const mismatch = await call(join.action, { path: '/join', form: joinForm({ confirmPassword: 'tui sings at dusk' }), ip: '10.1.0.2' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.data.errors.confirmPassword).toEqual(['The two passwords do not match.']);

    expect(requestFor('mere.tane@example.nz')).toBeUndefined();
    expect(mailTo('mere.tane@example.nz')).toHaveLength(0);
  });

  it('an organisation not in the list is a 400 on that field', async () => {
    const res = await call(join.action, { path: '/join', form: joinForm({ organisationId: '99999' }), ip: '10.1.0.3' });
    expect(res.status).toBe(400);
    expect(res.data.errors.organisationId).toEqual(['Choose your organisation from the list.']);
  });

  it('request, confirm the email, a coordinator approves, and the person signs in with the password they chose', async () => {
    const email = 'mere.tane@example.nz';
    const sent = await call(join.action, { path: '/join', form: joinForm({ email: 'Mere.Tane@Example.NZ' }), ip: '10.1.1.1' });
    expect(sent.status).toBe(200);
    expect(sent.data).toEqual({ sent: true, email });
    expect(requestFor(email)?.status).toBe('unverified');

    // A coordinator cannot approve before the address is confirmed.
    const early = decideJoinRequest(coordinator, requestFor(email)!.id, { decision: 'approve', note: '' });
    expect(early).toEqual({ ok: false, message: 'Mere Tane has not confirmed their email address yet.' });
    expect(findUser(email)).toBeUndefined();

    const token = linkToken(email, '/join/verify/');
    const verified = await call(verify.loader, { path: `/join/verify/${token}`, params: { token } });
    expect(verified.status).toBe(200);
    expect(verified.data).toEqual({ ok: true, name: 'Mere Tane', status: 'pending' });
    expect(requestFor(email)?.status).toBe('pending');
    // Opening the link again is harmless.
    expect((await call(verify.loader, { path: `/join/verify/${token}`, params: { token } })).status).toBe(200);

    const decided = decideJoinRequest(coordinator, requestFor(email)!.id, { decision: 'approve', note: '' });
    expect(decided.ok).toBe(true);
    const user = findUser(email)!;
    expect(user).toMatchObject({ name: 'Mere Tane', role: 'member', organisationId: orgId('MITO') });
    expect(user.emailVerifiedAt).not.toBeNull();
    const welcome = mailTo(email).find((m) => m.dedupeKey.startsWith('join-decided:'))!;
    expect(welcome.subject).toMatch(/^Welcome to/);
    expect(welcome.text).toContain('http://localhost:3000/login');

    expect((await signIn(email, PASSWORD, '10.1.1.2')).ok).toBe(true);
    expect(decideJoinRequest(coordinator, requestFor(email)!.id, { decision: 'approve', note: '' })).toEqual({ ok: false, message: 'That request was already approved.' });
  });

  it('declining emails the person, with the note, and creates no account', async () => {
    const email = 'hemi.walker@example.nz';
    await call(join.action, { path: '/join', form: joinForm({ name: 'Hemi Walker', email }), ip: '10.1.2.1' });
    const token = linkToken(email, '/join/verify/');
    await call(verify.loader, { path: `/join/verify/${token}`, params: { token } });

    const decided = decideJoinRequest(coordinator, requestFor(email)!.id, { decision: 'decline', note: 'Please ask your ITO to nominate you.' });
    expect(decided).toEqual({ ok: true, message: 'Declined; Hemi Walker has been emailed.' });
    expect(requestFor(email)?.status).toBe('declined');
    expect(findUser(email)).toBeUndefined();
    const letter = mailTo(email).find((m) => m.dedupeKey.startsWith('join-decided:'))!;
    expect(letter.subject).toMatch(/^Your request to join/);
    const text = letter.text.replace(/\s+/g, ' ');
    expect(text).toContain("we're not able to approve it");
    expect(text).toContain('Please ask your ITO to nominate you.');
    expect(letter.html).toContain('Please ask your ITO to nominate you.');
    expect((await signIn(email, PASSWORD, '10.1.2.2')).ok).toBe(false);
  });

  it('a request for an address that already has an account gets the same answer and sends nothing', async () => {
    const existing = await call(join.action, { path: '/join', form: joinForm({ name: 'Someone', email: 'jo.brady@demo.example' }), ip: '10.1.3.1' });
    const fresh = await call(join.action, { path: '/join', form: joinForm({ name: 'Someone', email: 'someone.new@example.nz' }), ip: '10.1.3.1' });
    expect(existing.status).toBe(fresh.status);
    expect(existing.data).toEqual({ sent: true, email: 'jo.brady@demo.example' });
    expect(Object.keys(existing.data)).toEqual(Object.keys(fresh.data));
    expect(mailTo('jo.brady@demo.example')).toHaveLength(0);
    expect(requestFor('jo.brady@demo.example')).toBeUndefined();
    expect(mailTo('someone.new@example.nz')).toHaveLength(1);
  });

  it('asking again replaces the earlier request, so only the newest link confirms', async () => {
    const email = 'twice@example.nz';
    await call(join.action, { path: '/join', form: joinForm({ email }), ip: '10.1.4.1' });
    const first = linkToken(email, '/join/verify/');
    await call(join.action, { path: '/join', form: joinForm({ email, name: 'Twice Asked' }), ip: '10.1.4.1' });
    const second = linkToken(email, '/join/verify/');
    expect(second).not.toBe(first);
    expect(listJoinRequests().filter((r) => r.email === email)).toHaveLength(1);
    expect((await call(verify.loader, { path: `/join/verify/${first}`, params: { token: first } })).status).toBe(404);
    expect((await call(verify.loader, { path: `/join/verify/${second}`, params: { token: second } })).data).toEqual({ ok: true, name: 'Twice Asked', status: 'pending' });
  });

  it('an unknown confirmation link is a 404 with a friendly page, not an error', async () => {
    const res = await call(verify.loader, { path: '/join/verify/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', params: { token: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' } });
    expect(res.status).toBe(404);
    expect(res.data).toEqual({ ok: false, name: null });
  });

  it('throttles requests from one network with a 429 and a clear message', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await call(join.action, { path: '/join', form: joinForm({ organisationId: '99999' }), ip: '10.1.9.9' });
      expect(res.status).toBe(400);
    }
    const throttled = await call(join.action, { path: '/join', form: joinForm({ email: 'late@example.nz' }), ip: '10.1.9.9' });
    expect(throttled.status).toBe(429);
    expect(throttled.data.errors._form[0]).toMatch(/^Too many requests to join/);
    expect(throttled.headers.get('Retry-After')).toMatch(/^\d+$/);
    expect(throttled.data.values.email).toBe('late@example.nz');
    expect(requestFor('late@example.nz')).toBeUndefined();
  });
});

describe('accepting an invitation', () => {
  function invited(email: string, organisation = 'Primary ITO', role: 'member' | 'project_manager' | 'coordinator' = 'project_manager') {
    const outcome = createInvitation(coordinator, { email, organisationId: orgId(organisation), role });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    // Read the link from the email, as the person would.
    const token = linkToken(email, '/invite/');
    expect(token).toBe(outcome.token);
    return token;
  }

  function accept(token: string, form: Record<string, string> = {}, cookie?: string) {
    return call(invite.action, { path: `/invite/${token}`, params: { token }, cookie, form: { name: 'Aroha Ngata', password: PASSWORD, confirmPassword: PASSWORD, ...form } });
  }

  it('shows the organisation, role and email, then creates the account with them and signs the person in', async () => {
    const email = 'aroha.ngata@example.nz';
    const token = invited(email);
    const page = await call(invite.loader, { path: `/invite/${token}`, params: { token } });
    expect(page.status).toBe(200);
    expect(page.data.invitation).toEqual({ email, organisationName: 'Primary ITO', roleLabel: 'Project manager' });

    const res = await accept(token);
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/');
    const cookies = res.headers.getSetCookie();
    expect(cookies.some((c) => c.startsWith('__flash='))).toBe(true);
    const sessionToken = /^__session=([a-z2-7]+);/.exec(cookies.find((c) => c.startsWith('__session='))!)![1]!;
    const signedIn = validateSessionToken(sessionToken)!.user;
    expect(signedIn).toMatchObject({ email, name: 'Aroha Ngata', role: 'project_manager', organisationName: 'Primary ITO' });
    expect(findUser(email)!.emailVerifiedAt).not.toBeNull();
    expect((await signIn(email, PASSWORD, '10.2.0.1')).ok).toBe(true);
  });

  it('refuses the same link a second time', async () => {
    const email = 'twice.invited@example.nz';
    const token = invited(email, 'MITO', 'member');
    expect((await accept(token)).status).toBe(302);

    const page = await call(invite.loader, { path: `/invite/${token}`, params: { token } });
    expect(page.status).toBe(404);
    expect(page.data.invitation).toBeNull();
    const again = await accept(token, { name: 'Someone Else' });
    expect(again.status).toBe(404);
    expect(again.data.errors._form[0]).toMatch(/expired, been replaced, or already been used/);
    expect(again.headers.getSetCookie()).toHaveLength(0);
    expect(findUser(email)!.name).toBe('Aroha Ngata');
  });

  it('refuses a link older than seven days', async () => {
    const email = 'slow.reader@example.nz';
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: start });
    const token = invited(email);
    vi.setSystemTime(start + 6 * 24 * 60 * 60 * 1000);
    expect((await call(invite.loader, { path: `/invite/${token}`, params: { token } })).status).toBe(200);
    vi.setSystemTime(start + 7 * 24 * 60 * 60 * 1000 + 60_000);
    expect((await call(invite.loader, { path: `/invite/${token}`, params: { token } })).status).toBe(404);
    expect((await accept(token)).status).toBe(404);
    expect(findUser(email)).toBeUndefined();
  });

  it('refuses a revoked link, and a newer invitation replaces an older one', async () => {
    const email = 'revoked@example.nz';
    const first = invited(email);
    const second = invited(email, 'BCITO', 'member');
    expect((await call(invite.loader, { path: `/invite/${first}`, params: { token: first } })).status).toBe(404);
    expect((await call(invite.loader, { path: `/invite/${second}`, params: { token: second } })).data.invitation.organisationName).toBe('BCITO');

    const open = listInvitations().find((i) => i.email === email && i.revokedAt === null)!;
    expect(revokeInvitation(coordinator, open.id)).toBe(true);
    expect((await call(invite.loader, { path: `/invite/${second}`, params: { token: second } })).status).toBe(404);
    expect((await accept(second)).status).toBe(404);
    expect(findUser(email)).toBeUndefined();
  });

  it('refuses a short or common password with a field message and keeps the invitation open', async () => {
    const email = 'weak.password@example.nz';
    const token = invited(email);
    const short = await accept(token, { password: 'tui', confirmPassword: 'tui' });
    expect(short.status).toBe(400);
    expect(short.data.errors.password).toEqual(['Use at least 10 characters. A few words make a good passphrase.']);
    expect(short.data.values).toEqual({ name: 'Aroha Ngata' });

    const common = await accept(token, { password: '1234567890', confirmPassword: '1234567890' });
    expect(common.status).toBe(400);
    expect(common.data.errors.password).toEqual(['That password is too common. Choose something less guessable.']);

    const withEmail = await accept(token, { password: 'weak.password rules', confirmPassword: 'weak.password rules' });
    expect(withEmail.status).toBe(400);
    expect(withEmail.data.errors.password).toEqual(['Do not use your email address in your password.']);

    expect(findUser(email)).toBeUndefined();
    expect((await call(invite.loader, { path: `/invite/${token}`, params: { token } })).status).toBe(200);
  });

  it('signs out whoever was signed in on the browser before signing in the new account', async () => {
    const email = 'shared.laptop@example.nz';
    const token = invited(email);
    const previous = generateToken();
    createSession(previous, findUser('member@demo.example')!.id);
    const page = await call(invite.loader, { path: `/invite/${token}`, params: { token }, cookie: `__session=${previous}` });
    expect(page.data.signedInAs).toBe('member@demo.example');

    expect((await accept(token, {}, `__session=${previous}`)).status).toBe(302);
    expect(validateSessionToken(previous)).toBeNull();
  });
});
