import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FilterSyntaxError } from './filter-syntax-error.js';
import { FilterTestDatabase } from './filter-test-database.js';
import { SPAN_FILTER_SPANS } from './span-filter-fixture.js';
import { compileSpanFilter } from './span-filter-compiler.js';

const SPANS = SPAN_FILTER_SPANS;

const ALL = SPANS.map((s) => s.key).sort();

describe('compileSpanFilter on a real SQLite database', () => {
  let db: FilterTestDatabase;

  before(() => {
    db = new FilterTestDatabase();
    db.insertSpans(SPANS);
    const annotate = (span: string, annotation: Parameters<FilterTestDatabase['annotate']>[2]) =>
      db.annotate('span_annotations', db.spanRowid(span), annotation);
    annotate('llm-call', { name: 'correctness', label: 'correct', score: 1 });
    // A second annotator disagreeing: references are existential over both.
    annotate('llm-call', {
      name: 'correctness',
      label: 'incorrect',
      score: 0,
      identifier: 'run-2',
    });
    annotate('agent-step', {
      name: 'correctness',
      label: 'incorrect',
      score: 0.2,
      explanation: 'wrong tool',
    });
    annotate('root-chain', { name: 'note', explanation: 'check this' });
    db.annotate('trace_annotations', db.traceRowid(1), { name: 'quality', label: 'good' });
  });
  after(() => db.close());

  const spans = (expression: string): string[] =>
    db.select('spans', compileSpanFilter(expression, 'sqlite'));
  const expect = (expression: string, expected: string[]): void =>
    assert.deepEqual(spans(expression), [...expected].sort(), expression);
  const except = (...keys: string[]): string[] => ALL.filter((k) => !keys.includes(k));

  it("matches Phoenix's documented examples", () => {
    expect("span_kind == 'LLM'", ['llm-call', 'llm-nested']);
    expect("'agent' in name", ['agent-step']);
    expect('latency_ms > 1000', ['llm-call', 'root-chain']);
    // llm-nested has no llm.token_count.total attribute (its derived column is 15): not matched.
    expect('llm.token_count.total > 100', ['llm-call']);
    expect("metadata['topic'] == 'billing'", ['root-chain']);
    expect("annotations['correctness'].label == 'correct'", ['llm-call']);
    expect('parent_id is None', ['plain', 'root-chain', 'root-two']);
    expect("status_code == 'ERROR'", ['agent-step']);
    expect("'hello' in input.value", ['root-chain']);
    expect("llm.model_name == 'gpt-4o' and latency_ms > 1000", ['llm-call']);
  });

  it('upper-cases literals compared with span_kind and status_code', () => {
    expect("span_kind == 'llm'", ['llm-call', 'llm-nested']);
    expect("status_code == 'error'", ['agent-step']);
    expect("span_kind in ['llm', 'Tool']", ['llm-call', 'llm-nested', 'tool-call']);
    expect("span_kind == 'UNKNOWN'", ['plain', 'root-two']);
    expect("span_kind != 'unknown' and span_kind not in ('llm', 'tool', 'chain')", [
      'agent-step',
      'orphan',
    ]);
  });

  it('tells roots with orphans (parent_span) from strict roots (parent_id)', () => {
    expect('parent_span is None', ['orphan', 'plain', 'root-chain', 'root-two']);
    expect('parent_span is not None', ['agent-step', 'llm-call', 'llm-nested', 'tool-call']);
    expect('parent_id is not None', [
      'agent-step',
      'llm-call',
      'llm-nested',
      'orphan',
      'tool-call',
    ]);
  });

  it('makes every comparison with a missing value false, and not its complement', () => {
    expect("llm.model_name != 'gpt-4o'", ['llm-nested']);
    expect("not (llm.model_name == 'gpt-4o')", except('llm-call'));
    expect("not llm.model_name != 'gpt-4o'", except('llm-nested'));
    expect('llm.token_count.prompt < 1000 or llm.token_count.prompt >= 1000', [
      'llm-call',
      'llm-nested',
    ]);
    expect(
      'not (llm.token_count.prompt < 1000 or llm.token_count.prompt >= 1000)',
      except('llm-call', 'llm-nested'),
    );
    expect('llm.model_name is None', except('llm-call', 'llm-nested'));
    expect('llm.model_name == None', except('llm-call', 'llm-nested'));
    expect('llm.model_name != None', ['llm-call', 'llm-nested']);
    expect("no.such.attribute == 'x' or no.such.attribute != 'x'", []);
  });

  it('never yields SQL NULL, so callers can negate or combine the condition', () => {
    for (const expression of [
      "llm.model_name != 'gpt-4o'",
      'llm.token_count.prompt / 0 > 1',
      "annotations['correctness'].score > 0.5 or x.mixed > 1",
      "'x' in llm.model_name",
      "'x' not in tool.name",
      'x.mixed in [7, "abc"]',
      "float(metadata['score']) > 0.5",
      'parent_span is None',
      'cumulative_llm_token_count_total > 0',
    ]) {
      const filter = compileSpanFilter(expression, 'sqlite');
      const nulls = db.db
        .prepare(`SELECT COUNT(*) FROM spans WHERE (${filter.sql}) IS NULL`)
        .pluck()
        .get(...filter.params);
      assert.equal(nulls, 0, expression);
    }
  });

  it('reads JSON attributes by the type the other side calls for', () => {
    // x.mixed is 'abc' (tool-call), 7 (orphan) and true (root-two).
    expect('x.mixed > 5', ['orphan']);
    expect("x.mixed == 'abc'", ['tool-call']);
    expect("x.mixed < 'b'", ['tool-call']);
    expect('x.mixed == True', ['root-two']);
    expect('x.mixed == 1', ['root-two']);
    expect("x.mixed in [7, 'abc']", ['orphan', 'tool-call']);
    expect("x.mixed not in [7, 'abc']", ['root-two']);
    expect('x.mixed + 1 == 8', ['orphan']);
    expect('llm.token_count.total == 12.5', ['root-two']);
    expect('llm.model_name == llm.model_name', ['llm-call', 'llm-nested']);
  });

  it('reads nested and indexed attribute paths', () => {
    expect("llm.input_messages.0.message.role == 'user'", ['llm-call']);
    expect("attributes['llm.input_messages.0.message.role'] == 'user'", ['llm-call']);
    expect("attributes['llm.input_messages'][0]['message']['role'] == 'user'", ['llm-call']);
    expect("attributes['llm.model_name'] == 'claude-3'", ['llm-nested']);
    expect("attributes['metadata.topic'] == 'billing'", ['root-chain']);
    expect("metadata['nested']['a.b'] == 1", ['root-chain']);
    expect("tag.tags.0 == 'vip'", ['root-chain']);
    expect("attributes['tag.tags'][1] == 'beta'", ['root-chain']);
    expect("llm.input_messages.1.message.role == 'user'", []);
    expect("user.id == 'u1' and session.id == 's1'", ['root-chain']);
  });

  it('tests membership in list attributes exactly and containment in text loosely', () => {
    expect("'vip' in tag.tags", ['root-chain']);
    expect("'vi' in tag.tags", []);
    expect("'gold' not in tag.tags", ['root-chain']);
    expect("'vip' not in tag.tags", []);
    expect("'BILLING' in metadata", ['root-chain']);
    expect("'SEARCH' in tool.name", ['tool-call']);
    expect("'boom' in status_message", ['agent-step']);
    expect("'exception' in events", ['agent-step']);
    expect("'billing' in attributes", ['root-chain']);
    expect("'4o' in llm.model_name", ['llm-call']);
    expect("'4o' not in llm.model_name", ['llm-nested']);
  });

  it('folds case and accents in containment, in any script', () => {
    expect("'CAFE' in llm.input_messages.0.message.content", ['llm-call']);
    expect("'café' in llm.input_messages.0.message.content", ['llm-call']);
    expect("'Agent-STEP' in name", ['agent-step']);
  });

  it('searches input.value and output.value through the full-text index, exactly while it catches up', () => {
    const cases: [string, string[]][] = [
      ["'hello' in input.value", ['root-chain']],
      ["'HELLO WORLD' in input.value", ['root-chain']],
      ["'テキスト' in input.value", ['orphan']],
      ["'日本' in input.value", ['orphan']], // below one trigram: scanned
      ["'creme brulee' in input.value", ['root-two']],
      ["'CRÈME' in input.value", ['root-two']],
      ["'thanks' in output.value", ['root-chain']],
      ["'café' in input.value", ['llm-call']], // the input messages are input text too
      ["'hello' in attributes['input.value']", ['root-chain']],
      ["'hello' in input", ['root-chain']],
      ["'hello' not in input.value", ['orphan', 'root-two']],
      ['\'"quoted" OR x\' in input.value', []],
      ["'' in output.value", ['root-chain']],
    ];
    const check = (): void => {
      for (const [expression, expected] of cases) expect(expression, expected);
    };
    check(); // nothing indexed: every span is scanned
    db.indexForSearch(3);
    check(); // partly indexed
    db.indexForSearch();
    const indexed = db.db.prepare('SELECT indexed_through FROM search_index_state').pluck().get();
    assert.ok(typeof indexed === 'number' && indexed >= SPANS.length);
    check(); // fully indexed
  });

  it('reaches annotations, existentially over annotations of one name', () => {
    expect("annotations['correctness']", ['agent-step', 'llm-call']);
    expect("annotations['correctness'] is not None", ['agent-step', 'llm-call']);
    expect("annotations['correctness'] is None", except('agent-step', 'llm-call'));
    expect("not annotations['correctness']", except('agent-step', 'llm-call'));
    expect("annotations['correctness'].score > 0.5", ['llm-call']);
    // llm-call's second annotator scored 0.
    expect("annotations['correctness'].score < 0.5", ['agent-step', 'llm-call']);
    expect("annotations['correctness'].label in ['incorrect']", ['agent-step', 'llm-call']);
    expect("evals['correctness'].explanation == 'wrong tool'", ['agent-step']);
    expect("'TOOL' in annotations['correctness'].explanation", ['agent-step']);
    expect("annotations['note'].explanation is not None", ['root-chain']);
    expect("annotations['correctness'].explanation is None", except('agent-step'));
    expect("annotations['correctness'].score * 10 >= 2 and span_kind == 'AGENT'", ['agent-step']);
    expect("0 < annotations['correctness'].score < 0.5", ['agent-step']);
    expect("trace_annotations['quality'].label == 'good'", [
      'agent-step',
      'llm-call',
      'llm-nested',
      'root-chain',
      'tool-call',
    ]);
    expect("annotations['no such'].label == 'x'", []);
  });

  it('sums LLM token counts over the subtree for cumulative counts', () => {
    expect('cumulative_llm_token_count_total == 165', ['root-chain']);
    expect('cumulative_llm_token_count_prompt == 10', ['agent-step', 'llm-nested', 'tool-call']);
    expect('cumulative_token_count.completion == 55', ['root-chain']);
    expect('cumulative_llm_token_count_total == 150', ['llm-call']);
    expect('cumulative_llm_token_count_total == 0', ['orphan', 'plain', 'root-two']);
  });

  it('does arithmetic as Python does, with division by zero as a missing value', () => {
    expect('latency_ms / 1000 > 1.9', ['root-chain']);
    expect('llm.token_count.prompt + llm.token_count.completion == 150', ['llm-call']);
    expect('llm.token_count.prompt % 7 == 2', ['llm-call']);
    expect('-llm.token_count.prompt < -50', ['llm-call']);
    expect('llm.token_count.prompt / 0 > 1', []);
    expect('llm.token_count.prompt / 0 is None', ALL);
    expect('-7 % 3 == 2 and 7 % -3 == -2 and 7.5 % 2 == 1.5', ALL);
    expect('7 / 2 == 3.5 and 2 * 3 - 1 == 5', ALL);
    expect('9223372036854775807 + 1 > 0', ALL);
  });

  it('casts with str(), float() and int()', () => {
    expect("float(metadata['score']) > 0.7", ['root-chain']);
    expect('int(llm.token_count.total) == 12', ['root-two']);
    expect("str(llm.token_count.prompt) == '100'", ['llm-call']);
    expect("str(x.mixed) == 'True'", ['root-two']);
    expect('float(name) > 0', []);
    expect("int('42') == 42 and float('2.5') == 2.5 and str(3) == '3'", ALL);
    expect("'10' in str(cumulative_llm_token_count_prompt)", [
      'agent-step',
      'llm-call',
      'llm-nested',
      'root-chain',
      'tool-call',
    ]);
  });

  it('compares times with ISO datetimes that name their timezone', () => {
    // The base time is 2023-11-14T22:13:20Z; 'plain' started 100 s earlier.
    expect("start_time < '2023-11-14T22:13:00Z'", ['plain']);
    expect("start_time < '2023-11-14T23:13:00+01:00'", ['plain']);
    expect("start_time >= '2023-11-14T22:13:20.040Z'", ['llm-nested']);
    expect("'2023-11-14T22:13:20Z' <= start_time < '2023-11-14T22:13:20.015Z'", [
      'orphan',
      'llm-call',
      'root-chain',
      'root-two',
    ]);
    expect("end_time > '2023-11-14T22:13:21.9Z'", ['root-chain']);
    expect('end_time > start_time', ALL);
    expect("start_time in ['2023-11-14T22:13:20.010Z']", ['llm-call']);
    expect("start_time > '0001-01-01T00:00:00Z' and start_time < '9999-12-31T23:59:59Z'", ALL);
  });

  it('never lets a name or literal into the SQL text', () => {
    const attempts = [
      `name == "x' OR 1=1 --"`,
      `name == 'x" OR 1=1 --'`,
      "attributes['a'') OR 1=1 --'] == 1",
      `metadata["x\\"]"] == 1`,
      `attributes['a"]') OR 1=1 --'] is not None`,
      "annotations['x\\' OR 1=1 --'].label == 'y'",
      "'; DROP TABLE spans; --' in input.value",
      "'%' in name",
      "'_' in name",
      'x.y\\u0027 == 1',
    ];
    for (const expression of attempts) {
      let filter;
      try {
        filter = compileSpanFilter(expression, 'sqlite');
      } catch (error) {
        assert.ok(error instanceof FilterSyntaxError, expression);
        continue;
      }
      assert.doesNotMatch(filter.sql, /1=1|DROP|x'/, expression);
      assert.deepEqual(db.select('spans', filter), [], expression);
    }
    assert.equal(db.db.prepare('SELECT COUNT(*) FROM spans').pluck().get(), SPANS.length);
  });

  it('uses the given alias', () => {
    const filter = compileSpanFilter(
      "span_kind == 'LLM' and annotations['correctness']",
      'sqlite',
      { alias: 's' },
    );
    const rows = db.db
      .prepare(`SELECT s.name FROM spans AS s WHERE ${filter.sql}`)
      .pluck()
      .all(...filter.params);
    assert.deepEqual(rows, ['llm-call']);
    assert.throws(
      () => compileSpanFilter('latency_ms > 1', 'sqlite', { alias: 's; DROP' }),
      (e) => !(e instanceof FilterSyntaxError),
    );
  });

  it('takes limits from the options', () => {
    assert.throws(
      () =>
        compileSpanFilter("name == 'abcdefgh'", 'sqlite', {
          limits: { maxLength: 10, maxDepth: 64 },
        }),
      FilterSyntaxError,
    );
    assert.throws(
      () =>
        compileSpanFilter('((latency_ms > 1))', 'sqlite', {
          limits: { maxLength: 100, maxDepth: 1 },
        }),
      FilterSyntaxError,
    );
  });

  it('is not implemented for PostgreSQL yet, and says so without blaming the expression', () => {
    assert.throws(
      () => compileSpanFilter('latency_ms > 1', 'postgres'),
      (error) => error instanceof Error && !(error instanceof FilterSyntaxError),
    );
  });
});

describe('compileSpanFilter: errors', () => {
  const fails = (
    expression: string,
    column: number,
    suggestion?: string,
    message?: RegExp,
  ): void => {
    assert.throws(
      () => compileSpanFilter(expression, 'sqlite'),
      (error: unknown) => {
        assert.ok(error instanceof FilterSyntaxError, `${expression}: ${String(error)}`);
        assert.equal(error.column, column, `${expression}: ${error.message}`);
        assert.equal(error.suggestion, suggestion, `${expression}: ${error.message}`);
        if (message) assert.match(error.message, message, expression);
        return true;
      },
    );
  };

  it('suggests built-in names and literals for misspellings', () => {
    fails('latncy_ms > 1000', 1, 'latency_ms', /unknown name/);
    fails("spankind == 'LLM'", 1, 'span_kind');
    fails('latency > 5', 1, 'latency_ms');
    fails('parent_id is none', 14, 'None');
    fails('x == null', 6, 'None');
    fails('x == ture', 6, 'True');
    fails('context.spanid == "x"', 1, 'context.span_id');
    fails('cumulative_token_count.totl > 1', 1, 'cumulative_token_count.total');
    fails("anotations['x']", 1, 'annotations');
    fails("annotations['x'].lable == 'y'", 18, 'label', /no field/);
    fails("annotations['x'].label.x == 'y'", 18, undefined, /no field 'label.x'/);
    fails('lower(name) == "x"', 1, undefined, /not supported/);
    fails('flaot(x) > 1', 1, 'float');
  });

  it('refuses comparisons that can never make sense', () => {
    fails("latency_ms == 'fast'", 12, undefined, /cannot compare/);
    fails('name > 3', 6, undefined, /cannot compare/);
    fails("'a' in latency_ms", 5, undefined, /list or text on the right/);
    fails('1 in name', 1, undefined, /needs text on the left/);
    fails('name in [1, 2]', 10, undefined, /list holds a number/);
    fails("x in ['a', None]", 12, undefined, /None cannot be in a list/);
    fails('x in [name]', 7, undefined, /literals/);
    fails("annotations['q'] == 'good'", 1, undefined, /\.label, \.score or \.explanation/);
    fails('parent_span == 1', 1, undefined, /is None/);
    fails('parent_span', 1, 'parent_span is None');
    fails("x is 'a'", 3, '==', /only tests for None/);
    fails('x is not 1', 3, '!=');
    fails('None < 1', 6, undefined, /None cannot be compared/);
    fails('x < y is None', 7, undefined, /cannot be chained/);
    fails("latency_ms + 'a' > 1", 14, undefined, /needs numbers/);
    fails('events == "[]"', 1, undefined, /only be searched with 'in'/);
    fails('(a == 1) == True', 2, undefined, /condition cannot be compared/);
    fails('[1] == [1]', 1, undefined, /list can only follow/);
  });

  it('refuses values where a condition is expected', () => {
    fails('llm.model_name', 1, undefined, /is a value, not a condition/);
    fails("'x'", 1, undefined, /is a value/);
    fails('latency_ms > 1 and 3', 20, undefined, /is a value/);
  });

  it('refuses bad datetimes', () => {
    fails("start_time > '2024-01-01T00:00:00'", 14, undefined, /needs a timezone/);
    fails("start_time > 'yesterday'", 14, undefined, /not an ISO 8601/);
    fails("start_time > '2024-02-30T00:00:00Z'", 14, undefined, /not a valid datetime/);
    fails('start_time > 5', 14, undefined, /ISO datetime/);
    fails('start_time > name', 14, undefined, /ISO datetime/);
  });

  it('refuses the constructs of trace and session filters and of Python it does not support', () => {
    fails("any(spans, span_kind == 'LLM')", 1, undefined, /not available in a span filter/);
    fails('str(1, 2) == "x"', 1, undefined, /exactly one argument/);
    fails('str() == "x"', 1, undefined, /exactly one argument/);
    fails('float(None) > 1', 7, undefined, /cannot convert/);
    fails("foo['x'] == 1", 1, undefined, /not supported/);
    fails('attributes[0] == 1', 12, undefined, /quoted attribute key/);
    fails("metadata['a'].b == 1", 15, undefined, /only annotations have fields/);
  });

  it('ignores names that merely look like Object members', () => {
    assert.doesNotThrow(() =>
      compileSpanFilter("constructor == 'x' or __proto__ == 'y'", 'sqlite'),
    );
    assert.doesNotThrow(() => compileSpanFilter("toString.x == 'x'", 'sqlite'));
  });
});
