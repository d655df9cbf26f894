import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AttributeValue } from '../otlp/otlp-types.js';
import { unflattenAttributes } from '../spans/unflatten.js';
import type { StoredSpan } from '../store/store.js';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../testing/span-record-fixture.js';
import type { DataTable } from './data-table.js';
import {
  evaluateSpanQuery,
  parseSpanQuery,
  requiredArray,
  SpanQueryError,
  spanHasArray,
} from './span-query.js';

let nextRowid = 1;

/** A stored span with these (flat, as sent) attributes. */
function stored(
  n: number,
  flat: Record<string, AttributeValue>,
  overrides: Partial<StoredSpan> = {},
): StoredSpan {
  const { projectName: _projectName, ...record } = spanRecord({
    traceId: traceIdOf(1),
    spanId: spanIdOf(n),
    name: `span-${n}`,
    startTimeUnixNano: BASE_TIME + BigInt(n) * 1_000_000n,
    attributes: unflattenAttributes(Object.entries(flat)),
  });
  return { ...record, rowid: nextRowid++, projectId: 1, ...overrides };
}

const retriever = stored(
  2,
  {
    'openinference.span.kind': 'RETRIEVER',
    'input.value': 'what is heron?',
    'retrieval.documents.0.document.id': 'doc-1',
    'retrieval.documents.0.document.content': 'Heron stores spans.',
    'retrieval.documents.0.document.score': 0.9,
    'retrieval.documents.1.document.id': 'doc-2',
    'retrieval.documents.1.document.content': 'Heron speaks OTLP.',
    'retrieval.documents.1.document.score': 0.5,
  },
  { spanKind: 'RETRIEVER', parentId: spanIdOf(1) },
);
const llm = stored(
  3,
  {
    'openinference.span.kind': 'LLM',
    'input.value': 'What is Heron?',
    'llm.token_count.prompt': 120,
    'llm.input_messages.0.message.role': 'system',
    'llm.input_messages.0.message.content': 'Be brief.',
    'llm.input_messages.1.message.role': 'user',
    'llm.input_messages.1.message.content': 'What is Heron?',
    'app.flag': true,
  },
  { spanKind: 'LLM', parentId: spanIdOf(1) },
);
const chain = stored(1, { 'openinference.span.kind': 'CHAIN', 'input.value': 'q' });
/** Newest first, as the store answers. */
const spans = [llm, retriever, chain];

function run(query: unknown, input: readonly StoredSpan[] = spans): DataTable {
  return evaluateSpanQuery(parseSpanQuery(query), input);
}

/** The table as {index level → values, column → values}, for compact assertions. */
function shape(table: DataTable): {
  index: Record<string, unknown[]>;
  columns: Record<string, unknown[]>;
} {
  return {
    index: Object.fromEntries(table.index.map((c) => [c.name, c.values])),
    columns: Object.fromEntries(table.columns.map((c) => [c.name, c.values])),
  };
}

