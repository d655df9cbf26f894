/**
 * Spans for the trace and session filter tests: four traces, three of them in two sessions.
 *
 * - trace 1, session s-alpha, user u1: CHAIN root (3 s, refund conversation) with an LLM child
 *   (gpt-4o, 100 + 20 tokens) and a TOOL child.
 * - trace 2, session s-alpha, 10 s later: CHAIN root with an LLM child that failed (claude-3,
 *   5 + 5 tokens).
 * - trace 3, session s-beta, user u2: a RETRIEVER root asking about Tokyo's weather, in Japanese.
 * - trace 4, no session: a single orphan span without input.
 */
import type { TestSpan } from './filter-test-database.js';

export const SESSION_SPANS: TestSpan[] = [
  {
    key: 't1-chat',
    trace: 1,
    span: 10,
    durationMs: 3000,
    attributes: {
      'openinference.span.kind': 'CHAIN',
      'input.value': 'I want a refund',
      'output.value': 'Refund issued',
      metadata: JSON.stringify({ tier: 'gold' }),
      'session.id': 's-alpha',
      'user.id': 'u1',
    },
  },
  {
    key: 't1-llm',
    trace: 1,
    span: 11,
    parent: 10,
    startMs: 100,
    durationMs: 1000,
    attributes: {
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o',
      'llm.token_count.prompt': 100,
      'llm.token_count.completion': 20,
    },
  },
  {
    key: 't1-lookup',
    trace: 1,
    span: 12,
    parent: 10,
    startMs: 1200,
    durationMs: 300,
    attributes: { 'openinference.span.kind': 'TOOL' },
  },
  {
    key: 't2-chat',
    trace: 2,
    span: 20,
    startMs: 10_000,
    durationMs: 800,
    attributes: {
      'openinference.span.kind': 'CHAIN',
      'input.value': 'Thanks!',
      'output.value': 'Welcome',
      'session.id': 's-alpha',
      'user.id': 'u1',
    },
  },
  {
    key: 't2-llm',
    trace: 2,
    span: 21,
    parent: 20,
    startMs: 10_100,
    durationMs: 500,
    status: 2,
    attributes: {
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'claude-3',
      'llm.token_count.prompt': 5,
      'llm.token_count.completion': 5,
    },
  },
  {
    key: 't3-search',
    trace: 3,
    span: 30,
    startMs: 20_000,
    attributes: {
      'openinference.span.kind': 'RETRIEVER',
      'input.value': '東京の天気は？',
      'output.value': 'sunny',
      'session.id': 's-beta',
      'user.id': 'u2',
    },
  },
  { key: 't4-orphan', trace: 4, span: 40, missingParent: true, startMs: 30_000 },
];
