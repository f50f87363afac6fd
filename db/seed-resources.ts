// Demo resources: the two reports and the info sheet named in ../shared/seeds, as public resources with small real
// PDFs written here by hand (a title page and a page summarising what the seed articles say about each), so
// downloading and searching inside documents can be tried at once. The PDFs say plainly that they are demo
// summaries, not the original publications.
//
// seedResources(db) writes the files first (named by SHA-256 under UPLOAD_DIR, as uploads are), then adds the rows in
// one transaction, then reads the text back for search. Idempotent: a resource with the same title is left alone.
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { parseDateInput } from '../app/utils/time';
import type { DB } from './client.server';
import { organisations, resourceTags, resourceVersions, resources, storedFiles, users } from './schema';

// ---------------------------------------------------------------------------------------------------------------
// A minimal PDF writer: Helvetica (one of the 14 fonts every reader has, so nothing is embedded), WinAnsi
// encoding, word-wrapped lines, one content stream per page, and a correct cross-reference table.

export type PdfBlock = { text: string; size?: number; bold?: boolean };
export type PdfPage = PdfBlock[];

// Characters outside Latin-1 that WinAnsiEncoding still has.
const WIN_ANSI_EXTRA: Record<string, number> = {
  '\u20AC': 0x80, '\u201A': 0x82, '\u0192': 0x83, '\u201E': 0x84, '\u2026': 0x85, '\u2020': 0x86, '\u2021': 0x87,
  '\u02C6': 0x88, '\u2030': 0x89, '\u0160': 0x8a, '\u2039': 0x8b, '\u0152': 0x8c, '\u017D': 0x8e, '\u2018': 0x91,
  '\u2019': 0x92, '\u201C': 0x93, '\u201D': 0x94, '\u2022': 0x95, '\u2013': 0x96, '\u2014': 0x97, '\u02DC': 0x98,
  '\u2122': 0x99, '\u0161': 0x9a, '\u203A': 0x9b, '\u0153': 0x9c, '\u017E': 0x9e, '\u0178': 0x9f,
};

/** Text as a PDF literal string's bytes: WinAnsi, with \, ( and ) escaped; anything else becomes "?". */
function pdfStringBytes(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0)!;
    if (WIN_ANSI_EXTRA[ch] !== undefined) out.push(WIN_ANSI_EXTRA[ch]);
    else if (code >= 0x20 && code < 0x7f) {
      if (ch === '\\' || ch === '(' || ch === ')') out.push(0x5c);
      out.push(code);
    } else if (code >= 0xa0 && code <= 0xff) out.push(code);
    else out.push(0x3f);
  }
  return Buffer.from(out);
}

