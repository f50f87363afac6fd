// Case studies and the micro-credential register through their route loaders and actions, as Remix calls them:
// drafts, preview and publishing, who may see and edit what (ids and roles swapped to prove it), revisions and their
// differences, filters, similar work, stacking pathways, the seed, and the XSS corpus through the save path.
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client.server';
import { caseStudies, caseStudyRevisions, microCredentials, organisations, qualifications, users } from '../../db/schema';
import { seed } from '../../db/seed';
import { seedCaseStudies } from '../../db/seed-case-studies';
import { caseStudiesForOrganisation, findSimilarWork, getCaseStudyBySlug, listCaseStudies } from '~/models/case-studies.server';
import { listMicroCredentials, pathwayFor } from '~/models/micro-credentials.server';
import { createSession, generateToken, validateSessionToken, type SessionUser } from '~/utils/auth.server';
import { readFlash } from '~/utils/flash.server';
import * as page from '~/routes/case-studies.$slug';
import * as edit from '~/routes/case-studies.$slug_.edit';
import * as history from '~/routes/case-studies.$slug_.history';
import * as list from '~/routes/case-studies._index';
import * as create from '~/routes/case-studies.new';
import * as similar from '~/routes/case-studies.similar';
import * as register from '~/routes/micro-credentials._index';
import * as pathway from '~/routes/pathways.$qualification';
import { assertSafe, XSS_VECTORS } from '../support/xss-corpus';

type Handler = (args: any) => Promise<unknown>;
type Outcome = { status: number; data: any; headers: Headers; body: string | null };
type Form = Record<string, string | string[]>;

function body(form: Form): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  return params;
}

/** Calls a loader or action the way Remix would and flattens whatever it returns or throws. */
async function call(handler: Handler, { path, form, cookie, params = {} }: { path: string; form?: Form; cookie?: string; params?: Record<string, string> }): Promise<Outcome> {
  const headers = new Headers();
  if (cookie) headers.set('Cookie', cookie);
  const request = new Request(`http://localhost:3000${path}`, form ? { method: 'POST', body: body(form), headers } : { headers });
  let out: unknown;
  try {
    out = await handler({ request, params, context: { clientIp: '127.0.0.1', cspNonce: '' } });
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    out = thrown;
  }
  if (out instanceof Response) {
    const text = await out.text();
    const json = out.headers.get('Content-Type')?.includes('json') ? JSON.parse(text) : null;
    return { status: out.status, data: json, headers: out.headers, body: text };
  }
  if (out && typeof out === 'object' && (out as { type?: string }).type === 'DataWithResponseInit') {
    const { data, init } = out as { data: unknown; init: ResponseInit | null };
    return { status: init?.status ?? 200, data, headers: new Headers(init?.headers), body: null };
  }
  return { status: 200, data: out, headers: new Headers(), body: null };
}

async function flashOf(response: Outcome): Promise<string | undefined> {
  const setCookie = response.headers.get('Set-Cookie') ?? '';
  const cookie = setCookie.split(/,(?=\s*__)/).map((c) => c.split(';')[0]!.trim()).find((c) => c.startsWith('__flash='));
  if (!cookie) return undefined;
  const { flash } = await readFlash(new Request('http://localhost:3000/', { headers: { Cookie: cookie } }));
  return flash?.message;
}

type Session = { user: SessionUser; cookie: string };
function sessionFor(email: string): Session {
  const row = db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()!;
  const token = generateToken();
  createSession(token, row.id);
  return { user: validateSessionToken(token)!.user, cookie: `__session=${token}` };
}

const orgId = (name: string) => db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, name)).get()!.id;
const qualificationId = (code: string) => db.select({ id: qualifications.id }).from(qualifications).where(eq(qualifications.code, code)).get()!.id;
const caseStudyRow = (slug: string) => db.select().from(caseStudies).where(eq(caseStudies.slug, slug)).get();
const revisionsOf = (id: number) => db.select().from(caseStudyRevisions).where(eq(caseStudyRevisions.caseStudyId, id)).orderBy(caseStudyRevisions.id).all();

let coordinator: Session;
let projectManager: Session; // Otago Polytechnic; manages EduBits in the seed
let otherManager: Session; // Brenden Mischewski: a project manager of no seeded pilot
let member: Session;

