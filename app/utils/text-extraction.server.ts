// Text inside stored documents, for full-text search. PDFs through unpdf (Mozilla's pdf.js built for servers, no
// native code, no dependencies; 1.8 needs Node 22 and bundles a pdf.js with no eval left in it), DOCX through mammoth,
// CSV and plain text read as they are. Other types (images, spreadsheets, slides, ODT) are indexed by their
// metadata only.
//
// Extraction is slow for big documents, so it never runs while someone waits for a page: a new file is stored with
// extracted_text null, and extractPendingTexts() (app/models/resources.server.ts, run by the background jobs) fills
// it in. Only the quick "can this PDF be opened at all?" check runs during an upload.
//
// A document is an untrusted program for the parser, so reading one is bounded (an archive bomb, a 149 KB DOCX that
// inflates to 150 MB, once stalled the whole server):
// - a DOCX's zip central directory is read first (yauzl, which only reads the directory): too many entries or too
//   many bytes once inflated, and its text is not read at all;
// - PDFs and DOCX files are parsed in a worker thread (worker_threads) with its own heap limit, terminated when it
//   runs past a time limit, so the server's own thread keeps answering (/healthz, pages) meanwhile.
// A file over a bound is kept and downloadable; it just has no searchable text, and the reason is stored for its owner.
import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import yauzl from 'yauzl';

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Types whose text we can read; every other stored file gets an empty extracted_text straight away. */
export const EXTRACTABLE_TYPES: ReadonlySet<string> = new Set(['application/pdf', DOCX_MIME, 'text/plain', 'text/csv']);

/** More text than this from one file adds nothing to search but bulk to the index. */
export const MAX_EXTRACTED_CHARS = 2_000_000;

const MB = 1024 * 1024;

/**
 * How far reading one document may go. A 300-page report's DOCX holds a few MB of XML; photos make up the rest of a
 * big one, so the total allows for them while the XML the parser must hold in memory gets a tighter bound.
 */
export const EXTRACTION_LIMITS = {
  /** Entries in a DOCX's zip. Word writes a few dozen. */
  maxEntries: 2_000,
  /** All entries of a DOCX inflated. */
  maxUncompressedBytes: 100 * MB,
  /** The XML parts of a DOCX inflated (what mammoth parses into memory). */
  maxXmlBytes: 25 * MB,
  /** Time for one document in the worker; past it the worker is terminated. */
  timeoutMs: 60_000,
  /** The worker's JavaScript heap. */
  maxHeapMb: 512,
};
export type ExtractionLimits = typeof EXTRACTION_LIMITS;

/** Text, or why the text was not read (shown to the file's owner; the file itself is kept). */
export type Extraction = { ok: true; text: string } | { ok: false; refused: string };

/** A document the parser itself could not read (damaged, encrypted): recorded as an extraction error. */
export class UnreadableDocumentError extends Error {
  override name = 'UnreadableDocumentError';
}

// ---------------------------------------------------------------------------------------------------------------
// The zip's central directory

