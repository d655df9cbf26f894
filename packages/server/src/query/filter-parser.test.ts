import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FilterNode } from './filter-ast.js';
import { DEFAULT_MAX_FILTER_DEPTH, DEFAULT_MAX_FILTER_LENGTH } from './filter-limits.js';
import { parseFilter } from './filter-parser.js';
import { FilterSyntaxError } from './filter-syntax-error.js';

/** A compact rendering that makes the tree's grouping visible. */
function show(node: FilterNode): string {
  switch (node.type) {
    case 'or':
    case 'and':
      return `(${node.type} ${node.operands.map(show).join(' ')})`;
    case 'not':
      return `(not ${show(node.operand)})`;
    case 'compare':
      return `(${show(node.left)}${node.links.map((l) => ` ${l.operator} ${show(l.right)}`).join('')})`;
    case 'arithmetic':
      return `(${node.operator} ${show(node.left)} ${show(node.right)})`;
    case 'negate':
      return `(neg ${show(node.operand)})`;
    case 'string':
      return JSON.stringify(node.value);
    case 'number':
      return node.text;
    case 'boolean':
      return node.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'name':
      return node.segments.join('.');
    case 'subscript':
      return `${show(node.base)}${node.keys.map((k) => (k.isIndex ? `[${k.value}]` : `[${JSON.stringify(k.value)}]`)).join('')}`;
    case 'member':
      return `${show(node.object)}.${node.member}`;
    case 'call':
      return `${node.func}(${node.args.map(show).join(', ')})`;
    case 'comprehension':
      return `${show(node.element)} for ${node.variable} in ${show(node.collection)}`;
    case 'list':
      return `[${node.elements.map(show).join(', ')}]`;
  }
}

const parsed = (source: string): string => show(parseFilter(source));

function syntaxError(source: string, column: number, suggestion?: string, message?: RegExp): void {
  assert.throws(
    () => parseFilter(source),
    (error: unknown) => {
      assert.ok(
        error instanceof FilterSyntaxError,
        `expected FilterSyntaxError, got ${String(error)}`,
      );
      assert.equal(error.column, column, `column of: ${error.message}`);
      assert.equal(error.suggestion, suggestion, `suggestion of: ${error.message}`);
      if (message) assert.match(error.message, message);
      assert.match(error.message, new RegExp(`at column ${column}`));
      return true;
    },
    source,
  );
}

describe('parseFilter: precedence', () => {
  it('binds or < and < not < comparisons, as Python does', () => {
    assert.equal(parsed('a == 1 or b == 2 and c == 3'), '(or (a == 1) (and (b == 2) (c == 3)))');
    assert.equal(parsed('not a == 1 and b'), '(and (not (a == 1)) b)');
    assert.equal(parsed('not not a'), '(not (not a))');
    assert.equal(parsed('(a or b) and c'), '(and (or a b) c)');
  });

  it('binds comparisons < + - < * / % < unary minus', () => {
    assert.equal(parsed('a + b * c > -d % 2'), '((+ a (* b c)) > (% (neg d) 2))');
    assert.equal(parsed('a - b - c == 0'), '((- (- a b) c) == 0)');
    assert.equal(parsed('a / b / c'), '(/ (/ a b) c)');
    assert.equal(parsed('-(a + b) * 2'), '(* (neg (+ a b)) 2)');
    assert.equal(parsed('+a'), 'a');
  });

  it('folds negative number literals, so lists can hold them', () => {
    assert.equal(parsed('x in [-1, 2.5, -3e2]'), '(x in [-1, 2.5, -3e2])');
  });

  it('keeps chained comparisons as one node', () => {
    assert.equal(parsed('1 < latency_ms <= 5'), '(1 < latency_ms <= 5)');
    assert.equal(parsed('a == b != c'), '(a == b != c)');
    assert.equal(parsed("'x' in name not in y"), '("x" in name not in y)');
  });

  it('parses in, not in, is, is not', () => {
    assert.equal(parsed("'agent' in name"), '("agent" in name)');
    assert.equal(parsed("'agent' not in name"), '("agent" not in name)');
    assert.equal(parsed('parent_id is None'), '(parent_id is None)');
    assert.equal(parsed('parent_id is not None'), '(parent_id is not None)');
    assert.equal(parsed('not x is None'), '(not (x is None))');
  });
});

