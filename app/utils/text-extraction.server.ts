// Text inside stored documents, for full-text search. PDFs through unpdf (Mozilla's pdf.js built for servers, no
// native code, no dependencies; 1.8 needs Node 22 and bundles a pdf.js with no eval left in it), DOCX through mammoth,
// CSV and plain text read as they are. Other types (images, spreadsheets, slides, ODT) are indexed by their
// metadata only.
//
// Extraction is slow for big documents, so it never runs while someone waits for a page: a new file is stored with
// extracted_text null, and extractPendingTexts() (app/models/resources.server.ts, run by the background jobs) fills
// it in. Only the quick "can this PDF be opened at all?" check runs during an upload.
import fs from 'node:fs/promises';

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Types whose text we can read; every other stored file gets an empty extracted_text straight away. */
export const EXTRACTABLE_TYPES: ReadonlySet<string> = new Set(['application/pdf', DOCX_MIME, 'text/plain', 'text/csv']);

/** More text than this from one file adds nothing to search but bulk to the index. */
export const MAX_EXTRACTED_CHARS = 2_000_000;

type PdfDocument = Awaited<ReturnType<typeof import('unpdf')['getDocumentProxy']>>;

async function openPdf(data: Uint8Array): Promise<PdfDocument> {
  const { getDocumentProxy } = await import('unpdf');
  // verbosity 0: pdf.js would otherwise print warnings ("Indexing all PDF objects") for every odd file.
  return getDocumentProxy(data, { verbosity: 0, stopAtErrors: false });
}

export type PdfCheck = { ok: true; pages: number } | { ok: false; message: string };

/**
 * Opens the PDF and its first page: a file that starts with %PDF- but that pdf.js cannot open is refused at upload,
 * so the library never holds a "PDF" nobody can read.
 */
export async function checkPdfReadable(file: string): Promise<PdfCheck> {
  let doc: PdfDocument | undefined;
  try {
    doc = await openPdf(new Uint8Array(await fs.readFile(file)));
    if (doc.numPages < 1) return { ok: false, message: 'This PDF has no pages. Check the file opens in a PDF reader, then upload it again.' };
    await doc.getPage(1);
    return { ok: true, pages: doc.numPages };
  } catch (error) {
    if (error instanceof Error && error.name === 'PasswordException') {
      return { ok: false, message: 'This PDF is protected by a password. Upload a copy without the password.' };
    }
    return {
      ok: false,
      message: 'This PDF is damaged and cannot be read. Check it opens in a PDF reader (or save it again as PDF), then upload it again.',
    };
  } finally {
    await doc?.loadingTask.destroy().catch(() => {});
  }
}

/** Tidies extracted text: no control characters, no runs of spaces, at most one blank line in a row. */
export function normaliseText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000E-\u001F\u007F\uE000\uE001]/g, ' ')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00A0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .slice(0, MAX_EXTRACTED_CHARS);
}

async function pdfText(file: string): Promise<string> {
  const { extractText } = await import('unpdf');
  const doc = await openPdf(new Uint8Array(await fs.readFile(file)));
  try {
    const { text } = await extractText(doc, { mergePages: true });
    return text;
  } finally {
    await doc.loadingTask.destroy().catch(() => {});
  }
}

async function docxText(file: string): Promise<string> {
  const mammoth = (await import('mammoth')).default;
  const result = await mammoth.extractRawText({ path: file });
  return result.value;
}

async function plainText(file: string): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    // UTF-8 is at most 4 bytes a character: this many bytes always covers MAX_EXTRACTED_CHARS.
    const buffer = Buffer.alloc(Math.min((await handle.stat()).size, MAX_EXTRACTED_CHARS * 4));
    await handle.read(buffer, 0, buffer.length, 0);
    return new TextDecoder('utf-8').decode(buffer);
  } finally {
    await handle.close();
  }
}

/** The text inside a stored file ('' for types we do not read). Throws when the file cannot be read. */
export async function extractTextFromFile(file: string, mimeType: string): Promise<string> {
  switch (mimeType) {
    case 'application/pdf':
      return normaliseText(await pdfText(file));
    case DOCX_MIME:
      return normaliseText(await docxText(file));
    case 'text/plain':
    case 'text/csv':
      return normaliseText(await plainText(file));
    default:
      return '';
  }
}