function describeBytes(bytes: number): string {
  return bytes >= MB ? `${Math.round(bytes / MB)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** Reads a DOCX's list of entries (never their contents) and says why it is too big to read, or null. */
export async function inspectZip(file: string, limits: ExtractionLimits = EXTRACTION_LIMITS): Promise<string | null> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (error, opened) => (error ? reject(error) : resolve(opened))),
  ).catch((error: unknown) => {
    throw new UnreadableDocumentError(`Not a readable zip: ${error instanceof Error ? error.message : String(error)}`);
  });
  try {
    if (zip.entryCount > limits.maxEntries) {
      return `It holds ${zip.entryCount.toLocaleString('en-NZ')} files inside (a Word document has a few dozen; the limit is ${limits.maxEntries.toLocaleString('en-NZ')}).`;
    }
    let total = 0;
    let xml = 0;
    return await new Promise<string | null>((resolve, reject) => {
      zip.on('error', (error: Error) => reject(new UnreadableDocumentError(`Not a readable zip: ${error.message}`)));
      zip.on('end', () => resolve(null));
      zip.on('entry', (entry: yauzl.Entry) => {
        total += entry.uncompressedSize;
        if (/\.(xml|rels)$/i.test(entry.fileName)) xml += entry.uncompressedSize;
        if (total > limits.maxUncompressedBytes) {
          return resolve(`It unpacks to more than ${describeBytes(limits.maxUncompressedBytes)} (from ${describeBytes(zip.fileSize)}).`);
        }
        if (xml > limits.maxXmlBytes) {
          return resolve(`Its text unpacks to more than ${describeBytes(limits.maxXmlBytes)} (from ${describeBytes(zip.fileSize)}).`);
        }
        zip.readEntry();
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The worker

type Task = { kind: 'docx-text' | 'pdf-text' | 'pdf-check'; file: string };
type WorkerAnswer = { ok: true; text?: string; pages?: number } | { ok: false; name: string; message: string };

// The worker's own code: it loads mammoth and unpdf from the paths the server resolved (so it works the same from
// the sources under test and from the production build), does one task and posts the answer. It is source text run
// with `eval: true` because the server build is one bundle, with no file of its own a worker could be started from.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { task, modules, maxChars } = workerData;
async function run() {
  if (task.kind === 'docx-text') {
    const mammoth = require(modules.mammoth);
    const result = await mammoth.extractRawText({ path: task.file });
    return { text: result.value.slice(0, maxChars) };
  }
  const unpdf = require(modules.unpdf);
  const doc = await unpdf.getDocumentProxy(new Uint8Array(fs.readFileSync(task.file)), { verbosity: 0, stopAtErrors: false });
  try {
    if (task.kind === 'pdf-check') {
      if (doc.numPages >= 1) await doc.getPage(1);
      return { pages: doc.numPages };
    }
    const { text } = await unpdf.extractText(doc, { mergePages: true });
    return { text: text.slice(0, maxChars) };
  } finally {
    await doc.loadingTask.destroy().catch(() => {});
  }
}
run().then(
  (answer) => parentPort.postMessage({ ok: true, ...answer }),
  (error) => parentPort.postMessage({ ok: false, name: (error && error.name) || 'Error', message: String((error && error.message) || error) }),
);
`;

let modulePaths: { mammoth: string; unpdf: string } | undefined;
function resolveModules() {
  const require = createRequire(import.meta.url);
  modulePaths ??= { mammoth: require.resolve('mammoth'), unpdf: require.resolve('unpdf') };
  return modulePaths;
}

/** Runs one task in a fresh worker under the limits; a worker past its time or heap answers with `refused`. */
function runInWorker(task: Task, limits: ExtractionLimits): Promise<WorkerAnswer | { refused: string }> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { task, modules: resolveModules(), maxChars: MAX_EXTRACTED_CHARS * 2 },
      resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const finish = (answer: WorkerAnswer | { refused: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
      void worker.terminate();
    };
    const timer = setTimeout(
      () => finish({ refused: `Reading it took longer than ${Math.round(limits.timeoutMs / 1000)} seconds, so it was stopped.` }),
      limits.timeoutMs,
    );
    worker.once('message', (answer: WorkerAnswer) => finish(answer));
    worker.once('error', (error: Error & { code?: string }) =>
      finish(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { refused: `Reading it needed more than ${limits.maxHeapMb} MB of memory, so it was stopped.` }
          : { ok: false, name: error.name, message: error.message },
      ),
    );
    worker.once('exit', () => finish({ ok: false, name: 'Error', message: 'The text reader stopped without an answer.' }));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// PDFs at upload

export type PdfCheck = { ok: true; pages: number } | { ok: false; message: string };

/**
 * Opens the PDF and its first page (in the worker): a file that starts with %PDF- but that pdf.js cannot open is
 * refused at upload, so the library never holds a "PDF" nobody can read. One that is too heavy to open within the
 * limits is accepted and simply gets no searchable text later.
 */
export async function checkPdfReadable(file: string, limits: ExtractionLimits = EXTRACTION_LIMITS): Promise<PdfCheck> {
  const answer = await runInWorker({ kind: 'pdf-check', file }, limits);
  if ('refused' in answer) return { ok: true, pages: 0 };
  if (answer.ok) {
    if (!answer.pages || answer.pages < 1) return { ok: false, message: 'This PDF has no pages. Check the file opens in a PDF reader, then upload it again.' };
    return { ok: true, pages: answer.pages };
  }
  if (answer.name === 'PasswordException') {
    return { ok: false, message: 'This PDF is protected by a password. Upload a copy without the password.' };
  }
  return {
    ok: false,
    message: 'This PDF is damaged and cannot be read. Check it opens in a PDF reader (or save it again as PDF), then upload it again.',
  };
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

/** What the worker answered, as text; a parser's failure is thrown as UnreadableDocumentError. */
async function textFromWorker(task: Task, limits: ExtractionLimits): Promise<Extraction> {
  const answer = await runInWorker(task, limits);
  if ('refused' in answer) return { ok: false, refused: answer.refused };
  if (!answer.ok) throw new UnreadableDocumentError(answer.message.slice(0, 500) || 'Unreadable');
  return { ok: true, text: normaliseText(answer.text ?? '') };
}

/**
 * The text inside a stored file ('' for types we do not read), or why it was not read (over a bound). Throws
 * UnreadableDocumentError when the file cannot be read at all.
 */
export async function extractTextFromFile(file: string, mimeType: string, limits: ExtractionLimits = EXTRACTION_LIMITS): Promise<Extraction> {
  switch (mimeType) {
    case 'application/pdf':
      return textFromWorker({ kind: 'pdf-text', file }, limits);
    case DOCX_MIME: {
      const tooBig = await inspectZip(file, limits);
      if (tooBig) return { ok: false, refused: tooBig };
      return textFromWorker({ kind: 'docx-text', file }, limits);
    }
    case 'text/plain':
    case 'text/csv':
      return { ok: true, text: normaliseText(await plainText(file)) };
    default:
      return { ok: true, text: '' };
  }
}
