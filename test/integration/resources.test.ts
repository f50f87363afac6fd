// The resource library through its routes: versions, permissions (ids swapped), download headers (names, nosniff,
// ETag/304, ranges), download counts, and full-text search inside the seeded PDFs, whatever a person types.
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, sqlite } from '../../db/client.server';
import { caseStudies, users, workshops } from '../../db/schema';
import { seed } from '../../db/seed';
import { buildSimplePdf, demoResourcePdf, seedResources, sha256Hex } from '../../db/seed-resources';
import {
  HIGHLIGHT_END,
  HIGHLIGHT_START,
  extractPendingTexts,
  getResource,
  listResources,
  resourcesForCaseStudy,
  resourcesForOrganisation,
  resourcesForWorkshop,
  searchResources,
  toFtsQuery,
} from '~/models/resources.server';
import { action as resourceAction, loader as resourceLoader } from '~/routes/resources.$id';
import { loader as downloadLoader } from '~/routes/resources.$id_.download';
import { action as editAction, loader as editLoader } from '~/routes/resources.$id_.edit';
import { loader as versionDownloadLoader } from '~/routes/resources.$id_.versions.$version.download';
import { loader as libraryLoader } from '~/routes/resources._index';
import { action as newAction } from '~/routes/resources.new';
import { createSession, generateToken } from '~/utils/auth.server';
import { contentDisposition, parseRange } from '~/utils/downloads.server';
import { env } from '~/utils/env.server';

const context = { clientIp: '127.0.0.1', cspNonce: '' };
const BASE = 'http://localhost:3000';

type Person = { id: number; cookie: string };
let uploader: Person; // member@demo.example (member)
let otherMember: Person; // bill.sole@demo.example (member)
let projectManager: Person; // project.manager@demo.example
let coordinator: Person; // coordinator@demo.example
const visitor: Person = { id: 0, cookie: '' };

function personFor(email: string): Person {
  const id = db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id;
  const token = generateToken();
  createSession(token, id);
  return { id, cookie: `__session=${token}` };
}

beforeAll(async () => {
  await seed();
  await seedResources(db);
  uploader = personFor('member@demo.example');
  otherMember = personFor('bill.sole@demo.example');
  projectManager = personFor('project.manager@demo.example');
  coordinator = personFor('coordinator@demo.example');
});

async function call<T>(fn: (args: never) => Promise<T>, request: Request, params: Record<string, string> = {}): Promise<unknown> {
  try {
    return await fn({ request, params, context } as never);
  } catch (thrown) {
    return thrown;
  }
}

function get(url: string, who: Person, headers: Record<string, string> = {}) {
  return new Request(`${BASE}${url}`, { headers: { ...(who.cookie ? { Cookie: who.cookie } : {}), ...headers } });
}

function postForm(url: string, who: Person, body: FormData | URLSearchParams) {
  return new Request(`${BASE}${url}`, { method: 'POST', body, headers: who.cookie ? { Cookie: who.cookie } : {} });
}

function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status;
  const r = result as { type?: string; init?: { status?: number } };
  if (r?.type === 'DataWithResponseInit') return r.init?.status ?? 200;
  return 200;
}

function pdfWith(text: string) {
  return buildSimplePdf([[{ text: 'Test document', size: 18, bold: true }, { text }]]);
}

async function upload(
  who: Person,
  opts: { title: string; bytes: Uint8Array; name?: string; visibility?: 'public' | 'members'; type?: string; workshopIds?: number[]; caseStudyIds?: number[] },
): Promise<number> {
  const form = new FormData();
  form.append('title', opts.title);
  form.append('kind', 'report');
  form.append('visibility', opts.visibility ?? 'public');
  // As the form does by default: published by the uploader's organisation.
  if (who.id) form.append('organisationId', String(db.select().from(users).where(eq(users.id, who.id)).get()!.organisationId));
  for (const id of opts.workshopIds ?? []) form.append('workshopIds', String(id));
  for (const id of opts.caseStudyIds ?? []) form.append('caseStudyIds', String(id));
  form.append('file', new File([opts.bytes as Uint8Array<ArrayBuffer>], opts.name ?? 'document.pdf', { type: opts.type ?? 'application/pdf' }));
  const result = await call(newAction, postForm('/resources/new', who, form));
  expect(result, JSON.stringify(result)).toBeInstanceOf(Response);
  const location = (result as Response).headers.get('Location')!;
  expect(location).toMatch(/^\/resources\/\d+$/);
  return Number(location.split('/').pop());
}

