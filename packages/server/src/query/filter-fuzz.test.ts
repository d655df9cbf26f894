/**
 * Fuzzing the filter languages end to end: grammar-generated expressions and random mutations
 * of them go through parse, compile and execution on a real SQLite database. Every outcome must
 * be rows or a FilterSyntaxError with a message and a column inside the expression; anything
 * else (another exception, a database error, a NULL condition, a write) is a bug. The run is
 * seeded so a failure can be replayed: FILTER_FUZZ_SEED=<seed> FILTER_FUZZ_COUNT=<n>.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Database from 'better-sqlite3';
import type { CompiledFilter, SqlDialectName } from './compiled-filter.js';
import { DEFAULT_MAX_FILTER_DEPTH, DEFAULT_MAX_FILTER_LENGTH } from './filter-limits.js';
import { FilterSyntaxError } from './filter-syntax-error.js';
import { FilterTestDatabase } from './filter-test-database.js';
import { compileSessionFilter } from './session-filter-compiler.js';
import { SESSION_SPANS } from './session-trace-fixture.js';
import { SPAN_FILTER_SPANS } from './span-filter-fixture.js';
import { compileSpanFilter } from './span-filter-compiler.js';
import { compileTraceFilter } from './trace-filter-compiler.js';
import { POSTGRES_SKIP, PostgresTestDatabase } from './filter-test-dialects.js';

const COUNT = Number(process.env['FILTER_FUZZ_COUNT'] ?? 100_000);
/** PostgreSQL runs a statement per expression over the network: fewer of them. */
const POSTGRES_COUNT = Number(process.env['FILTER_FUZZ_POSTGRES_COUNT'] ?? 10_000);
const SEED = Number(process.env['FILTER_FUZZ_SEED'] ?? 20_240_501);

type Language = 'span' | 'trace' | 'session';
const COMPILERS: Record<Language, (e: string, d: SqlDialectName) => CompiledFilter> = {
  span: compileSpanFilter,
  trace: compileTraceFilter,
  session: compileSessionFilter,
};
const TABLES: Record<Language, 'spans' | 'traces' | 'sessions'> = {
  span: 'spans',
  trace: 'traces',
  session: 'sessions',
};

