/**
 * A data table as one Arrow IPC stream that pyarrow turns back into the same pandas dataframe
 * (`pa.ipc.open_stream(...).read_pandas()`), index included: the stream Phoenix's server writes
 * with `pa.Table.from_pandas(df)` for `application/x-pandas-arrow` answers.
 *
 * What makes it a *pandas* table is the schema metadata key `pandas`, written the way pyarrow
 * writes it: which fields are the index (`index_columns`) and each column's name and dtype.
 * Index levels are the last fields, named after the level unless a column has that name (then
 * `__index_level_<i>__`, as pyarrow does).
 *
 * Object columns get the Arrow type pyarrow would infer from their Python values: strings →
 * utf8, numbers → int64/double, dicts → struct (fields united across rows), lists → list. Where
 * pyarrow would give up (one key holding a string in one row and a number in another), Phoenix
 * fails the whole request; Heron instead sends that column as JSON text.
 */
import {
  Bool,
  Field,
  Float64,
  Int64,
  List,
  makeBuilder,
  makeData,
  makeVector,
  Null,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampNanosecond,
  Utf8,
  vectorFromArray,
  tableToIPC,
  type DataType,
  type Vector,
} from 'apache-arrow';
import type { AttributeValue } from '../otlp/otlp-types.js';
import type { Cell, DataColumn, DataTable } from '../query/data-table.js';
import { rowCount } from '../query/data-table.js';

/**
 * The pandas version the metadata claims. pyarrow reads it to decide between old layouts;
 * any 2.x gives today's behaviour, and Phoenix servers of this era write 2.x.
 */
const PANDAS_VERSION = '2.2.3';

interface PandasColumnMetadata {
  name: string;
  field_name: string;
  pandas_type: string;
  numpy_type: string;
  metadata: Record<string, string> | null;
}

export function encodePandasArrow(table: DataTable): Uint8Array {
  const columnNames = new Set(table.columns.map((column) => column.name));
  const encoded = [
    ...table.columns.map((column) => ({ column, fieldName: column.name })),
    ...table.index.map((column, i) => ({
      column,
      fieldName: columnNames.has(column.name) ? `__index_level_${i}__` : column.name,
    })),
  ].map(({ column, fieldName }) => ({ fieldName, ...encodeColumn(column) }));

  const pandasMetadata = {
    index_columns: encoded.slice(table.columns.length).map((e) => e.fieldName),
    column_indexes: [
      {
        name: null,
        field_name: null,
        pandas_type: 'unicode',
        numpy_type: 'object',
        metadata: { encoding: 'UTF-8' },
      },
    ],
    columns: encoded.map((e, i): PandasColumnMetadata => ({
      name: (i < table.columns.length ? table.columns[i] : table.index[i - table.columns.length])!
        .name,
      field_name: e.fieldName,
      pandas_type: e.pandasType,
      numpy_type: e.numpyType,
      metadata: e.metadata,
    })),
    attributes: {},
    creator: { library: 'heron' },
    pandas_version: PANDAS_VERSION,
  };
  const fields = encoded.map((e) => new Field(e.fieldName, e.vector.type, true));
  const schema = new Schema(fields, new Map([['pandas', JSON.stringify(pandasMetadata)]]));
  const length = rowCount(table);
  const batch = new RecordBatch(
    schema,
    makeData({
      type: new Struct(fields),
      length,
      nullCount: 0,
      children: encoded.map((e) => e.vector.data[0]!),
    }),
  );
  return tableToIPC(new Table(schema, [batch]), 'stream');
}

interface EncodedColumn {
  vector: Vector;
  pandasType: string;
  numpyType: string;
  metadata: Record<string, string> | null;
}

function encodeColumn(column: DataColumn): EncodedColumn {
  const values = column.values;
  switch (column.kind) {
    case 'string':
      return plain(vectorFromArray(values as (string | null)[], new Utf8()), 'unicode', 'object');
    case 'int64':
      return plain(
        makeVector(BigInt64Array.from(values, (v) => BigInt(v as number))),
        'int64',
        'int64',
      );
    case 'float64':
      return plain(
        vectorFromArray(values as (number | null)[], new Float64()),
        'float64',
        'float64',
      );
    case 'bool':
      return plain(vectorFromArray(values as boolean[], new Bool()), 'bool', 'bool');
    case 'datetime':
      return {
        vector: timestampVector(values),
        pandasType: 'datetimetz',
        numpyType: 'datetime64[ns]',
        metadata: { timezone: 'UTC' },
      };
    case 'object':
      return objectColumn(values as AttributeValue[]);
  }
}

function plain(vector: Vector, pandasType: string, numpyType: string): EncodedColumn {
  return { vector, pandasType, numpyType, metadata: null };
}

