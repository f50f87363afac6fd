// CSV for spreadsheets, written by csv-stringify: RFC 4180 quoting, CRLF line ends, a byte-order mark so Excel reads
// UTF-8 (macrons stay intact), and every cell a spreadsheet would run as a formula (starting with = + - @, a tab or
// a carriage return) defused with a leading apostrophe (OWASP "CSV injection"). Every CSV the portal serves goes
// through here.
import { stringify } from 'csv-stringify/sync';
import { contentDisposition } from './downloads.server';

export type CsvCell = string | number | boolean | null | undefined;

/** A cell as text, defused when a spreadsheet would read it as a formula. Numbers stay numbers (a -3 is data). */
function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The rows (the first is the header) as CSV text, without the byte-order mark. */
export function toCsv(rows: CsvCell[][]): string {
  return stringify(
    rows.map((row) => row.map(csvCell)),
    { record_delimiter: 'windows' },
  );
}

/** A download of the rows as `filename` (a .csv name), private to the person who asked unless `cache` says otherwise. */
export function csvResponse(rows: CsvCell[][], filename: string, { cache = 'private, no-store' } = {}): Response {
  return new Response('\uFEFF' + toCsv(rows), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': /^[A-Za-z0-9._-]+$/.test(filename) ? `attachment; filename="${filename}"` : contentDisposition(filename),
      'Cache-Control': cache,
    },
  });
}