/** A complete, valid case-study form: every field of the issue, one outcome, one micro-credential stacking into the NZDE. */
function caseStudyForm(overrides: Form = {}): Form {
  return {
    intent: 'publish',
    title: 'Stackable surveying micro-credentials for engineering technicians',
    leadOrganisationId: String(orgId('Otago Polytechnic')),
    partnerIds: [String(orgId('New Zealand Board of Engineering Diplomas')), String(orgId('Tertiary Education Commission'))],
    managerIds: [String(projectManager.user.id)],
    status: 'running',
    startsOn: '2019-02-01',
    endsOn: '2019-11-30',
    funder: 'TEC',
    fundingNotes: 'One of the five engineering pilots TEC funds.',
    targetAudience: 'Technicians in work who want to progress toward the NZDE.',
    problem: 'Technicians cannot take a year off work to study surveying for the diploma.',
    solution: 'Short workplace-assessed micro-credentials that stack into the NZDE.',
    delivery: ['workplace', 'practical_assessment'],
    'outcome-0-label': 'Enrolments',
    'outcome-0-value': '42',
    'outcome-0-unit': '',
    'outcome-0-asOf': '2019-06-30',
    lessonsLearned: 'Employers wanted assessment on site.',
    body: 'We worked with **three employers**. See [the report](https://example.org/report).',
    tags: 'Surveying, NZDE',
    visibility: 'public',
    'mc-0-name': 'Site surveying fundamentals',
    'mc-0-provider': String(orgId('Otago Polytechnic')),
    'mc-0-credits': '15',
    'mc-0-level': '5',
    'mc-0-nzqaStatus': 'in_development',
    'mc-0-nzqaReference': '',
    'mc-0-stack-0-qualification': String(qualificationId('nzde')),
    'mc-0-stack-0-credits': '15',
    ...overrides,
  };
}

