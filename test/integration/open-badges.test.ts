// The register in standard forms: every public micro-credential as an Open Badges 3.0 Achievement (validated with
// ajv against test/support/ob3-achievement.schema.json, written from the OB 3.0 data model), the whole register as
// JSON-LD and CSV (read back with csv-parse), members-only pilots kept out, and the entry page's alternate link.
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client.server';
import { microCredentials, organisations, qualifications, users } from '../../db/schema';
import { seed } from '../../db/seed';
import { createCaseStudy, type CaseStudyInput } from '~/models/case-studies.server';
import { createMicroCredential, listMicroCredentials, microCredentialProblems } from '~/models/micro-credentials.server';
import { validateSessionToken, createSession, generateToken, type SessionUser } from '~/utils/auth.server';
import { callRoute, signedIn, VISITOR } from '../support/routes';
import schema from '../support/ob3-achievement.schema.json';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateAchievement = ajv.compile(schema);
const OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

const orgId = (name: string) => db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, name)).get()!.id;
const qualificationId = (code: string) => db.select({ id: qualifications.id }).from(qualifications).where(eq(qualifications.code, code)).get()!.id;

let coordinator: SessionUser;
let tricky: number;
let membersOnly: number;

function asUser(email: string): SessionUser {
  const row = db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()!;
  const token = generateToken();
  createSession(token, row.id);
  return validateSessionToken(token)!.user;
}

function pilot(overrides: Partial<CaseStudyInput>): CaseStudyInput {
  return {
    title: 'A pilot',
    leadOrganisationId: orgId('Otago Polytechnic'),
    partnerIds: [],
    managerIds: [],
    status: 'running',
    startsOn: null,
    endsOn: null,
    funder: '',
    fundingNotes: '',
    targetAudience: '',
    problem: '',
    solution: '',
    delivery: [],
    lessonsLearned: '',
    bodyMd: '',
    tags: [],
    visibility: 'public',
    outcomes: [],
    microCredentials: [],
    ...overrides,
  };
}

async function json(url: string) {
  const res = await callRoute('GET', url, VISITOR);
  expect(res.status, url).toBe(200);
  const response = res.data as Response;
  expect(response.headers.get('Content-Type')).toBe('application/ld+json; charset=utf-8');
  return JSON.parse(await response.text());
}

beforeAll(async () => {
  await seed();
  coordinator = asUser('coordinator@demo.example');
  const made = createMicroCredential(coordinator, null, {
    name: '=Hōhā, "quoted" surveying\nsecond line',
    providerOrganisationId: orgId('Otago Polytechnic'),
    credits: 15,
    nzqfLevel: 5,
    nzqaStatus: 'approved',
    nzqaReference: '-12345',
    fieldOfStudy: 'Whenua, surveying',
    imageUrl: 'https://badges.example.nz/hoha.png',
    stacking: [{ qualificationId: qualificationId('nzde'), credits: 15 }],
  });
  if (!made.ok) throw new Error(JSON.stringify(made.problems));
  tricky = made.id;
  const hidden = createCaseStudy(
    coordinator,
    pilot({
      title: 'Members-only moderation pilot',
      visibility: 'members',
      microCredentials: [{ id: null, name: 'Members-only moderation badge', providerOrganisationId: orgId('Otago Polytechnic'), credits: 5, nzqfLevel: 4, nzqaStatus: 'not_applicable', nzqaReference: '', stacking: [] }],
    }),
    { publish: true },
  );
  membersOnly = db.select({ id: microCredentials.id }).from(microCredentials).where(eq(microCredentials.caseStudyId, hidden.id)).get()!.id;
});

