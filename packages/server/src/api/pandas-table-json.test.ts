import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeColumn, type DataTable } from '../query/data-table.js';
import { encodePandasTableJson, isoNanos } from './pandas-table-json.js';

test('fields and names prefixed by position, index first, as Phoenix writes them', () => {
  const table: DataTable = {
    index: [makeColumn('context.span_id', ['a1', 'a1']), makeColumn('document_position', [0, 1])],
    columns: [
      makeColumn('start_time', [1_700_000_000_123_456_789n, null], 'datetime'),
      makeColumn('score', [0.5, null]),
      makeColumn('count', [1, 2]),
      makeColumn('ok', [true, false]),
      makeColumn('doc', [{ id: 'x', tags: ['t'] }, null]),
      makeColumn('index', ['pandas would drop an unprefixed "index"', null]),
    ],
  };
  assert.deepEqual(JSON.parse(encodePandasTableJson(table)), {
    schema: {
      fields: [
        { name: '0_context.span_id', type: 'string' },
        { name: '1_document_position', type: 'integer' },
        { name: '2_start_time', type: 'datetime', tz: 'UTC' },
        { name: '3_score', type: 'number' },
        { name: '4_count', type: 'integer' },
        { name: '5_ok', type: 'boolean' },
        { name: '6_doc', type: 'string' },
        { name: '7_index', type: 'string' },
      ],
      primaryKey: ['0_context.span_id', '1_document_position'],
      pandas_version: '1.4.0',
    },
    data: [
      {
        '0_context.span_id': 'a1',
        '1_document_position': 0,
        '2_start_time': '2023-11-14T22:13:20.123456789Z',
        '3_score': 0.5,
        '4_count': 1,
        '5_ok': true,
        '6_doc': { id: 'x', tags: ['t'] },
        '7_index': 'pandas would drop an unprefixed "index"',
      },
      {
        '0_context.span_id': 'a1',
        '1_document_position': 1,
        '2_start_time': null,
        '3_score': null,
        '4_count': 2,
        '5_ok': false,
        '6_doc': null,
        '7_index': null,
      },
    ],
  });
});

test('NaN has no JSON spelling and goes as null', () => {
  const table: DataTable = { index: [makeColumn('i', ['a'])], columns: [makeColumn('x', [NaN])] };
  assert.equal(JSON.parse(encodePandasTableJson(table)).data[0]['1_x'], null);
});

test('isoNanos keeps all nine digits, before and after the epoch', () => {
  assert.equal(isoNanos(0n), '1970-01-01T00:00:00.000000000Z');
  assert.equal(isoNanos(1n), '1970-01-01T00:00:00.000000001Z');
  assert.equal(isoNanos(-1n), '1969-12-31T23:59:59.999999999Z');
  assert.equal(isoNanos(1_700_000_000_000_000_500n), '2023-11-14T22:13:20.000000500Z');
});
