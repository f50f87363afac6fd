// Archive bombs and other documents too heavy to read (issue 14, fault 5). A DOCX that inflates far beyond its size
// is kept as a file without searchable text, its reason stored and shown to its owner; its text is never inflated.
// Reading runs in a worker thread under a time and heap limit, terminated past them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yazl from 'yazl';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client.server';
import { seed } from '../../db/seed';
import { storedFiles, users } from '../../db/schema';
import { extractPendingTexts, getResourceDetail } from '~/models/resources.server';
import { action as newResourceAction } from '~/routes/resources.new';
import { loader as resourceLoader } from '~/routes/resources.$id';
import { DOCX_MIME, EXTRACTION_LIMITS, extractTextFromFile, inspectZip } from '~/utils/text-extraction.server';
import { signIn } from '../support/digest-fixtures';

const MB = 1024 * 1024;
const context = { clientIp: '127.0.0.1', cspNonce: '' };
let ownerCookie: string;
let otherCookie: string;
let dir: string;

beforeAll(async () => {
  await seed();
  const id = (email: string) => db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id;
  ownerCookie = signIn(id('member@demo.example'));
  otherCookie = signIn(id('project.manager@demo.example'));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bombs-'));
});

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
const RELS = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;
const documentXml = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`;

/** A DOCX built with a real zip library (yazl), every part deflated as Word does. */
function docx(parts: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(CONTENT_TYPES), '[Content_Types].xml');
  zip.addBuffer(Buffer.from(RELS), '_rels/.rels');
  for (const [name, content] of Object.entries(parts)) zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name, { compress: true });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** The probe's bomb: a DOCX of about 150 KB whose one part inflates to 150 MB. */
async function bombDocx(): Promise<Buffer> {
  const head = Buffer.from(documentXml('<w:p><w:r><w:t>').split('</w:body>')[0]!);
  const tail = Buffer.from('</w:t></w:r></w:p></w:body></w:document>');
  const body = Buffer.alloc(150 * MB - head.length - tail.length, 'a');
  return docx({ 'word/document.xml': Buffer.concat([head, body, tail]) });
}

async function upload(name: string, bytes: Buffer, title: string): Promise<number> {
  const form = new FormData();
  for (const [k, v] of Object.entries({ title, kind: 'evaluation', visibility: 'public', summary: 'A document to test the reader.', tags: '' })) form.append(k, v);
  form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], name, { type: DOCX_MIME }));
  const request = new Request('http://localhost:3000/resources/new', { method: 'POST', body: form, headers: { Cookie: ownerCookie } });
  let result: unknown;
  try {
    result = await newResourceAction({ request, params: {}, context } as never);
  } catch (thrown) {
    result = thrown;
  }
  expect(result, `expected a redirect, got ${JSON.stringify(result)}`).toBeInstanceOf(Response);
  return Number(/^\/resources\/(\d+)$/.exec((result as Response).headers.get('Location') ?? '')![1]);
}

function storedFileOf(resourceId: number) {
  const sha256 = getResourceDetail(resourceId, null)!.versions[0]!.sha256;
  return db.select().from(storedFiles).where(eq(storedFiles.sha256, sha256)).get()!;
}

async function pageAs(cookie: string, id: number) {
  const request = new Request(`http://localhost:3000/resources/${id}`, { headers: { Cookie: cookie } });
  return (await resourceLoader({ request, params: { id: String(id) }, context } as never)) as { current: { searchable: string; refusedReason: string | null } };
}

describe('archive bombs', () => {
  it('keeps a DOCX that inflates to 150 MB as a file without text, and tells its owner why', async () => {
    const bytes = await bombDocx();
    expect(bytes.length).toBeLessThan(400 * 1024);
    const id = await upload('bomb.docx', bytes, 'A very small report');
    await extractPendingTexts();

    const file = storedFileOf(id);
    expect(file.extractedText).toBe('');
    expect(file.extractionError).toBeNull();
    expect(file.extractionRefused).toMatch(/unpacks to more than 100 MB/);
    // The file itself is kept and still downloadable.
    expect(getResourceDetail(id, null)!.versions).toHaveLength(1);

    const owner = await pageAs(ownerCookie, id);
    expect(owner.current.searchable).toBe('refused');
    expect(owner.current.refusedReason).toMatch(/unpacks to more than 100 MB/);
    const other = await pageAs(otherCookie, id);
    expect(other.current.searchable).toBe('refused');
    expect(other.current.refusedReason).toBeNull();
  });

  it('refuses to read a DOCX with thousands of entries', async () => {
    const parts: Record<string, string> = { 'word/document.xml': documentXml('<w:p><w:r><w:t>Many parts</w:t></w:r></w:p>') };
    for (let i = 0; i < EXTRACTION_LIMITS.maxEntries + 10; i++) parts[`word/media/part${i}.xml`] = '<x/>';
    const file = path.join(dir, 'many.docx');
    fs.writeFileSync(file, await docx(parts));
    expect(await inspectZip(file)).toMatch(/holds 2,01\d files inside/);
    const extraction = await extractTextFromFile(file, DOCX_MIME);
    expect(extraction).toEqual({ ok: false, refused: expect.stringMatching(/files inside/) });
  });

  it('reads an ordinary DOCX in the worker', async () => {
    const file = path.join(dir, 'ordinary.docx');
    fs.writeFileSync(file, await docx({ 'word/document.xml': documentXml('<w:p><w:r><w:t>Kia ora, stackable credentials</w:t></w:r></w:p>') }));
    expect(await inspectZip(file)).toBeNull();
    expect(await extractTextFromFile(file, DOCX_MIME)).toEqual({ ok: true, text: 'Kia ora, stackable credentials' });
  });

  it('stops a worker that runs past its time limit, and says so', async () => {
    const file = path.join(dir, 'slow.docx');
    fs.writeFileSync(file, await docx({ 'word/document.xml': documentXml('<w:p><w:r><w:t>Slow</w:t></w:r></w:p>'.repeat(20_000)) }));
    const extraction = await extractTextFromFile(file, DOCX_MIME, { ...EXTRACTION_LIMITS, timeoutMs: 1 });
    expect(extraction).toEqual({ ok: false, refused: 'Reading it took longer than 0 seconds, so it was stopped.' });
  });

  it('records a damaged DOCX as unreadable, not as refused', async () => {
    const file = path.join(dir, 'damaged.docx');
    fs.writeFileSync(file, Buffer.from('PK\u0003\u0004 this is not really a zip'));
    await expect(extractTextFromFile(file, DOCX_MIME)).rejects.toThrow(/Not a readable zip/);
  });
});