describe('Open Badges 3.0 achievements', () => {
  it('publishes every public micro-credential as an Achievement that validates against the schema', async () => {
    const entries = listMicroCredentials(null);
    expect(entries.length).toBeGreaterThanOrEqual(4); // the three seeded pilots' and the one added above
    for (const entry of entries) {
      const achievement = await json(`/micro-credentials/${entry.id}.json`);
      expect(validateAchievement(achievement), `${entry.name}: ${ajv.errorsText(validateAchievement.errors)}`).toBe(true);
      expect(achievement['@context']).toContain(OB_CONTEXT);
      expect(achievement.type).toEqual(['Achievement']);
      expect(achievement.id).toBe(`http://localhost:3000/micro-credentials/${entry.id}`);
      expect(achievement.achievementType).toBe('MicroCredential');
      expect(achievement.inLanguage).toBe('en-NZ');
      expect(achievement.creator).toMatchObject({ type: ['Profile'], name: entry.providerName, id: `http://localhost:3000/organisations/${entry.providerSlug}` });
      if (entry.credits === null) expect(achievement).not.toHaveProperty('creditsAvailable');
      else expect(achievement.creditsAvailable).toBe(entry.credits);
      const levels = achievement.alignment.filter((a: { targetFramework: string; targetName: string }) => a.targetName.startsWith('Level '));
      expect(levels).toEqual(entry.nzqfLevel === null ? [] : [expect.objectContaining({ type: ['Alignment'], targetFramework: 'New Zealand Qualifications and Credentials Framework', targetName: `Level ${entry.nzqfLevel}` })]);
      for (const s of entry.stacking) {
        expect(achievement.alignment).toContainEqual(expect.objectContaining({ targetName: s.name, targetUrl: `http://localhost:3000/pathways/${s.code}` }));
      }
    }
  });

  it('has a schema that refuses what the data model forbids', async () => {
    const good = await json(`/micro-credentials/${tricky}.json`);
    const { criteria: _criteria, ...noCriteria } = good;
    for (const bad of [
      noCriteria,
      { ...good, achievementType: 'Nanodegree' },
      { ...good, creditsAvailable: '15' },
      { ...good, alignment: [{ type: ['Alignment'], targetName: 'Level 5' }] },
      { ...good, creator: { name: 'No id' } },
      { ...good, '@context': ['https://www.w3.org/ns/credentials/v2'] },
    ]) {
      expect(validateAchievement(bad)).toBe(false);
    }
  });

  it('carries the field of study and the image when known, and the seeded YES certificate aligns to NCEA', async () => {
    const a = await json(`/micro-credentials/${tricky}.json`);
    expect(a.fieldOfStudy).toBe('Whenua, surveying');
    expect(a.image).toEqual({ id: 'https://badges.example.nz/hoha.png', type: 'Image', caption: a.name });
    expect(a.humanCode).toBe('-12345');
    const yes = listMicroCredentials(null).find((m) => m.name === 'YES certificate')!;
    const y = await json(`/micro-credentials/${yes.id}.json`);
    expect(y.fieldOfStudy).toBe('Business and enterprise');
    expect(y).not.toHaveProperty('image');
    expect(y.alignment.map((x: { targetName: string }) => x.targetName)).toEqual(['Level 3', expect.stringMatching(/NCEA/)]);
    expect(y.description).toMatch(/^YES certificate: a micro-credential offered by Young Enterprise \(24 credits at NZQF Level 3\)\./);
  });

  it('lists the whole public register as Achievements and keeps members-only pilots out of every public form', async () => {
    const list = await json('/micro-credentials.json');
    expect(list.map((a: { id: string }) => a.id)).toEqual(listMicroCredentials(null).map((m) => `http://localhost:3000/micro-credentials/${m.id}`));
    for (const a of list) expect(validateAchievement(a), ajv.errorsText(validateAchievement.errors)).toBe(true);
    expect(JSON.stringify(list)).not.toContain('Members-only moderation badge');
    // Its own JSON is not public, even to a member; its page is there for members only.
    expect((await callRoute('GET', `/micro-credentials/${membersOnly}.json`, VISITOR)).status).toBe(404);
    const member = signedIn('member', 'member@demo.example');
    expect((await callRoute('GET', `/micro-credentials/${membersOnly}.json`, member)).status).toBe(404);
    expect((await callRoute('GET', `/micro-credentials/${membersOnly}`, VISITOR)).status).toBe(404);
    const page = await callRoute('GET', `/micro-credentials/${membersOnly}`, member);
    expect(page.status).toBe(200);
    expect((page.data as { achievementUrl: string | null }).achievementUrl).toBeNull();
    // Nonsense ids are a 404, never a 500.
    for (const bad of ['abc', '0', '99999999']) expect((await callRoute('GET', `/micro-credentials/${bad}.json`, VISITOR)).status).toBe(404);
  });

  it('gives each entry a page that links its Achievement as an alternate', async () => {
    const page = await callRoute('GET', `/micro-credentials/${tricky}`, VISITOR);
    expect(page.status).toBe(200);
    const data = page.data as { achievementUrl: string; name: string; criteria: string };
    expect(data.achievementUrl).toBe(`/micro-credentials/${tricky}.json`);
    expect(data.criteria).toContain('Awarded by Otago Polytechnic');
    const { meta } = await import('~/routes/micro-credentials.$id');
    const tags = meta({ data } as never) as { tagName?: string; rel?: string; type?: string; href?: string }[];
    expect(tags).toContainEqual(expect.objectContaining({ tagName: 'link', rel: 'alternate', type: 'application/ld+json', href: `/micro-credentials/${tricky}.json` }));
    const register = await import('~/routes/micro-credentials._index');
    const registerTags = register.meta({} as never) as { rel?: string; href?: string }[];
    expect(registerTags.filter((t) => t.rel === 'alternate').map((t) => t.href)).toEqual(['/micro-credentials.json', '/micro-credentials.csv']);
  });

  it('refuses a badge image that is not an https address', () => {
    const base = { name: 'Image test', providerOrganisationId: orgId('Otago Polytechnic'), credits: null, nzqfLevel: null, nzqaStatus: 'not_applicable' as const, nzqaReference: '', stacking: [] };
    for (const bad of ['http://badges.example.nz/a.png', 'javascript:alert(1)', 'data:image/png;base64,AAAA', 'not a url']) {
      expect(microCredentialProblems({ ...base, imageUrl: bad }).map((p) => p.field)).toEqual(['imageUrl']);
    }
    expect(microCredentialProblems({ ...base, imageUrl: 'https://badges.example.nz/a.png', fieldOfStudy: 'x'.repeat(121) }).map((p) => p.field)).toEqual(['fieldOfStudy']);
  });
});

describe('the register as CSV', () => {
  it('reads back with a CSV parser: commas, quotes, newlines, macrons and a leading = intact, the formula defused', async () => {
    const res = await callRoute('GET', '/micro-credentials.csv', VISITOR);
    const response = res.data as Response;
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('Content-Disposition')).toBe('attachment; filename="micro-credential-register.csv"');
    const text = await response.text();
    const rows: string[][] = parse(text, { bom: true });
    expect(rows[0]).toEqual(['Micro-credential', 'Provider', 'Credits', 'NZQF level', 'NZQA status', 'NZQA reference', 'Field of study', 'Stacks into', 'Pilot', 'Address']);
    expect(rows).toHaveLength(listMicroCredentials(null).length + 1);
    const row = rows.find((r) => r[9] === `http://localhost:3000/micro-credentials/${tricky}`)!;
    expect(row[0]).toBe(`'=Hōhā, "quoted" surveying\nsecond line`);
    expect(row.slice(1, 7)).toEqual(['Otago Polytechnic', '15', '5', 'Approved', "'-12345", 'Whenua, surveying']);
    expect(row[7]).toMatch(/Diploma.*\(15 credits\)/);
    expect(text).not.toContain('Members-only moderation badge');
  });
});
