import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FilterSyntaxError } from './filter-syntax-error.js';
import {
  FILTER_TEST_DIALECTS,
  openDialectTestDatabase,
  type DialectTestDatabase,
} from './filter-test-dialects.js';
import { compileSessionFilter } from './session-filter-compiler.js';
import { SESSION_SPANS } from './session-trace-fixture.js';

for (const { dialect, skip } of FILTER_TEST_DIALECTS) {
  describe(`compileSessionFilter on a real ${dialect} database`, { skip }, () => {
    let db: DialectTestDatabase;

    before(async () => {
      db = await openDialectTestDatabase(dialect);
      await db.insertSpans(SESSION_SPANS);
      await db.annotate('session_annotations', await db.sessionRowid('s-beta'), {
        name: 'satisfaction',
        score: 0.9,
      });
      await db.annotate('trace_annotations', await db.traceRowid(1), {
        name: 'resolution',
        label: 'resolved',
      });
    });
    after(() => db.close());

    const expect = async (expression: string, sessions: string[]): Promise<void> =>
      assert.deepEqual(
        await db.select('sessions', compileSessionFilter(expression, dialect)),
        [...sessions].sort(),
        expression,
      );

    it('filters on the session rollups', async () => {
      await expect('num_traces == 2', ['s-alpha']);
      await expect('num_traces_with_error == 1', ['s-alpha']);
      await expect('token_count_total == 130', ['s-alpha']);
      await expect('token_count_prompt == 105 and token_count_completion == 25', ['s-alpha']);
      await expect('token_count_total == 0', ['s-beta']);
      await expect('num_spans == 5', ['s-alpha']);
      await expect('duration_ms > 10000', ['s-alpha']);
      await expect('llm_span_count == 2 and tool_span_count == 1', ['s-alpha']);
      await expect("session_id == 's-beta'", ['s-beta']);
      await expect("start_time >= '2023-11-14T22:13:30Z'", ['s-beta']);
      await expect('total_cost is None', ['s-alpha', 's-beta']);
    });

    it('reads the first input, the last output, and any input or output', async () => {
      await expect("'refund' in first_input", ['s-alpha']);
      await expect("'thanks' in first_input", []);
      await expect("'thanks' in any_input", ['s-alpha']);
      await expect("last_output == 'Welcome'", ['s-alpha']);
      await expect("'refund' in last_output", []);
      await expect("'SUNNY' in any_output", ['s-beta']);
      await expect("'天気' in first_input", ['s-beta']);
    });

    it("reads the root spans' attributes, existentially", async () => {
      await expect("user.id == 'u1'", ['s-alpha']);
      await expect("metadata['tier'] == 'gold'", ['s-alpha']);
      await expect("attributes['user.id'] in ['u2', 'u3']", ['s-beta']);
      await expect("user.id != 'u1'", ['s-beta']);
    });

    it('ranges over traces and spans', async () => {
      await expect('any(traces, error_count > 0)', ['s-alpha']);
      await expect("any(traces, any(spans, llm.model_name == 'claude-3'))", ['s-alpha']);
      await expect("any(spans, span_kind == 'RETRIEVER')", ['s-beta']);
      await expect("any(any(s.span_kind == 'TOOL' for s in t.spans) for t in traces)", ['s-alpha']);
      await expect('all(traces, error_count == 0)', ['s-beta']);
      await expect('count(traces, latency_ms > 500) == 2', ['s-alpha']);
      await expect("any(traces, trace_annotations['resolution'].label == 'resolved')", ['s-alpha']);
      await expect("any(t.num_spans > 2 and 'refund' in t.input for t in traces)", ['s-alpha']);
    });

    it('filters on session annotations', async () => {
      await expect("session_annotations['satisfaction'].score > 0.5", ['s-beta']);
      await expect("session_annotations['satisfaction'] is None", ['s-alpha']);
    });

    it('uses the given alias', async () => {
      const filter = compileSessionFilter("'refund' in any_input", dialect, { alias: 'x' });
      assert.deepEqual(await db.select('sessions', filter, 'x'), ['s-alpha']);
    });
  });
}

describe('compileSessionFilter: strict names', () => {
  const fails = (
    expression: string,
    column: number,
    suggestion?: string,
    message?: RegExp,
  ): void => {
    assert.throws(
      () => compileSessionFilter(expression, 'sqlite'),
      (error: unknown) => {
        assert.ok(error instanceof FilterSyntaxError, `${expression}: ${String(error)}`);
        assert.equal(error.column, column, `${expression}: ${error.message}`);
        assert.equal(error.suggestion, suggestion, `${expression}: ${error.message}`);
        if (message) assert.match(error.message, message, expression);
        return true;
      },
    );
  };

  it('suggests the nearest session name', () => {
    fails('num_trace > 1', 1, 'num_traces', /in a session filter/);
    fails("'x' in input", 8, 'first_input', /no single input/);
    fails("output == 'x'", 1, 'last_output');
    fails('latency_ms > 1', 1, undefined, /unknown name/);
  });

  it('points annotations of traces and spans to the collections', () => {
    fails("trace_annotations['x'].label == 'y'", 1, 'session_annotations', /any\(traces/);
    fails("annotations['x']", 1, 'session_annotations', /any\(spans/);
    fails('any(tracse, error_count > 0)', 5, 'traces');
  });
});
