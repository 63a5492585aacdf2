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
  return BOM + [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
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
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  res.send(body);
}
