/**
 * SpanRecord → the values the PostgreSQL writer inserts into `spans`, column by column (the
 * writer sends one binary array per column and unnests them: one statement, any number of rows;
 * postgres-binary-array.ts).
 *
 * Same columns and derived values as the SQLite row (sqlite/span-row.ts); the folded search text
 * goes to the search queue instead (toPgSearchText). PostgreSQL refuses two things SQLite stores: NUL characters in text, and NUL or lone
 * surrogate escapes (`\u0000`, `\ud800`) in JSONB. Both become U+FFFD here, so such a span is
 * stored (with that character replaced) instead of failing its whole batch.
 */
import { foldForSearch, spanSearchText } from '../../spans/span-search-text.js';
import type { SpanRecord } from '../../spans/span-record.js';
import { spanCostValues } from '../../spans/prices/span-cost-columns.js';
import type { PgBinaryElementType } from './postgres-binary-array.js';

/** The `spans` columns the writer fills (besides trace_rowid and project_id), with their types. */
export const PG_SPAN_COLUMNS: readonly (readonly [string, PgBinaryElementType])[] = [
  ['trace_id', 'text'],
  ['span_id', 'text'],
  ['parent_id', 'text'],
  ['name', 'text'],
  ['span_kind', 'text'],
  ['otel_kind', 'integer'],
  ['start_time', 'bigint'],
  ['end_time', 'bigint'],
  ['latency_ms', 'double precision'],
  ['status_code', 'text'],
  ['status_message', 'text'],
  ['attributes', 'jsonb'],
  ['events', 'jsonb'],
  ['links', 'jsonb'],
  ['resource_attributes', 'jsonb'],
  ['scope_name', 'text'],
  ['scope_version', 'text'],
  ['trace_state', 'text'],
  ['flags', 'bigint'],
  ['session_id', 'text'],
  ['user_id', 'text'],
  ['model_name', 'text'],
  ['provider', 'text'],
  ['prompt_tokens', 'bigint'],
  ['completion_tokens', 'bigint'],
  ['total_tokens', 'bigint'],
  ['input_preview', 'text'],
  ['output_preview', 'text'],
  // The span's cost (spans/prices/span-cost-columns.ts).
  ['cost', 'double precision'],
  ['cost_prompt', 'double precision'],
  ['cost_completion', 'double precision'],
  ['cost_details', 'text'],
  ['cost_price_id', 'text'],
];

/** Values in PG_SPAN_COLUMNS order; times as bigints, JSON as text. */
export type PgSpanValues = (string | number | bigint | null)[];

const REPLACEMENT = '\ufffd';

/** Text PostgreSQL accepts: NUL characters replaced. */
export function pgText(value: string): string {
  return value.includes('\0') ? value.replaceAll('\0', REPLACEMENT) : value;
}

function pgTextOrNull(value: string | null): string | null {
  return value === null ? null : pgText(value);
}

/**
 * An escape sequence `\u0000` or `\ud800`–`\udfff` preceded by an even number of backslashes
 * (so it is an escape, not an escaped backslash followed by "u0000"). JSON.stringify writes
 * surrogates as escapes only when they are unpaired, so each match is one JSONB would refuse.
 */
const REFUSED_JSON_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g;

/** JSON text PostgreSQL's jsonb accepts. */
export function pgJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes('\\u') ? json.replace(REFUSED_JSON_ESCAPE, '$1\\ufffd') : json;
}

/** Counts are stored as BIGINT; anything else (never produced by the normalizer) is NULL. */
function count(value: number | null): number | null {
  return value !== null && Number.isSafeInteger(value) ? value : null;
}

/**
 * `resourceJson` caches the serialised resource per object: the normalizer shares one resource
 * object among all spans of a ResourceSpans, so it is serialised once per request, not per span.
 */
export function toPgSpanValues(
  span: SpanRecord,
  resourceJson = new Map<object, string>(),
): PgSpanValues {
  let resource = resourceJson.get(span.resourceAttributes);
  if (resource === undefined) {
    resource = pgJson(span.resourceAttributes);
    resourceJson.set(span.resourceAttributes, resource);
  }
  return [
    span.traceId,
    span.spanId,
    span.parentId,
    pgText(span.name),
    span.spanKind,
    span.otelKind,
    span.startTimeUnixNano,
    span.endTimeUnixNano,
    span.latencyMs,
    span.statusCode,
    pgText(span.statusMessage),
    pgJson(span.attributes),
    pgJson(span.events),
    pgJson(span.links),
    resource,
    pgText(span.scopeName),
    pgText(span.scopeVersion),
    pgText(span.traceState),
    span.flags,
    pgTextOrNull(span.sessionId),
    pgTextOrNull(span.userId),
    pgTextOrNull(span.modelName),
    pgTextOrNull(span.provider),
    count(span.promptTokens),
    count(span.completionTokens),
    count(span.totalTokens),
    pgTextOrNull(span.inputPreview),
    pgTextOrNull(span.outputPreview),
    ...spanCostValues(span.cost),
  ];
}

/**
 * What full-text search looks at (spans/span-search-text.ts: input.value and the input
 * messages, output likewise), cut to `searchTextMaxChars` and folded (NFKD, marks dropped, lower
 * case), so a search means exactly what it means on SQLite in any script. The writer queues it
 * for the search index (migrations/0008-search-index-queue.sql).
 */
export function toPgSearchText(
  span: SpanRecord,
  searchTextMaxChars: number,
): { input: string; output: string } {
  const search = spanSearchText(span.attributes, searchTextMaxChars);
  return {
    input: pgText(foldForSearch(search.input)),
    output: pgText(foldForSearch(search.output)),
  };
}