/** mulberry32: small, fast, and the same sequence on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INJECTIONS = [
  "x' OR 1=1 --",
  'x" OR 1=1 --',
  "'); DROP TABLE spans; --",
  '"]") OR 1=1 --',
  "a') OR ('1'='1",
  '\\',
  '%',
  '_',
  '*',
  '$.a',
  '$."a"',
  '[0]',
  '?',
  '?1',
  ':name',
  '@p',
  '\u0000',
  '\n; SELECT 1',
  'NEAR(a b)',
  '"a" OR "b"',
  'a*',
  '^a',
  'input : x',
];

const WORDS = [
  'hello',
  'Hello world',
  'refund',
  'gpt-4o',
  'LLM',
  'llm',
  'ERROR',
  'café',
  'CRÈME',
  '日本語',
  '東京の',
  'テキスト',
  'u1',
  's-alpha',
  'billing',
  'vip',
  '',
  ' ',
  'a',
  '0.75',
  '12',
  'True',
];

const SPAN_NAMES = [
  'span_id',
  'trace_id',
  'parent_id',
  'name',
  'span_kind',
  'status_code',
  'status_message',
  'latency_ms',
  'cumulative_llm_token_count_prompt',
  'cumulative_llm_token_count_completion',
  'cumulative_llm_token_count_total',
  'cumulative_token_count.total',
  'context.span_id',
  'start_time',
  'end_time',
  'events',
  'attributes',
  'parent_span',
  'input',
  'output',
  'metadata',
  'input.value',
  'output.value',
  'llm.model_name',
  'llm.token_count.total',
  'llm.token_count.prompt',
  'llm.input_messages.0.message.content',
  'tag.tags',
  'tag.tags.0',
  'x.mixed',
  'user.id',
  'session.id',
  'no.such.path',
  'latncy_ms',
];
const TRACE_NAMES = [
  'trace_id',
  'root_span_id',
  'start_time',
  'end_time',
  'latency_ms',
  'num_spans',
  'error_count',
  'token_count_prompt',
  'token_count_completion',
  'token_count_total',
  'total_cost',
  'llm_span_count',
  'tool_span_count',
  'session_id',
  'input',
  'output',
  'metadata',
  'user.id',
  'llm.model_name',
  'input.value',
  'span_kind',
];
const SESSION_NAMES = [
  'session_id',
  'start_time',
  'end_time',
  'duration_ms',
  'num_traces',
  'num_traces_with_error',
  'num_spans',
  'token_count_prompt',
  'token_count_total',
  'total_cost',
  'llm_span_count',
  'tool_span_count',
  'first_input',
  'last_output',
  'any_input',
  'any_output',
  'metadata',
  'user.id',
  'input',
];
const NAMES: Record<Language, string[]> = {
  span: SPAN_NAMES,
  trace: TRACE_NAMES,
  session: SESSION_NAMES,
};
const ANNOTATION_BASES: Record<Language, string[]> = {
  span: ['annotations', 'evals', 'trace_annotations'],
  trace: ['trace_annotations'],
  session: ['session_annotations'],
};
const COLLECTIONS: Record<Language, string[]> = {
  span: [],
  trace: ['spans'],
  session: ['traces', 'spans'],
};
const ELEMENT: Record<string, Language> = { spans: 'span', traces: 'trace' };

/** Names by type, so that most generated comparisons are well typed and reach the database. */
const TYPED: Record<Language, Record<'text' | 'number' | 'time' | 'json', string[]>> = {
  span: {
    text: [
      'name',
      'span_kind',
      'status_code',
      'span_id',
      'trace_id',
      'parent_id',
      'status_message',
      "annotations['correctness'].label",
      "trace_annotations['quality'].label",
    ],
    number: [
      'latency_ms',
      'cumulative_llm_token_count_total',
      'cumulative_token_count.prompt',
      "annotations['correctness'].score",
      'latency_ms * 2 - 1',
      'latency_ms % 7',
    ],
    time: ['start_time', 'end_time'],
    json: [
      'llm.model_name',
      'llm.token_count.total',
      'input.value',
      'output.value',
      'x.mixed',
      'tag.tags',
      'tag.tags.0',
      "metadata['tier']",
      "attributes['llm.token_count.prompt']",
      "attributes['llm.input_messages'][0]['message']",
      'user.id',
      'input',
    ],
  },
  trace: {
    text: ['trace_id', 'session_id', 'root_span_id', "trace_annotations['quality'].label"],
    number: [
      'latency_ms',
      'num_spans',
      'error_count',
      'token_count_total',
      'llm_span_count',
      'tool_span_count',
      'total_cost',
      'count(spans)',
    ],
    time: ['start_time', 'end_time'],
    json: [
      'input',
      'output',
      'user.id',
      "metadata['tier']",
      'llm.model_name',
      "attributes['session.id']",
    ],
  },
  session: {
    text: ['session_id', "session_annotations['satisfaction'].label"],
    number: [
      'num_traces',
      'duration_ms',
      'token_count_total',
      'num_traces_with_error',
      'num_spans',
      "session_annotations['satisfaction'].score",
      'count(traces)',
    ],
    time: ['start_time', 'end_time'],
    json: ['first_input', 'last_output', 'any_input', 'any_output', 'user.id', "metadata['tier']"],
  },
};

const COMPARISONS = ['==', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'is', 'is not'];
const ARITHMETIC = ['+', '-', '*', '/', '%'];
const MUTATION_CHARS = [
  ...'\'"\\()[]{},.:;=!<>+-*/%&|^~#@$?` _\t\n0123456789aeinorstxANDORNOT',
  '\u0000',
  '\u00e9',
  '\u65e5',
  '\ud800',
  '\udc00',
  '\u200b',
  '\u2028',
];

class Generator {
  constructor(readonly next: () => number) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  string(): string {
    const text = this.chance(0.2) ? this.pick(INJECTIONS) : this.pick(WORDS);
    const quote = this.chance(0.5) ? "'" : '"';
    const escaped = text
      .replace(/\\/g, '\\\\')
      .replace(new RegExp(quote, 'g'), `\\${quote}`)
      .replace(/\n/g, '\\n')
      .replaceAll('\u0000', '\\x00');
    return `${quote}${escaped}${quote}`;
  }

  number(): string {
    return this.pick([
      '0',
      '1',
      '-1',
      '2',
      '7',
      '100',
      '150',
      '1000',
      '0.5',
      '-3.25',
      '1e3',
      '1_000',
      '9223372036854775807',
      '99999999999999999999',
      '1e308',
      '.5',
      '-0',
    ]);
  }

