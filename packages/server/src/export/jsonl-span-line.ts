/**
 * A stored span as one line of a jsonl export: the REST API's span JSON (api/span-json.ts)
 * without `id`, a row id that means nothing outside the database it came from (and would make
 * an export of re-imported spans differ from the original export).
 */
import { toSpanJson } from '../api/span-json.js';
import type { StoredSpan } from '../store/store.js';

export function jsonlSpanLine(span: StoredSpan): string {
  const { id: _rowid, ...json } = toSpanJson(span);
  return `${JSON.stringify(json)}\n`;
}