async function uploadVersion(who: Person, id: number, bytes: Uint8Array, name: string, note = '') {
  const form = new FormData();
  form.append('note', note);
  form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], name, { type: 'application/pdf' }));
  return call(resourceAction, postForm(`/resources/${id}`, who, form), { id: String(id) });
}

async function download(url: string, who: Person, headers: Record<string, string> = {}): Promise<Response> {
  const m = /^\/resources\/(\d+)\/(?:versions\/(\d+)\/)?download$/.exec(url)!;
  const result = m[2]
    ? await call(versionDownloadLoader, get(url, who, headers), { id: m[1]!, version: m[2] })
    : await call(downloadLoader, get(url, who, headers), { id: m[1]! });
  expect(result).toBeInstanceOf(Response);
  return result as Response;
}

const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

describe('versions', () => {
  it('keeps earlier versions downloadable after a new one is uploaded', async () => {
    const v1 = pdfWith('First draft of the stacking guide.');
    const v2 = pdfWith('Second edition of the stacking guide, with the NZDE pathway.');
    const id = await upload(uploader, { title: 'Stacking guide', bytes: v1, name: 'stacking-guide.pdf' });
    const result = await uploadVersion(uploader, id, v2, 'stacking-guide-v2.pdf', 'Added the NZDE pathway');
    expect(statusOf(result)).toBe(302);

    const page = (await call(resourceLoader, get(`/resources/${id}`, uploader), { id: String(id) })) as Awaited<ReturnType<typeof resourceLoader>>;
    expect(page.versions.map((v) => [v.versionNumber, v.name, v.note])).toEqual([
      [2, 'stacking-guide-v2.pdf', 'Added the NZDE pathway'],
      [1, 'stacking-guide.pdf', ''],
    ]);
    expect((await bytesOf(await download(`/resources/${id}/download`, visitor))).equals(v2)).toBe(true);
    expect((await bytesOf(await download(`/resources/${id}/versions/1/download`, visitor))).equals(v1)).toBe(true);
    expect((await bytesOf(await download(`/resources/${id}/versions/2/download`, visitor))).equals(v2)).toBe(true);
    expect(statusOf(await call(versionDownloadLoader, get(`/resources/${id}/versions/3/download`, visitor), { id: String(id), version: '3' }))).toBe(404);

    // Search follows the current version's text.
    await extractPendingTexts();
    expect(searchResources('"NZDE pathway"', null).items.map((r) => r.id)).toContain(id);
    expect(searchResources('"First draft of the stacking guide"', null).items.map((r) => r.id)).not.toContain(id);
  });

  it('refuses a new version that is the same file as the current one', async () => {
    const bytes = pdfWith('Unchanged bytes.');
    const id = await upload(uploader, { title: 'Unchanged', bytes });
    const result = (await uploadVersion(uploader, id, bytes, 'again.pdf')) as { data: { errors: { file: string[] } } };
    expect(statusOf(result)).toBe(400);
    expect(result.data.errors.file.join(' ')).toMatch(/already version 1 of this resource/);
  });
});