describe('parseSpanQuery', () => {
  test('an empty query is the spans dataframe, indexed by context.span_id', () => {
    const query = parseSpanQuery({});
    assert.deepEqual(query.select, []);
    assert.equal(query.filter, null);
    assert.equal(query.explode, null);
    assert.equal(query.concat, null);
    assert.equal(query.index.key, 'context.span_id');
  });

  test('select names and keys are un-aliased; explode gets its position name', () => {
    const query = parseSpanQuery({
      select: { span_id: { key: 'parent_id' }, input: { key: 'input.value' } },
      filter: { condition: "span_kind == 'RETRIEVER'" },
      explode: { key: 'retrieval.documents', kwargs: { reference: 'document.content' } },
      concat: { key: 'retrieval.documents', kwargs: { ids: 'document.id' }, separator: ',' },
      rename: { input: 'question' },
      index: { key: 'span_id' },
    });
    assert.deepEqual(
      query.select.map((s) => [s.name, s.key]),
      [
        ['context.span_id', 'parent_id'],
        ['input', 'input.value'],
      ],
    );
    assert.equal(query.filter, "span_kind == 'RETRIEVER'");
    assert.equal(query.index.key, 'context.span_id');
    assert.equal(query.explode?.positionName, 'document_position');
    assert.equal(query.explode?.primaryIndexKey, 'context.span_id');
    assert.deepEqual(query.explode?.kwargs, [['reference', 'document.content']]);
    assert.equal(query.concat?.separator, ',');
    assert.deepEqual(query.rename, [['input', 'question']]);
  });

  test('explode or concat without a key is ignored, as Phoenix does', () => {
    const query = parseSpanQuery({ explode: { key: '' }, concat: { kwargs: {} } });
    assert.equal(query.explode, null);
    assert.equal(query.concat, null);
  });

  test('bad queries are SpanQueryErrors naming the place', () => {
    const cases: [unknown, RegExp][] = [
      ['nope', /query must be an object/],
      [{ select: [] }, /query\.select must be an object/],
      [{ select: { a: 'input.value' } }, /query\.select\.a must be an object/],
      [{ select: { a: {} } }, /query\.select\.a\.key: missing expression/],
      [{ select: { a: { key: 'input.value ==' } } }, /query\.select\.a\.key: invalid expression/],
      [{ select: { a: { key: 'llm.x[' } } }, /invalid expression/],
      [{ filter: { condition: 5 } }, /query\.filter\.condition must be a string/],
      [{ explode: { key: 'x', kwargs: { a: 1 } } }, /query\.explode\.kwargs\.a must be a string/],
      [{ rename: { a: null } }, /query\.rename\.a must be a string/],
      [{ select: { c: { key: 'cumulative_llm_token_count_total' } } }, /cannot be selected/],
      [
        { explode: { key: 'retrieval.documents', primary_index_key: 'trace_id' } },
        /primary_index_key 'context.trace_id' must be the query's index key/,
      ],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => parseSpanQuery(input), SpanQueryError, JSON.stringify(input));
      assert.throws(() => parseSpanQuery(input), message, JSON.stringify(input));
    }
  });
});

describe('the spans dataframe (no select, explode or concat)', () => {
  test('span fields, then attributes.* columns with semantic conventions kept whole', () => {
    const table = run({ rename: { name: 'ignored' }, index: { key: 'trace_id' } });
    assert.deepEqual(
      table.index.map((c) => c.name),
      ['context.span_id'],
    );
    assert.deepEqual(table.index[0]!.values, [spanIdOf(3), spanIdOf(2), spanIdOf(1)]);
    assert.deepEqual(
      table.columns.map((c) => c.name),
      [
        'name',
        'span_kind',
        'parent_id',
        'start_time',
        'end_time',
        'status_code',
        'status_message',
        'events',
        'context.span_id',
        'context.trace_id',
        'attributes.openinference.span.kind',
        'attributes.input.value',
        'attributes.llm.token_count.prompt',
        'attributes.llm.input_messages',
        'attributes.app',
        'attributes.retrieval.documents',
      ],
    );
    const { columns } = shape(table);
    assert.deepEqual(columns['span_kind'], ['LLM', 'RETRIEVER', 'CHAIN']);
    assert.deepEqual(columns['parent_id'], [spanIdOf(1), spanIdOf(1), null]);
    assert.deepEqual(columns['start_time'], [
      BASE_TIME + 3_000_000n,
      BASE_TIME + 2_000_000n,
      BASE_TIME + 1_000_000n,
    ]);
    assert.deepEqual(columns['attributes.llm.token_count.prompt'], [120, null, null]);
    assert.deepEqual(columns['attributes.llm.input_messages']![0], [
      { 'message.role': 'system', 'message.content': 'Be brief.' },
      { 'message.role': 'user', 'message.content': 'What is Heron?' },
    ]);
    assert.deepEqual(columns['attributes.app'], [{ flag: true }, null, null]);
    assert.deepEqual(columns['attributes.retrieval.documents']![1], [
      { 'document.id': 'doc-1', 'document.content': 'Heron stores spans.', 'document.score': 0.9 },
      { 'document.id': 'doc-2', 'document.content': 'Heron speaks OTLP.', 'document.score': 0.5 },
    ]);
    const kinds = Object.fromEntries(table.columns.map((c) => [c.name, c.kind]));
    assert.equal(kinds['start_time'], 'datetime');
    assert.equal(kinds['parent_id'], 'string');
    assert.equal(kinds['events'], 'object');
    // Integers with a missing value are float64 in pandas.
    assert.equal(kinds['attributes.llm.token_count.prompt'], 'float64');
  });

  test('no spans: the span columns, no attribute columns', () => {
    const table = run({}, []);
    assert.equal(table.columns.length, 10);
    assert.equal(table.index[0]!.values.length, 0);
    assert.equal(table.columns.find((c) => c.name === 'start_time')!.kind, 'datetime');
  });

  test('events are listed as Phoenix stores them', () => {
    const withEvent = stored(
      9,
      {},
      {
        events: [
          {
            name: 'exception',
            timeUnixNano: '1700000000123456789',
            attributes: { 'exception.message': 'boom' },
          },
        ],
      },
    );
    const { columns } = shape(run({}, [withEvent]));
    assert.deepEqual(columns['events'], [
      [
        {
          name: 'exception',
          timestamp: '2023-11-14T22:13:20.123456+00:00',
          attributes: { 'exception.message': 'boom' },
        },
      ],
    ]);
  });
});

