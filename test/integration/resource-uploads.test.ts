// Bad uploads to the resource library: each is refused with a clear message and leaves no file (not even in
// UPLOAD_DIR/tmp) and no row behind. Good ones are stored under their SHA-256 whatever the uploader called them.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// A 50 KB limit for this file, set before anything reads the configuration.
vi.hoisted(() => {
  process.env.UPLOAD_MAX_MB = String(50 / 1024);
});

import { db, sqlite } from '../../db/client.server';
import { seed } from '../../db/seed';
import { buildSimplePdf } from '../../db/seed-resources';
import { users } from '../../db/schema';
import { eq } from 'drizzle-orm';
import { action as newResourceAction } from '~/routes/resources.new';
import { extractPendingTexts, getResourceDetail, searchResources } from '~/models/resources.server';
import { createSession, generateToken } from '~/utils/auth.server';
import { env } from '~/utils/env.server';
import { removeStaleUploads } from '~/utils/uploads.server';

const context = { clientIp: '127.0.0.1', cspNonce: '' };
let memberCookie: string;
let memberId: number;

beforeAll(async () => {
  await seed();
  memberId = db.select({ id: users.id }).from(users).where(eq(users.email, 'member@demo.example')).get()!.id;
  const token = generateToken();
  createSession(token, memberId);
  memberCookie = `__session=${token}`;
});

function counts() {
  const n = (table: string) => (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  return { resources: n('resources'), versions: n('resource_versions'), files: n('stored_files'), fts: n('resources_fts') };
}

/** Every file under UPLOAD_DIR (tmp included), as paths relative to it. */
function filesOnDisk(): string[] {
  const root = env().UPLOAD_DIR;
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((p) => fs.statSync(path.join(root, p)).isFile()).sort();
}

function wipeLibrary() {
  sqlite.exec('delete from resource_versions; delete from resource_tags; delete from resources; delete from stored_files; delete from resources_fts;');
  fs.rmSync(env().UPLOAD_DIR, { recursive: true, force: true });
}

beforeEach(() => wipeLibrary());

const META = { title: 'Pilot evaluation', kind: 'evaluation', visibility: 'public', summary: 'What the pilot learned.', tags: 'pilots, evaluation' };

function uploadForm(file: { name: string; bytes: Uint8Array | string; type?: string } | null, fields: Record<string, string> = META) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new File([file.bytes as Uint8Array<ArrayBuffer> | string], file.name, { type: file.type ?? 'application/pdf' }));
  else form.append('file', new File([], '', { type: 'application/octet-stream' }));
  return form;
}

