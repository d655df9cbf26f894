import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SpanRecord } from '../spans/span-record.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../testing/span-record-fixture.js';
import { compileSpanFilter } from './span-filter-compiler.js';
import { parseSpanQuery } from './span-query.js';
import { runSpanQuery, type SpanQueryScope } from './span-query-runner.js';

const MS = 1_000_000n;
/** More than one store page (1000 rows), so paging is exercised. */
const SPAN_COUNT = 2500;

describe('runSpanQuery on a SQLite store', () => {
  let dir: string;
  let store: SqliteStore;
  let projectId: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heron-span-query-'));
    store = await SqliteStore.open({ path: join(dir, 'heron.db'), synchronous: 'NORMAL' });
    const spans: SpanRecord[] = [];
    for (let i = 1; i <= SPAN_COUNT; i++) {
      // Every 1000th span is a retriever with two documents; the others are LLM spans.
      const retriever = i % 1000 === 0;
      spans.push(
        spanRecord({
          projectName: 'runner',
          traceId: traceIdOf(i),
          spanId: spanIdOf(i),
          name: `span-${i}`,
          spanKind: retriever ? 'RETRIEVER' : 'LLM',
          startTimeUnixNano: BASE_TIME + BigInt(i) * MS,
          attributes: retriever
            ? {
                retrieval: {
                  documents: [{ document: { id: `d${i}-0` } }, { document: { id: `d${i}-1` } }],
                },
              }
            : { input: { value: `q${i}` } },
        }),
      );
    }
    await store.insertSpans(spans);
    projectId = (await store.getProjectByName('runner'))!.rowid;
  });

  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const scope = (overrides: Partial<SpanQueryScope> = {}): SpanQueryScope => ({
    projectId,
    limit: 1000,
    rootsOnly: false,
    filters: [],
    ...overrides,
  });

  test('limit counts spans, newest first', async () => {
    const table = await runSpanQuery(
      store,
      scope({ limit: 3 }),
      parseSpanQuery({ select: { name: { key: 'name' } } }),
      null,
    );
    assert.deepEqual(table.columns[0]!.values, ['span-2500', 'span-2499', 'span-2498']);
  });

  test('an explode pages past spans without the array; only spans with it count', async () => {
    const table = await runSpanQuery(
      store,
      scope({ limit: 2 }),
      parseSpanQuery({ explode: { key: 'retrieval.documents', kwargs: { id: 'document.id' } } }),
      null,
    );
    assert.deepEqual(table.index[0]!.values, [
      spanIdOf(2000),
      spanIdOf(2000),
      spanIdOf(1000),
      spanIdOf(1000),
    ]);
    assert.deepEqual(table.columns[0]!.values, ['d2000-0', 'd2000-1', 'd1000-0', 'd1000-1']);
  });

  test('the window and a compiled filter go to the store', async () => {
    const table = await runSpanQuery(
      store,
      scope({ startTime: BASE_TIME + 10n * MS, endTime: BASE_TIME + 20n * MS }),
      parseSpanQuery({ select: { name: { key: 'name' } } }),
      compileSpanFilter("name in ['span-12', 'span-15', 'span-30']", 'sqlite'),
    );
    assert.deepEqual(table.columns[0]!.values, ['span-15', 'span-12']);
  });

  test('a project with nothing in it yet, or limit 0, answers an empty frame', async () => {
    for (const empty of [scope({ projectId: null }), scope({ limit: 0 })]) {
      const table = await runSpanQuery(store, empty, parseSpanQuery({}), null);
      assert.equal(table.index[0]!.values.length, 0);
      assert.equal(table.columns.length, 10);
    }
  });
});