/** ns since the epoch, built directly: apache-arrow's timestamp builder takes milliseconds. */
function timestampVector(values: readonly Cell[]): Vector {
  const data = new BigInt64Array(values.length);
  const validity = new Uint8Array(Math.ceil(values.length / 8));
  let nullCount = 0;
  values.forEach((value, i) => {
    if (typeof value === 'bigint') {
      data[i] = value;
      validity[i >> 3]! |= 1 << (i & 7);
    } else nullCount++;
  });
  return makeVector(
    makeData({
      type: new TimestampNanosecond('UTC'),
      length: values.length,
      nullCount,
      nullBitmap: nullCount > 0 ? validity : null,
      data,
    }),
  );
}

/** The type pyarrow infers for Python values, or `conflict` where it would raise. */
type Inferred =
  | { t: 'null' }
  | { t: 'bool' }
  | { t: 'int' }
  | { t: 'float' }
  | { t: 'string' }
  | { t: 'list'; item: Inferred }
  | { t: 'struct'; fields: Map<string, Inferred> }
  | { t: 'conflict' };

const NULL: Inferred = { t: 'null' };
const CONFLICT: Inferred = { t: 'conflict' };

function inferValue(value: AttributeValue): Inferred {
  if (value === null || value === undefined) return NULL;
  if (typeof value === 'boolean') return { t: 'bool' };
  if (typeof value === 'number') return Number.isSafeInteger(value) ? { t: 'int' } : { t: 'float' };
  if (typeof value === 'string') return { t: 'string' };
  if (Array.isArray(value)) {
    return { t: 'list', item: value.reduce<Inferred>((acc, v) => unify(acc, inferValue(v)), NULL) };
  }
  const fields = new Map<string, Inferred>();
  for (const key of Object.keys(value)) fields.set(key, inferValue(value[key]!));
  return { t: 'struct', fields };
}

function unify(a: Inferred, b: Inferred): Inferred {
  if (a.t === 'conflict' || b.t === 'conflict') return CONFLICT;
  if (a.t === 'null') return b;
  if (b.t === 'null') return a;
  if ((a.t === 'int' && b.t === 'float') || (a.t === 'float' && b.t === 'int'))
    return { t: 'float' };
  if (a.t === 'list' && b.t === 'list') {
    const item = unify(a.item, b.item);
    return item.t === 'conflict' ? CONFLICT : { t: 'list', item };
  }
  if (a.t === 'struct' && b.t === 'struct') {
    const fields = new Map(a.fields);
    for (const [key, type] of b.fields) {
      const merged = unify(fields.get(key) ?? NULL, type);
      if (merged.t === 'conflict') return CONFLICT;
      fields.set(key, merged);
    }
    return { t: 'struct', fields };
  }
  return a.t === b.t ? a : CONFLICT;
}

/** The Arrow type of an inferred type; null for a conflict (the column goes as JSON text). */
function arrowType(type: Inferred): DataType | null {
  switch (type.t) {
    case 'null':
      return new Null();
    case 'bool':
      return new Bool();
    case 'int':
      return new Int64();
    case 'float':
      return new Float64();
    case 'string':
      return new Utf8();
    case 'list': {
      const item = arrowType(type.item);
      return item ? new List(new Field('item', item, true)) : null;
    }
    case 'struct': {
      const fields: Field[] = [];
      for (const [name, fieldType] of type.fields) {
        const arrow = arrowType(fieldType);
        if (!arrow) return null;
        fields.push(new Field(name, arrow, true));
      }
      return new Struct(fields);
    }
    case 'conflict':
      return null;
  }
}

/** pyarrow's `pandas_type` for an inferred Arrow type. */
function pandasTypeOf(type: Inferred): string {
  switch (type.t) {
    case 'null':
      return 'empty';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int64';
    case 'float':
      return 'float64';
    case 'string':
      return 'unicode';
    case 'list':
      return `list[${pandasTypeOf(type.item)}]`;
    default:
      return 'object';
  }
}

function objectColumn(values: readonly AttributeValue[]): EncodedColumn {
  const inferred = values.reduce<Inferred>((acc, v) => unify(acc, inferValue(v)), NULL);
  const type = arrowType(inferred);
  if (!type) {
    const json = values.map((v) => (v === null || v === undefined ? null : JSON.stringify(v)));
    return plain(vectorFromArray(json, new Utf8()), 'unicode', 'object');
  }
  const builder = makeBuilder({ type, nullValues: [null, undefined] });
  for (const value of values) builder.append(toArrowValue(value, inferred));
  return plain(builder.finish().toVector(), pandasTypeOf(inferred), 'object');
}

/** Values in the shape the builders take: bigint for int64, plain arrays and objects. */
function toArrowValue(value: AttributeValue | undefined, type: Inferred): unknown {
  if (value === null || value === undefined) return null;
  switch (type.t) {
    case 'int':
      return BigInt(value as number);
    case 'list':
      return (value as AttributeValue[]).map((item) => toArrowValue(item, type.item));
    case 'struct': {
      // A Map, which the struct builder reads by field name, so a key `__proto__` is data.
      const object = value as Record<string, AttributeValue>;
      const out = new Map<string, unknown>();
      for (const [name, fieldType] of type.fields) {
        out.set(name, Object.hasOwn(object, name) ? toArrowValue(object[name], fieldType) : null);
      }
      return out;
    }
    default:
      return value;
  }
}
