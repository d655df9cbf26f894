import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type pg from 'pg';
import { foldForSearch } from '../../spans/span-search-text.js';
import type { SpanRecord } from '../../spans/span-record.js';
import type { InsertSpansResult } from '../store.js';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import { MS, threeSpanTrace } from '../conformance/trace-fixtures.js';
import { SqliteStore } from '../sqlite/sqlite-store.js';
import { PostgresSearchIndexer } from './postgres-search-indexer.js';
import { PostgresSpanWriter } from './postgres-span-writer.js';
import { createTestSchema, postgresUnavailable } from './postgres-test-database.js';
import { randomBatches, randomTraces, seededRandom, shuffle } from './random-trace-workload.js';
import { postgresSnapshot, sqliteSnapshot, type RollupSnapshot } from './rollup-snapshot.js';

const skip = await postgresUnavailable();

/** A pool whose clients fail the span upsert `failures` times with this SQLSTATE. */
function failingPool(pool: pg.Pool, failures: number, code: string): pg.Pool {
  let left = failures;
  const connect = async () => {
    const client = await pool.connect();
    return new Proxy(client, {
      get(target, property) {
        if (property === 'query') {
          return (sql: unknown, params?: unknown[]) =>
            typeof sql === 'string' && sql.includes('INSERT INTO spans') && left-- > 0
              ? Promise.reject(Object.assign(new Error(`injected ${code}`), { code }))
              : target.query(sql as string, params);
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  return { connect } as unknown as pg.Pool;
}

/**
 * Sends the batches, in order, through SqliteStore.insertSpans and PostgresSpanWriter, each on
 * a fresh database, and checks that projects, spans and every trace and session rollup agree.
 */
async function compareWithSqlite(batches: SpanRecord[][]): Promise<RollupSnapshot> {
  const dir = mkdtempSync(join(tmpdir(), 'heron-pg-compare-'));
  const sqlite = await SqliteStore.open({ path: join(dir, 'heron.db'), synchronous: 'NORMAL' });
  const pg = await createTestSchema();
  try {
    const writer = new PostgresSpanWriter(pg.pool);
    for (const batch of batches) {
      const [fromSqlite, fromPostgres] = [
        await sqlite.insertSpans(batch),
        await writer.insertSpans(batch),
      ];
      const counts = ({ spanCount, traceCount }: InsertSpansResult) => ({ spanCount, traceCount });
      assert.deepEqual(counts(fromPostgres), counts(fromSqlite), 'insertSpans results agree');
    }
    const expected = await sqliteSnapshot(
      sqlite,
      batches.flat().map((span) => span.traceId),
    );
    const actual = await postgresSnapshot(pg.pool);
    assert.deepEqual(actual.projects, expected.projects, 'projects');
    assert.deepEqual(actual.traces, expected.traces, 'trace rollups');
    assert.deepEqual(actual.sessions, expected.sessions, 'session rollups');
    assert.deepEqual(actual.spans, expected.spans, 'stored spans');
    return actual;
  } finally {
    await pg.drop();
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** threeSpanTrace, one second apart per trace number (conformance/trace-fixtures.ts). */
function traceSpans(traceNo: number, project = 'alpha', sessionId = 'session-a'): SpanRecord[] {
  return threeSpanTrace(traceNo, project, {
    start: BASE_TIME + BigInt(traceNo) * 1000n * MS,
    sessionId,
  });
}

describe('PostgresSpanWriter against the SQLite writer', { skip }, () => {
  it('writes traces of one batch with the same rollups', async () => {
    const snapshot = await compareWithSqlite([
      [...traceSpans(1), ...traceSpans(2), ...traceSpans(3, 'alpha', 'session-b')],
    ]);
    const trace = snapshot.traces.find((t) => t.traceId === traceIdOf(1))!;
    assert.equal(trace.spanCount, 3);
    assert.equal(trace.errorCount, 1);
    assert.equal(trace.totalTokens, 225, 'LLM spans only');
    assert.equal(trace.rootSpanId, spanIdOf(11));
    assert.deepEqual(
      snapshot.sessions.map((s) => [s.sessionId, s.traceCount]),
      [
        ['session-a', 2],
        ['session-b', 1],
      ],
    );
  });

  it('agrees when children arrive before parents and a trace is split across batches', async () => {
    const [root, llm, tool] = traceSpans(4);
    const [root5, llm5, tool5] = traceSpans(5);
    await compareWithSqlite([[tool!], [llm!, tool5!], [root!, llm5!], [root5!]]);
  });

  it('agrees on re-sent spans: duplicates, and newer versions replacing older ones', async () => {
    const spans = traceSpans(6);
    const [root, llm] = spans;
    const later = {
      ...llm!,
      statusCode: 'ERROR' as const,
      endTimeUnixNano: root!.endTimeUnixNano + 500n * MS,
      totalTokens: 1000,
    };
    await compareWithSqlite([
      spans,
      spans,
      // Twice in one batch: the last version is the one stored.
      [
        { ...root!, name: 'first version' },
        { ...root!, name: 'second version' },
      ],
      [later],
      [{ ...spans[2]!, attributes: { late: 'attribute' } }],
    ]);
  });

  it('agrees on a trace moving between sessions and a session left empty', async () => {
    const project = 'sessions';
    const first = traceSpans(7, project, 'session-late');
    // An earlier span carrying another session id arrives later: the earliest span decides.
    const earlier = spanRecord({
      projectName: project,
      traceId: traceIdOf(7),
      spanId: spanIdOf(79),
      parentId: spanIdOf(71),
      startTimeUnixNano: first[0]!.startTimeUnixNano - 5n * MS,
      endTimeUnixNano: first[0]!.startTimeUnixNano,
      sessionId: 'session-early',
    });
    const other = traceSpans(8, project, 'session-late');
    const snapshot = await compareWithSqlite([first, other, [earlier]]);
    assert.deepEqual(
      snapshot.sessions.map((s) => [s.sessionId, s.traceCount]),
      [
        ['session-early', 1],
        ['session-late', 1],
      ],
    );
    // And when the only trace of a session leaves it, the session goes.
    await compareWithSqlite([first, [earlier]]);
  });

  it('agrees on roots: several parentless spans, equal start times, orphans only', async () => {
    const trace = traceIdOf(9);
    const at = BASE_TIME + 9_000n * MS;
    const roots = [3, 1, 2].map((n) =>
      spanRecord({ traceId: trace, spanId: spanIdOf(90 + n), startTimeUnixNano: at }),
    );
    const orphans = [
      spanRecord({
        traceId: traceIdOf(10),
        spanId: spanIdOf(102),
        parentId: spanIdOf(999),
        startTimeUnixNano: at,
      }),
      spanRecord({
        traceId: traceIdOf(10),
        spanId: spanIdOf(101),
        parentId: spanIdOf(998),
        startTimeUnixNano: at,
      }),
      spanRecord({
        traceId: traceIdOf(10),
        spanId: spanIdOf(100),
        parentId: spanIdOf(997),
        startTimeUnixNano: at + 1n,
      }),
    ];
    const snapshot = await compareWithSqlite([roots.slice(0, 1), roots.slice(1), orphans]);
    assert.equal(snapshot.traces[0]!.rootSpanId, spanIdOf(91));
    assert.equal(snapshot.traces[1]!.rootSpanId, spanIdOf(101));
  });

  it('keeps a late span in the project of its trace (and creates the project it names)', async () => {
    const [root, llm] = traceSpans(11, 'first');
    const snapshot = await compareWithSqlite([[root!], [{ ...llm!, projectName: 'second' }]]);
    assert.deepEqual(
      snapshot.spans.map((s) => s.project),
      ['first', 'first'],
    );
    assert.deepEqual(snapshot.projects, ['first', 'second']);
  });

  it('agrees on random workloads delivered out of order in random batches, with re-sends', async () => {
    for (const seed of [1, 2, 3]) {
      const random = seededRandom(seed * 7919);
      const spans = randomTraces({
        seed,
        traces: 40,
        tracePrefix: `c${seed}`,
        projects: ['alpha', 'beta'],
        sessionsPerProject: 4,
        maxSpansPerTrace: 7,
      });
      // Every span once, plus a fifth of them again, all shuffled.
      const resent = spans.filter(() => random() < 0.2);
      const batches = randomBatches(shuffle([...spans, ...resent], random), 12, random);
      const snapshot = await compareWithSqlite(batches);
      assert.equal(snapshot.spans.length, spans.length);
    }
  });
});

describe('PostgresSpanWriter', { skip }, () => {
  it('stores NUL characters and lone surrogates (which PostgreSQL refuses) as U+FFFD', async () => {
    const pg = await createTestSchema();
    try {
      const writer = new PostgresSpanWriter(pg.pool);
      await writer.insertSpans([
        spanRecord({
          traceId: traceIdOf(20),
          name: 'nul\u0000name',
          statusMessage: 'bad\u0000',
          attributes: {
            input: { value: 'a\u0000b' },
            lone: 'x\ud800y',
            escaped: 'a literal \\u0000 stays',
            'key\u0000': 1,
          },
        }),
      ]);
      const row = (await pg.pool.query('SELECT name, status_message, attributes FROM spans'))
        .rows[0];
      const search = (await pg.pool.query('SELECT input FROM span_search_queue')).rows[0];
      assert.equal(row.name, 'nul\ufffdname');
      assert.equal(row.status_message, 'bad\ufffd');
      assert.deepEqual(row.attributes, {
        input: { value: 'a\ufffdb' },
        lone: 'x\ufffdy',
        escaped: 'a literal \\u0000 stays',
        'key\ufffd': 1,
      });
      assert.equal(search.input, 'a\ufffdb');
    } finally {
      await pg.drop();
    }
  });

  it('queues folded search text, which the indexer moves where the trigram indexes answer', async () => {
    const pg = await createTestSchema();
    try {
      const writer = new PostgresSpanWriter(pg.pool, { searchTextMaxChars: 40 });
      await writer.insertSpans([
        spanRecord({
          traceId: traceIdOf(21),
          attributes: {
            input: { value: 'Où est le Café? ' + 'x'.repeat(100) },
            output: { value: 'REFUND approved' },
            llm: { output_messages: [{ message: { role: 'assistant', content: 'Ünïcode' } }] },
          },
        }),
      ]);
      const queued = (await pg.pool.query('SELECT input, output FROM span_search_queue')).rows;
      assert.equal(queued.length, 1, 'queued in the span’s transaction');
      assert.equal(queued[0].input.length, 40, 'cut to the configured length');
      assert.ok(queued[0].input.startsWith(foldForSearch('Où est le Café?')));
      assert.equal(queued[0].output, 'refund approved\nunicode');

      await new PostgresSearchIndexer(pg.pool).catchUp();
      const indexed = (await pg.pool.query('SELECT input, output FROM span_search')).rows;
      assert.deepEqual(indexed, queued, 'moved as it was');
      assert.equal((await pg.pool.query('SELECT 1 FROM span_search_queue')).rowCount, 0);

      const client = await pg.pool.connect();
      try {
        await client.query('SET enable_seqscan = off');
        const plan = (
          await client.query(
            `EXPLAIN SELECT span_rowid FROM span_search WHERE output LIKE '%' || $1 || '%'`,
            [foldForSearch('Refund')],
          )
        ).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
        assert.match(plan, /span_search_output/);
        const found = await client.query(
          `SELECT span_rowid FROM span_search WHERE output LIKE '%' || $1 || '%'`,
          [foldForSearch('Refund')],
        );
        assert.equal(found.rowCount, 1);
      } finally {
        client.release();
      }
    } finally {
      await pg.drop();
    }
  });

  it('commits nothing of a batch that fails', async () => {
    const pg = await createTestSchema();
    try {
      const writer = new PostgresSpanWriter(pg.pool);
      await assert.rejects(
        writer.insertSpans([
          spanRecord({ traceId: traceIdOf(22), projectName: 'doomed' }),
          // Violates the status_code CHECK constraint.
          spanRecord({ traceId: traceIdOf(23), statusCode: 'BROKEN' as 'OK' }),
        ]),
      );
      const counts = (
        await pg.pool.query(
          `SELECT (SELECT COUNT(*) FROM spans) AS spans, (SELECT COUNT(*) FROM traces) AS traces,
             (SELECT COUNT(*) FROM projects) AS projects`,
        )
      ).rows[0];
      assert.deepEqual(
        [Number(counts.spans), Number(counts.traces), Number(counts.projects)],
        [0, 0, 0],
      );
    } finally {
      await pg.drop();
    }
  });

  it('runs a batch again after a deadlock or serialization failure, a bounded number of times', async () => {
    const db = await createTestSchema();
    try {
      const retried = new PostgresSpanWriter(failingPool(db.pool, 2, '40P01'));
      await retried.insertSpans(traceSpans(30));
      assert.equal(retried.retries, 2);
      const serialization = new PostgresSpanWriter(failingPool(db.pool, 1, '40001'));
      await serialization.insertSpans(traceSpans(31));
      assert.equal(serialization.retries, 1);
      const snapshot = await postgresSnapshot(db.pool);
      assert.deepEqual(
        snapshot.traces.map((t) => [t.traceId, t.spanCount]),
        [
          [traceIdOf(30), 3],
          [traceIdOf(31), 3],
        ],
      );

      const hopeless = new PostgresSpanWriter(failingPool(db.pool, 10, '40P01'), {
        maxAttempts: 3,
      });
      await assert.rejects(hopeless.insertSpans(traceSpans(32)), /injected 40P01/);
      assert.equal(hopeless.retries, 2, 'three attempts in all');
      const other = new PostgresSpanWriter(failingPool(db.pool, 1, '23502'));
      await assert.rejects(other.insertSpans(traceSpans(33)), /injected 23502/);
      assert.equal(other.retries, 0, 'other errors are not retried');
      assert.equal((await postgresSnapshot(db.pool)).traces.length, 2, 'nothing of the failures');
    } finally {
      await db.drop();
    }
  });
});
