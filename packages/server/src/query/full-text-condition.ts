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
 *
 * PostgreSQL: the writer queues each span's search text, already folded (`foldForSearch`), in
 * `span_search_queue`; the search indexer moves it into `span_search`, whose pg_trgm GIN indexes
 * answer a LIKE of the folded needle (wildcards escaped) for needles of 3 characters or more
 * (shorter ones are scanned). A span matches when its text in either table contains the needle:
 * the indexed rows through the indexes, the queue (what the indexer has not reached yet) by a
 * scan, so results are exact while the index catches up, as on SQLite.
 */
import type { CompiledFilter, SqlDialectName } from './compiled-filter.js';
import { foldForSearch } from '../spans/span-search-text.js';
import { toWellFormed } from './postgres-placeholders.js';

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
 * The ids of the spans the index does not cover (newer than its watermark, or re-sent and
 * waiting to be indexed again) whose text contains the needle, found by scanning them. Written
 * as a set (rowid range and queue), so the scan touches only those few spans and the outer
 * query can look the ids up by rowid.
 */
export function unindexedMatchIds(field: SearchField, needle: string): CompiledFilter {
  const scan = textScanCondition('tail', field, needle);
  return {
    sql:
      'SELECT tail.id FROM spans AS tail' +
      ` WHERE tail.id > (SELECT indexed_through FROM search_index_state) AND ${scan.sql}` +
      // IN, not a join: the planner must drive from the (small) queue, never from spans.
      ' UNION ALL SELECT tail.id FROM spans AS tail' +
      ` WHERE tail.id IN (SELECT span_rowid FROM search_reindex_queue) AND ${scan.sql}`,
    params: [...scan.params, ...scan.params],
  };
}

/**
 * The FTS5 query for `needle` in `field`, or null when the trigram index cannot answer it
 * (fewer than 3 characters, or a NUL, which FTS5 strings cannot hold): then only the scan can.
 */
export function ftsMatchQuery(field: SearchField, needle: string): string | null {
  if ([...needle].length < MIN_INDEXED_NEEDLE || needle.includes('\0')) return null;
  const column = field === 'any' ? '{input output}' : field;
  return `${column} : ${ftsPhrase(needle)}`;
}

/** The exact scan of one span's text (slow per row: only for spans the index cannot answer). */
export function textScanCondition(
  alias: string,
  field: SearchField,
  needle: string,
): CompiledFilter {
  const fields: Exclude<SearchField, 'any'>[] = field === 'any' ? ['input', 'output'] : [field];
  const scan = fields.map((f) => `${SPAN_TEXT_CONTAINS_FUNCTION}(${alias}.attributes, '${f}', ?)`);
  return {
    sql: scan.length === 1 ? scan[0]! : `(${scan.join(' OR ')})`,
    params: fields.map(() => needle),
  };
}

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
  if (dialect === 'postgres') return postgresFullTextCondition(alias, field, needle);
  const match = ftsMatchQuery(field, needle);
  if (match === null) return textScanCondition(alias, field, needle);
  const tail = unindexedMatchIds(field, needle);
  return {
    sql:
      `(${alias}.id IN (SELECT rowid FROM span_search WHERE span_search MATCH ?)` +
      ` OR ${alias}.id IN (${tail.sql}))`,
    params: [match, ...tail.params],
  };
}

/** An FTS5 phrase: the needle in double quotes, inner quotes doubled (no operators survive). */
function ftsPhrase(needle: string): string {
  return `"${needle.replaceAll('"', '""')}"`;
}

/** `\`, `%` and `_` escaped for LIKE … ESCAPE '\'. */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function postgresFullTextCondition(
  alias: string,
  field: SearchField,
  needle: string,
): CompiledFilter {
  const fields: Exclude<SearchField, 'any'>[] = field === 'any' ? ['input', 'output'] : [field];
  // Stored text has NUL and unpaired surrogates as U+FFFD (postgres-span-row.ts): so the needle.
  const folded = foldForSearch(toWellFormed(needle)).replaceAll('\0', '\ufffd');
  // Every text contains '' (spans without any text have no row to find).
  if (folded === '') return { sql: 'TRUE', params: [] };
  const pattern = escapeLikePattern(folded);
  const matches = (table: string) =>
    fields.map((f) => `${table}.${f} LIKE '%' || CAST(? AS text) || '%' ESCAPE '\\'`).join(' OR ');
  // One IN over both tables (not two ORed INs), so the planner can drive the query from the
  // matches — a handful of ids from the trigram indexes for a rare word — instead of testing
  // every span of the project against them. The bound on the queue's key lets PostgreSQL read
  // the queue through its primary key, i.e. its live rows, when it holds few: its file keeps
  // the size of the last burst until VACUUM can truncate it (which concurrent writes prevent),
  // and a scan of 800 MB of emptied pages took 300 ms per search.
  return {
    sql:
      `${alias}.id IN (SELECT indexed.span_rowid FROM span_search AS indexed` +
      ` WHERE ${matches('indexed')}` +
      ' UNION ALL SELECT queued.span_rowid FROM span_search_queue AS queued' +
      ` WHERE queued.span_rowid > 0 AND (${matches('queued')}))`,
    params: [...fields.map(() => pattern), ...fields.map(() => pattern)],
  };
}
