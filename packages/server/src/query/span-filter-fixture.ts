/** Spans for the span filter tests (and the fuzz test): three traces with varied attributes. */
import type { TestSpan } from './filter-test-database.js';

const LLM = { 'openinference.span.kind': 'LLM' };

/**
 * Three traces. Trace 1: a CHAIN root with an LLM child and an AGENT child whose TOOL child has
 * an LLM grandchild. Trace 2: an orphan (parent never received) and a root. Trace 3: a bare
 * span that started 100 s before the others.
 */
export const SPAN_FILTER_SPANS: TestSpan[] = [
  {
    key: 'root-chain',
    trace: 1,
    span: 1,
    durationMs: 2000,
    status: 1,
    attributes: {
      'openinference.span.kind': 'CHAIN',
      'input.value': 'Hello world, how are you?',
      'output.value': 'Fine, thanks',
      metadata: JSON.stringify({ topic: 'billing', score: '0.75', nested: { 'a.b': 1 } }),
      'tag.tags': ['vip', 'beta'],
      'user.id': 'u1',
      'session.id': 's1',
    },
  },
  {
    key: 'llm-call',
    trace: 1,
    span: 2,
    parent: 1,
    startMs: 10,
    durationMs: 1500,
    status: 1,
    attributes: {
      ...LLM,
      'llm.model_name': 'gpt-4o',
      'llm.token_count.prompt': 100,
      'llm.token_count.completion': 50,
      'llm.token_count.total': 150,
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': 'Bonjour, un café ?',
    },
  },
  {
    key: 'agent-step',
    trace: 1,
    span: 3,
    parent: 1,
    startMs: 20,
    status: 2,
    statusMessage: 'Boom: tool failed',
    attributes: { 'openinference.span.kind': 'AGENT' },
    events: [{ name: 'exception', attributes: { 'exception.message': 'kaput' } }],
  },
  {
    key: 'tool-call',
    trace: 1,
    span: 4,
    parent: 3,
    startMs: 30,
    attributes: { 'openinference.span.kind': 'TOOL', 'tool.name': 'search', 'x.mixed': 'abc' },
  },
  {
    key: 'llm-nested',
    trace: 1,
    span: 5,
    parent: 4,
    startMs: 40,
    attributes: {
      ...LLM,
      'llm.model_name': 'claude-3',
      'llm.token_count.prompt': 10,
      'llm.token_count.completion': 5,
    },
  },
  {
    key: 'orphan',
    trace: 2,
    span: 6,
    missingParent: true,
    attributes: {
      'openinference.span.kind': 'RETRIEVER',
      'input.value': '日本語のテキスト検索',
      'x.mixed': 7,
    },
  },
  {
    key: 'root-two',
    trace: 2,
    span: 7,
    attributes: {
      'input.value': 'Crème brûlée recipe',
      'x.mixed': true,
      'llm.token_count.total': 12.5,
      'session.id': 's2',
    },
  },
  { key: 'plain', trace: 3, span: 8, startMs: -100_000 },
];
