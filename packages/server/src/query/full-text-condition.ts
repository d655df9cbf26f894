/**
 * Full-text containment on a span's input or output text ("'refund' in input.value", the `q`
 * parameter), case-insensitive and accent-insensitive, for any script.
 *
 * SQLite: the FTS5 table `span_search` (trigram tokenizer, case folded, diacritics removed;
 * rowid = spans.id; columns `input` and `output`) is filled by a background indexer in the
 * writer thread, which records how far it got in `search_index_state.indexed_through`. A span
 * matches when the index finds it, or when it is newer than that watermark and a scan of its
 * text finds the needle, so results are exact even while the indexer catches up. Needles of
 * fewer than 3 characters (below one trigram) are scanned.
 */
import type { CompiledFilter, SqlDialectName } from './compiled-filter.js';

export type SearchField = 'input' | 'output' | 'any';

/**
 * SQL user function registered on SQLite read connections:
 * `heron_span_text_contains(attributes_json, 'input'|'output', needle)` is 1 when the span's
 * search text for that field (the same text the indexer indexes) contains the needle,
 * casefolded and accent-stripped.
 */
export const SPAN_TEXT_CONTAINS_FUNCTION = 'heron_span_text_contains';

/** Characters the trigram index needs to answer a needle by itself. */
const MIN_INDEXED_NEEDLE = 3;

/**
 * A condition true when `needle` occurs in the span's `field` text. `alias` is the spans table
 * (or its alias) in the enclosing query.
 */
export function fullTextCondition(
  dialect: SqlDialectName,
  alias: string,
  field: SearchField,
  needle: string,
): CompiledFilter {
  if (dialect !== 'sqlite') {
    throw new Error(`full-text search is not implemented for ${dialect} yet`);
  }
  const fields: Exclude<SearchField, 'any'>[] = field === 'any' ? ['input', 'output'] : [field];
  const scan = fields.map((f) => `${SPAN_TEXT_CONTAINS_FUNCTION}(${alias}.attributes, '${f}', ?)`);
  const scanSql = scan.length === 1 ? scan[0]! : `(${scan.join(' OR ')})`;
  const scanParams = fields.map(() => needle);
  // FTS5 strings cannot hold NUL; such needles (and short ones) are answered by the scan.
  if ([...needle].length < MIN_INDEXED_NEEDLE || needle.includes('\0')) {
    return { sql: scanSql, params: scanParams };
  }
  const column = field === 'any' ? '{input output}' : field;
  return {
    sql:
      `(${alias}.id IN (SELECT rowid FROM span_search WHERE span_search MATCH ?)` +
      ` OR (${alias}.id > (SELECT indexed_through FROM search_index_state) AND ${scanSql}))`,
    params: [`${column} : ${ftsPhrase(needle)}`, ...scanParams],
  };
}

/** An FTS5 phrase: the needle in double quotes, inner quotes doubled (no operators survive). */
function ftsPhrase(needle: string): string {
  return `"${needle.replaceAll('"', '""')}"`;
}