describe('parseFilter: operands', () => {
  it('reads literals', () => {
    assert.equal(parsed('x == "a\\"b\\n"'), '(x == "a\\"b\\n")');
    assert.equal(parsed("x == 'a' 'b'"), '(x == "ab")');
    assert.equal(parsed('x == 1_000'), '(x == 1000)');
    assert.equal(
      parsed('x == True or y == False or z == None'),
      '(or (x == True) (y == False) (z == None))',
    );
    assert.equal(parsed("x == '日本語 café'"), '(x == "日本語 café")');
  });

  it('reads dotted names, with digit segments, as one name', () => {
    assert.equal(
      parsed("llm.input_messages.0.message.content == 'x'"),
      '(llm.input_messages.0.message.content == "x")',
    );
  });

  it('reads subscripts, annotation fields and index keys', () => {
    assert.equal(parsed("attributes['llm.model_name']"), 'attributes["llm.model_name"]');
    assert.equal(parsed("metadata['topic'] == 'x'"), '(metadata["topic"] == "x")');
    assert.equal(
      parsed("attributes['llm.input_messages'][007]['message.role']"),
      'attributes["llm.input_messages"][7]["message.role"]',
    );
    assert.equal(
      parsed("annotations['correctness'].label == 'correct'"),
      '(annotations["correctness"].label == "correct")',
    );
    assert.equal(parsed("evals['q'] .score > 0.5"), '(evals["q"].score > 0.5)');
    assert.equal(parsed("span.attributes['x']"), 'span.attributes["x"]');
  });

  it('reads calls, lists, tuples and comprehensions', () => {
    assert.equal(parsed("float(metadata['score']) > 0.5"), '(float(metadata["score"]) > 0.5)');
    assert.equal(parsed("span_kind in ('LLM', 'TOOL',)"), '(span_kind in ["LLM", "TOOL"])');
    assert.equal(parsed("span_kind in ['LLM']"), '(span_kind in ["LLM"])');
    assert.equal(parsed('x in ()'), '(x in [])');
    assert.equal(parsed('x in []'), '(x in [])');
    assert.equal(parsed("any(spans, span_kind == 'LLM')"), 'any(spans, (span_kind == "LLM"))');
    assert.equal(
      parsed("any(s.name == 'x' for s in spans)"),
      'any((s.name == "x") for s in spans)',
    );
    assert.equal(parsed('count(spans) > 2'), '(count(spans) > 2)');
  });

  it('records the column of every node', () => {
    const tree = parseFilter("  name == 'x' and  latency_ms>1");
    assert.equal(tree.type, 'and');
    if (tree.type !== 'and') return;
    assert.equal(tree.operands[0]!.column, 3);
    const second = tree.operands[1]!;
    assert.equal(second.column, 20);
    assert.ok(second.type === 'compare');
    if (second.type === 'compare') assert.equal(second.links[0]!.column, 30);
  });
});

describe('parseFilter: errors point at the column and suggest the fix', () => {
  it('wrong operators from other languages', () => {
    syntaxError("name = 'x'", 6, '==');
    syntaxError("name === 'x'", 6, '==');
    syntaxError('a == 1 && b == 2', 8, 'and');
    syntaxError('a == 1 || b == 2', 8, 'or');
    syntaxError('a <> 1', 3, '!=');
    syntaxError('a => 1', 3, '>=');
    syntaxError('!a', 1, 'not');
    syntaxError('a & b', 3, 'and');
    syntaxError('a ** 2', 3, undefined, /power/);
    syntaxError('a // 2', 3, '/');
  });

  it('misspelt and upper-case keywords', () => {
    syntaxError('a == 1 AND b == 2', 8, 'and');
    syntaxError('a == 1 adn b == 2', 8, 'and');
    syntaxError('a == 1 OR b == 2', 8, 'or');
    syntaxError('a NOT IN b', 3, 'not in');
    syntaxError("name LIKE 'x%'", 6, 'in');
    syntaxError('a isnot None', 3, 'is not');
    syntaxError('a not b', 3, 'not in');
  });

  it('missing operands, operators and brackets', () => {
    syntaxError('', 1, undefined, /empty/);
    syntaxError('   ', 1, undefined, /empty/);
    syntaxError('name ==', 8, undefined, /end of the expression/);
    syntaxError('name == == 1', 9, undefined, /expected a value/);
    syntaxError("name 'x'", 6, undefined, /expected an operator/);
    syntaxError('a b', 3, undefined, /expected an operator/);
    syntaxError('a == 1 2', 8, undefined, /expected an operator/);
    syntaxError('(a == 1', 1, undefined, /never closed/);
    syntaxError('[1, 2', 1, undefined, /never closed/);
    syntaxError('a == 1)', 7, undefined, /unmatched/);
    syntaxError('(a == 1]', 8, ')', /does not match/);
    syntaxError('a == (', 7, undefined, /end of the expression/);
    syntaxError('and a', 1, undefined, /expected a value/);
    syntaxError('a == not b', 6, undefined, /negate the whole comparison/);
  });

  it('strings and numbers', () => {
    syntaxError("name == 'abc", 9, undefined, /unterminated/);
    syntaxError("name == f'x'", 9, undefined, /string prefixes/);
    syntaxError('x == 1.2.3', 6, undefined, /invalid number/);
    syntaxError('x == 1e', 6, undefined, /exponent/);
    syntaxError('x == 1e999', 6, undefined, /too large/);
    syntaxError('x == 1__0', 6, undefined, /misplaced/);
    syntaxError("x == '\\x4'", 7, undefined, /escape/);
    syntaxError("x == '\\N{DASH}'", 7, undefined, /named/);
    syntaxError('x == $1', 6, undefined, /unexpected character/);
    syntaxError('x == \u0001', 6, undefined, /U\+0001/);
  });

  it('subscripts, members and calls', () => {
    syntaxError('attributes[x]', 12, undefined, /subscript must be a quoted name/);
    syntaxError("attributes['x'", 15, undefined, /expected '\]'/);
    syntaxError('attributes[1.5]', 12, undefined, /subscript/);
    syntaxError("annotations['x'].", 18, undefined, /field name/);
    syntaxError("annotations['x'](1)", 17, undefined, /method calls/);
    syntaxError('name.lower()', 11, undefined, /method calls/);
    syntaxError("str(x)['a']", 7, undefined, /unexpected/);
    syntaxError('x . y', 3, undefined, /unexpected '\.'/);
  });

  it('comprehensions', () => {
    syntaxError('any(x for in spans)', 11, undefined, /variable name/);
    syntaxError('any(x for s spans)', 13, undefined, /expected 'in'/);
    syntaxError('any(x for s in 3)', 16, undefined, /collection/);
    syntaxError('any(x for s in spans if y)', 22, 'and', /'if' in a comprehension/);
  });
});

