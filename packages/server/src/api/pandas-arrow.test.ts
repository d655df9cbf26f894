import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordBatchReader, Table, Type } from 'apache-arrow';
import { makeColumn, type DataTable } from '../query/data-table.js';
import { encodePandasArrow } from './pandas-arrow.js';

const table: DataTable = {
  index: [makeColumn('context.span_id', ['s1', 's2'])],
  columns: [
    makeColumn('name', ['a', null]),
    makeColumn('start_time', [1_700_000_000_123_456_789n, null], 'datetime'),
    makeColumn('count', [3, 4]),
    makeColumn('score', [0.5, null]),
    makeColumn('ok', [true, false]),
    makeColumn('messages', [[{ 'message.role': 'user', 'message.content': 'hi' }], null]),
    makeColumn('custom', [{ step: 3 }, { step: 1.5, flag: true }]),
    makeColumn('events', [[{ name: 'e', attributes: {} }], []]),
    makeColumn('mixed', [{ a: 'x' }, { a: 1 }]),
    makeColumn('nothing', [null, null]),
    makeColumn('context.span_id', ['s1', 's2']),
  ],
};

/** Every stream of a concatenation, as pyarrow's reader takes them one after another. */
async function readStreams(bytes: Uint8Array): Promise<Table[]> {
  const tables: Table[] = [];
  for await (const reader of RecordBatchReader.readAll(bytes)) {
    tables.push(new Table(await reader.readAll()));
  }
  return tables;
}

test('columns, then the index; pandas metadata names the index field', async () => {
  const [decoded] = await readStreams(encodePandasArrow(table));
  assert.ok(decoded);
  assert.deepEqual(
    decoded.schema.fields.map((f) => f.name),
    [...table.columns.map((c) => c.name), '__index_level_0__'],
  );
  const pandas = JSON.parse(decoded.schema.metadata.get('pandas')!);
  assert.deepEqual(pandas.index_columns, ['__index_level_0__']);
  assert.deepEqual(
    pandas.columns.map((c: { name: string; pandas_type: string }) => [c.name, c.pandas_type]),
    [
      ['name', 'unicode'],
      ['start_time', 'datetimetz'],
      ['count', 'int64'],
      ['score', 'float64'],
      ['ok', 'bool'],
      ['messages', 'list[object]'],
      ['custom', 'object'],
      ['events', 'list[object]'],
      ['mixed', 'unicode'],
      ['nothing', 'empty'],
      ['context.span_id', 'unicode'],
      ['context.span_id', 'unicode'],
    ],
  );
  assert.deepEqual(pandas.columns[1].metadata, { timezone: 'UTC' });
});

test('types pyarrow would infer, values intact', async () => {
  const [decoded] = await readStreams(encodePandasArrow(table));
  const field = (name: string) => decoded!.schema.fields.find((f) => f.name === name)!;
  const start = field('start_time').type as { unit: number; timezone: string; typeId: Type };
  assert.equal(start.typeId, Type.Timestamp);
  assert.equal(start.timezone, 'UTC');
  assert.equal(decoded!.getChild('start_time')!.data[0]!.values[0], 1_700_000_000_123_456_789n);
  assert.equal(decoded!.getChild('start_time')!.get(1), null);
  assert.equal(String(field('count').type), 'Int64');
  assert.equal(
    String(field('messages').type),
    'List<Struct<{message.role:Utf8, message.content:Utf8}>>',
  );
  assert.equal(String(field('custom').type), 'Struct<{step:Float64, flag:Bool}>');
  assert.equal(String(field('events').type), 'List<Struct<{name:Utf8, attributes:Struct<{}>}>>');
  assert.equal(String(field('nothing').type), 'Null');
  // A key holding a string in one row and a number in another: pyarrow gives up; Heron sends JSON.
  assert.equal(String(field('mixed').type), 'Utf8');
  assert.deepEqual(decoded!.getChild('mixed')!.toArray(), ['{"a":"x"}', '{"a":1}']);
  assert.deepEqual(
    decoded!
      .getChild('messages')!
      .get(0)!
      .toArray()
      .map((r: object) => ({ ...r })),
    [{ 'message.role': 'user', 'message.content': 'hi' }],
  );
  assert.equal(decoded!.getChild('count')!.get(1), 4n);
  assert.equal(decoded!.getChild('name')!.get(1), null);
});

test('an index level named like no column keeps its name', async () => {
  const [decoded] = await readStreams(
    encodePandasArrow({
      index: [makeColumn('context.span_id', ['s1']), makeColumn('document_position', [0])],
      columns: [makeColumn('reference', ['text'])],
    }),
  );
  const pandas = JSON.parse(decoded!.schema.metadata.get('pandas')!);
  assert.deepEqual(pandas.index_columns, ['context.span_id', 'document_position']);
});

test('streams concatenate: one per query, read back in order', async () => {
  const empty: DataTable = { index: [makeColumn('context.span_id', [])], columns: [] };
  const tables = await readStreams(
    Buffer.concat([encodePandasArrow(table), encodePandasArrow(empty), encodePandasArrow(table)]),
  );
  assert.deepEqual(
    tables.map((t) => t.numRows),
    [2, 0, 2],
  );
});
