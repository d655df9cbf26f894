/**
 * A column-oriented table with a (multi-level) index: the shape of a pandas DataFrame, which is
 * what a span query answers with. Encoders (pandas table JSON, Arrow IPC) turn it into bytes.
 *
 * Each column has the dtype pandas would give it, so a dataframe rebuilt by a Phoenix client
 * has the same dtypes as one Phoenix built:
 * - `string`: strings and nulls (pandas `object`);
 * - `int64`: integers, no nulls (pandas turns integers with nulls into float64);
 * - `float64`: numbers, nulls as NaN;
 * - `bool`: booleans, no nulls (with nulls pandas keeps `object`);
 * - `datetime`: `datetime64[ns, UTC]`, values in ns since the epoch as bigint, nulls as NaT;
 * - `object`: anything else (lists, dicts, mixed values).
 */
import type { AttributeValue } from '../otlp/otlp-types.js';

export type ColumnKind = 'string' | 'int64' | 'float64' | 'bool' | 'datetime' | 'object';

/** A cell: a JSON value, or a bigint (ns since the epoch) in a `datetime` column. */
export type Cell = AttributeValue | bigint;

export interface DataColumn {
  name: string;
  kind: ColumnKind;
  values: Cell[];
}

export interface DataTable {
  /** Index levels, outermost first (pandas `df.index.names`). */
  index: DataColumn[];
  columns: DataColumn[];
}

export function rowCount(table: DataTable): number {
  return (table.index[0] ?? table.columns[0])?.values.length ?? 0;
}

/**
 * The dtype pandas infers for a column of these Python values (`lib.maybe_convert_objects`,
 * as `DataFrame.from_records` and `read_sql_query` use it).
 */
export function inferColumnKind(values: readonly Cell[]): ColumnKind {
  let strings = 0;
  let integers = 0;
  let floats = 0;
  let booleans = 0;
  let nulls = 0;
  let datetimes = 0;
  for (const value of values) {
    if (value === null || value === undefined) nulls++;
    else if (typeof value === 'string') strings++;
    else if (typeof value === 'boolean') booleans++;
    else if (typeof value === 'bigint') datetimes++;
    else if (typeof value === 'number') {
      if (Number.isSafeInteger(value)) integers++;
      else floats++;
    } else return 'object';
  }
  const present = values.length - nulls;
  if (present === 0) return 'object';
  if (datetimes === present) return 'datetime';
  if (strings === present) return 'string';
  if (booleans === present) return nulls === 0 ? 'bool' : 'object';
  if (integers === present) return nulls === 0 ? 'int64' : 'float64';
  if (integers + floats === present) return 'float64';
  return 'object';
}

/** A column whose dtype is inferred from its values unless given. */
export function makeColumn(name: string, values: Cell[], kind?: ColumnKind): DataColumn {
  return { name, kind: kind ?? inferColumnKind(values), values };
}
