/**
 * What a span query selects: the `key` of a SpanQuery projection (`select`, `explode`,
 * `concat`, `index`), read the way Phoenix's `Projector` reads it (src/phoenix/trace/dsl/
 * filter.py) and evaluated against a stored span.
 *
 * A key is a built-in name (`span_kind`, `start_time`, `context.span_id`, ...) or a path into
 * the span's nested attributes: dotted (`llm.token_count.prompt`) or subscripted
 * (`attributes['llm']['model_name']`, `metadata['topic']`). Keys are parsed with the filter
 * language's lexer, so quoting and escapes mean the same thing in both places, and nothing is
 * ever evaluated.
 *
 * Where Heron goes beyond Phoenix (which answers these with nulls or a syntax error):
 * - all-digit segments index arrays (`llm.input_messages.0.message.content`);
 * - a dotted key may start with `attributes.` as the spans dataframe's columns do
 *   (`attributes.retrieval.documents` is `retrieval.documents`);
 * - `events` selects the span's events and a bare `attributes` the whole attribute tree.
 */
import type { AttributeValue } from '../otlp/otlp-types.js';
import type { StoredSpan } from '../store/store.js';
import { tokenize, type Token } from './filter-lexer.js';
import { FilterSyntaxError } from './filter-syntax-error.js';

export type BuiltinProjection =
  | 'span_id'
  | 'trace_id'
  | 'parent_id'
  | 'name'
  | 'span_kind'
  | 'status_code'
  | 'status_message'
  | 'latency_ms'
  | 'start_time'
  | 'end_time'
  | 'events'
  | 'attributes';

export type Projection =
  | { kind: 'builtin'; name: BuiltinProjection }
  /** Segments are object keys; numbers index arrays (a digit string does too, on an array). */
  | { kind: 'attribute'; path: (string | number)[] };

/** A bad key; the message is for the person who wrote the query. */
export class ProjectionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectionKeyError';
  }
}

/** Phoenix's `_ALIASES`, applied to projection keys and to output column names. */
export const KEY_ALIASES: Readonly<Record<string, string>> = {
  span_id: 'context.span_id',
  trace_id: 'context.trace_id',
};

export function unaliasKey(key: string): string {
  return Object.hasOwn(KEY_ALIASES, key) ? KEY_ALIASES[key]! : key;
}

const BUILTIN_NAMES: ReadonlySet<string> = new Set<BuiltinProjection>([
  'span_id',
  'trace_id',
  'parent_id',
  'name',
  'span_kind',
  'status_code',
  'status_message',
  'latency_ms',
  'start_time',
  'end_time',
  'events',
  'attributes',
]);

/** Dotted spellings Phoenix maps onto built-ins (`_BACKWARD_COMPATIBILITY_REPLACEMENTS`). */
const DOTTED_BUILTINS: Readonly<Record<string, BuiltinProjection>> = {
  'context.span_id': 'span_id',
  'context.trace_id': 'trace_id',
};

/**
 * Phoenix keeps cumulative token counts as span columns; Heron computes them in SQL for filters
 * only (query/cumulative-token-count.ts), so they cannot be selected yet.
 */
const UNSUPPORTED_NAMES: ReadonlySet<string> = new Set([
  'cumulative_llm_token_count_prompt',
  'cumulative_llm_token_count_completion',
  'cumulative_llm_token_count_total',
  'cumulative_token_count.prompt',
  'cumulative_token_count.completion',
  'cumulative_token_count.total',
]);

/** Parses a projection key; throws ProjectionKeyError when it is not one. */
export function parseProjectionKey(key: string): Projection {
  if (key.trim() === '') throw new ProjectionKeyError('missing expression');
  let tokens: Token[];
  try {
    tokens = tokenize(key);
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      throw new ProjectionKeyError(`invalid key '${key}': ${error.message}`);
    }
    throw error;
  }
  const first = tokens[0]!;
  if (first.kind !== 'name') throw invalid(key);
  const dotted = first.segments.join('.');
  if (UNSUPPORTED_NAMES.has(dotted)) {
    throw new ProjectionKeyError(
      `'${dotted}' cannot be selected in span queries yet (filter conditions can use it)`,
    );
  }
  if (tokens[1]?.kind === 'end') return fromDottedName(first.segments);
  // A subscript chain: attributes[...][...] or metadata[...][...].
  if (first.segments.length !== 1 || (dotted !== 'attributes' && dotted !== 'metadata')) {
    throw invalid(key);
  }
  const path: (string | number)[] = dotted === 'metadata' ? ['metadata'] : [];
  let i = 1;
  while (tokens[i]?.kind !== 'end') {
    if (!isPunctuation(tokens[i], '[')) throw invalid(key);
    i++;
    if (isPunctuation(tokens[i], '[')) {
      // attributes[['a', 'b.c']]: a list of keys in one subscript.
      i++;
      for (;;) {
        path.push(literal(tokens[i], key));
        i++;
        if (isPunctuation(tokens[i], ',')) i++;
        else if (isPunctuation(tokens[i], ']')) break;
        else throw invalid(key);
      }
      i++;
    } else {
      path.push(literal(tokens[i], key));
      i++;
    }
    if (!isPunctuation(tokens[i], ']')) throw invalid(key);
    i++;
  }
  if (path.length === 0 || typeof path[0] !== 'string') throw invalid(key);
  return { kind: 'attribute', path };
}

