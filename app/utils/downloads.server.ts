// Serving stored files safely: the stored type (never sniffed), a Content-Disposition that carries any name without
// letting it break the header, ETag / If-None-Match, single byte ranges for PDF readers, and a body streamed from
// disk. Used by the resource download routes.
import fs from 'node:fs';
import { createReadableStreamFromReadable } from '@remix-run/node';
import type { DownloadTarget } from '~/models/resources.server';
import { requestLog } from './logger.server';
import { fileExtension, storedFilePath } from './uploads.server';

/** Types a browser may show in place (under a sandbox CSP); everything else is always a download. */
const INLINE_TYPES = new Set(['application/pdf', 'image/png', 'image/jpeg']);

const EXTENSIONS_FOR: Record<string, string[]> = { 'image/jpeg': ['.jpg', '.jpeg'], 'text/plain': ['.txt', '.text', '.md'] };

/** The uploader's name with the extension its stored type should have (a label called "passwd" that is a PDF → "passwd.pdf"). */
export function downloadName(originalName: string, mimeType: string, fallbackTitle = 'download'): string {
  const base = originalName.trim() || fallbackTitle.trim() || 'download';
  const wanted = fileExtension(mimeType);
  if (!wanted) return base;
  const allowed = EXTENSIONS_FOR[mimeType] ?? [wanted];
  return allowed.some((ext) => base.toLowerCase().endsWith(ext)) ? base : `${base}${wanted}`;
}

function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `attachment; filename="ascii-fallback"; filename*=UTF-8''percent-encoded` (RFC 6266 / 5987). */
export function contentDisposition(name: string, inline = false): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, '')
    .replace(/[/\\]/g, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && /^\.[A-Za-z0-9]{1,8}$/.test(cleaned.slice(dot)) ? cleaned.slice(dot) : '';
  let ascii = cleaned
    .slice(0, cleaned.length - ext.length)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^\x20-\x7E]/g, '_')
    .replace(/["\\%;]/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[\s._]+|[\s._]+$/g, '');
  if (!/[A-Za-z0-9]/.test(ascii)) ascii = 'download';
  ascii = ascii.slice(0, 150) + ext;
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${rfc5987(cleaned || ascii)}`;
}

export type ByteRange = { start: number; end: number };

/**
 * A Range header against a file of `size` bytes: null when there is none or it is not one we honour (several
 * ranges, another unit, malformed: the whole file is sent), 'unsatisfiable' for a range past the end.
 */
export function parseRange(header: string | null, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return null;
  const [, startText, endText] = m;
  if (startText === '' && endText === '') return null;
  if (startText === '') {
    const suffix = Number(endText);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(startText);
  const end = endText === '' ? size - 1 : Math.min(Number(endText), size - 1);
  if (endText !== '' && Number(endText) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

function etagMatches(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => strip(t) === strip(etag));
}

export type FileToServe = { path: string; sha256: string; size: number; mimeType: string; downloadName: string };

/**
 * Answers a GET (or HEAD) for a stored file. `onBodySent` runs when the response carries the file from its first
 * byte (a full download, or a range starting at 0), not for 304s, later ranges or HEAD, so a PDF reader fetching
 * pieces counts once.
 */
export function fileResponse(request: Request, file: FileToServe, onBodySent?: () => void): Response {
  const etag = `"${file.sha256}"`;
  const inline = INLINE_TYPES.has(file.mimeType);
  const headers = new Headers({
    'Content-Type': file.mimeType.startsWith('text/') ? `${file.mimeType}; charset=utf-8` : file.mimeType,
    'Content-Disposition': contentDisposition(file.downloadName, inline),
    'X-Content-Type-Options': 'nosniff',
    ETag: etag,
    'Accept-Ranges': 'bytes',
    // private: members-only files must not sit in shared caches; no-cache: revalidate (cheap, thanks to the ETag);
    // no-transform: the compression middleware leaves the bytes (and byte ranges) alone.
    'Cache-Control': 'private, no-cache, no-transform',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  // Shown in the browser: no scripts, no plugins, no same-origin access, whatever the file holds.
  if (inline) headers.set('Content-Security-Policy', 'sandbox');

  if (etagMatches(request.headers.get('If-None-Match'), etag)) return new Response(null, { status: 304, headers });

  // If-Range with another validator: the file changed since the reader's first piece, so send it whole.
  const ifRange = request.headers.get('If-Range');
  const range = ifRange && ifRange.trim() !== etag ? null : parseRange(request.headers.get('Range'), file.size);
  if (range === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${file.size}`);
    headers.delete('Content-Disposition');
    return new Response(null, { status: 416, headers });
  }
  const start = range ? range.start : 0;
  const end = range ? range.end : file.size - 1;
  headers.set('Content-Length', String(end - start + 1));
  if (range) headers.set('Content-Range', `bytes ${start}-${end}/${file.size}`);
  const status = range ? 206 : 200;
  if (request.method === 'HEAD') return new Response(null, { status, headers });
  const body = file.size === 0 ? null : createReadableStreamFromReadable(fs.createReadStream(file.path, { start, end }));
  if (start === 0) onBodySent?.();
  return new Response(body, { status, headers });
}

/**
 * The answer for a resource download URL: a link resource redirects to its address (counted), a file is served
 * from disk. `record` counts the download (see fileResponse for when).
 */
export function resourceDownloadResponse(request: Request, target: DownloadTarget, record: () => void): Response {
  if (target.externalUrl) {
    if (request.method !== 'HEAD') record();
    return new Response(null, { status: 302, headers: { Location: target.externalUrl, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' } });
  }
  const version = target.version;
  if (!version) throw new Response('Not found', { status: 404 });
  const path = storedFilePath(version.sha256);
  if (!fs.existsSync(path)) {
    requestLog().error({ resourceId: target.resourceId, version: version.versionNumber, sha256: version.sha256 }, 'stored file is missing from disk');
    throw new Response("This file is missing from the library's storage. Please let a coordinator know.", { status: 404 });
  }
  return fileResponse(
    request,
    { path, sha256: version.sha256, size: version.size, mimeType: version.mimeType, downloadName: downloadName(version.originalName, version.mimeType, target.title) },
    record,
  );
}
