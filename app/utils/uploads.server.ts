// File uploads for the resource library, streamed: each file goes to a temporary file under UPLOAD_DIR/tmp while its
// SHA-256 and size are computed, never held whole in memory. The type is decided from the bytes (magic numbers, the
// parts list inside Office/OpenDocument zips, valid UTF-8 for text), never from the name or the browser's claim.
// A refused, cut-off or abandoned upload leaves nothing behind: the temporary file is deleted, and only storeUpload()
// moves an accepted file to UPLOAD_DIR/<sha256> (a rename, so the final name appears whole or not at all).
//
// Use with Remix's unstable_parseMultipartFormData through readUploadForm(), and always call session.cleanup() in a
// `finally` (it deletes whatever was not stored).
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { unstable_parseMultipartFormData, type UploadHandler, type UploadHandlerPart } from '@remix-run/node';
import { env } from './env.server';
import { checkPdfReadable, DOCX_MIME } from './text-extraction.server';

export const FILE_TYPES = {
  'application/pdf': { label: 'PDF', extension: '.pdf' },
  [DOCX_MIME]: { label: 'Word document (DOCX)', extension: '.docx' },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { label: 'Excel spreadsheet (XLSX)', extension: '.xlsx' },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { label: 'PowerPoint presentation (PPTX)', extension: '.pptx' },
  'application/vnd.oasis.opendocument.text': { label: 'OpenDocument text (ODT)', extension: '.odt' },
  'text/csv': { label: 'CSV', extension: '.csv' },
  'text/plain': { label: 'Plain text', extension: '.txt' },
  'image/png': { label: 'PNG image', extension: '.png' },
  'image/jpeg': { label: 'JPEG image', extension: '.jpg' },
} as const satisfies Record<string, { label: string; extension: string }>;
export type AcceptedMimeType = keyof typeof FILE_TYPES;

export const ACCEPTED_TYPES_TEXT = 'PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), OpenDocument text (ODT), CSV, plain text (TXT), PNG or JPEG';
/** For the file input's `accept` attribute: a hint to the browser's file picker only; the server decides. */
export const ACCEPT_ATTRIBUTE = '.pdf,.docx,.xlsx,.pptx,.odt,.csv,.txt,.png,.jpg,.jpeg';

export function fileTypeLabel(mimeType: string): string {
  return (FILE_TYPES as Record<string, { label: string }>)[mimeType]?.label ?? 'File';
}

export function fileExtension(mimeType: string): string {
  return (FILE_TYPES as Record<string, { extension: string }>)[mimeType]?.extension ?? '';
}

export function uploadLimitBytes(): number {
  return Math.floor(env().UPLOAD_MAX_MB * 1024 * 1024);
}

/** "25 MB", "50 KB": the limit as people read it. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`;
}

export function uploadDir(): string {
  return env().UPLOAD_DIR;
}

/** Where a stored file lives: named by its hash only, so no name from a user ever reaches the file system. */
export function storedFilePath(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('Not a SHA-256 hex digest');
  return path.join(uploadDir(), sha256);
}

function tmpDir(): string {
  return path.join(uploadDir(), 'tmp');
}

export type AcceptedUpload = {
  ok: true;
  field: string;
  /** The uploader's file name, a label only (already reduced to its last path segment by the parser). */
  originalName: string;
  tempPath: string;
  sha256: string;
  size: number;
  mimeType: AcceptedMimeType;
};
export type RefusedUpload = { ok: false; field: string; originalName: string; message: string };
export type UploadResult = AcceptedUpload | RefusedUpload;

export type UploadSession = {
  handler: UploadHandler;
  /** The outcome for a file field; undefined when no file was chosen. */
  file(field: string): UploadResult | undefined;
  /** Text fields seen so far (kept even when the body breaks off later, so the form can be shown again). */
  textValues(): [string, string][];
  /** Deletes every temporary file not yet stored. Call it in a `finally`. */
  cleanup(): Promise<void>;
};

const MAX_TEXT_FIELD_BYTES = 64 * 1024;
const MAX_TEXT_FIELDS = 300;

async function removeQuietly(file: string) {
  await fsp.rm(file, { force: true }).catch(() => {});
}

/** Reads and throws away the rest of a part, so the parser does not buffer it; gives up past `limit` bytes. */
async function drain(data: AsyncIterable<Uint8Array>, limit: number, seen: number): Promise<void> {
  let total = seen;
  for await (const chunk of data) {
    total += chunk.byteLength;
    if (total > limit) throw new UploadAbortedError('The upload is far larger than the limit; it was stopped.');
  }
}

export class UploadAbortedError extends Error {
  override name = 'UploadAbortedError';
}

/**
 * One upload form's worth of files. `fileFields` names the inputs that may carry files; a file in any other field is
 * ignored (drained, not stored).
 */