  datetime(): string {
    return this.pick([
      "'2023-11-14T22:13:20Z'",
      "'2023-11-14T23:13:20.5+01:00'",
      "'2024-01-01T00:00:00Z'",
      "'0001-01-01T00:00:00Z'",
      "'9999-12-31T23:59:59.999999999Z'",
      "'2024-01-01T00:00:00'",
      "'2024-02-30T00:00:00Z'",
      "'yesterday'",
    ]);
  }

  literal(): string {
    const r = this.next();
    if (r < 0.45) return this.string();
    if (r < 0.8) return this.number();
    if (r < 0.9) return this.datetime();
    return this.pick(['None', 'True', 'False']);
  }

  list(): string {
    const n = Math.floor(this.next() * 4);
    const items = Array.from({ length: n }, () => this.literal());
    return this.chance(0.8)
      ? `[${items.join(', ')}]`
      : `(${items.join(', ')}${n === 1 ? ',' : ''})`;
  }

  /** A value in `language`; `depth` bounds recursion. */
  value(language: Language, depth: number): string {
    const r = this.next();
    if (depth <= 0 || r < 0.3)
      return this.chance(0.5) ? this.pick(NAMES[language]) : this.literal();
    if (r < 0.4) {
      const base = this.pick(['attributes', 'metadata']);
      const key = this.chance(0.3)
        ? this.pick(INJECTIONS)
        : this.pick([
            'llm.model_name',
            'topic',
            'input.value',
            'tag.tags',
            'nested',
            'a.b',
            'llm.input_messages',
          ]);
      const tail = this.chance(0.3)
        ? this.pick(['[0]', "['a.b']", "['message']", '[99999999999999999999]'])
        : '';
      return `${base}[${JSON.stringify(key)}]${tail}`;
    }
    if (r < 0.5 && ANNOTATION_BASES[language].length > 0) {
      const base = this.pick(ANNOTATION_BASES[language]);
      const name = this.chance(0.2)
        ? this.pick(INJECTIONS)
        : this.pick(['correctness', 'quality', 'note', 'resolution', 'satisfaction']);
      const field = this.pick(['.label', '.score', '.explanation', '', '.lable']);
      return `${base}[${JSON.stringify(name)}]${field}`;
    }
    if (r < 0.6)
      return `${this.pick(['str', 'float', 'int', 'lower'])}(${this.value(language, depth - 1)})`;
    if (r < 0.75) {
      return `${this.value(language, depth - 1)} ${this.pick(ARITHMETIC)} ${this.value(language, depth - 1)}`;
    }
    if (r < 0.8) return `-${this.value(language, depth - 1)}`;
    if (r < 0.9) return `(${this.value(language, depth - 1)})`;
    if (COLLECTIONS[language].length > 0) {
      const collection = this.pick(COLLECTIONS[language]);
      return `count(${collection}, ${this.condition(ELEMENT[collection]!, depth - 1)})`;
    }
    return this.literal();
  }

  /** A comparison whose sides have types that fit, in one of the forms filters use. */
  typedComparison(language: Language): string {
    const names = TYPED[language];
    const type = this.pick(['text', 'number', 'time', 'json'] as const);
    const name = this.pick(names[type]);
    const op = this.pick(COMPARISONS.slice(0, 6));
    switch (type) {
      case 'text':
        return this.pick([
          `${name} ${op} ${this.string()}`,
          `${this.string()} in ${name}`,
          `${name} not in [${this.string()}, ${this.string()}]`,
          `${name} is None`,
        ]);
      case 'number':
        return this.pick([
          `${name} ${op} ${this.number()}`,
          `${name} in [${this.number()}, ${this.number()}]`,
          `str(${name}) == ${this.string()}`,
          `${this.number()} < ${name} <= ${this.number()}`,
        ]);
      case 'time':
        return `${name} ${op} ${this.datetime()}`;
      case 'json':
        return this.pick([
          `${name} ${op} ${this.string()}`,
          `${name} ${op} ${this.number()}`,
          `${this.string()} in ${name}`,
          `${this.string()} not in ${name}`,
          `${name} is not None`,
          `${name} in [${this.string()}, ${this.number()}]`,
          `float(${name}) > ${this.number()}`,
          `int(${name}) == ${this.number()}`,
          `str(${name}) ${op} ${this.string()}`,
          `${name} == ${this.pick(names.json)}`,
        ]);
    }
  }