function fromDottedName(segments: string[]): Projection {
  const dotted = segments.join('.');
  const replacement = DOTTED_BUILTINS[dotted];
  if (replacement) return { kind: 'builtin', name: replacement };
  if (segments.length === 1 && BUILTIN_NAMES.has(dotted)) {
    return { kind: 'builtin', name: dotted as BuiltinProjection };
  }
  const path = segments[0] === 'attributes' ? segments.slice(1) : segments;
  return { kind: 'attribute', path };
}

function isPunctuation(token: Token | undefined, value: string): boolean {
  return token?.kind === 'punctuation' && token.value === value;
}

function literal(token: Token | undefined, key: string): string | number {
  if (token?.kind === 'string') return token.value;
  if (token?.kind === 'number' && token.integer && token.value >= 0) return token.value;
  throw invalid(key);
}

function invalid(key: string): ProjectionKeyError {
  return new ProjectionKeyError(`invalid expression: ${key}`);
}

/** A span's events as Phoenix stores them (timestamps ISO 8601, attributes as sent). */
export function eventsOf(span: StoredSpan): AttributeValue[] {
  return span.events.map((event) => ({
    name: event.name,
    timestamp: isoMicros(BigInt(event.timeUnixNano)),
    attributes: event.attributes,
  }));
}

/**
 * Phoenix's `datetime.isoformat()` of an event time ("2024-05-01T12:00:00.123456+00:00").
 * (The API layer has the same formatter; query/ does not reach up into api/.)
 */
function isoMicros(ns: bigint): string {
  const iso = new Date(Number(ns / 1_000_000n)).toISOString();
  const micros = String((ns / 1_000n) % 1_000n).padStart(3, '0');
  return `${iso.slice(0, 23)}${micros}+00:00`;
}

/**
 * The value of a projection for one span: a JSON value, a bigint (ns since the epoch) for
 * `start_time`/`end_time`, or null when the path leads nowhere.
 */
export function projectSpan(span: StoredSpan, projection: Projection): AttributeValue | bigint {
  if (projection.kind === 'attribute') return valueAtPath(span.attributes, projection.path);
  switch (projection.name) {
    case 'span_id':
      return span.spanId;
    case 'trace_id':
      return span.traceId;
    case 'parent_id':
      return span.parentId;
    case 'name':
      return span.name;
    case 'span_kind':
      return span.spanKind;
    case 'status_code':
      return span.statusCode;
    case 'status_message':
      return span.statusMessage;
    case 'latency_ms':
      return span.latencyMs;
    case 'start_time':
      return span.startTimeUnixNano;
    case 'end_time':
      return span.endTimeUnixNano;
    case 'events':
      return eventsOf(span);
    case 'attributes':
      return span.attributes;
  }
}

/** Follows a JSON path as SQL's json_extract does: a wrong turn gives null, never an error. */
export function valueAtPath(
  root: Record<string, AttributeValue>,
  path: readonly (string | number)[],
): AttributeValue {
  let current: AttributeValue = root;
  for (const segment of path) {
    if (Array.isArray(current)) {
      const index = typeof segment === 'number' ? segment : /^\d+$/.test(segment) ? +segment : -1;
      if (index < 0 || index >= current.length) return null;
      current = current[index]!;
    } else if (current !== null && typeof current === 'object') {
      const key = String(segment);
      if (!Object.hasOwn(current, key)) return null;
      current = current[key]!;
    } else {
      return null;
    }
  }
  return current ?? null;
}
