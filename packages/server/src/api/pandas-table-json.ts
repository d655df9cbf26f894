/**
 * A data table as pandas "table" orient JSON, exactly as Phoenix's server writes each part of a
 * span-query answer (`encode_df_as_json_string` in src/phoenix/utilities/json.py):
 *
 *   {"schema": {"fields": [...], "primaryKey": [...], "pandas_version": "1.4.0"},
 *    "data": [{"0_context.span_id": "…", "1_name": "…", …}, …]}
 *
 * The index levels come first as ordinary fields, and every name carries a position prefix
 * (`0_`, `1_`, …). Phoenix's clients depend on it: they read the part with pandas'
 * `parse_table_schema` and then strip everything up to the first `_` from every name. The prefix
 * also keeps names that pandas' table reader treats specially (`index`, `level_0`) and repeated
 * names intact.
 *
 * Timestamps are ISO 8601 with nine fractional digits and `Z`, as pandas' ujson writes them
 * (`date_unit="ns"`); the schema marks them `{"type": "datetime", "tz": "UTC"}` so pandas
 * rebuilds `datetime64[ns, UTC]`.
 */
import type { ColumnKind, DataColumn, DataTable } from '../query/data-table.js';
import { rowCount } from '../query/data-table.js';

/** The Table Schema version pandas writes (unchanged since pandas 1.4). */
const PANDAS_TABLE_SCHEMA_VERSION = '1.4.0';

interface SchemaField {
  name: string;
  type: string;
  tz?: string;
}

/** pandas `as_json_table_type` for each dtype; object columns are declared "string". */
const FIELD_TYPES: Readonly<Record<ColumnKind, string>> = {
  string: 'string',
  int64: 'integer',
  float64: 'number',
  bool: 'boolean',
  datetime: 'datetime',
  object: 'string',
};

export function encodePandasTableJson(table: DataTable): string {
  const index = table.index.map((column, i) => ({ column, name: `${i}_${column.name}` }));
  const columns = table.columns.map((column, i) => ({
    column,
    name: `${i + table.index.length}_${column.name}`,
  }));
  const all = [...index, ...columns];
  const fields: SchemaField[] = all.map(({ column, name }) =>
    column.kind === 'datetime'
      ? { name, type: 'datetime', tz: 'UTC' }
      : { name, type: FIELD_TYPES[column.kind] },
  );
  const rows = rowCount(table);
  const data: Record<string, unknown>[] = new Array(rows);
  for (let row = 0; row < rows; row++) {
    const record: Record<string, unknown> = {};
    // Prefixed names can never be `__proto__`, so plain assignment is safe.
    for (const { column, name } of all) record[name] = jsonCell(column, row);
    data[row] = record;
  }
  return JSON.stringify({
    schema: {
      fields,
      primaryKey: index.map(({ name }) => name),
      pandas_version: PANDAS_TABLE_SCHEMA_VERSION,
    },
    data,
  });
}

function jsonCell(column: DataColumn, row: number): unknown {
  const value = column.values[row];
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return isoNanos(value);
  // NaN and infinities have no JSON spelling; pandas writes NaN as null too.
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

/** "2024-05-01T12:00:00.123456789Z", pandas' ISO form for nanosecond timestamps. */
export function isoNanos(ns: bigint): string {
  const seconds = ns >= 0n ? ns / 1_000_000_000n : (ns - 999_999_999n) / 1_000_000_000n;
  const fraction = ns - seconds * 1_000_000_000n;
  const iso = new Date(Number(seconds) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  return `${iso.slice(0, 19)}.${String(fraction).padStart(9, '0')}Z`;
}