describe('select, rename and index', () => {
  test('selected columns, newest first, indexed by context.span_id', () => {
    const table = run({
      select: { input: { key: 'input.value' }, kind: { key: 'span_kind' } },
      rename: { input: 'question', nope: 'x' },
    });
    assert.deepEqual(shape(table), {
      index: { 'context.span_id': [spanIdOf(3), spanIdOf(2), spanIdOf(1)] },
      columns: {
        question: ['What is Heron?', 'what is heron?', 'q'],
        kind: ['LLM', 'RETRIEVER', 'CHAIN'],
      },
    });
  });

  test('a column named span_id re-indexes by its values (child → parent)', () => {
    const table = run({
      select: { span_id: { key: 'parent_id' }, child: { key: 'span_id' } },
    });
    assert.deepEqual(shape(table), {
      index: { 'context.span_id': [spanIdOf(1), spanIdOf(1), null] },
      columns: { child: [spanIdOf(3), spanIdOf(2), spanIdOf(1)] },
    });
  });

  test('trace_id and span_id select as context.* columns', () => {
    const table = run({ select: { trace_id: { key: 'trace_id' } } });
    assert.deepEqual(
      table.columns.map((c) => c.name),
      ['context.trace_id'],
    );
  });

  test('another index key', () => {
    const table = run({ select: { name: { key: 'name' } }, index: { key: 'trace_id' } });
    assert.deepEqual(shape(table).index, {
      'context.trace_id': [traceIdOf(1), traceIdOf(1), traceIdOf(1)],
    });
  });

  test('subscripts, metadata and array indices; missing paths are null', () => {
    const span = stored(5, {
      'llm.input_messages.0.message.content': 'first',
      metadata: { topic: 'billing' } as unknown as AttributeValue,
    });
    const { columns } = shape(
      run(
        {
          select: {
            a: { key: "attributes['llm']['input_messages'][0]['message.content']" },
            b: { key: 'llm.input_messages.0.message.content' },
            c: { key: "metadata['topic']" },
            d: { key: 'attributes.metadata.topic' },
            e: { key: 'no.such.key' },
            f: { key: 'latency_ms' },
          },
        },
        [span],
      ),
    );
    // The nested form stores `message.content` as message → content; the subscript asked for
    // the literal key `message.content`, which does not exist.
    assert.deepEqual(columns, {
      a: [null],
      b: ['first'],
      c: ['billing'],
      d: ['billing'],
      e: [null],
      f: [5],
    });
  });
});