export function createUploadSession({ fileFields, maxBytes = uploadLimitBytes() }: { fileFields: string[]; maxBytes?: number }): UploadSession {
  const results = new Map<string, UploadResult>();
  const texts: [string, string][] = [];
  const temps = new Set<string>();
  // A body this much past the limit is not a mistake; stop reading it rather than drain it all.
  const drainLimit = maxBytes * 2 + 10 * 1024 * 1024;

  async function handleFile(part: UploadHandlerPart & { filename: string }): Promise<undefined> {
    const field = part.name;
    const originalName = cleanFileName(part.filename);
    // An empty file input sends a part with no name and no bytes: no file chosen.
    if (!part.filename) {
      await drain(part.data, drainLimit, 0);
      return undefined;
    }
    if (!fileFields.includes(field) || results.has(field)) {
      await drain(part.data, drainLimit, 0);
      return undefined;
    }
    await fsp.mkdir(tmpDir(), { recursive: true });
    const tempPath = path.join(tmpDir(), `${crypto.randomUUID()}.part`);
    temps.add(tempPath);
    const hash = crypto.createHash('sha256');
    const sniff = new TextSniffer();
    let size = 0;
    let tooLarge = false;
    // An explicit handle, written chunk by chunk: when the body breaks off, the file is closed before it is
    // deleted (a write stream still opening could otherwise re-create it after the delete).
    const out = await fsp.open(tempPath, 'wx', 0o640);
    try {
      for await (const chunk of part.data) {
        size += chunk.byteLength;
        if (size > maxBytes) {
          tooLarge = true;
          break;
        }
        hash.update(chunk);
        sniff.feed(chunk);
        await out.write(chunk);
      }
      await out.close();
    } catch (error) {
      await out.close().catch(() => {});
      await removeQuietly(tempPath);
      temps.delete(tempPath);
      throw error;
    }
    const refuse = async (message: string) => {
      await removeQuietly(tempPath);
      temps.delete(tempPath);
      results.set(field, { ok: false, field, originalName, message });
      return undefined;
    };
    if (tooLarge) {
      // Keep reading (and discarding) so the rest of the form arrives and the browser sees our answer.
      await refuse(`This file is larger than the ${formatBytes(maxBytes)} limit. Make it smaller (for example, save a PDF with reduced image quality) or share it as a link.`);
      await drain(part.data, drainLimit, size);
      return undefined;
    }
    if (size === 0) return refuse('This file is empty (0 bytes). Choose the file again, or check it was saved properly.');

    const detected = await detectType(tempPath, sniff.result(), originalName);
    if (!detected.ok) return refuse(detected.message);
    if (detected.mimeType === 'application/pdf') {
      const check = await checkPdfReadable(tempPath);
      if (!check.ok) return refuse(check.message);
    }
    results.set(field, { ok: true, field, originalName, tempPath, sha256: hash.digest('hex'), size, mimeType: detected.mimeType });
    return undefined;
  }

  const handler: UploadHandler = async (part) => {
    if (typeof part.filename === 'string') return handleFile(part as UploadHandlerPart & { filename: string });
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of part.data) {
      size += chunk.byteLength;
      if (size > MAX_TEXT_FIELD_BYTES) throw new UploadAbortedError(`The form field “${part.name}” is too long.`);
      chunks.push(chunk);
    }
    if (texts.length >= MAX_TEXT_FIELDS) throw new UploadAbortedError('The form has too many fields.');
    const value = Buffer.concat(chunks).toString('utf8');
    texts.push([part.name, value]);
    return value;
  };

  return {
    handler,
    file: (field) => results.get(field),
    textValues: () => [...texts],
    async cleanup() {
      await Promise.all([...temps].map(removeQuietly));
      temps.clear();
    },
  };
}

export type UploadForm = { ok: true; formData: FormData } | { ok: false; formData: FormData; message: string };

/**
 * Parses a multipart form with the session's handler. When the body breaks off (the connection dropped, a part
 * was malformed), the temporary files are deleted and the text fields received so far come back with a message.
 */
export async function readUploadForm(request: Request, session: UploadSession): Promise<UploadForm> {
  try {
    return { ok: true, formData: await unstable_parseMultipartFormData(request, session.handler) };
  } catch (error) {
    await session.cleanup();
    const formData = new FormData();
    for (const [name, value] of session.textValues()) formData.append(name, value);
    // Remix's multipart parser splits part headers on ";" and "=" without regard to quotes, so a file name holding
    // either (or bytes that are not UTF-8) makes the whole form unreadable; say so rather than blame the network.
    const badHeader = error instanceof URIError || (error instanceof Error && /malformed content-disposition|malformed multipart-form header/.test(error.message));
    const message =
      error instanceof UploadAbortedError
        ? error.message
        : badHeader
          ? 'The file’s name could not be read (a name containing ; or = confuses the upload). Rename the file, choose it again and retry.'
          : 'The upload did not arrive in full (the connection may have dropped). Nothing was saved; choose the file again and retry.';
    return { ok: false, formData, message };
  }
}

