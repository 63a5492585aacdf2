// CSV for spreadsheet users (RFC 4180): CRLF rows, fields quoted when they hold a quote,
// comma or line break (quotes doubled), and a UTF-8 byte-order mark first, without which
// Excel reads UTF-8 as the local code page and Chinese names come out garbled.
import type { Response } from 'express';

export type CsvCell = string | number | null | undefined;

const BOM = '\uFEFF';

/** Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV injection). */
function cell(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'number' ? String(v) : v;
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return BOM + csvLines([header, ...rows]);
}

/** Rows as CSV lines, each ended by CRLF (no byte-order mark): a part of a streamed file. */
export function csvLines(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((r) => r.map(cell).join(',') + '\r\n').join('');
}

/**
 * Streams a CSV built part by part: `parts` yields the rows in order. The first part is
 * read before any byte is sent, so a failure there still gets a JSON error; a failure
 * after that can only cut the download short (the connection is destroyed, never left
 * looking complete).
 */
export async function streamCsv(
  res: Response,
  filename: string,
  header: readonly string[],
  parts: AsyncIterable<readonly (readonly CsvCell[])[]>,
): Promise<void> {
  const it = parts[Symbol.asyncIterator]();
  let next = await it.next();
  setCsvHeaders(res, filename);
  res.write(BOM + csvLines([header]));
  try {
    while (!next.done) {
      if (!res.write(csvLines(next.value))) await new Promise((r) => res.once('drain', r));
      next = await it.next();
    }
    res.end();
  } catch (err) {
    res.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}

function setCsvHeaders(res: Response, filename: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
}

/** Did the caller ask for CSV (?format=csv, or an Accept that prefers text/csv to JSON)? */
export function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  if (format) return format === 'csv';
  if (!accept) return false;
  const types = accept.split(',').map((t) => t.split(';')[0]!.trim().toLowerCase());
  const csv = types.indexOf('text/csv');
  const json = types.findIndex((t) => t === 'application/json' || t === '*/*');
  return csv >= 0 && (json < 0 || csv < json);
}

export function sendCsv(res: Response, filename: string, body: string): void {
  setCsvHeaders(res, filename);
  res.send(body);
}
