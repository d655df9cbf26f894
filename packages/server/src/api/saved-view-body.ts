/**
 * Reading a saved view from a request body (POST: the whole view; PATCH: any of its fields,
 * merged over the stored view and then checked as a whole). Every problem is a 400 that names
 * the field; a filter must compile with the filter language of the view's table, and the
 * message is the parser's.
 */
import type { FilterLimits } from '../query/filter-limits.js';
import { FilterSyntaxError } from '../query/filter-syntax-error.js';
import { compileSpanFilter } from '../query/span-filter-compiler.js';
import { compileTraceFilter } from '../query/trace-filter-compiler.js';
import type { SqlDialectName } from '../query/compiled-filter.js';
import {
  SAVED_VIEW_TABLES,
  type SavedViewFields,
  type SavedViewTable,
} from '../store/saved-view-store.js';
import { ANNOTATION_SORT_PREFIX } from '../store/annotation-sort.js';
import { TRACE_SORTS } from '../store/store.js';
import { ApiError } from './api-error.js';
import type { UiApiLimits } from './ui-api-limits.js';

/** Characters in one column id. */
export const MAX_VIEW_COLUMN_LENGTH = 256;

/** The body's name for each field. */
const FIELD_NAMES = {
  name: 'name',
  table: 'table',
  filter: 'filter',
  q: 'q',
  columns: 'columns',
  sort: 'sort',
  order: 'order',
  rootSpansOnly: 'root_spans_only',
} as const satisfies Record<keyof SavedViewFields, string>;

/** Fields a client may send back as it got them; they are not changed by a body. */
const READ_ONLY_FIELDS = new Set(['id', 'project_id', 'created_at', 'updated_at']);

export interface SavedViewRules {
  dialect: SqlDialectName;
  filterLimits: FilterLimits;
  limits: UiApiLimits;
}

function invalid(message: string): never {
  throw new ApiError(400, message);
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    invalid('Request body must be a JSON object');
  }
  const object = body as Record<string, unknown>;
  const known = new Set<string>(Object.values(FIELD_NAMES));
  for (const key of Object.keys(object)) {
    if (!known.has(key) && !READ_ONLY_FIELDS.has(key)) {
      invalid(`Unknown field "${key}"; a view has ${[...known].join(', ')}`);
    }
  }
  return object;
}

/** A string or null; blank text is null (no filter, no search, no sort). */
function optionalText(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') invalid(`${field} must be a string or null`);
  return value.trim() === '' ? null : value.trim();
}

function readName(value: unknown, rules: SavedViewRules): string {
  if (typeof value !== 'string' || value.trim() === '') {
    invalid('name is required: a non-empty string');
  }
  const name = value.trim();
  if (name.length > rules.limits.maxSavedViewNameLength) {
    invalid(
      `name is ${name.length} characters long; at most ${rules.limits.maxSavedViewNameLength} ` +
        'are allowed (HERON_MAX_SAVED_VIEW_NAME_LENGTH)',
    );
  }
  return name;
}

function readTable(value: unknown): SavedViewTable {
  if (!SAVED_VIEW_TABLES.includes(value as SavedViewTable)) {
    invalid(`table must be one of ${SAVED_VIEW_TABLES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as SavedViewTable;
}

function readColumns(value: unknown, rules: SavedViewRules): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) invalid('columns must be a list of strings');
  if (value.length > rules.limits.maxSavedViewColumns) {
    invalid(
      `columns has ${value.length} entries; at most ${rules.limits.maxSavedViewColumns} are ` +
        'allowed (HERON_MAX_SAVED_VIEW_COLUMNS)',
    );
  }
  const seen = new Set<string>();
  value.forEach((column: unknown, index) => {
    if (typeof column !== 'string' || column.trim() === '') {
      invalid(`columns[${index}] must be a non-empty string`);
    }
    if (column.length > MAX_VIEW_COLUMN_LENGTH) {
      invalid(`columns[${index}] is longer than ${MAX_VIEW_COLUMN_LENGTH} characters`);
    }
    if (seen.has(column)) invalid(`columns lists "${column}" twice`);
    seen.add(column);
  });
  return value as string[];
}

function readSort(value: unknown): string | null {
  const sort = optionalText(value, 'sort');
  if (
    sort !== null &&
    !(TRACE_SORTS as readonly string[]).includes(sort) &&
    !(sort.startsWith(ANNOTATION_SORT_PREFIX) && sort.length > ANNOTATION_SORT_PREFIX.length)
  ) {
    invalid(
      `sort must be one of ${TRACE_SORTS.join(', ')}, annotation:<name> or null, got "${sort}"`,
    );
  }
  return sort;
}

function readOrder(value: unknown): 'asc' | 'desc' | null {
  if (value === undefined || value === null) return null;
  if (value !== 'asc' && value !== 'desc') {
    invalid(`order must be "asc", "desc" or null, got ${JSON.stringify(value)}`);
  }
  return value;
}

function readRootSpansOnly(value: unknown): boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') invalid('root_spans_only must be true, false or null');
  return value;
}

/** The filter must mean something for the view's table: traces take trace filters. */
function checkFilter(filter: string | null, table: SavedViewTable, rules: SavedViewRules): void {
  if (filter === null) return;
  const compile = table === 'traces' ? compileTraceFilter : compileSpanFilter;
  try {
    compile(filter, rules.dialect, { limits: rules.filterLimits });
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      invalid(
        `filter is not a valid ${table === 'traces' ? 'trace' : 'span'} filter: ${error.message}`,
      );
    }
    throw error;
  }
}

function checkSearch(q: string | null, rules: SavedViewRules): void {
  if (q !== null && q.length > rules.filterLimits.maxLength) {
    invalid(
      `q is ${q.length} characters long; at most ${rules.filterLimits.maxLength} are allowed ` +
        '(HERON_MAX_FILTER_LENGTH)',
    );
  }
}

function readFields(body: Record<string, unknown>, rules: SavedViewRules): SavedViewFields {
  const fields: SavedViewFields = {
    name: readName(body[FIELD_NAMES.name], rules),
    table: readTable(body[FIELD_NAMES.table]),
    filter: optionalText(body[FIELD_NAMES.filter], 'filter'),
    q: optionalText(body[FIELD_NAMES.q], 'q'),
    columns: readColumns(body[FIELD_NAMES.columns], rules),
    sort: readSort(body[FIELD_NAMES.sort]),
    order: readOrder(body[FIELD_NAMES.order]),
    rootSpansOnly: readRootSpansOnly(body[FIELD_NAMES.rootSpansOnly]),
  };
  checkSearch(fields.q, rules);
  checkFilter(fields.filter, fields.table, rules);
  return fields;
}

/** A new view (POST): name and table are required, the rest default to null / []. */
export function readNewSavedView(body: unknown, rules: SavedViewRules): SavedViewFields {
  return readFields(bodyObject(body), rules);
}

/** A partial update (PATCH) over the stored view: fields left out keep their value. */
export function readSavedViewUpdate(
  body: unknown,
  stored: SavedViewFields,
  rules: SavedViewRules,
): SavedViewFields {
  const patch = bodyObject(body);
  const merged: Record<string, unknown> = {};
  for (const [field, bodyName] of Object.entries(FIELD_NAMES)) {
    merged[bodyName] = bodyName in patch ? patch[bodyName] : stored[field as keyof SavedViewFields];
  }
  return readFields(merged, rules);
}