export type StoredUpload = { sha256: string; path: string; created: boolean };

/**
 * Moves an accepted upload to UPLOAD_DIR/<sha256>. Rename is atomic on one file system, so the final file is either
 * absent or complete. When the library already holds the same bytes, the temporary copy is simply deleted.
 * `created` says whether this call put the file there (so a failed database write can take it away again).
 */
export async function storeUpload(upload: AcceptedUpload): Promise<StoredUpload> {
  const target = storedFilePath(upload.sha256);
  await fsp.mkdir(uploadDir(), { recursive: true });
  if (fs.existsSync(target)) {
    await removeQuietly(upload.tempPath);
    return { sha256: upload.sha256, path: target, created: false };
  }
  await fsp.rename(upload.tempPath, target);
  await fsp.chmod(target, 0o640).catch(() => {});
  return { sha256: upload.sha256, path: target, created: true };
}

/** Writes bytes we made ourselves (the demo PDFs) the same way an upload is stored. */
export async function storeBytes(bytes: Uint8Array): Promise<StoredUpload> {
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const target = storedFilePath(sha256);
  if (fs.existsSync(target)) return { sha256, path: target, created: false };
  await fsp.mkdir(tmpDir(), { recursive: true });
  const temp = path.join(tmpDir(), `${crypto.randomUUID()}.part`);
  try {
    await fsp.writeFile(temp, bytes, { flag: 'wx' });
    await fsp.rename(temp, target);
  } finally {
    await removeQuietly(temp);
  }
  return { sha256, path: target, created: true };
}

/**
 * Deletes temporary upload files left by a process that stopped mid-upload (a crash, a kill -9). Anything in
 * UPLOAD_DIR/tmp older than `olderThanMs` cannot belong to an upload still in progress. Returns how many it removed.
 */
export async function removeStaleUploads(olderThanMs = 60 * 60 * 1000, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await fsp.readdir(tmpDir());
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const file = path.join(tmpDir(), name);
    const stat = await fsp.stat(file).catch(() => null);
    if (stat?.isFile() && now - stat.mtimeMs > olderThanMs) {
      await removeQuietly(file);
      removed++;
    }
  }
  return removed;
}

export async function removeStoredFile(sha256: string): Promise<void> {
  await removeQuietly(storedFilePath(sha256));
}

/**
 * The uploader's name as a label: no control characters or path separators, trimmed, at most 200 characters
 * (keeping the extension). It is shown and offered back on download, never used as a path.
 */
export function cleanFileName(name: string): string {
  const cleaned = name
    // Browsers send a double quote in a file name as %22 (and CR, LF as %0D, %0A): the HTML form-encoding rules.
    .replace(/%22/g, '"')
    .replace(/%0[AD]/gi, ' ')
    .normalize('NFC')
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, '')
    .replace(/[/\\]/g, '_')
    .trim();
  if (cleaned.length <= 200) return cleaned;
  const ext = /\.[A-Za-z0-9]{1,8}$/.exec(cleaned)?.[0] ?? '';
  return cleaned.slice(0, 200 - ext.length) + ext;
}

// ---------------------------------------------------------------------------------------------------------------
// Type detection from the bytes

/** Watches the bytes go by: keeps the first 4 KB, checks UTF-8 validity and NUL bytes across the whole file. */
class TextSniffer {
  private head = Buffer.alloc(0);
  private decoder = new TextDecoder('utf-8', { fatal: true });
  private validUtf8 = true;
  private hasNul = false;

  feed(chunk: Uint8Array) {
    if (this.head.length < 4096) this.head = Buffer.concat([this.head, Buffer.from(chunk.subarray(0, 4096 - this.head.length))]);
    if (!this.hasNul && chunk.includes(0)) this.hasNul = true;
    if (this.validUtf8) {
      try {
        this.decoder.decode(chunk, { stream: true });
      } catch {
        this.validUtf8 = false;
      }
    }
  }

  result(): SniffResult {
    if (this.validUtf8) {
      try {
        this.decoder.decode(); // a file ending half-way through a character is not valid UTF-8
      } catch {
        this.validUtf8 = false;
      }
    }
    return { head: this.head, validUtf8: this.validUtf8, hasNul: this.hasNul };
  }
}

type SniffResult = { head: Buffer; validUtf8: boolean; hasNul: boolean };
type Detection = { ok: true; mimeType: AcceptedMimeType } | { ok: false; message: string };

const NOT_ACCEPTED = `We accept ${ACCEPTED_TYPES_TEXT} files.`;

function startsWith(head: Buffer, bytes: number[]): boolean {
  return head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
}