describe('permissions (ids swapped)', () => {
  let id: number;
  let membersOnlyId: number;
  beforeAll(async () => {
    id = await upload(uploader, { title: 'Uploader’s report', bytes: pdfWith('Owned by the uploader.') });
    membersOnlyId = await upload(uploader, { title: 'Members-only minutes', bytes: pdfWith('Confidential funding discussion minutes.'), visibility: 'members' });
    await extractPendingTexts();
  });

  it('lets members and project managers add resources, and sends visitors to sign in', async () => {
    const pmId = await upload(projectManager, { title: 'Project manager’s slides', bytes: pdfWith('Slides from the pilot.') });
    expect(getResource(pmId)!.uploadedById).toBe(projectManager.id);
    const form = new FormData();
    form.append('title', 'Anonymous');
    const result = await call(newAction, postForm('/resources/new', visitor, form));
    expect(statusOf(result)).toBe(302);
    expect((result as Response).headers.get('Location')).toMatch(/^\/login\?redirectTo=/);
  });

  it('refuses another member’s edit, new version and removal, and changes nothing', async () => {
    const before = getResource(id)!;
    expect(statusOf(await call(editLoader, get(`/resources/${id}/edit`, otherMember), { id: String(id) }))).toBe(403);
    const edit = new URLSearchParams({ title: 'Hijacked', kind: 'report', visibility: 'public' });
    expect(statusOf(await call(editAction, postForm(`/resources/${id}/edit`, otherMember, edit), { id: String(id) }))).toBe(403);
    expect(statusOf(await uploadVersion(otherMember, id, pdfWith('Replacement.'), 'replacement.pdf'))).toBe(403);
    const remove = new URLSearchParams({ intent: 'remove', confirm: 'yes' });
    expect(statusOf(await call(resourceAction, postForm(`/resources/${id}`, otherMember, remove), { id: String(id) }))).toBe(403);
    expect(getResource(id)).toEqual(before);
    const page = (await call(resourceLoader, get(`/resources/${id}`, otherMember), { id: String(id) })) as { canEdit: boolean; versions: unknown[] };
    expect(page.canEdit).toBe(false);
    expect(page.versions).toHaveLength(1);
  });

  it('lets the uploader and a coordinator edit, and a coordinator remove', async () => {
    const ownPage = (await call(resourceLoader, get(`/resources/${id}`, uploader), { id: String(id) })) as { canEdit: boolean };
    expect(ownPage.canEdit).toBe(true);
    const edit = new URLSearchParams({ title: 'Uploader’s report (revised)', kind: 'evaluation', visibility: 'public', tags: 'Evaluation, NZDE', publishedOn: '2019-05-01' });
    expect(statusOf(await call(editAction, postForm(`/resources/${id}/edit`, coordinator, edit), { id: String(id) }))).toBe(302);
    const updated = getResource(id)!;
    expect([updated.title, updated.kind]).toEqual(['Uploader’s report (revised)', 'evaluation']);
    expect(searchResources('revised', null).items.map((r) => r.id)).toContain(id);
    expect(listResources(null, { tag: 'nzde' }).items.map((r) => r.id)).toContain(id);

    const sha = sqlite.prepare('select sha256 from resource_versions where resource_id = ?').get(id) as { sha256: string };
    const unconfirmed = new URLSearchParams({ intent: 'remove' });
    expect(statusOf(await call(resourceAction, postForm(`/resources/${id}`, coordinator, unconfirmed), { id: String(id) }))).toBe(400);
    const remove = new URLSearchParams({ intent: 'remove', confirm: 'yes' });
    expect(statusOf(await call(resourceAction, postForm(`/resources/${id}`, coordinator, remove), { id: String(id) }))).toBe(302);
    expect(getResource(id)).toBeUndefined();
    expect(fs.existsSync(path.join(env().UPLOAD_DIR, sha.sha256))).toBe(false);
    expect(searchResources('revised', null).items.map((r) => r.id)).not.toContain(id);
    const audit = sqlite.prepare("select actor_id as actorId from audit_log where action = 'resource.remove' and target_id = ?").get(id) as { actorId: number };
    expect(audit.actorId).toBe(coordinator.id);
  });

  it('treats a members-only resource as missing for visitors, download routes included', async () => {
    const idText = String(membersOnlyId);
    expect(statusOf(await call(resourceLoader, get(`/resources/${idText}`, visitor), { id: idText }))).toBe(404);
    expect(statusOf(await call(downloadLoader, get(`/resources/${idText}/download`, visitor), { id: idText }))).toBe(404);
    expect(statusOf(await call(versionDownloadLoader, get(`/resources/${idText}/versions/1/download`, visitor), { id: idText, version: '1' }))).toBe(404);
    expect(listResources(null).items.map((r) => r.id)).not.toContain(membersOnlyId);
    expect(searchResources('"Confidential funding discussion"', null).items).toEqual([]);
    const orgId = db.select().from(users).where(eq(users.id, uploader.id)).get()!.organisationId;
    expect(resourcesForOrganisation(orgId, null).map((r) => r.id)).not.toContain(membersOnlyId);
    expect(resourcesForOrganisation(orgId, { id: otherMember.id } as never).map((r) => r.id)).toContain(membersOnlyId);
    // Members see it everywhere.
    expect(statusOf(await download(`/resources/${idText}/download`, otherMember))).toBe(200);
    expect(searchResources('"Confidential funding discussion"', { id: otherMember.id } as never).items.map((r) => r.id)).toEqual([membersOnlyId]);
    // Nonsense ids are 404s, not 500s.
    expect(statusOf(await call(resourceLoader, get('/resources/abc', visitor), { id: 'abc' }))).toBe(404);
    expect(statusOf(await call(downloadLoader, get('/resources/999999/download', otherMember), { id: '999999' }))).toBe(404);
  });
});