  condition(language: Language, depth: number): string {
    const r = this.next();
    if (this.chance(0.35)) return this.typedComparison(language);
    if (depth <= 0 || r < 0.45) {
      const operator = this.pick(COMPARISONS);
      const right =
        operator === 'in' || operator === 'not in'
          ? this.chance(0.5)
            ? this.list()
            : this.value(language, depth - 1)
          : operator.startsWith('is')
            ? this.pick(['None', 'None', this.literal()])
            : this.value(language, depth - 1);
      const chain = this.chance(0.1)
        ? ` ${this.pick(COMPARISONS.slice(0, 6))} ${this.value(language, 0)}`
        : '';
      return `${this.value(language, depth - 1)} ${operator} ${right}${chain}`;
    }
    if (r < 0.6) {
      const n = 2 + Math.floor(this.next() * 3);
      return Array.from({ length: n }, () => this.condition(language, depth - 1)).join(
        this.chance(0.5) ? ' and ' : ' or ',
      );
    }
    if (r < 0.7) return `not ${this.condition(language, depth - 1)}`;
    if (r < 0.8) return `(${this.condition(language, depth - 1)})`;
    if (r < 0.9 && COLLECTIONS[language].length > 0) {
      const collection = this.pick(COLLECTIONS[language]);
      const element = ELEMENT[collection]!;
      const func = this.pick(['any', 'all', 'any']);
      if (this.chance(0.5)) return `${func}(${collection}, ${this.condition(element, depth - 1)})`;
      const name = this.pick(NAMES[element]);
      return `${func}(s.${name} ${this.pick(COMPARISONS.slice(0, 6))} ${this.literal()} for s in ${collection})`;
    }
    if (r < 0.95)
      return this.pick([
        'True',
        'False',
        'parent_span is None',
        "annotations['correctness']",
        'parent_span',
      ]);
    return this.deep(language);
  }

  /** Expressions at and just beyond the depth and length limits. */
  deep(language: Language): string {
    const depth = DEFAULT_MAX_FILTER_DEPTH - 3 + Math.floor(this.next() * 6);
    switch (Math.floor(this.next() * 6)) {
      case 0:
        return `${'('.repeat(depth)}${this.condition(language, 0)}${')'.repeat(depth)}`;
      case 1:
        return `${'not '.repeat(depth)}${this.condition(language, 0)}`;
      case 2:
        return `${'float(str('.repeat(depth / 2)}latency_ms${'))'.repeat(depth / 2)} > 1`;
      case 3:
        return `${this.pick(NAMES[language])}${` ${this.pick(ARITHMETIC)} 1`.repeat(depth)} > 0`;
      case 4: {
        const parts: string[] = [];
        let length = 0;
        while (length < DEFAULT_MAX_FILTER_LENGTH - 40) {
          const part = this.condition(language, 0);
          parts.push(part);
          length += part.length + 4;
        }
        return parts.join(this.chance(0.5) ? ' or ' : ' and ');
      }
      default:
        return `${this.pick(NAMES[language])} < ${Array.from({ length: depth }, () => this.number()).join(' < ')}`;
    }
  }

  /** Random characters, for the lexer's sake. */
  noise(): string {
    const length = Math.floor(this.next() * 40);
    return Array.from({ length }, () => this.pick(MUTATION_CHARS)).join('');
  }

  mutate(source: string): string {
    let text = source;
    const edits = 1 + Math.floor(this.next() * 4);
    for (let i = 0; i < edits; i++) {
      const at = Math.floor(this.next() * (text.length + 1));
      const r = this.next();
      if (r < 0.3) text = text.slice(0, at) + text.slice(at + 1);
      else if (r < 0.6) text = text.slice(0, at) + this.pick(MUTATION_CHARS) + text.slice(at);
      else if (r < 0.8) text = text.slice(0, at) + this.pick(MUTATION_CHARS) + text.slice(at + 1);
      else if (r < 0.9) text = text.slice(0, at);
      else {
        const end = at + Math.floor(this.next() * 10);
        text = text.slice(0, end) + text.slice(at, end) + text.slice(end);
      }
    }
    return text;
  }
}

interface Outcome {
  rows: number;
  errors: number;
}

