import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FilterSyntaxError } from './filter-syntax-error.js';
import { spanHex, traceHex } from './filter-test-database.js';
import {
  FILTER_TEST_DIALECTS,
  openDialectTestDatabase,
  type DialectTestDatabase,
} from './filter-test-dialects.js';
import { SESSION_SPANS } from './session-trace-fixture.js';
import { compileTraceFilter } from './trace-filter-compiler.js';

const T = (n: number): string => traceHex(n);

for (const { dialect, skip } of FILTER_TEST_DIALECTS) {
  describe(`compileTraceFilter on a real ${dialect} database`, { skip }, () => {
    let db: DialectTestDatabase;

    before(async () => {
      db = await openDialectTestDatabase(dialect);
      await db.insertSpans(SESSION_SPANS);
      await db.annotate('trace_annotations', await db.traceRowid(1), {
        name: 'resolution',
        label: 'resolved',
        score: 1,
      });
      await db.annotate('span_annotations', await db.spanRowid('t2-llm'), {
        name: 'hallucination',
        label: 'yes',
      });
    });
    after(() => db.close());

    const expect = async (expression: string, traces: number[]): Promise<void> =>
      assert.deepEqual(
        await db.select('traces', compileTraceFilter(expression, dialect)),
        traces.map(T).sort(),
        expression,
      );

    it('filters on the trace rollups', async () => {
      await expect('latency_ms > 2000', [1]);
      await expect('num_spans == 3', [1]);
      await expect('num_spans >= 2', [1, 2]);
      await expect('error_count > 0', [2]);
      await expect(
        'token_count_total == 120 and token_count_prompt == 100 and token_count_completion == 20',
        [1],
      );
      await expect('token_count_total == 10', [2]);
      await expect('llm_span_count == 1 and tool_span_count == 1', [1]);
      await expect("trace_id == '00000000000000000000000000000003'", [3]);
      await expect("'2023-11-14T22:13:30Z' <= start_time < '2023-11-14T22:13:40Z'", [2]);
      await expect('total_cost is None', [1, 2, 3, 4]);
    });

    it("reaches through to the root span's input, output and attributes", async () => {
      await expect("'refund' in input", [1]);
      await expect("'REFUND ISSUED' in output", [1]);
      await expect("input == 'Thanks!'", [2]);
      await expect("'天気' in input", [3]);
      await expect("'東京の' in input", [3]);
      await expect("user.id == 'u2'", [3]);
      await expect("metadata['tier'] == 'gold'", [1]);
      await expect("attributes['user.id'] == 'u2'", [3]);
      await expect("'refund' in input.value", [1]);
      await expect('input is None', [4]);
      await expect(`root_span_id == '${spanHex(40)}'`, [4]);
    });

    it('knows the session of a trace', async () => {
      await expect("session_id == 's-alpha'", [1, 2]);
      await expect('session_id is None', [4]);
    });

    it('tests the spans of a trace with any(), all() and count()', async () => {
      await expect("any(spans, span_kind == 'LLM' and llm.model_name == 'gpt-4o')", [1]);
      await expect("any(span.status_code == 'ERROR' for span in spans)", [2]);
      await expect("all(spans, status_code != 'ERROR')", [1, 3, 4]);
      await expect("count(spans, span_kind == 'LLM') >= 1", [1, 2]);
      await expect('count(spans) == 1', [3, 4]);
      await expect('any(spans)', [1, 2, 3, 4]);
      await expect("any(spans, annotations['hallucination'].label == 'yes')", [2]);
      await expect("any(s.name == 't1-lookup' and s.latency_ms < latency_ms for s in spans)", [1]);
      await expect("not any(spans, span_kind == 'TOOL')", [2, 3, 4]);
    });

    it('filters on trace annotations', async () => {
      await expect("trace_annotations['resolution'].label == 'resolved'", [1]);
      await expect("trace_annotations['resolution'].score >= 1", [1]);
      await expect("trace_annotations['resolution'] is None", [2, 3, 4]);
      await expect("trace_annotations['resolution']", [1]);
    });

    it('uses the given alias', async () => {
      const filter = compileTraceFilter(
        "'refund' in input and any(spans, span_kind == 'TOOL')",
        dialect,
        { alias: 't' },
      );
      assert.deepEqual(await db.select('traces', filter, 't'), [T(1)]);
    });
  });
}

describe('compileTraceFilter: strict names', () => {
  const fails = (
    expression: string,
    column: number,
    suggestion?: string,
    message?: RegExp,
  ): void => {
    assert.throws(
      () => compileTraceFilter(expression, 'sqlite'),
      (error: unknown) => {
        assert.ok(error instanceof FilterSyntaxError, `${expression}: ${String(error)}`);
        assert.equal(error.column, column, `${expression}: ${error.message}`);
        assert.equal(error.suggestion, suggestion, `${expression}: ${error.message}`);
        if (message) assert.match(error.message, message, expression);
        return true;
      },
    );
  };

  it('suggests the nearest trace name', () => {
    fails('latncy_ms > 1', 1, 'latency_ms', /unknown name 'latncy_ms' in a trace filter/);
    fails('num_span > 1', 1, 'num_spans');
    fails('foo > 1', 1, undefined, /unknown name/);
    fails('latency_ms == nul', 15, 'None');
  });

  it('points span names to any(spans, …)', () => {
    fails("span_kind == 'LLM'", 1, undefined, /span field: use any\(spans/);
    fails("span.name == 'x'", 1, undefined, /any\(spans, <condition>\)/);
    fails("annotations['x'].label == 'y'", 1, 'trace_annotations');
  });

  it('checks collections and their use', () => {
    fails('any(spnas, latency_ms > 1)', 5, 'spans', /not a collection/);
    fails('any(traces, latency_ms > 1)', 5, undefined, /not a collection/);
    fails('all(spans)', 1, undefined, /expected all\(spans/);
    fails('any(1, 2)', 5, undefined, /expected any\(spans/);
    fails('any(s for s in spans)', 5, undefined, /whole row/);
    fails('any(s.latncy_ms > 1 for s in spans)', 7, 'latency_ms');
  });
});