/** Creates a case study through the real form and returns its slug. */
async function createThroughForm(session: Session, overrides: Form = {}): Promise<string> {
  const res = await call(create.action, { path: '/case-studies/new', form: caseStudyForm(overrides), cookie: session.cookie });
  expect(res.status, JSON.stringify(res.data?.errors)).toBe(302);
  return res.headers.get('Location')!.replace(/^\/case-studies\//, '').replace(/\/edit$/, '');
}

beforeAll(async () => {
  await seed();
  // The lead calls this from seed(); calling it again must change nothing (it is idempotent).
  db.transaction((tx) => seedCaseStudies(tx));
  coordinator = sessionFor('coordinator@demo.example');
  projectManager = sessionFor('project.manager@demo.example');
  otherManager = sessionFor('brenden.mischewski@demo.example');
  member = sessionFor('member@demo.example');
});

describe('the demo data', () => {
  it('seeds the pilots the articles describe, once, however often it runs', () => {
    const count = () => ({
      caseStudies: db.select().from(caseStudies).all().length,
      microCredentials: db.select().from(microCredentials).all().length,
      revisions: db.select().from(caseStudyRevisions).all().length,
    });
    const before = count();
    db.transaction((tx) => seedCaseStudies(tx));
    expect(count()).toEqual(before);
    expect(before.caseStudies).toBe(6);
  });

  it('records only what the articles give', () => {
    const udacity = getCaseStudyBySlug('udacity-self-driving-car-engineer-nanodegree', null)!.caseStudy;
    expect(udacity.microCredentials).toMatchObject([{ name: 'Self-Driving Car Engineer Nanodegree', credits: 60, nzqfLevel: 9, providerName: 'Udacity', stacking: [] }]);
    expect(udacity.funder).toBe('NZQA pilot');
    const edubits = getCaseStudyBySlug('otago-polytechnic-edubits', null)!.caseStudy;
    expect(edubits.microCredentials).toMatchObject([{ name: 'EduBits', credits: null, nzqfLevel: null }]);
    expect(edubits.managers.map((m) => m.name)).toEqual(['Demo Project Manager']);
    const yes = getCaseStudyBySlug('young-enterprise-scheme', null)!.caseStudy;
    expect(yes.microCredentials[0]).toMatchObject({ credits: 24, nzqfLevel: 3, stacking: [{ code: 'ncea', credits: 24 }] });
    expect(yes.outcomes).toMatchObject([{ value: 3700, unit: 'students' }]);
    const bcito = getCaseStudyBySlug('bcito-micro-credential-trial', null)!.caseStudy;
    expect(bcito.outcomes.map((o) => [o.label, o.value, o.unit])).toEqual([
      ['Enrolments', 150, ''],
      ['Associated with employers and trainees new to industry training', 80, '%'],
    ]);
    expect(bcito).toMatchObject({ problem: '', solution: '', funder: '', startsOn: null, endsOn: null });
    expect(db.select().from(qualifications).all().map((q) => [q.code, q.totalCredits, q.nzqfLevel]).sort()).toEqual([
      ['bengtech', 360, 7],
      ['ncea', null, 3],
      ['nzde', 240, 6],
    ]);
  });

  it('lists an organisation’s pilots, as lead or partner', () => {
    expect(caseStudiesForOrganisation(orgId('Otago Polytechnic')).map((c) => [c.slug, c.role])).toContainEqual(['otago-polytechnic-edubits', 'lead']);
    const nzqa = caseStudiesForOrganisation(orgId('New Zealand Qualifications Authority'));
    expect(nzqa.map((c) => c.role)).toEqual(['partner', 'partner', 'partner']);
    expect(nzqa.map((c) => c.slug).sort()).toEqual(['otago-polytechnic-edubits', 'udacity-self-driving-car-engineer-nanodegree', 'young-enterprise-scheme']);
  });
});

describe('writing and publishing', () => {
  it('lets project managers and coordinators open the form, refuses members (403) and sends visitors to sign in', async () => {
    expect((await call(create.loader, { path: '/case-studies/new', cookie: projectManager.cookie })).status).toBe(200);
    expect((await call(create.loader, { path: '/case-studies/new', cookie: coordinator.cookie })).status).toBe(200);
    expect((await call(create.loader, { path: '/case-studies/new', cookie: member.cookie })).status).toBe(403);
    expect((await call(create.action, { path: '/case-studies/new', form: caseStudyForm({ title: 'A member’s pilot' }), cookie: member.cookie })).status).toBe(403);
    expect(caseStudyRow('a-member-s-pilot')).toBeUndefined();
    const visitor = await call(create.loader, { path: '/case-studies/new' });
    expect(visitor.status).toBe(302);
    expect(visitor.headers.get('Location')).toBe(`/login?redirectTo=${encodeURIComponent('/case-studies/new')}`);
  });

  it('previews the sanitised page and keeps every input, saving nothing', async () => {
    const before = db.select().from(caseStudies).all().length;
    const form = caseStudyForm({ intent: 'preview', body: 'Hello <script>alert(1)</script> **world**' });
    const res = await call(create.action, { path: '/case-studies/new', form, cookie: projectManager.cookie });
    expect(res.status).toBe(200);
    expect(res.data.preview.bodyHtml).toBe('<p>Hello  <strong>world</strong></p>\n');
    expect(res.data.preview).toMatchObject({ title: form.title, leadOrganisation: { name: 'Otago Polytechnic' }, outcomes: [{ label: 'Enrolments', value: '42' }] });
    expect(res.data.preview.microCredentials[0]).toMatchObject({ name: 'Site surveying fundamentals', stacking: [{ code: 'nzde', credits: 15 }] });
    for (const [key, value] of Object.entries(form)) expect(res.data.values[key], key).toEqual(value);
    expect(db.select().from(caseStudies).all()).toHaveLength(before);
  });

  it('answers a bad form with 400, a message on each field and the input kept', async () => {
    const form = caseStudyForm({
      title: '',
      'outcome-1-value': '80',
      'mc-0-credits': '10',
      'mc-0-stack-0-credits': '15',
      endsOn: '2018-01-01',
    });
    const res = await call(create.action, { path: '/case-studies/new', form, cookie: projectManager.cookie });
    expect(res.status).toBe(400);
    expect(res.data.errors.title).toEqual(['Enter a title.']);
    expect(res.data.errors['outcome-1-label']?.[0]).toMatch(/what was measured/);
    expect(res.data.errors['mc-0-stack-0-credits']?.[0]).toMatch(/worth 10 credits cannot count 15/);
    expect(res.data.errors.endsOn?.[0]).toMatch(/on or after the start/);
    expect(res.data.errors._form?.[0]).toMatch(/4 fields need attention/);
    expect(res.data.values['outcome-1-value']).toBe('80');
    expect(res.data.values.partnerIds).toEqual(form.partnerIds);
  });

  it('reads figures as people write them: “3,700” and “80 %”', async () => {
    const form = caseStudyForm({ intent: 'preview', 'outcome-0-value': '3,700', 'outcome-0-unit': 'students', 'outcome-1-label': 'Associated with employers', 'outcome-1-value': '80 %' });
    const res = await call(create.action, { path: '/case-studies/new', form, cookie: projectManager.cookie });
    expect(res.data.preview.outcomes.map((o: { value: string }) => o.value)).toEqual(['3,700 students', '80 %']);
  });

  it('refuses a project manager leaving themselves off the pilot they write', async () => {
    const res = await call(create.action, { path: '/case-studies/new', form: caseStudyForm({ managerIds: [String(otherManager.user.id)] }), cookie: projectManager.cookie });
    expect(res.status).toBe(400);
    expect(res.data.errors.managerIds?.[0]).toMatch(/Keep yourself/);
  });

  it('keeps a draft to its editors until it is published, then lists it with its first revision', async () => {
    const title = 'Drafted pilot: geotechnical field skills';
    const res = await call(create.action, { path: '/case-studies/new', form: caseStudyForm({ intent: 'draft', title }), cookie: projectManager.cookie });
    expect(res.status).toBe(302);
    const slug = 'drafted-pilot-geotechnical-field-skills';
    expect(res.headers.get('Location')).toBe(`/case-studies/${slug}/edit`);
    expect(await flashOf(res)).toMatch(/Draft saved/);
    const params = { slug };
    expect(caseStudyRow(slug)!.publishedAt).toBeNull();

    // Its editor and coordinators see it; nobody else learns it exists.
    expect((await call(page.loader, { path: `/case-studies/${slug}`, params, cookie: projectManager.cookie })).data.draft).toBe(true);
    expect((await call(page.loader, { path: `/case-studies/${slug}`, params, cookie: coordinator.cookie })).status).toBe(200);
    expect((await call(page.loader, { path: `/case-studies/${slug}`, params, cookie: otherManager.cookie })).status).toBe(404);
    expect((await call(page.loader, { path: `/case-studies/${slug}`, params, cookie: member.cookie })).status).toBe(404);
    expect((await call(page.loader, { path: `/case-studies/${slug}`, params })).status).toBe(404);
    expect((await call(edit.loader, { path: `/case-studies/${slug}/edit`, params, cookie: otherManager.cookie })).status).toBe(404);
    const listed = (await call(list.loader, { path: '/case-studies', cookie: member.cookie })).data;
    expect(listed.caseStudies.map((c: { slug: string }) => c.slug)).not.toContain(slug);
    expect((await call(list.loader, { path: '/case-studies', cookie: projectManager.cookie })).data.drafts.map((c: { slug: string }) => c.slug)).toContain(slug);
    expect((await call(list.loader, { path: '/case-studies', cookie: otherManager.cookie })).data.drafts.map((c: { slug: string }) => c.slug)).not.toContain(slug);

    // Editing a draft keeps no revisions; publishing keeps the first.
    const saved = await call(edit.action, { path: `/case-studies/${slug}/edit`, params, form: caseStudyForm({ intent: 'draft', title, lessonsLearned: 'Changed while a draft.' }), cookie: projectManager.cookie });
    expect(saved.status).toBe(302);
    expect(revisionsOf(caseStudyRow(slug)!.id)).toHaveLength(0);
    const published = await call(edit.action, { path: `/case-studies/${slug}/edit`, params, form: caseStudyForm({ intent: 'publish', title }), cookie: projectManager.cookie });
    expect(published.status).toBe(302);
    expect(published.headers.get('Location')).toBe(`/case-studies/${slug}`);
    expect(caseStudyRow(slug)!.publishedAt).not.toBeNull();
    expect(revisionsOf(caseStudyRow(slug)!.id).map((r) => [r.changedFields, r.editorId])).toEqual([['First published', projectManager.user.id]]);
    expect((await call(page.loader, { path: `/case-studies/${slug}`, params })).status).toBe(200);
    expect((await call(list.loader, { path: '/case-studies' })).data.caseStudies.map((c: { slug: string }) => c.slug)).toContain(slug);
  });

  it('shows a members-only case study to signed-in members and never to visitors', async () => {
    const slug = await createThroughForm(projectManager, { title: 'Members-only pilot of assessor moderation', visibility: 'members' });
    const params = { slug };
    expect((await call(page.loader, { path: `/case-studies/${slug}`, params })).status).toBe(404);
    expect((await call(page.loader, { path: `/case-studies/${slug}`, params, cookie: member.cookie })).status).toBe(200);
    expect((await call(history.loader, { path: `/case-studies/${slug}/history`, params })).status).toBe(404);
    expect((await call(list.loader, { path: '/case-studies' })).data.caseStudies.map((c: { slug: string }) => c.slug)).not.toContain(slug);
    expect((await call(list.loader, { path: '/case-studies', cookie: member.cookie })).data.caseStudies.map((c: { slug: string }) => c.slug)).toContain(slug);
    // Its micro-credentials stay out of the register and the pathway for visitors too.
    expect(listMicroCredentials(null).map((m) => m.caseStudySlug)).not.toContain(slug);
    expect(listMicroCredentials(member.user).map((m) => m.caseStudySlug)).toContain(slug);
    expect(findSimilarWork({ title: 'assessor moderation', summary: '' }, { viewer: null }).map((s) => s.url)).not.toContain(`/case-studies/${slug}`);
  });

  it('shows visitors how many project managers a pilot has, but not their names', async () => {
    const params = { slug: 'otago-polytechnic-edubits' };
    const visitor = (await call(page.loader, { path: '/case-studies/otago-polytechnic-edubits', params })).data;
    expect(visitor.caseStudy).toMatchObject({ managers: null, managerCount: 1 });
    const signedIn = (await call(page.loader, { path: '/case-studies/otago-polytechnic-edubits', params, cookie: member.cookie })).data;
    expect(signedIn.caseStudy.managers.map((m: { name: string }) => m.name)).toEqual(['Demo Project Manager']);
  });
});

describe('who may edit a pilot', () => {
  const slug = 'otago-polytechnic-edubits';
  const params = { slug };
  const path = `/case-studies/${slug}/edit`;

  it('refuses another project manager and a member in the loader and the action (403), and changes nothing', async () => {
    const before = getCaseStudyBySlug(slug, null)!.caseStudy;
    const revisions = revisionsOf(before.id).length;
    for (const session of [otherManager, member]) {
      expect((await call(edit.loader, { path, params, cookie: session.cookie })).status).toBe(403);
      const form = caseStudyForm({ intent: 'save', title: 'Hijacked', managerIds: [String(session.user.id)] });
      expect((await call(edit.action, { path, params, form, cookie: session.cookie })).status).toBe(403);
    }
    const after = getCaseStudyBySlug(slug, null)!.caseStudy;
    expect(after.title).toBe(before.title);
    expect(after.managers).toEqual(before.managers);
    expect(revisionsOf(before.id)).toHaveLength(revisions);
  });

  it('lets the pilot’s own project manager and a coordinator edit', async () => {
    expect((await call(edit.loader, { path, params, cookie: projectManager.cookie })).status).toBe(200);
    const res = await call(edit.loader, { path, params, cookie: coordinator.cookie });
    expect(res.status).toBe(200);
    expect(res.data.values).toMatchObject({ title: 'Otago Polytechnic EduBits', 'mc-0-name': 'EduBits', managerIds: [String(projectManager.user.id)] });
    const values = { ...res.data.values, intent: 'save', lessonsLearned: 'Added by a coordinator.' };
    const saved = await call(edit.action, { path, params, form: values, cookie: coordinator.cookie });
    expect(saved.status).toBe(302);
    expect(getCaseStudyBySlug(slug, null)!.caseStudy.lessonsLearned).toBe('Added by a coordinator.');
  });

  it('refuses a micro-credential id from another pilot (an id swap) and changes neither pilot', async () => {
    const udacityCredential = db.select().from(microCredentials).where(eq(microCredentials.name, 'Self-Driving Car Engineer Nanodegree')).get()!;
    const values = (await call(edit.loader, { path, params, cookie: projectManager.cookie })).data.values;
    const form = { ...values, intent: 'save', 'mc-0-id': String(udacityCredential.id), 'mc-0-name': 'Stolen nanodegree' };
    const res = await call(edit.action, { path, params, form, cookie: projectManager.cookie });
    expect(res.status).toBe(400);
    expect(res.data.errors['mc-0-name']?.[0]).toMatch(/not part of this pilot/);
    expect(db.select().from(microCredentials).where(eq(microCredentials.id, udacityCredential.id)).get()).toMatchObject({ name: 'Self-Driving Car Engineer Nanodegree', caseStudyId: udacityCredential.caseStudyId });
  });

  it('sends a visitor to sign in', async () => {
    expect((await call(edit.loader, { path, params })).status).toBe(302);
    expect((await call(edit.action, { path, params, form: caseStudyForm() })).status).toBe(302);
  });
});

describe('revisions after publishing', () => {
  it('keeps who, when and what changed for every save that changes something, and shows the difference', async () => {
    const slug = await createThroughForm(projectManager, { title: 'Revision trail pilot for drone inspection' });
    const params = { slug };
    const id = caseStudyRow(slug)!.id;
    expect(revisionsOf(id)).toHaveLength(1);

    const form = caseStudyForm({
      intent: 'save',
      title: 'Revision trail pilot for drone inspection',
      'outcome-0-value': '55',
      lessonsLearned: 'Employers wanted assessment on site.\nTrainees wanted evening sessions.',
    });
    const before = Date.now();
    const res = await call(edit.action, { path: `/case-studies/${slug}/edit`, params, form, cookie: projectManager.cookie });
    expect(res.status).toBe(302);
    expect(await flashOf(res)).toBe('Saved. The history keeps this revision (changed: Outcomes, Lessons learned).');
    const revisions = revisionsOf(id);
    expect(revisions).toHaveLength(2);
    expect(revisions[1]).toMatchObject({ editorId: projectManager.user.id, changedFields: 'Outcomes, Lessons learned' });
    expect(revisions[1]!.createdAt).toBeGreaterThanOrEqual(before);
    expect(JSON.parse(revisions[1]!.snapshot)).toMatchObject({ outcomes: [{ label: 'Enrolments', value: 55 }], lessonsLearned: form.lessonsLearned });

    // Saving the same thing again keeps no empty revision.
    const again = await call(edit.action, { path: `/case-studies/${slug}/edit`, params, form, cookie: projectManager.cookie });
    expect(await flashOf(again)).toMatch(/Nothing had changed/);
    expect(revisionsOf(id)).toHaveLength(2);

    // A coordinator's edit is kept under the coordinator's name.
    await call(edit.action, { path: `/case-studies/${slug}/edit`, params, form: { ...form, funder: 'Engineering e2e' }, cookie: coordinator.cookie });
    expect(revisionsOf(id).map((r) => [r.editorId, r.changedFields])).toEqual([
      [projectManager.user.id, 'First published'],
      [projectManager.user.id, 'Outcomes, Lessons learned'],
      [coordinator.user.id, 'Funder'],
    ]);

    // The history page: newest first, and the difference between the first and second revisions per field.
    const [first, second] = revisionsOf(id);
    const page1 = await call(history.loader, { path: `/case-studies/${slug}/history?from=${first!.id}&to=${second!.id}`, params, cookie: member.cookie });
    expect(page1.status).toBe(200);
    expect(page1.data.revisions.map((r: { number: number; editor: string }) => [r.number, r.editor])).toEqual([
      [3, 'Demo Coordinator'],
      [2, 'Demo Project Manager'],
      [1, 'Demo Project Manager'],
    ]);
    const fields = page1.data.comparison.fields;
    expect(fields.map((f: { label: string }) => f.label)).toEqual(['Outcomes', 'Lessons learned']);
    // One line on each side: compared word by word.
    expect(fields[0].ops).toEqual([
      { type: 'equal', text: 'Enrolments: ' },
      { type: 'delete', text: '42' },
      { type: 'insert', text: '55' },
      { type: 'equal', text: ' (as of 30 June 2019)' },
    ]);
    expect(fields[1].ops).toEqual([
      { type: 'equal', text: 'Employers wanted assessment on site.' },
      { type: 'insert', text: 'Trainees wanted evening sessions.' },
    ]);

    // A revision of another case study cannot be compared here.
    const otherId = revisionsOf(caseStudyRow('young-enterprise-scheme')!.id)[0]!.id;
    const swapped = await call(history.loader, { path: `/case-studies/${slug}/history?from=${otherId}&to=${second!.id}`, params });
    expect(swapped.status).toBe(400);
    expect(swapped.data.comparison).toBeNull();
  });
});

describe('filters', () => {
  const slugs = (res: Outcome) => res.data.caseStudies.map((c: { slug: string }) => c.slug).sort();
  const seeded = (query: string) => call(list.loader, { path: `/case-studies?${query}` }).then((res) => slugs(res).filter((s: string) => !/pilot|drone|surveying|geotechnical/.test(s)));

  it('filters pilots by status, organisation kind of the lead or a partner, funder, NZQF level and tag', async () => {
    const nzqaPilots = ['otago-polytechnic-edubits', 'udacity-self-driving-car-engineer-nanodegree', 'young-enterprise-scheme'];
    expect(await seeded('status=completed')).toEqual(nzqaPilots);
    expect(await seeded('kind=nzqa')).toEqual(nzqaPilots); // NZQA is a partner, not the lead
    expect(await seeded('kind=ito')).toEqual(['bcito-micro-credential-trial', 'mito-startup-micro-credentials', 'primary-ito-micro-credentials']);
    expect(await seeded('funder=NZQA+pilot')).toEqual(nzqaPilots);
    expect(await seeded('level=9')).toEqual(['udacity-self-driving-car-engineer-nanodegree']);
    expect(await seeded('tag=automotive')).toEqual(['mito-startup-micro-credentials', 'udacity-self-driving-car-engineer-nanodegree']);
    expect(await seeded('status=running&tag=automotive')).toEqual(['mito-startup-micro-credentials']);
    // Unknown values are ignored rather than answered with an error.
    expect((await call(list.loader, { path: '/case-studies?status=bogus&level=42' })).status).toBe(200);
  });

  it('filters the register by level, credits, provider and qualification', async () => {
    const names = async (query: string) => (await call(register.loader, { path: `/micro-credentials?${query}` })).data.microCredentials.map((m: { name: string }) => m.name);
    expect(await names('level=3')).toEqual(['YES certificate']);
    expect(await names('qualification=ncea')).toEqual(['YES certificate']);
    expect(await names('minCredits=50')).toEqual(['Self-Driving Car Engineer Nanodegree']);
    expect(await names('minCredits=20&maxCredits=30')).toEqual(['YES certificate']);
    expect(await names(`provider=${orgId('Otago Polytechnic')}`)).toContain('EduBits');
    expect(await names(`provider=${orgId('Otago Polytechnic')}`)).not.toContain('YES certificate');
  });
});

describe('stacking pathways', () => {
  it('shows what stacks into a qualification, the credits covered and the gap to its total', async () => {
    const ncea = (await call(pathway.loader, { path: '/pathways/ncea', params: { qualification: 'ncea' } })).data;
    expect(ncea).toMatchObject({ count: 1, covered: 24, remaining: null, percent: null });
    expect(ncea.providers.map((p: { name: string }) => p.name)).toEqual(['Young Enterprise']);

    const nzde = pathwayFor('nzde', null)!;
    const credits = nzde.providers.flatMap((p) => p.items.map((i) => i.stackingCredits));
    expect(nzde.covered).toBe(Math.min(240, credits.reduce((a, b) => a + b, 0)));
    expect(nzde.remaining).toBe(240 - nzde.covered);
    expect(nzde.providers.map((p) => p.providerName)).toEqual(['Otago Polytechnic']);

    expect((await call(pathway.loader, { path: '/pathways/nothing', params: { qualification: 'nothing' } })).status).toBe(404);
  });
});

describe('similar work', () => {
  it('finds a seeded pilot, with its lead organisation, from a related title', () => {
    const found = findSimilarWork({ title: 'Self-driving vehicle engineering skills for automotive technicians', summary: '' });
    expect(found[0]).toMatchObject({ kind: 'case_study', title: 'Udacity Self-Driving Car Engineer Nanodegree', organisationName: 'Udacity', url: '/case-studies/udacity-self-driving-car-engineer-nanodegree' });
    expect(found[0]!.sharedWords).toEqual(expect.arrayContaining(['self', 'driving']));
  });

  it('finds pilots from the problem too, and nothing for words every pilot shares', () => {
    expect(findSimilarWork({ title: 'Business skills', summary: 'Secondary school students run a business and earn NCEA credits' }).map((s) => s.title)).toContain(
      'The Lion Foundation Young Enterprise Scheme (YES)',
    );
    expect(findSimilarWork({ title: 'A micro-credential pilot programme', summary: '' })).toEqual([]);
  });

  it('answers the live panel’s requests for writers only', async () => {
    const res = await call(similar.loader, { path: '/case-studies/similar?title=Self-driving+car+skills&problem=', cookie: projectManager.cookie });
    expect(res.status).toBe(200);
    expect(res.data.items[0].title).toBe('Udacity Self-Driving Car Engineer Nanodegree');
    const excluded = caseStudyRow('udacity-self-driving-car-engineer-nanodegree')!.id;
    const without = await call(similar.loader, { path: `/case-studies/similar?title=Self-driving+car+skills&exclude=${excluded}`, cookie: projectManager.cookie });
    expect(without.data.items.map((i: { url: string }) => i.url)).not.toContain('/case-studies/udacity-self-driving-car-engineer-nanodegree');
    expect((await call(similar.loader, { path: '/case-studies/similar?title=x', cookie: member.cookie })).status).toBe(403);
    expect((await call(similar.loader, { path: '/case-studies/similar?title=x' })).status).toBe(403);
  });

  it('is shown on preview, and on the draft after saving, without JavaScript', async () => {
    const form = caseStudyForm({ title: 'Self-driving car sensor fusion short course', problem: 'Automotive employers need sensor fusion skills.' });
    const preview = await call(create.action, { path: '/case-studies/new', form: { ...form, intent: 'preview' }, cookie: projectManager.cookie });
    expect(preview.data.similar.map((s: { title: string }) => s.title)).toContain('Udacity Self-Driving Car Engineer Nanodegree');
    const saved = await call(create.action, { path: '/case-studies/new', form: { ...form, intent: 'draft' }, cookie: projectManager.cookie });
    const slug = saved.headers.get('Location')!.split('/')[2]!;
    const draft = await call(edit.loader, { path: `/case-studies/${slug}/edit`, params: { slug }, cookie: projectManager.cookie });
    expect(draft.data.similar.map((s: { title: string }) => s.title)).toContain('Udacity Self-Driving Car Engineer Nanodegree');
    expect(draft.data.similar.map((s: { url: string }) => s.url)).not.toContain(`/case-studies/${slug}`);
  });
});

describe('the story’s Markdown through the save path', () => {
  it('stores no live script, handler or dangerous URL for any vector of the XSS corpus', async () => {
    const slug = await createThroughForm(projectManager, { intent: 'draft', title: 'XSS corpus pilot' });
    const params = { slug };
    for (const vector of XSS_VECTORS) {
      const res = await call(edit.action, { path: `/case-studies/${slug}/edit`, params, form: caseStudyForm({ intent: 'draft', title: 'XSS corpus pilot', body: vector.input }), cookie: projectManager.cookie });
      expect(res.status, vector.name).toBe(302);
      const row = caseStudyRow(slug)!;
      expect(row.bodyMd, vector.name).toBe(vector.input.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim());
      assertSafe(row.bodyHtml, { payloadVisibleAsText: vector.payloadVisibleAsText });
    }
  });

  it('gives links rel="nofollow noopener ugc"', async () => {
    const slug = await createThroughForm(projectManager, { title: 'Linked report pilot' });
    expect(caseStudyRow(slug)!.bodyHtml).toBe(
      '<p>We worked with <strong>three employers</strong>. See <a rel="nofollow noopener ugc" href="https://example.org/report">the report</a>.</p>\n',
    );
  });
});

describe('the public list', () => {
  it('lists published pilots newest first with their lead organisation', () => {
    const items = listCaseStudies(null);
    expect(items.length).toBeGreaterThanOrEqual(6);
    expect(items.find((i) => i.slug === 'bcito-micro-credential-trial')).toMatchObject({ leadOrganisationName: 'BCITO', status: 'running' });
  });
});