describe('filter fuzzing', () => {
  let db: FilterTestDatabase;
  let reader: Database.Database;

  before(() => {
    db = new FilterTestDatabase();
    db.insertSpans(SESSION_SPANS);
    // The span filter fixture too (its traces renumbered), for its mixed-type attributes.
    db.insertSpans(
      SPAN_FILTER_SPANS.map((span) => ({
        ...span,
        trace: span.trace + 100,
        span: span.span + 100,
        parent: span.parent === undefined ? undefined : span.parent + 100,
      })),
    );
    db.annotate('span_annotations', db.spanRowid('t1-llm'), {
      name: 'correctness',
      label: 'correct',
      score: 1,
    });
    db.annotate('trace_annotations', db.traceRowid(1), {
      name: 'quality',
      label: 'good',
      score: 0.5,
    });
    db.annotate('session_annotations', db.sessionRowid('s-alpha'), {
      name: 'satisfaction',
      score: 0.9,
    });
    db.indexForSearch(3);
    // Nothing a filter compiles to may write: any attempt would fail the run.
    db.db.pragma('query_only = ON');
    reader = db.db;
  });
  after(() => {
    reader.pragma('query_only = OFF');
    db.close();
  });

  it(`gives rows or a FilterSyntaxError for ${COUNT} generated and mutated expressions`, () => {
    const generator = new Generator(random(SEED));
    const counts = new Map<string, number>();
    for (const language of ['span', 'trace', 'session'] as const) {
      counts.set(
        language,
        reader.prepare(`SELECT COUNT(*) FROM ${TABLES[language]}`).pluck().get() as number,
      );
    }
    const failures: string[] = [];
    const outcome: Outcome = { rows: 0, errors: 0 };
    const started = process.hrtime.bigint();
    for (let i = 0; i < COUNT && failures.length < 10; i++) {
      const language = generator.pick(['span', 'span', 'trace', 'session'] as const);
      let expression = generator.condition(language, 1 + Math.floor(generator.next() * 4));
      if (generator.chance(0.4)) expression = generator.mutate(expression);
      else if (generator.chance(0.05)) expression = generator.noise();
      const problem = run(reader, language, expression, counts.get(language)!, outcome);
      if (problem !== undefined)
        failures.push(`#${i} ${language} filter ${JSON.stringify(expression)}: ${problem}`);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(
      `filter fuzz: ${COUNT} expressions (seed ${SEED}) in ${seconds.toFixed(1)} s: ` +
        `${outcome.rows} ran, ${outcome.errors} FilterSyntaxErrors`,
    );
    assert.deepEqual(failures, []);
    // Both outcomes must be common, or the generator is not exercising the compiler.
    assert.ok(outcome.rows > COUNT / 10 && outcome.errors > COUNT / 10, JSON.stringify(outcome));
  });

  it('returns nothing for injection attempts in names and literals', () => {
    for (const payload of INJECTIONS) {
      const quoted = JSON.stringify(payload);
      for (const expression of [
        `name == ${quoted}`,
        `span_id == ${quoted} or trace_id == ${quoted}`,
        `attributes[${quoted}] is not None`,
        `metadata[${quoted}] == 1`,
        `annotations[${quoted}]`,
        `annotations[${quoted}].label == ${quoted}`,
        `${quoted} in input.value and ${quoted} in name`,
        `llm.model_name in [${quoted}, ${quoted}]`,
      ]) {
        const filter = compileSpanFilter(expression, 'sqlite');
        if (payload.length > 2) assert.ok(!filter.sql.includes(payload), expression);
        assert.deepEqual(db.select('spans', filter), [], expression);
      }
    }
  });
});

describe('filter fuzzing on PostgreSQL', { skip: POSTGRES_SKIP }, () => {
  let db: PostgresTestDatabase;

  before(async () => {
    db = await PostgresTestDatabase.create();
    await db.insertSpans(SESSION_SPANS);
    await db.insertSpans(
      SPAN_FILTER_SPANS.map((span) => ({
        ...span,
        trace: span.trace + 100,
        span: span.span + 100,
        parent: span.parent === undefined ? undefined : span.parent + 100,
      })),
    );
    await db.annotate('span_annotations', await db.spanRowid('t1-llm'), {
      name: 'correctness',
      label: 'correct',
      score: 1,
    });
    await db.annotate('trace_annotations', await db.traceRowid(1), {
      name: 'quality',
      label: 'good',
      score: 0.5,
    });
    await db.annotate('session_annotations', await db.sessionRowid('s-alpha'), {
      name: 'satisfaction',
      score: 0.9,
    });
  });
  after(() => db.close());

  it(`gives rows or a FilterSyntaxError for ${POSTGRES_COUNT} generated and mutated expressions`, async () => {
    // The same generator and seed as on SQLite: the first expressions of the same sequence.
    const generator = new Generator(random(SEED));
    const counts = new Map<Language, number>();
    for (const language of ['span', 'trace', 'session'] as const) {
      counts.set(language, await db.count(TABLES[language]));
    }
    const failures: string[] = [];
    const outcome: Outcome = { rows: 0, errors: 0 };
    const started = process.hrtime.bigint();
    for (let i = 0; i < POSTGRES_COUNT && failures.length < 10; i++) {
      const language = generator.pick(['span', 'span', 'trace', 'session'] as const);
      let expression = generator.condition(language, 1 + Math.floor(generator.next() * 4));
      if (generator.chance(0.4)) expression = generator.mutate(expression);
      else if (generator.chance(0.05)) expression = generator.noise();
      const problem = await runOnPostgres(db, language, expression, counts.get(language)!, outcome);
      if (problem !== undefined)
        failures.push(`#${i} ${language} filter ${JSON.stringify(expression)}: ${problem}`);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(
      `filter fuzz on PostgreSQL: ${POSTGRES_COUNT} expressions (seed ${SEED}) in ${seconds.toFixed(1)} s: ` +
        `${outcome.rows} ran, ${outcome.errors} FilterSyntaxErrors`,
    );
    assert.deepEqual(failures, []);
    assert.ok(
      outcome.rows > POSTGRES_COUNT / 10 && outcome.errors > POSTGRES_COUNT / 10,
      JSON.stringify(outcome),
    );
  });

  it('returns nothing for injection attempts in names and literals', async () => {
    for (const payload of INJECTIONS) {
      const quoted = JSON.stringify(payload);
      for (const expression of [
        `name == ${quoted}`,
        `span_id == ${quoted} or trace_id == ${quoted}`,
        `attributes[${quoted}] is not None`,
        `metadata[${quoted}] == 1`,
        `annotations[${quoted}]`,
        `annotations[${quoted}].label == ${quoted}`,
        `${quoted} in input.value and ${quoted} in name`,
        `llm.model_name in [${quoted}, ${quoted}]`,
      ]) {
        const filter = compileSpanFilter(expression, 'postgres');
        if (payload.length > 2) assert.ok(!filter.sql.includes(payload), expression);
        assert.deepEqual(await db.select('spans', filter), [], expression);
      }
    }
  });
});

/** `run` on PostgreSQL: the compiled condition evaluated for every row, within the statement. */
async function runOnPostgres(
  db: PostgresTestDatabase,
  language: Language,
  expression: string,
  rowCount: number,
  outcome: Outcome,
): Promise<string | undefined> {
  let filter: CompiledFilter;
  try {
    filter = COMPILERS[language](expression, 'postgres');
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) return `compile threw ${describeError(error)}`;
    outcome.errors++;
    return undefined;
  }
  let values: unknown[];
  try {
    values = await db.conditionValues(TABLES[language] as 'spans', filter);
  } catch (error) {
    return `database error ${describeError(error)}`;
  }
  if (values.length !== rowCount) return `expected ${rowCount} rows, got ${values.length}`;
  const bad = values.find((v) => v !== 0 && v !== 1);
  if (bad !== undefined) return `condition evaluated to ${String(bad)}`;
  outcome.rows++;
  return undefined;
}

/** Runs one expression; returns what went wrong, or undefined when the outcome is legitimate. */
function run(
  reader: Database.Database,
  language: Language,
  expression: string,
  rowCount: number,
  outcome: Outcome,
): string | undefined {
  let filter: CompiledFilter;
  try {
    filter = COMPILERS[language](expression, 'sqlite');
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) return `compile threw ${describeError(error)}`;
    if (error.message.length === 0) return 'FilterSyntaxError without a message';
    if (
      !Number.isInteger(error.column) ||
      error.column < 1 ||
      error.column > expression.length + 1
    ) {
      return `FilterSyntaxError column ${error.column} outside the expression: ${error.message}`;
    }
    outcome.errors++;
    return undefined;
  }
  let values: unknown[];
  try {
    // The condition for every row, not only the selected ones: it must be 0 or 1, never NULL.
    values = reader
      .prepare(`SELECT (${filter.sql}) FROM ${TABLES[language]}`)
      .pluck()
      .all(...filter.params);
  } catch (error) {
    return `database error ${describeError(error)}`;
  }
  if (values.length !== rowCount) return `expected ${rowCount} rows, got ${values.length}`;
  const bad = values.find((v) => v !== 0 && v !== 1);
  if (bad !== undefined) return `condition evaluated to ${String(bad)}`;
  outcome.rows++;
  return undefined;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