describe('lists on organisation, workshop and pilot pages', () => {
  it('lists a resource on the workshops and pilots it is linked to, leaving members-only ones out for visitors', async () => {
    const workshop = db.select().from(workshops).where(eq(workshops.slug, 'community-of-practice-third-meeting-2019')).get()!;
    const orgId = db.select().from(users).where(eq(users.id, uploader.id)).get()!.organisationId;
    const pilot = db
      .insert(caseStudies)
      .values({ slug: 'resource-test-pilot', title: 'Resource test pilot', leadOrganisationId: orgId, publishedAt: Date.now() })
      .returning()
      .get();
    const slides = await upload(uploader, { title: 'Third meeting slides', bytes: pdfWith('Slides shown at the third meeting.'), workshopIds: [workshop.id, 999999], caseStudyIds: [pilot.id] });
    const notes = await upload(uploader, { title: 'Third meeting notes', bytes: pdfWith('Notes for members.'), visibility: 'members', workshopIds: [workshop.id] });
    expect(resourcesForWorkshop(workshop.id, null).map((r) => r.title)).toEqual(['Third meeting slides']);
    expect(resourcesForWorkshop(workshop.id, { id: otherMember.id } as never).map((r) => r.id).sort()).toEqual([slides, notes].sort());
    expect(resourcesForCaseStudy(pilot.id, null).map((r) => [r.id, r.kindLabel, r.mimeType])).toEqual([[slides, 'Report', 'application/pdf']]);
    expect(resourcesForOrganisation(orgId, null).map((r) => r.id)).toContain(slides);
    const page = (await call(resourceLoader, get(`/resources/${slides}`, visitor), { id: String(slides) })) as Awaited<ReturnType<typeof resourceLoader>>;
    expect(page.resource.workshops.map((w) => w.slug)).toEqual([workshop.slug]);
    expect(page.resource.caseStudies.map((c) => c.slug)).toEqual(['resource-test-pilot']);
  });
});

