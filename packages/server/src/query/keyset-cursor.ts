/**
 * Cursors of keyset-paginated lists, as opaque strings. A cursor names the first row of the next
 * page and, for lists not sorted by row id, that row's sort key, so the next page starts at the
 * same place even if rows were inserted meanwhile (or the row itself was deleted).
 *
 * Format: base64 of "<Type>:<rowid>" (exactly a Phoenix GlobalID, what Phoenix clients expect
 * for the default order) or "<Type>:<rowid>:<sort>:<value>" for other sorts. A plain GlobalID
 * is accepted for any sort: the key is then read from the row.
 */
import type { KeysetCursor } from '../store/store.js';

export function encodeKeysetCursor(type: string, cursor: KeysetCursor, sort?: string): string {
  const text =
    sort === undefined || cursor.value === undefined
      ? `${type}:${cursor.rowid}`
      : `${type}:${cursor.rowid}:${sort}:${cursor.value}`;
  return Buffer.from(text).toString('base64');
}

/**
 * Reads a cursor of `type`; null when it is not one. A key is returned only when the cursor was
 * made for the same sort.
 */
export function decodeKeysetCursor(type: string, text: string, sort?: string): KeysetCursor | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  const parts = Buffer.from(text, 'base64').toString('utf8').split(':');
  if (parts[0] !== type || (parts.length !== 2 && parts.length !== 4)) return null;
  const rowid = Number(parts[1]);
  if (!Number.isSafeInteger(rowid) || rowid <= 0) return null;
  if (parts.length === 2) return { rowid };
  if (parts[2] !== sort || !/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(parts[3]!)) return null;
  return { rowid, value: parts[3]! };
}