function wrap(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && (line + ' ' + word).length > maxChars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** A small, valid PDF (A4 pages) whose text any PDF reader, and pdf.js, can read back. */
export function buildSimplePdf(pages: PdfPage[], info: { title?: string } = {}): Buffer {
  const objects: Buffer[] = [];
  const reserve = () => objects.push(Buffer.alloc(0));
  const add = (body: Buffer | string) => objects.push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
  reserve(); // 1: catalog
  reserve(); // 2: page tree
  const regular = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const bold = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  const kids: number[] = [];
  for (const blocks of pages) {
    const parts: Buffer[] = [Buffer.from('BT\n')];
    let y = 780;
    for (const block of blocks) {
      const size = block.size ?? 11;
      // Helvetica averages about half an em a character: ~480 points of line width.
      for (const line of wrap(block.text, Math.floor(480 / (size * 0.5)))) {
        parts.push(Buffer.from(`/${block.bold ? 'F2' : 'F1'} ${size} Tf 1 0 0 1 56 ${y.toFixed(1)} Tm (`), pdfStringBytes(line), Buffer.from(') Tj\n'));
        y -= size * 1.4;
      }
      y -= size * 0.7;
    }
    parts.push(Buffer.from('ET\n'));
    const stream = Buffer.concat(parts);
    const content = add(Buffer.concat([Buffer.from(`<< /Length ${stream.length} >>\nstream\n`), stream, Buffer.from('\nendstream')]));
    kids.push(add(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${regular} 0 R /F2 ${bold} 0 R >> >> /Contents ${content} 0 R >>`));
  }
  objects[0] = Buffer.from('<< /Type /Catalog /Pages 2 0 R >>');
  objects[1] = Buffer.from(`<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`);
  const infoObject = info.title ? add(Buffer.concat([Buffer.from('<< /Title ('), pdfStringBytes(info.title), Buffer.from(') /Producer (Micro-credentials CoP portal) >>')])) : null;

  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xE2\xE3\xCF\xD3\n', 'latin1')];
  let offset = chunks[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    const bytes = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    offsets.push(offset);
    offset += bytes.length;
    chunks.push(bytes);
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  chunks.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${infoObject ? ` /Info ${infoObject} 0 R` : ''} >>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(chunks);
}

// ---------------------------------------------------------------------------------------------------------------
// The demo resources, in the seed articles' words.

const DEMO_NOTE =
  'This is a demonstration copy made by the portal’s seed script: a summary of what the community’s own articles say about this publication, not the original document.';

type SeedResource = {
  title: string;
  kind: 'report' | 'info_sheet';
  authors: string;
  organisation: string;
  /** Only the year is known: stored as 1 January, which the library shows as the year alone. */
  year: number | null;
  summary: string;
  tags: string[];
  fileName: string;
  pages: PdfPage[];
};

const SEED_RESOURCES: SeedResource[] = [
  {
    title: 'Micro-credentials: a model for engineering education?',
    kind: 'report',
    authors: '',
    organisation: 'Engineering e2e',
    year: 2017,
    summary:
      'Engineering e2e funded research into micro-credentials and how they might be used to improve the uptake of engineering education in New Zealand, particularly of the New Zealand Diploma in Engineering. The 2017 report recommended that micro-credentials be trialled.',
    tags: ['engineering e2e', 'nzde', 'research'],
    fileName: 'Micro-credentials - a model for engineering education.pdf',
    pages: [
      [
        { text: 'Micro-credentials: a model for engineering education?', size: 22, bold: true },
        { text: 'Report, 2017', size: 14 },
        { text: 'Engineering e2e-funded research', size: 14 },
        { text: DEMO_NOTE, size: 10 },
      ],
      [
        { text: 'Summary', size: 16, bold: true },
        {
          text: 'Engineering e2e funded research into micro-credentials and how they might be used to improve the uptake of engineering education in New Zealand, particularly of the New Zealand Diploma in Engineering (NZDE).',
        },
        { text: 'The 2017 report Micro-credentials: a model for engineering education? recommended that micro-credentials be trialled.' },
        { text: 'What followed', size: 14, bold: true },
        {
          text: 'As part of the Engineering e2e micro-credentials initiative, a community of practice was set up in 2018 to explore current programmes and assess how micro-credentials can be used by engineering educators and employers.',
        },
        {
          text: 'TEC is funding five pilots of micro-credentials in engineering. The pilots differ in their target audiences, but all view micro-credentials as a tool to upskill workers and attract new learners into engineering education.',
        },
      ],
    ],
  },
  {
    title: 'Micro-credentials in engineering education',
    kind: 'report',
    authors: 'Brenden Mischewski',
    organisation: 'Engineering e2e',
    year: 2019,
    summary: 'Written in 2019 by Brenden Mischewski to provide a background on micro-credentials in engineering education for the New Zealand Board of Engineering Diplomas (NZBED).',
    tags: ['engineering e2e', 'nzbed', 'nzde', 'stacking'],
    fileName: 'Micro-credentials in engineering education.pdf',
    pages: [
      [
        { text: 'Micro-credentials in engineering education', size: 22, bold: true },
        { text: 'Brenden Mischewski, 2019', size: 14 },
        { text: 'A background for the New Zealand Board of Engineering Diplomas (NZBED)', size: 14 },
        { text: DEMO_NOTE, size: 10 },
      ],
      [
        { text: 'Summary', size: 16, bold: true },
        { text: 'In 2019, Brenden Mischewski wrote the report Micro-credentials in engineering education to provide a background for the NZBED.' },
        {
          text: 'The micro-credentials community of practice includes representatives from institutes of technology and polytechnics (ITPs), industry training organisations (ITOs), professional bodies, the NZBED, the Tertiary Education Commission (TEC) and the New Zealand Qualifications Authority (NZQA).',
        },
        {
          text: 'Engineering e2e-funded pilot programmes view micro-credentials as a tool to upskill workers and attract new learners into engineering education, with the potential to increase enrolments in the New Zealand Diploma in Engineering (NZDE) and the Bachelor of Engineering Technology (BEngTech).',
        },
        { text: 'Participants noted the potential value of stacking micro-credentials, so that they could lead to more substantial qualifications.' },
        {
          text: 'The NZBED noted that a key priority for progress on micro-credentials programmes was focusing on the needs of industry and developing solutions for these.',
        },
      ],
    ],
  },
  {
    title: 'Info sheet: Micro-credentials',
    kind: 'info_sheet',
    authors: '',
    organisation: 'Engineering e2e',
    year: null,
    summary:
      'One of the micro-credentials resources Engineering e2e lists alongside its two reports. This demo copy gathers what the community’s articles say micro-credentials are and why industry involvement matters.',
    tags: ['engineering e2e', 'introduction'],
    fileName: 'Info sheet - Micro-credentials.pdf',
    pages: [
      [
        { text: 'Info sheet: Micro-credentials', size: 22, bold: true },
        { text: 'Engineering e2e', size: 14 },
        { text: DEMO_NOTE, size: 10 },
      ],
      [
        { text: 'What are micro-credentials?', size: 16, bold: true },
        {
          text: 'Micro-credentials, also known as badges, nanocredentials and nano-degrees, recognise the achievement of a defined set of skills and knowledge.',
        },
        { text: 'Micro-credentials can take a variety of forms, but industry involvement is essential.' },
        {
          text: 'Bundling micro-credentials so that they could lead to more substantial qualifications was valued by learners and industries.',
        },
        {
          text: 'Micro-credentials can be useful in providing a clear signal to employers about their employees’ skills and competencies.',
        },
      ],
    ],
  },
];

export function demoResourceTitles(): string[] {
  return SEED_RESOURCES.map((r) => r.title);
}

/** The bytes of one demo PDF (tests build their own uploads with buildSimplePdf). */
export function demoResourcePdf(title: string): Buffer {
  const resource = SEED_RESOURCES.find((r) => r.title === title);
  if (!resource) throw new Error(`No demo resource called ${title}`);
  return buildSimplePdf(resource.pages, { title: resource.title });
}

/**
 * Adds the demo resources. Files are written before the transaction (a rename into place, so they appear whole);
 * the rows are added in one transaction; then their text is read so searching inside them works at once.
 * Returns how many resources it added.
 */
export async function seedResources(database: DB): Promise<number> {
  const { storeBytes } = await import('../app/utils/uploads.server');
  const { extractPendingTexts, reindexResource } = await import('../app/models/resources.server');

  const files = new Map<string, { sha256: string; size: number }>();
  for (const resource of SEED_RESOURCES) {
    const bytes = demoResourcePdf(resource.title);
    const stored = await storeBytes(bytes);
    files.set(resource.title, { sha256: stored.sha256, size: bytes.length });
  }

  const added = database.transaction((tx) => {
    const coordinator = tx.select({ id: users.id }).from(users).where(eq(users.email, 'coordinator@demo.example')).get();
    let count = 0;
    for (const resource of SEED_RESOURCES) {
      if (tx.select({ id: resources.id }).from(resources).where(eq(resources.title, resource.title)).get()) continue;
      const file = files.get(resource.title)!;
      const organisationId = tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, resource.organisation)).get()?.id ?? null;
      const published = resource.year ? parseDateInput(`${resource.year}-01-01`) : null;
      tx.insert(storedFiles).values({ sha256: file.sha256, size: file.size, mimeType: 'application/pdf', extractedText: null }).onConflictDoNothing().run();
      const { id } = tx
        .insert(resources)
        .values({
          title: resource.title,
          kind: resource.kind,
          authors: resource.authors,
          organisationId,
          publishedOn: published?.ok ? published.date.getTime() : null,
          summary: resource.summary,
          licence: '',
          visibility: 'public',
          uploadedById: coordinator?.id ?? null,
        })
        .returning({ id: resources.id })
        .get();
      tx.insert(resourceVersions).values({ resourceId: id, versionNumber: 1, sha256: file.sha256, originalName: resource.fileName, uploadedById: coordinator?.id ?? null }).run();
      for (const tag of resource.tags) tx.insert(resourceTags).values({ resourceId: id, tag }).onConflictDoNothing().run();
      // Same connection as `database` (db/client.server's), so the index row is part of this transaction.
      reindexResource(id);
      count++;
    }
    return count;
  });
  await extractPendingTexts();
  return added;
}

/** SHA-256 of bytes, hex (tests compare downloads with it). */
export function sha256Hex(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}
