// Keyset cursors for the list endpoints: an opaque base64url of (instant, id) that the
// next page continues after.
export class BadCursorError extends Error {}

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(iso ?? '');
  if (!id || Number.isNaN(at.getTime())) throw new BadCursorError('cursor is not one this API issued');
  return { at, id };
}
