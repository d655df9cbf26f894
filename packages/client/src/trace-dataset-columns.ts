/**
 * Columns of a trace dataset's Parquet files and how values go in and come out: a column's
 * type follows the values it holds (all strings → string, all integers → int64, numbers →
 * double, all booleans → bool, anything else → JSON text), times are UTC nanosecond
 * timestamps. The schema is written explicitly so pandas sees datetime64[ns, UTC] columns.
 */
import { parquetWriteFile } from 'hyparquet-writer';

export type ParquetColumnType =
  'STRING' | 'JSON' | 'INT64' | 'DOUBLE' | 'BOOLEAN' | 'TIMESTAMP_NANOS';

export interface ParquetColumn {
  name: string;
  type: ParquetColumnType;
  data: unknown[];
}

/** A column typed by its values; int64 values become bigints, as the writer wants. */
export function columnsFromValues(name: string, values: unknown[]): ParquetColumn {
  const kinds = new Set<string>();
  for (const value of values) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'string') kinds.add('string');
    else if (typeof value === 'boolean') kinds.add('bool');
    else if (typeof value === 'number') kinds.add(Number.isInteger(value) ? 'int' : 'double');
    else kinds.add('json');
  }
  const only = kinds.size === 1 ? [...kinds][0] : undefined;
  if (only === 'string') return { name, type: 'STRING', data: values.map(nullish) };
  if (only === 'bool') return { name, type: 'BOOLEAN', data: values.map(nullish) };
  if (only === 'int') {
    return {
      name,
      type: 'INT64',
      data: values.map((v) => (v === null || v === undefined ? null : BigInt(v as number))),
    };
  }
  if (only === 'double' || (kinds.size === 2 && kinds.has('int') && kinds.has('double'))) {
    return { name, type: 'DOUBLE', data: values.map(nullish) };
  }
  return { name, type: 'JSON', data: values.map(nullish) };
}

function nullish(value: unknown): unknown {
  return value === undefined ? null : value;
}

/** A value read back: int64 bigints become numbers (attribute values are JSON numbers). */
export function readableValue(value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

function schemaElement(column: ParquetColumn) {
  const base = { name: column.name, repetition_type: 'OPTIONAL' as const };
  switch (column.type) {
    case 'STRING':
      return { ...base, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const };
    case 'JSON':
      return { ...base, type: 'BYTE_ARRAY' as const, converted_type: 'JSON' as const };
    case 'INT64':
      return { ...base, type: 'INT64' as const };
    case 'DOUBLE':
      return { ...base, type: 'DOUBLE' as const };
    case 'BOOLEAN':
      return { ...base, type: 'BOOLEAN' as const };
    case 'TIMESTAMP_NANOS':
      return {
        ...base,
        type: 'INT64' as const,
        logical_type: { type: 'TIMESTAMP' as const, isAdjustedToUTC: true, unit: 'NANOS' as const },
      };
  }
}

export function writeParquetColumns(
  path: string,
  columns: ParquetColumn[],
  kvMetadata: { key: string; value: string }[],
): void {
  type Options = Parameters<typeof parquetWriteFile>[0];
  parquetWriteFile({
    filename: path,
    columnData: columns.map(({ name, data }) => ({ name, data })) as Options['columnData'],
    schema: [
      { name: 'root', num_children: columns.length },
      ...columns.map(schemaElement),
    ] as Options['schema'],
    kvMetadata,
    createdBy: 'heron',
  });
}

/** ISO 8601 with microseconds and `+00:00`, as the Heron and Phoenix REST APIs write times. */
export function isoFromUnixNano(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const micros = (ns / 1_000n) % 1_000n;
  const iso = new Date(Number(ms)).toISOString();
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}+00:00`;
}

export function unixNanoFromIso(text: string): bigint | null {
  const trimmed = text.trim();
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed);
  const ms = Date.parse(hasOffset ? trimmed : `${trimmed}Z`);
  if (Number.isNaN(ms)) return null;
  const fraction = /\.(\d+)/.exec(trimmed)?.[1] ?? '';
  const extra = fraction.length > 3 ? BigInt(fraction.slice(3, 9).padEnd(6, '0')) : 0n;
  return BigInt(ms) * 1_000_000n + extra;
}
