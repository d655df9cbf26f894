import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttributeValue } from '../otlp/otlp-types.js';
import { unflattenAttributes } from '../spans/unflatten.js';
import { semanticConventionColumns } from './semantic-convention-columns.js';

/** As stored: flat keys un-flattened at ingest, JSON-string attributes already decoded. */
const columnsOf = (flat: Record<string, AttributeValue>) =>
  semanticConventionColumns(unflattenAttributes(Object.entries(flat)));

test('semantic-convention names stay whole at every level', () => {
  assert.deepEqual(
    columnsOf({
      'llm.token_count.prompt': 12,
      'llm.token_count.prompt_details.cache_read': 3,
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_1',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'search',
      'input.value': 'hi',
      'tag.tags': ['a', 'b'],
    }),
    {
      'llm.token_count.prompt': 12,
      'llm.token_count.prompt_details.cache_read': 3,
      'llm.output_messages': [
        {
          'message.role': 'assistant',
          'message.tool_calls': [{ 'tool_call.id': 'call_1', 'tool_call.function.name': 'search' }],
        },
      ],
      'input.value': 'hi',
      'tag.tags': ['a', 'b'],
    },
  );
});

test('custom keys are one column per top-level key, nested', () => {
  assert.deepEqual(columnsOf({ 'heron.test.step': 3, 'heron.test.flag': true, plain: 'x' }), {
    heron: { test: { step: 3, flag: true } },
    plain: 'x',
  });
});

test('JSON-string attributes are dicts; empty ones are dropped; invalid JSON stays text', () => {
  const stored = {
    metadata: { tenant: 'acme', flags: ['a'] },
    llm: { prompt_template: { variables: {} } },
    tool: { parameters: '{not json' },
    retrieval: {
      documents: [{ document: { id: 'd1', metadata: { source: 'a.pdf', page: 3 } } }],
    },
  } as Record<string, AttributeValue>;
  assert.deepEqual(semanticConventionColumns(stored), {
    metadata: { tenant: 'acme', flags: ['a'] },
    'tool.parameters': '{not json',
    'retrieval.documents': [
      { 'document.id': 'd1', 'document.metadata': { source: 'a.pdf', page: 3 } },
    ],
  });
});

test('a convention name followed by more segments keeps the name as its own level', () => {
  // `input.value.extra` is not a convention; `input.value` is, so it is the first segment.
  assert.deepEqual(columnsOf({ 'input.value.extra': 1, 'my.input.value': 2 }), {
    'input.value': { extra: 1 },
    my: { 'input.value': 2 },
  });
});
