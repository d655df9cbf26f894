import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { attributeMatchCondition, parseAttributeMatch } from './attribute-match.js';
import { FilterSyntaxError } from './filter-syntax-error.js';
import { fullTextCondition, type SearchField } from './full-text-condition.js';
import type { AnnotationRow } from './filter-test-database.js';
import {
  FILTER_TEST_DIALECTS,
  openDialectTestDatabase,
  SqliteTestDatabase,
  type DialectTestDatabase,
} from './filter-test-dialects.js';
import { SPAN_FILTER_SPANS } from './span-filter-fixture.js';
import { compileSpanFilter } from './span-filter-compiler.js';

const SPANS = SPAN_FILTER_SPANS;

const ALL = SPANS.map((s) => s.key).sort();

for (const { dialect, skip } of FILTER_TEST_DIALECTS) {
  describe(`compileSpanFilter on a real ${dialect} database`, { skip }, () => {
    let db: DialectTestDatabase;

    before(async () => {
      db = await openDialectTestDatabase(dialect);
      await db.insertSpans(SPANS);
      const annotate = async (span: string, annotation: AnnotationRow) =>
        db.annotate('span_annotations', await db.spanRowid(span), annotation);
      await annotate('llm-call', { name: 'correctness', label: 'correct', score: 1 });
      // A second annotator disagreeing: references are existential over both.
      await annotate('llm-call', {
        name: 'correctness',
        label: 'incorrect',
        score: 0,
        identifier: 'run-2',
      });
      await annotate('agent-step', {
        name: 'correctness',
        label: 'incorrect',
        score: 0.2,
        explanation: 'wrong tool',
      });
      await annotate('root-chain', { name: 'note', explanation: 'check this' });
      await db.annotate('trace_annotations', await db.traceRowid(1), {
        name: 'quality',
        label: 'good',
      });
    });
    after(() => db.close());

    const spans = (expression: string): Promise<string[]> =>
      db.select('spans', compileSpanFilter(expression, dialect));
    const expect = async (expression: string, expected: string[]): Promise<void> =>
      assert.deepEqual(await spans(expression), [...expected].sort(), expression);
    const except = (...keys: string[]): string[] => ALL.filter((k) => !keys.includes(k));

    it("matches Phoenix's documented examples", async () => {
      await expect("span_kind == 'LLM'", ['llm-call', 'llm-nested']);
      await expect("'agent' in name", ['agent-step']);
      await expect('latency_ms > 1000', ['llm-call', 'root-chain']);
      // llm-nested has no llm.token_count.total attribute (its derived column is 15): not matched.
      await expect('llm.token_count.total > 100', ['llm-call']);
      await expect("metadata['topic'] == 'billing'", ['root-chain']);
      await expect("annotations['correctness'].label == 'correct'", ['llm-call']);
      await expect('parent_id is None', ['plain', 'root-chain', 'root-two']);
      await expect("status_code == 'ERROR'", ['agent-step']);
      await expect("'hello' in input.value", ['root-chain']);
      await expect("llm.model_name == 'gpt-4o' and latency_ms > 1000", ['llm-call']);
    });

    it('upper-cases literals compared with span_kind and status_code', async () => {
      await expect("span_kind == 'llm'", ['llm-call', 'llm-nested']);
      await expect("status_code == 'error'", ['agent-step']);
      await expect("span_kind in ['llm', 'Tool']", ['llm-call', 'llm-nested', 'tool-call']);
      await expect("span_kind == 'UNKNOWN'", ['plain', 'root-two']);
      await expect("span_kind != 'unknown' and span_kind not in ('llm', 'tool', 'chain')", [
        'agent-step',
        'orphan',
      ]);
    });

    it('tells roots with orphans (parent_span) from strict roots (parent_id)', async () => {
      await expect('parent_span is None', ['orphan', 'plain', 'root-chain', 'root-two']);
      await expect('parent_span is not None', [
        'agent-step',
        'llm-call',
        'llm-nested',
        'tool-call',
      ]);
      await expect('parent_id is not None', [
        'agent-step',
        'llm-call',
        'llm-nested',
        'orphan',
        'tool-call',
      ]);
    });

    it('makes every comparison with a missing value false, and not its complement', async () => {
      await expect("llm.model_name != 'gpt-4o'", ['llm-nested']);
      await expect("not (llm.model_name == 'gpt-4o')", except('llm-call'));
      await expect("not llm.model_name != 'gpt-4o'", except('llm-nested'));
      await expect('llm.token_count.prompt < 1000 or llm.token_count.prompt >= 1000', [
        'llm-call',
        'llm-nested',
      ]);
      await expect(
        'not (llm.token_count.prompt < 1000 or llm.token_count.prompt >= 1000)',
        except('llm-call', 'llm-nested'),
      );
      await expect('llm.model_name is None', except('llm-call', 'llm-nested'));
      await expect('llm.model_name == None', except('llm-call', 'llm-nested'));
      await expect('llm.model_name != None', ['llm-call', 'llm-nested']);
      await expect("no.such.attribute == 'x' or no.such.attribute != 'x'", []);
    });

    it('never yields SQL NULL, so callers can negate or combine the condition', async () => {
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
        const filter = compileSpanFilter(expression, dialect);
        const values = await db.conditionValues('spans', filter);
        assert.equal(values.filter((v) => v === null).length, 0, expression);
      }
    });

    it('reads JSON attributes by the type the other side calls for', async () => {
      // x.mixed is 'abc' (tool-call), 7 (orphan) and true (root-two).
      await expect('x.mixed > 5', ['orphan']);
      await expect("x.mixed == 'abc'", ['tool-call']);
      await expect("x.mixed < 'b'", ['tool-call']);
      await expect('x.mixed == True', ['root-two']);
      await expect('x.mixed == 1', ['root-two']);
      await expect("x.mixed in [7, 'abc']", ['orphan', 'tool-call']);
      await expect("x.mixed not in [7, 'abc']", ['root-two']);
      await expect('x.mixed + 1 == 8', ['orphan']);
      await expect('llm.token_count.total == 12.5', ['root-two']);
      await expect('llm.model_name == llm.model_name', ['llm-call', 'llm-nested']);
    });

    it('reads nested and indexed attribute paths', async () => {
      await expect("llm.input_messages.0.message.role == 'user'", ['llm-call']);
      await expect("attributes['llm.input_messages.0.message.role'] == 'user'", ['llm-call']);
      await expect("attributes['llm.input_messages'][0]['message']['role'] == 'user'", [
        'llm-call',
      ]);
      await expect("attributes['llm.model_name'] == 'claude-3'", ['llm-nested']);
      await expect("attributes['metadata.topic'] == 'billing'", ['root-chain']);
      await expect("metadata['nested']['a.b'] == 1", ['root-chain']);
      await expect("tag.tags.0 == 'vip'", ['root-chain']);
      await expect("attributes['tag.tags'][1] == 'beta'", ['root-chain']);
      await expect("llm.input_messages.1.message.role == 'user'", []);
      await expect("user.id == 'u1' and session.id == 's1'", ['root-chain']);
    });

    it('tests membership in list attributes exactly and containment in text loosely', async () => {
      await expect("'vip' in tag.tags", ['root-chain']);
      await expect("'vi' in tag.tags", []);
      await expect("'gold' not in tag.tags", ['root-chain']);
      await expect("'vip' not in tag.tags", []);
      await expect("'BILLING' in metadata", ['root-chain']);
      await expect("'SEARCH' in tool.name", ['tool-call']);
      await expect("'boom' in status_message", ['agent-step']);
      await expect("'exception' in events", ['agent-step']);
      await expect("'billing' in attributes", ['root-chain']);
      await expect("'4o' in llm.model_name", ['llm-call']);
      await expect("'4o' not in llm.model_name", ['llm-nested']);
    });

    it('folds case and accents in containment, in any script', async () => {
      await expect("'CAFE' in llm.input_messages.0.message.content", ['llm-call']);
      await expect("'café' in llm.input_messages.0.message.content", ['llm-call']);
      await expect("'Agent-STEP' in name", ['agent-step']);
    });

    it('searches input.value and output.value through the full-text index, exactly while it catches up', async () => {
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
      const check = async (): Promise<void> => {
        for (const [expression, expected] of cases) await expect(expression, expected);
      };
      await check(); // SQLite: nothing indexed, every span is scanned; PostgreSQL: always exact
      if (!(db instanceof SqliteTestDatabase)) return;
      db.sqlite.indexForSearch(3);
      await check(); // partly indexed
      db.sqlite.indexForSearch();
      const indexed = db.sqlite.db
        .prepare('SELECT indexed_through FROM search_index_state')
        .pluck()
        .get();
      assert.ok(typeof indexed === 'number' && indexed >= SPANS.length);
      await check(); // fully indexed
    });

    it('reaches annotations, existentially over annotations of one name', async () => {
      await expect("annotations['correctness']", ['agent-step', 'llm-call']);
      await expect("annotations['correctness'] is not None", ['agent-step', 'llm-call']);
      await expect("annotations['correctness'] is None", except('agent-step', 'llm-call'));
      await expect("not annotations['correctness']", except('agent-step', 'llm-call'));
      await expect("annotations['correctness'].score > 0.5", ['llm-call']);
      // llm-call's second annotator scored 0.
      await expect("annotations['correctness'].score < 0.5", ['agent-step', 'llm-call']);
      await expect("annotations['correctness'].label in ['incorrect']", ['agent-step', 'llm-call']);
      await expect("evals['correctness'].explanation == 'wrong tool'", ['agent-step']);
      await expect("'TOOL' in annotations['correctness'].explanation", ['agent-step']);
      await expect("annotations['note'].explanation is not None", ['root-chain']);
      await expect("annotations['correctness'].explanation is None", except('agent-step'));
      await expect("annotations['correctness'].score * 10 >= 2 and span_kind == 'AGENT'", [
        'agent-step',
      ]);
      await expect("0 < annotations['correctness'].score < 0.5", ['agent-step']);
      await expect("trace_annotations['quality'].label == 'good'", [
        'agent-step',
        'llm-call',
        'llm-nested',
        'root-chain',
        'tool-call',
      ]);
      await expect("annotations['no such'].label == 'x'", []);
    });

    it('sums LLM token counts over the subtree for cumulative counts', async () => {
      await expect('cumulative_llm_token_count_total == 165', ['root-chain']);
      await expect('cumulative_llm_token_count_prompt == 10', [
        'agent-step',
        'llm-nested',
        'tool-call',
      ]);
      await expect('cumulative_token_count.completion == 55', ['root-chain']);
      await expect('cumulative_llm_token_count_total == 150', ['llm-call']);
      await expect('cumulative_llm_token_count_total == 0', ['orphan', 'plain', 'root-two']);
    });

    it('does arithmetic as Python does, with division by zero as a missing value', async () => {
      await expect('latency_ms / 1000 > 1.9', ['root-chain']);
      await expect('llm.token_count.prompt + llm.token_count.completion == 150', ['llm-call']);
      await expect('llm.token_count.prompt % 7 == 2', ['llm-call']);
      await expect('-llm.token_count.prompt < -50', ['llm-call']);
      await expect('llm.token_count.prompt / 0 > 1', []);
      await expect('llm.token_count.prompt / 0 is None', ALL);
      await expect('-7 % 3 == 2 and 7 % -3 == -2 and 7.5 % 2 == 1.5', ALL);
      await expect('7 / 2 == 3.5 and 2 * 3 - 1 == 5', ALL);
      await expect('9223372036854775807 + 1 > 0', ALL);
    });

    it('casts with str(), float() and int()', async () => {
      await expect("float(metadata['score']) > 0.7", ['root-chain']);
      await expect('int(llm.token_count.total) == 12', ['root-two']);
      await expect("str(llm.token_count.prompt) == '100'", ['llm-call']);
      await expect("str(x.mixed) == 'True'", ['root-two']);
      await expect('float(name) > 0', []);
      await expect("int('42') == 42 and float('2.5') == 2.5 and str(3) == '3'", ALL);
      await expect("'10' in str(cumulative_llm_token_count_prompt)", [
        'agent-step',
        'llm-call',
        'llm-nested',
        'root-chain',
        'tool-call',
      ]);
    });

    it('compares times with ISO datetimes that name their timezone', async () => {
      // The base time is 2023-11-14T22:13:20Z; 'plain' started 100 s earlier.
      await expect("start_time < '2023-11-14T22:13:00Z'", ['plain']);
      await expect("start_time < '2023-11-14T23:13:00+01:00'", ['plain']);
      await expect("start_time >= '2023-11-14T22:13:20.040Z'", ['llm-nested']);
      await expect("'2023-11-14T22:13:20Z' <= start_time < '2023-11-14T22:13:20.015Z'", [
        'orphan',
        'llm-call',
        'root-chain',
        'root-two',
      ]);
      await expect("end_time > '2023-11-14T22:13:21.9Z'", ['root-chain']);
      await expect('end_time > start_time', ALL);
      await expect("start_time in ['2023-11-14T22:13:20.010Z']", ['llm-call']);
      await expect(
        "start_time > '0001-01-01T00:00:00Z' and start_time < '9999-12-31T23:59:59Z'",
        ALL,
      );
    });

    it('never lets a name or literal into the SQL text', async () => {
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
          filter = compileSpanFilter(expression, dialect);
        } catch (error) {
          assert.ok(error instanceof FilterSyntaxError, expression);
          continue;
        }
        assert.doesNotMatch(filter.sql, /1=1|DROP|x'/, expression);
        assert.deepEqual(await db.select('spans', filter), [], expression);
      }
      assert.equal(await db.count('spans'), SPANS.length);
    });

    it('uses the given alias', async () => {
      const filter = compileSpanFilter(
        "span_kind == 'LLM' and annotations['correctness']",
        dialect,
        { alias: 's' },
      );
      assert.deepEqual(await db.select('spans', filter, 's'), ['llm-call']);
      assert.throws(
        () => compileSpanFilter('latency_ms > 1', dialect, { alias: 's; DROP' }),
        (e) => !(e instanceof FilterSyntaxError),
      );
    });

    it("matches Phoenix's attribute=key:value span filter", async () => {
      const match = async (raw: string, expected: string[]): Promise<void> => {
        const { key, value } = parseAttributeMatch(raw);
        const filter = attributeMatchCondition(dialect, 'spans', key, value);
        assert.deepEqual(await db.select('spans', filter), [...expected].sort(), raw);
      };
      await match('llm.model_name:gpt-4o', ['llm-call']);
      await match('llm.token_count.prompt:100', ['llm-call']);
      await match('llm.token_count.prompt:100.0', ['llm-call']);
      await match('llm.token_count.prompt:"100"', []);
      await match('llm.token_count.total:12.5', ['root-two']);
      await match('x.mixed:true', ['root-two']);
      await match('x.mixed:1', []);
      await match('x.mixed:7', ['orphan']);
      await match('x.mixed:abc', ['tool-call']);
      await match('user.id:u1', ['root-chain']);
      await match('session.id:s2', ['root-two']);
      await match('llm.input_messages.0.message.role:user', ['llm-call']);
      await match('tag.tags.0:vip', []);
      await match('a"b:x', []);
      await match("name:x' OR 1=1 --", []);
    });

    it('searches input and output text with the full-text condition', async () => {
      const search = async (field: SearchField, needle: string, expected: string[]) =>
        assert.deepEqual(
          await db.select('spans', fullTextCondition(dialect, 'spans', field, needle)),
          [...expected].sort(),
          `${field}: ${needle}`,
        );
      await search('input', 'HELLO', ['root-chain']);
      await search('output', 'thanks', ['root-chain']);
      await search('any', 'fine', ['root-chain']);
      await search('any', 'brûlée', ['root-two']);
      await search('input', '%', []);
      await search('input', '_', []);
      await search('input', '\\', []);
    });

    it('takes limits from the options', async () => {
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
  });
}

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
    fails("events in ['x']", 1, undefined, /only be searched with 'in'/);
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