/** Markup a browser might render or run, which has no place in a CSV or text file. */
function looksLikeMarkup(head: Buffer): boolean {
  const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart().slice(0, 1024).toLowerCase();
  if (text.startsWith('<')) return true;
  return /<(?:!doctype|html|head|body|script|svg|iframe|object|embed|\?xml|meta|style|link)\b/.test(text);
}

async function detectType(file: string, sniff: SniffResult, originalName: string): Promise<Detection> {
  const { head } = sniff;
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return { ok: true, mimeType: 'application/pdf' };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { ok: true, mimeType: 'image/png' };
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { ok: true, mimeType: 'image/jpeg' };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return detectZipType(file);
  if (sniff.validUtf8 && !sniff.hasNul) {
    if (looksLikeMarkup(head)) {
      return { ok: false, message: `This file is a web page or other markup (HTML, SVG or XML), which we do not accept. ${NOT_ACCEPTED}` };
    }
    return { ok: true, mimeType: /\.csv$/i.test(originalName) ? 'text/csv' : 'text/plain' };
  }
  return { ok: false, message: `We could not recognise this kind of file. ${NOT_ACCEPTED}` };
}

const OOXML_MAIN_TYPES: [string, AcceptedMimeType][] = [
  ['application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml', DOCX_MIME],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
];

async function detectZipType(file: string): Promise<Detection> {
  const unreadable: Detection = { ok: false, message: `This looks like a zip file that we cannot read as a document. ${NOT_ACCEPTED}` };
  let zip: ZipEntry[];
  const handle = await fsp.open(file, 'r');
  try {
    zip = await readCentralDirectory(handle);
    const byName = new Map(zip.map((e) => [e.name, e]));
    const odfMimetype = byName.get('mimetype');
    if (odfMimetype) {
      const content = (await readEntry(handle, odfMimetype, 256)).toString('latin1').trim();
      if (content === 'application/vnd.oasis.opendocument.text') return { ok: true, mimeType: 'application/vnd.oasis.opendocument.text' };
      return { ok: false, message: `This OpenDocument file is not a text document (we accept ODT, not other OpenDocument kinds). ${NOT_ACCEPTED}` };
    }
    const contentTypes = byName.get('[Content_Types].xml');
    if (contentTypes) {
      const xml = (await readEntry(handle, contentTypes, 1024 * 1024)).toString('utf8');
      for (const [main, mimeType] of OOXML_MAIN_TYPES) if (xml.includes(`ContentType="${main}"`)) return { ok: true, mimeType };
      return {
        ok: false,
        message: `This Office file is not one we accept (macro-enabled and template files are refused). Save it as an ordinary DOCX, XLSX or PPTX. ${NOT_ACCEPTED}`,
      };
    }
    return { ok: false, message: `This is a zip archive, not a document. ${NOT_ACCEPTED}` };
  } catch {
    return unreadable;
  } finally {
    await handle.close();
  }
}

type ZipEntry = { name: string; method: number; flags: number; compressedSize: number; size: number; localOffset: number };

/** The list of files in a zip, from the central directory at its end (no zip64: our files are far below 4 GB). */
async function readCentralDirectory(handle: fsp.FileHandle): Promise<ZipEntry[]> {
  const { size } = await handle.stat();
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = Buffer.alloc(tailLength);
  await handle.read(tail, 0, tailLength, size - tailLength);
  let eocd = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('No end of central directory');
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset + cdSize > size || cdSize > 8 * 1024 * 1024 || count === 0xffff) throw new Error('Bad central directory');
  const cd = Buffer.alloc(cdSize);
  await handle.read(cd, 0, cdSize, cdOffset);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw new Error('Bad central directory entry');
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    entries.push({
      flags: cd.readUInt16LE(p + 8),
      method: cd.readUInt16LE(p + 10),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localOffset: cd.readUInt32LE(p + 42),
      name: cd.subarray(p + 46, p + 46 + nameLength).toString('utf8'),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** One small entry's bytes, inflated with a cap (a "zip bomb" entry fails instead of filling memory). */
async function readEntry(handle: fsp.FileHandle, entry: ZipEntry, maxBytes: number): Promise<Buffer> {
  if (entry.flags & 0x1) throw new Error('Encrypted entry');
  if (entry.compressedSize > maxBytes) throw new Error('Entry too large');
  const header = Buffer.alloc(30);
  await handle.read(header, 0, 30, entry.localOffset);
  if (header.readUInt32LE(0) !== 0x04034b50) throw new Error('Bad local header');
  const dataStart = entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const data = Buffer.alloc(entry.compressedSize);
  await handle.read(data, 0, entry.compressedSize, dataStart);
  if (entry.method === 0) return data;
  if (entry.method === 8) return zlib.inflateRawSync(data, { maxOutputLength: maxBytes });
  throw new Error('Unsupported compression');
}