describe('parseFilter: limits', () => {
  it(`refuses expressions longer than the limit (${DEFAULT_MAX_FILTER_LENGTH} by default)`, () => {
    const atLimit = `name == '${'x'.repeat(DEFAULT_MAX_FILTER_LENGTH - 10)}'`;
    assert.equal(atLimit.length, DEFAULT_MAX_FILTER_LENGTH);
    parseFilter(atLimit);
    const tooLong = `name == '${'x'.repeat(DEFAULT_MAX_FILTER_LENGTH)}'`;
    syntaxError(tooLong, DEFAULT_MAX_FILTER_LENGTH + 1, undefined, /too long/);
  });

  it('takes the length limit from the options', () => {
    assert.throws(
      () => parseFilter("name == 'abcdef'", { maxLength: 10, maxDepth: 64 }),
      /too long.*limit is 10/,
    );
    parseFilter("name == 'abc'", { maxLength: 13, maxDepth: 64 });
  });

  it(`refuses nesting deeper than the limit (${DEFAULT_MAX_FILTER_DEPTH} by default)`, () => {
    const nested = (depth: number): string => `${'('.repeat(depth)}a == 1${')'.repeat(depth)}`;
    parseFilter(nested(DEFAULT_MAX_FILTER_DEPTH));
    syntaxError(
      nested(DEFAULT_MAX_FILTER_DEPTH + 1),
      DEFAULT_MAX_FILTER_DEPTH + 1,
      undefined,
      /nested too deeply/,
    );
    assert.throws(
      () => parseFilter('not '.repeat(DEFAULT_MAX_FILTER_DEPTH + 1) + 'a'),
      /nested too deeply/,
    );
    assert.throws(
      () => parseFilter('-'.repeat(DEFAULT_MAX_FILTER_DEPTH + 1) + 'a > 0'),
      /nested too deeply/,
    );
    // Left-deep chains build trees as deep as they are long, without any parentheses.
    assert.throws(
      () => parseFilter(`a${' + 1'.repeat(DEFAULT_MAX_FILTER_DEPTH + 1)} > 0`),
      /nested too deeply/,
    );
    // Flat and/or chains compile to balanced SQL, so their length is not depth.
    parseFilter(Array.from({ length: 300 }, (_, i) => `a == ${i}`).join(' or '));
  });

  it('takes the depth limit from the options', () => {
    assert.throws(() => parseFilter('((a))', { maxLength: 100, maxDepth: 1 }), /limit is 1 levels/);
    parseFilter('(a)', { maxLength: 100, maxDepth: 1 });
  });

  it('survives a tower of brackets far beyond the limit without exhausting the stack', () => {
    syntaxError('('.repeat(4000), DEFAULT_MAX_FILTER_DEPTH + 1, undefined, /nested too deeply/);
    syntaxError('['.repeat(4000), DEFAULT_MAX_FILTER_DEPTH + 1, undefined, /nested too deeply/);
  });
});