describe('download headers', () => {
  let pdfId: number;
  let pdfBytes: Buffer;
  let csvId: number;
  beforeAll(async () => {
    pdfBytes = pdfWith('Header checks. '.repeat(50));
    pdfId = await upload(uploader, { title: 'Header checks', bytes: pdfBytes, name: 'Rapport "final" – été 2019 📄.pdf' });
    csvId = await upload(uploader, { title: 'Numbers', bytes: Buffer.from('Pilot,Enrolments\r\nBCITO,150\r\n'), name: 'enrolments.csv', type: 'text/csv' });
  });

  it('sends the stored type, nosniff, an inline PDF under a sandbox CSP, and the name safely encoded', async () => {
    const response = await download(`/resources/${pdfId}/download`, visitor);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/pdf');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Content-Security-Policy')).toBe('sandbox');
    expect(response.headers.get('Content-Disposition')).toBe(
      `inline; filename="Rapport _final_ - ete 2019.pdf"; filename*=UTF-8''Rapport%20%22final%22%20%E2%80%93%20%C3%A9t%C3%A9%202019%20%F0%9F%93%84.pdf`,
    );
    expect(response.headers.get('Content-Length')).toBe(String(pdfBytes.length));
    expect(response.headers.get('Accept-Ranges')).toBe('bytes');
    expect(response.headers.get('ETag')).toBe(`"${sha256Hex(pdfBytes)}"`);
    expect((await bytesOf(response)).equals(pdfBytes)).toBe(true);
  });

  it('sends other types as attachments, text with a charset', async () => {
    const response = await download(`/resources/${csvId}/download`, visitor);
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('Content-Disposition')).toBe(`attachment; filename="enrolments.csv"; filename*=UTF-8''enrolments.csv`);
    expect(response.headers.get('Content-Security-Policy')).toBeNull();
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });

  it('answers If-None-Match with the ETag with 304 and no body', async () => {
    const etag = `"${sha256Hex(pdfBytes)}"`;
    const response = await download(`/resources/${pdfId}/download`, visitor, { 'If-None-Match': `"something-else", ${etag}` });
    expect(response.status).toBe(304);
    expect(response.body).toBeNull();
    expect(response.headers.get('ETag')).toBe(etag);
    expect((await download(`/resources/${pdfId}/download`, visitor, { 'If-None-Match': '"stale"' })).status).toBe(200);
  });

  it('serves a single byte range with 206 and the right bytes', async () => {
    const first = await download(`/resources/${pdfId}/download`, visitor, { Range: 'bytes=0-99' });
    expect(first.status).toBe(206);
    expect(first.headers.get('Content-Range')).toBe(`bytes 0-99/${pdfBytes.length}`);
    expect(first.headers.get('Content-Length')).toBe('100');
    expect((await bytesOf(first)).equals(pdfBytes.subarray(0, 100))).toBe(true);

    const middle = await download(`/resources/${pdfId}/download`, visitor, { Range: 'bytes=1000-1499' });
    expect((await bytesOf(middle)).equals(pdfBytes.subarray(1000, 1500))).toBe(true);

    const tail = await download(`/resources/${pdfId}/download`, visitor, { Range: 'bytes=-16' });
    expect(tail.headers.get('Content-Range')).toBe(`bytes ${pdfBytes.length - 16}-${pdfBytes.length - 1}/${pdfBytes.length}`);
    expect((await bytesOf(tail)).equals(pdfBytes.subarray(pdfBytes.length - 16))).toBe(true);

    const open = await download(`/resources/${pdfId}/download`, visitor, { Range: `bytes=${pdfBytes.length - 5}-` });
    expect((await bytesOf(open)).equals(pdfBytes.subarray(pdfBytes.length - 5))).toBe(true);
  });

  it('answers an unsatisfiable range with 416, and several ranges with the whole file', async () => {
    const past = await download(`/resources/${pdfId}/download`, visitor, { Range: `bytes=${pdfBytes.length}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('Content-Range')).toBe(`bytes */${pdfBytes.length}`);
    const several = await download(`/resources/${pdfId}/download`, visitor, { Range: 'bytes=0-1,5-9' });
    expect(several.status).toBe(200);
    expect((await bytesOf(several)).length).toBe(pdfBytes.length);
  });

  it('builds Content-Disposition and ranges correctly for odd input', () => {
    expect(contentDisposition('../../etc/passwd')).toBe(`attachment; filename="etc_passwd"; filename*=UTF-8''_.._etc_passwd`);
    expect(contentDisposition('🎉🎉.pdf')).toBe(`attachment; filename="download.pdf"; filename*=UTF-8''%F0%9F%8E%89%F0%9F%8E%89.pdf`);
    expect(contentDisposition("it's (100%) *done*.txt")).toBe(`attachment; filename="it's (100_) *done*.txt"; filename*=UTF-8''it%27s%20%28100%25%29%20%2Adone%2A.txt`);
    expect(contentDisposition('line\r\nInjected: yes.pdf')).toBe(`attachment; filename="lineInjected: yes.pdf"; filename*=UTF-8''lineInjected%3A%20yes.pdf`);
    expect(parseRange('bytes=5-2', 10)).toBeNull();
    expect(parseRange('items=0-1', 10)).toBeNull();
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-999', 10)).toEqual({ start: 0, end: 9 });
  });
});

describe('download counts', () => {
  it('counts whole downloads of the resource and of the version, not revalidations or later pieces', async () => {
    const bytes = pdfWith('Counting downloads.');
    const id = await upload(uploader, { title: 'Counted', bytes });
    const countOf = () => sqlite.prepare('select r.download_count as r, v.download_count as v from resources r join resource_versions v on v.resource_id = r.id where r.id = ?').get(id);
    expect(countOf()).toEqual({ r: 0, v: 0 });
    await download(`/resources/${id}/download`, visitor);
    await download(`/resources/${id}/versions/1/download`, otherMember);
    expect(countOf()).toEqual({ r: 2, v: 2 });
    await download(`/resources/${id}/download`, visitor, { 'If-None-Match': `"${sha256Hex(bytes)}"` });
    await download(`/resources/${id}/download`, visitor, { Range: 'bytes=100-199' });
    expect(countOf()).toEqual({ r: 2, v: 2 });
    await download(`/resources/${id}/download`, visitor, { Range: 'bytes=0-99' });
    expect(countOf()).toEqual({ r: 3, v: 3 });
    const byDownloads = listResources(null, { sort: 'downloads' }).items.map((r) => r.downloadCount);
    expect(byDownloads).toEqual([...byDownloads].sort((a, b) => b - a));
    expect(byDownloads).toContain(3);
  });

  it('counts visits to a link resource and redirects to it', async () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ title: 'NZQA micro-credentials', kind: 'other', visibility: 'public', url: 'https://www.nzqa.govt.nz/micro-credentials' })) form.append(k, v);
    form.append('file', new File([], '', { type: 'application/octet-stream' }));
    const created = (await call(newAction, postForm('/resources/new', uploader, form))) as Response;
    expect(created.status).toBe(302);
    const id = Number(created.headers.get('Location')!.split('/').pop());
    const response = await download(`/resources/${id}/download`, visitor);
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('https://www.nzqa.govt.nz/micro-credentials');
    expect(getResource(id)!.downloadCount).toBe(1);
  });
});

describe('full-text search', () => {
  it('finds a seeded report by a phrase from inside its PDF, with the match highlighted in a snippet', async () => {
    // Only the PDF's second page says this; the title, summary and tags do not.
    const result = (await call(libraryLoader, get('/resources?q=%22Bachelor+of+Engineering+Technology%22', visitor))) as Awaited<ReturnType<typeof libraryLoader>>;
    expect(result.items.map((r) => r.title)).toEqual(['Micro-credentials in engineering education']);
    const snippet = result.items[0]!.snippet!;
    // A phrase is highlighted as one span (the PDF's line break inside it is just whitespace).
    expect(snippet.replace(/\s+/g, ' ')).toContain(`${HIGHLIGHT_START}Bachelor of Engineering Technology${HIGHLIGHT_END}`);
    const seeded = getResource(result.items[0]!.id)!;
    expect(`${seeded.title} ${seeded.summary} ${seeded.authors}`).not.toMatch(/Bachelor/);
    expect(demoResourcePdf(seeded.title).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('supports prefix search and filters alongside a search', async () => {
    expect(searchResources('nanocred*', null).items.map((r) => r.title)).toEqual(['Info sheet: Micro-credentials']);
    expect(searchResources('trialled', null, { year: 2017 }).items.map((r) => r.title)).toEqual(['Micro-credentials: a model for engineering education?']);
    expect(searchResources('trialled', null, { year: 2019 }).items).toEqual([]);
  });

  it('never errors on FTS syntax typed by a person', async () => {
    const inputs = ['"', '""', '*', '**', 'NEAR', 'NEAR(micro engineering)', 'NEAR/2', '-', '-micro', ':', 'title:micro', '(', ')', '(micro', 'micro OR', 'AND', 'NOT', '^micro', '+', "'", '\\', 'micro* "unbalanced', '{title body}: x', 'a"b"c', '\u0000', '😀', '*micro', 'micro-credentials*', '\uE000'];
    for (const q of inputs) {
      expect(() => searchResources(q, null), q).not.toThrow();
      const result = await call(libraryLoader, get(`/resources?q=${encodeURIComponent(q)}`, visitor));
      expect(statusOf(result), q).toBe(200);
    }
    expect(toFtsQuery('say "micro credentials" NEAR(x) -y a"b *')).toBe('"say" "micro credentials" "NEAR(x)" "-y" "a" "b *"');
    expect(toFtsQuery('"')).toBeNull();
  });
});