async function post(body: FormData | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  const request = new Request('http://localhost:3000/resources/new', {
    method: 'POST',
    body,
    headers: { Cookie: memberCookie, ...headers },
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  try {
    return (await newResourceAction({ request, params: {}, context } as never)) as unknown;
  } catch (thrown) {
    return thrown;
  }
}

type ActionResult = { type?: string; init?: { status?: number }; data: { errors: Record<string, string[]>; values: Record<string, unknown>; duplicateOf?: { id: number; title: string } } };

function refusal(result: unknown): { status: number; errors: Record<string, string[]>; values: Record<string, unknown>; duplicateOf?: { id: number; title: string } } {
  const r = result as ActionResult;
  expect(r?.type, `expected a 400 answer, got ${result instanceof Response ? `a ${result.status} Response` : JSON.stringify(result)}`).toBe('DataWithResponseInit');
  return { status: r.init?.status ?? 200, ...r.data };
}

function createdId(result: unknown): number {
  expect(result, `expected a redirect, got ${JSON.stringify(result)}`).toBeInstanceOf(Response);
  const response = result as Response;
  expect(response.status).toBe(302);
  const match = /^\/resources\/(\d+)$/.exec(response.headers.get('Location') ?? '');
  expect(match).not.toBeNull();
  return Number(match![1]);
}

function expectNothingLeft() {
  expect(filesOnDisk()).toEqual([]);
  expect(counts()).toEqual({ resources: 0, versions: 0, files: 0, fts: 0 });
}

const goodPdf = (text = 'A pilot evaluation report about stacking micro-credentials.') => buildSimplePdf([[{ text: 'Pilot evaluation', size: 20, bold: true }, { text }]]);

/** A zip written by hand (stored entries), to stand in for Office and OpenDocument files. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.from(content, 'utf8');
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const contentTypes = (main: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="${main}"/></Types>`;

function docx(text: string, main = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml') {
  return zip({
    '[Content_Types].xml': contentTypes(main),
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
    'word/document.xml': `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`,
  });
}

describe('refused uploads leave nothing behind', () => {
  it('refuses a zero-byte file', async () => {
    const r = refusal(await post(uploadForm({ name: 'empty.pdf', bytes: new Uint8Array(0) })));
    expect(r.status).toBe(400);
    expect(r.errors.file?.join(' ')).toMatch(/empty \(0 bytes\)/);
    expectNothingLeft();
  });

  it('refuses a file over the size limit, keeps what was typed, and stores nothing', async () => {
    const big = Buffer.concat([goodPdf(), Buffer.alloc(60 * 1024, 0x20)]);
    const r = refusal(await post(uploadForm({ name: 'big.pdf', bytes: big })));
    expect(r.status).toBe(400);
    expect(r.errors.file?.join(' ')).toMatch(/larger than the 50 KB limit/);
    expect(r.values.title).toBe('Pilot evaluation');
    expect(r.values.summary).toBe('What the pilot learned.');
    expectNothingLeft();
  });

  it('refuses an HTML page renamed .pdf, saying which types are accepted', async () => {
    const html = '<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>';
    const r = refusal(await post(uploadForm({ name: 'report.pdf', bytes: html, type: 'application/pdf' })));
    expect(r.status).toBe(400);
    expect(r.errors.file?.join(' ')).toMatch(/web page or other markup/);
    expect(r.errors.file?.join(' ')).toMatch(/We accept PDF, Word \(DOCX\), Excel \(XLSX\), PowerPoint \(PPTX\), OpenDocument text \(ODT\), CSV, plain text \(TXT\), PNG or JPEG files/);
    expectNothingLeft();
  });

  it('refuses an SVG renamed .pdf, even with leading whitespace and a byte-order mark', async () => {
    const svg = '\uFEFF  \n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="10"/></svg>';
    const r = refusal(await post(uploadForm({ name: 'diagram.pdf', bytes: svg })));
    expect(r.errors.file?.join(' ')).toMatch(/web page or other markup \(HTML, SVG or XML\)/);
    expectNothingLeft();
  });

  it('refuses a text file that has HTML a little way in', async () => {
    const r = refusal(await post(uploadForm({ name: 'notes.txt', bytes: 'Notes from the meeting\n\n<script>alert(1)</script>', type: 'text/plain' })));
    expect(r.errors.file?.join(' ')).toMatch(/markup/);
    expectNothingLeft();
  });

  it('refuses a broken PDF that starts with %PDF- but cannot be read', async () => {
    const broken = Buffer.from('%PDF-1.7\n' + 'this is not really a PDF at all '.repeat(40) + '\n%%EOF\n');
    const r = refusal(await post(uploadForm({ name: 'broken.pdf', bytes: broken })));
    expect(r.status).toBe(400);
    expect(r.errors.file?.join(' ')).toMatch(/This PDF is damaged and cannot be read/);
    expectNothingLeft();
  });

  it('refuses binary files it does not recognise (an executable named .docx)', async () => {
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0), Buffer.from([0xff, 0xfe, 0x00])]);
    const r = refusal(await post(uploadForm({ name: 'minutes.docx', bytes: exe })));
    expect(r.errors.file?.join(' ')).toMatch(/could not recognise this kind of file. We accept PDF/);
    expectNothingLeft();
  });

  it('refuses a macro-enabled Word file and a plain zip archive', async () => {
    const macro = refusal(await post(uploadForm({ name: 'template.docx', bytes: docx('Hello', 'application/vnd.ms-word.document.macroEnabled.main+xml') })));
    expect(macro.errors.file?.join(' ')).toMatch(/macro-enabled/);
    const archive = refusal(await post(uploadForm({ name: 'bundle.pdf', bytes: zip({ 'a.txt': 'hello' }) })));
    expect(archive.errors.file?.join(' ')).toMatch(/zip archive, not a document/);
    expectNothingLeft();
  });

  it('refuses an upload cut off half way, deleting the partly written temporary file', async () => {
    const form = uploadForm({ name: 'report.pdf', bytes: Buffer.concat([goodPdf(), Buffer.alloc(20 * 1024, 0x20)]) });
    // Serialise the form as a browser would, then send only the first part of it before the connection "drops".
    const serialised = new Request('http://x/', { method: 'POST', body: form });
    const contentType = serialised.headers.get('Content-Type')!;
    const bytes = new Uint8Array(await serialised.arrayBuffer());
    const cut = bytes.length - 8 * 1024; // well inside the file's bytes
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(bytes.slice(0, cut));
        } else controller.error(new Error('connection reset by peer'));
      },
    });
    const r = refusal(await post(body, { 'Content-Type': contentType }));
    expect(r.status).toBe(400);
    expect(r.errors.file?.join(' ')).toMatch(/did not arrive in full/);
    // The fields sent before the file came through, so the form can be shown again.
    expect(r.values.title).toBe('Pilot evaluation');
    expectNothingLeft();
  });

  it('asks for a file when none was chosen, and refuses a form with metadata errors without keeping the file', async () => {
    const none = refusal(await post(uploadForm(null)));
    expect(none.errors.file).toEqual(['Choose a file to upload, or enter a link below.']);
    const missingTitle = refusal(await post(uploadForm({ name: 'report.pdf', bytes: goodPdf() }, { ...META, title: '  ' })));
    expect(missingTitle.errors.title).toEqual(['Enter a title.']);
    expect(missingTitle.errors.file?.join(' ')).toMatch(/choose the file again/);
    expectNothingLeft();
  });

  it('explains a file name the multipart parser cannot read (one with a semicolon) instead of blaming the network', async () => {
    const r = refusal(await post(uploadForm({ name: 'Minutes; April 2019.pdf', bytes: goodPdf() })));
    expect(r.errors.file?.join(' ')).toMatch(/name could not be read \(a name containing ; or = confuses the upload\)\. Rename the file/);
    expectNothingLeft();
  });

  it('refuses a javascript: link', async () => {
    const r = refusal(await post(uploadForm(null, { ...META, url: 'javascript:alert(1)' })));
    expect(r.errors.url).toEqual(['Enter a web address that starts with https:// (or http://).']);
    expectNothingLeft();
  });
});

describe('housekeeping', () => {
  it('removes temporary files a crashed upload left behind, but not ones still being written', async () => {
    const tmp = path.join(env().UPLOAD_DIR, 'tmp');
    fs.mkdirSync(tmp, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'old.part'), 'half a file');
    fs.writeFileSync(path.join(tmp, 'new.part'), 'arriving now');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(path.join(tmp, 'old.part'), twoHoursAgo, twoHoursAgo);
    expect(await removeStaleUploads()).toBe(1);
    expect(filesOnDisk()).toEqual(['tmp/new.part']);
  });
});

describe('accepted uploads', () => {
  it('keeps a path-traversal name only as a label and stores the file under its SHA-256', async () => {
    const bytes = goodPdf();
    const id = createdId(await post(uploadForm({ name: '../../etc/passwd', bytes })));
    const detail = getResourceDetail(id, null)!;
    const version = detail.versions[0]!;
    expect(version.originalName).toBe('passwd');
    expect(version.mimeType).toBe('application/pdf');
    expect(filesOnDisk()).toEqual([version.sha256]);
    expect(version.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.readFileSync(path.join(env().UPLOAD_DIR, version.sha256)).equals(bytes)).toBe(true);
  });

  it('keeps an emoji-filled name as it was typed', async () => {
    const name = '📄 Évaluation du pilote 🎉✨ 2019.pdf';
    const id = createdId(await post(uploadForm({ name, bytes: goodPdf() })));
    const version = getResourceDetail(id, null)!.versions[0]!;
    expect(version.originalName).toBe(name);
    expect(filesOnDisk()).toEqual([version.sha256]);
  });

  it('decides the type from the bytes, not the name or the browser’s claim', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
    const id = createdId(await post(uploadForm({ name: 'photo.txt', bytes: png, type: 'text/plain' })));
    expect(getResourceDetail(id, null)!.versions[0]!.mimeType).toBe('image/png');
    const csvId = createdId(await post(uploadForm({ name: 'enrolments.csv', bytes: 'Pilot,Enrolments\nBCITO,150\n', type: 'application/vnd.ms-excel' }, { ...META, title: 'Enrolments' })));
    expect(getResourceDetail(csvId, null)!.versions[0]!.mimeType).toBe('text/csv');
    const odt = zip({ mimetype: 'application/vnd.oasis.opendocument.text', 'content.xml': '<office:document-content/>' });
    const odtId = createdId(await post(uploadForm({ name: 'minutes.pdf', bytes: odt }, { ...META, title: 'Minutes' })));
    expect(getResourceDetail(odtId, null)!.versions[0]!.mimeType).toBe('application/vnd.oasis.opendocument.text');
  });

  it('reads the text inside a DOCX (mammoth) so it can be found by search', async () => {
    const id = createdId(await post(uploadForm({ name: 'brief.docx', bytes: docx('Employers want a clear signal about skills') }, { ...META, title: 'Brief' })));
    expect(getResourceDetail(id, null)!.versions[0]!.mimeType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    await extractPendingTexts();
    expect(searchResources('"clear signal about skills"', null).items.map((r) => r.id)).toEqual([id]);
  });

  it('names the resource that already has a duplicate file, and stores no second copy', async () => {
    const bytes = goodPdf('The same bytes twice.');
    const firstId = createdId(await post(uploadForm({ name: 'first.pdf', bytes }, { ...META, title: 'The first upload' })));
    const before = filesOnDisk();
    const r = refusal(await post(uploadForm({ name: 'copy.pdf', bytes }, { ...META, title: 'A second try' })));
    expect(r.status).toBe(400);
    expect(r.duplicateOf).toEqual({ id: firstId, title: 'The first upload' });
    expect(r.errors.file?.join(' ')).toMatch(/The library already has this file: “The first upload”/);
    expect(filesOnDisk()).toEqual(before);
    expect(counts().resources).toBe(1);
  });
});
