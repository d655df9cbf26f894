/** Reading REST query parameters; bad values become 422 with a message naming the parameter. */
import { ApiError } from './api-error.js';
import { fromGlobalId, type GlobalIdType } from './global-id.js';
import { unixNanoFromIso } from './timestamps.js';

export type QueryParams = Record<string, string | string[] | undefined>;

/** A repeatable parameter (`?a=1&a=2`) as a list. */
export function listParam(query: QueryParams, name: string): string[] {
  const value = query[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function stringParam(query: QueryParams, name: string): string | undefined {
  const values = listParam(query, name);
  return values.length > 0 ? values[values.length - 1] : undefined;
}

export function intParam(
  query: QueryParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = stringParam(query, name);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ApiError(422, `${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

export function timeParam(query: QueryParams, name: string): bigint | undefined {
  const raw = stringParam(query, name);
  if (raw === undefined || raw === '') return undefined;
  const ns = unixNanoFromIso(raw);
  if (ns === null) {
    throw new ApiError(
      422,
      `${name} must be an ISO 8601 timestamp (e.g. 2024-05-01T12:00:00Z), got "${raw}"`,
    );
  }
  // Times are stored as signed 64-bit nanoseconds; beyond that range the database refuses to
  // bind the value (found by the fuzz suite: a 500 on year 9999).
  if (ns < MIN_UNIX_NANO || ns > MAX_UNIX_NANO) {
    throw new ApiError(
      422,
      `${name} must be between 1677-09-22 and 2262-04-11 (64-bit nanoseconds), got "${raw}"`,
    );
  }
  return ns;
}

const MAX_UNIX_NANO = 2n ** 63n - 1n;
const MIN_UNIX_NANO = -(2n ** 63n);

export function enumListParam<T extends string>(
  query: QueryParams,
  name: string,
  allowed: readonly T[],
): T[] {
  return listParam(query, name).map((raw) => {
    const value = raw.toUpperCase() as T;
    if (!allowed.includes(value)) {
      throw new ApiError(422, `${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    }
    return value;
  });
}

/** A `cursor` parameter: the GlobalID of the first row of the page (Phoenix's convention). */
export function cursorParam(query: QueryParams, type: GlobalIdType): number | undefined {
  const raw = stringParam(query, 'cursor');
  if (!raw) return undefined;
  const rowid = fromGlobalId(type, raw);
  if (rowid === null) throw new ApiError(422, `Invalid cursor: ${raw}`);
  return rowid;
}

/** `true`/`false` (also `1`/`0`); absent or empty is false. */
export function booleanParam(query: QueryParams, name: string): boolean {
  const raw = stringParam(query, name);
  if (raw === undefined || raw === '') return false;
  const value = raw.toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ApiError(422, `${name} must be true or false, got "${raw}"`);
}