describe('explode', () => {
  test('retrieval.documents with kwargs: one row per document, document_position level', () => {
    const table = run({
      select: { input: { key: 'input.value' } },
      explode: {
        key: 'retrieval.documents',
        kwargs: { reference: 'document.content', score: 'document.score' },
      },
    });
    assert.deepEqual(shape(table), {
      index: {
        'context.span_id': [spanIdOf(2), spanIdOf(2)],
        document_position: [0, 1],
      },
      columns: {
        input: ['what is heron?', 'what is heron?'],
        reference: ['Heron stores spans.', 'Heron speaks OTLP.'],
        score: [0.9, 0.5],
      },
    });
    assert.equal(table.index[1]!.kind, 'int64');
  });

  test('without kwargs every flattened key of the element is a column', () => {
    const table = run({ explode: { key: 'retrieval.documents' } });
    assert.deepEqual(
      table.columns.map((c) => c.name),
      ['document.id', 'document.content', 'document.score'],
    );
    assert.deepEqual(table.index[1]!.values, [0, 1]);
  });

  test('positions count every element; a span with no object element keeps a row of nulls', () => {
    const mixed = stored(
      7,
      {},
      {
        attributes: { items: ['text', { name: 'a' }, null, { name: 'b' }] },
      },
    );
    const empty = stored(8, {}, { attributes: { items: [] } });
    const none = stored(9, {}, { attributes: {} });
    const table = run({ explode: { key: 'items', kwargs: { item: 'name' } } }, [
      mixed,
      empty,
      none,
    ]);
    assert.deepEqual(shape(table), {
      index: {
        'context.span_id': [spanIdOf(7), spanIdOf(7), spanIdOf(8)],
        position: [1, 3, null],
      },
      columns: { item: ['a', 'b', null] },
    });
    assert.equal(table.index[1]!.kind, 'float64');
  });

  test('only spans holding the array are in the answer, and only they count', () => {
    const query = parseSpanQuery({ explode: { key: 'retrieval.documents' } });
    const required = requiredArray(query)!;
    assert.deepEqual(
      spans.map((s) => spanHasArray(s, required)),
      [false, true, false],
    );
    assert.equal(requiredArray(parseSpanQuery({ select: { a: { key: 'name' } } })), null);
  });

  test('no matching span: the index levels and kwargs columns, no rows', () => {
    const table = run(
      { explode: { key: 'retrieval.documents', kwargs: { reference: 'document.content' } } },
      [chain],
    );
    assert.deepEqual(shape(table), {
      index: { 'context.span_id': [], document_position: [] },
      columns: { reference: [] },
    });
  });
});

describe('concat', () => {
  test('joins str() of the kwargs values with the separator', () => {
    const table = run({
      select: { input: { key: 'input.value' } },
      concat: {
        key: 'retrieval.documents',
        kwargs: { reference: 'document.content', scores: 'document.score', nope: 'x' },
        separator: ' | ',
      },
    });
    assert.deepEqual(shape(table), {
      index: { 'context.span_id': [spanIdOf(2)] },
      columns: {
        input: ['what is heron?'],
        reference: ['Heron stores spans. | Heron speaks OTLP.'],
        scores: ['0.9 | 0.5'],
        nope: [null],
      },
    });
  });

  test('without kwargs: one column named after the key, Python reprs, default separator', () => {
    const table = run({ concat: { key: 'retrieval.documents' } });
    assert.deepEqual(shape(table).columns, {
      'retrieval.documents': [
        "{'document': {'id': 'doc-1', 'content': 'Heron stores spans.', 'score': 0.9}}\n\n" +
          "{'document': {'id': 'doc-2', 'content': 'Heron speaks OTLP.', 'score': 0.5}}",
      ],
    });
  });

  test('with explode: concatenated columns come before the exploded ones', () => {
    const table = run({
      explode: { key: 'retrieval.documents', kwargs: { id: 'document.id' } },
      concat: { key: 'retrieval.documents', kwargs: { all: 'document.id' }, separator: ',' },
    });
    assert.deepEqual(shape(table), {
      index: { 'context.span_id': [spanIdOf(2), spanIdOf(2)], document_position: [0, 1] },
      columns: { all: ['doc-1,doc-2', 'doc-1,doc-2'], id: ['doc-1', 'doc-2'] },
    });
  });

  test('when two steps make one column, the first non-null value stays', () => {
    const table = run({
      select: { id: { key: 'no.such.key' } },
      explode: { key: 'retrieval.documents', kwargs: { id: 'document.id' } },
    });
    assert.deepEqual(shape(table).columns, { id: ['doc-1', 'doc-2'] });
  });
});
