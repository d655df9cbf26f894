import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { AttributeValue } from '../otlp/otlp-types.js';
import { decodeJsonStringAttributes } from './json-string-attributes.js';
import { flattenAttributes, unflattenAttributes } from './unflatten.js';

function unflatten(pairs: Array<[string, AttributeValue]>): Record<string, AttributeValue> {
  return unflattenAttributes(pairs);
}

describe('unflattenAttributes', () => {
  it('nests at most 64 key segments; the rest of a longer key is one key', () => {
    const key = Array.from({ length: 100 }, (_, i) => `k${i}`).join('.');
    let node = unflattenAttributes([[key, 'v']]) as Record<string, unknown>;
    for (let i = 0; i < 63; i++) node = node[`k${i}`] as Record<string, unknown>;
    const rest = Array.from({ length: 37 }, (_, i) => `k${i + 63}`).join('.');
    assert.deepEqual(node, { [rest]: 'v' });
  });

  it('nests dotted keys (seed example)', () => {
    assert.deepEqual(unflatten([['llm.token_count.completion', 123]]), {
      llm: { token_count: { completion: 123 } },
    });
  });

  it('turns index segments into arrays (seed retrieval example)', () => {
    assert.deepEqual(
      unflatten([
        ['retrieval.documents.0.content', 'First doc'],
        ['retrieval.documents.1.content', 'Second doc'],
      ]),
      { retrieval: { documents: [{ content: 'First doc' }, { content: 'Second doc' }] } },
    );
  });

  it('skips null values', () => {
    assert.deepEqual(
      unflatten([
        ['a', null],
        ['b.c', null],
        ['d', 1],
      ]),
      { d: 1 },
    );
  });

  it('normalises leading zeros in indices', () => {
    assert.deepEqual(
      unflatten([
        ['a.01.x', 'one'],
        ['a.0.x', 'zero'],
        ['a.00.y', 'zero too'],
      ]),
      { a: [{ x: 'zero', y: 'zero too' }, { x: 'one' }] },
    );
  });

  it('sorts and compacts indices', () => {
    assert.deepEqual(
      unflatten([
        ['a.2.x', 'two'],
        ['a.0.x', 'zero'],
      ]),
      { a: [{ x: 'zero' }, { x: 'two' }] },
    );
  });

  it('sorts indices numerically, even beyond the safe-integer range', () => {
    assert.deepEqual(
      unflatten([
        ['a.12345678901234567890.x', 'big'],
        ['a.10.x', 'ten'],
        ['a.9.x', 'nine'],
      ]),
      { a: [{ x: 'nine' }, { x: 'ten' }, { x: 'big' }] },
    );
  });

  it('keeps a terminal digit segment as an object key', () => {
    assert.deepEqual(
      unflatten([
        ['tags.0', 'a'],
        ['tags.01', 'b'],
      ]),
      { tags: { '0': 'a', '1': 'b' } },
    );
  });

  it('lets the last write win for the same key', () => {
    assert.deepEqual(
      unflatten([
        ['a.b', 1],
        ['a.b', 2],
      ]),
      { a: { b: 2 } },
    );
  });

  it('turns indices into object keys once the node has a value (value first)', () => {
    assert.deepEqual(
      unflatten([
        ['a', 1],
        ['a.0.x', 2],
      ]),
      { a: 1, 'a.0': { x: 2 } },
    );
  });

  it('turns indices into object keys once the node has a value (indices first)', () => {
    assert.deepEqual(
      unflatten([
        ['a.0.x', 2],
        ['a', 1],
      ]),
      { a: 1, 'a.0': { x: 2 } },
    );
  });

  it('turns an index into an object key when the same digits also end a key', () => {
    assert.deepEqual(
      unflatten([
        ['a.0.x', 1],
        ['a.0', 5],
      ]),
      { a: { '0': 5, '0.x': 1 } },
    );
  });

  it('keeps a leaf value and its branches as dotted keys at the same level', () => {
    assert.deepEqual(
      unflatten([
        ['a', 1],
        ['a.b', 2],
      ]),
      { a: 1, 'a.b': 2 },
    );
    assert.deepEqual(
      unflatten([
        ['x.a', 1],
        ['x.a.b.c', 2],
      ]),
      { x: { a: 1, 'a.b': { c: 2 } } },
    );
  });

  it('yields the array and the other branches as dotted keys when both exist', () => {
    assert.deepEqual(
      unflatten([
        ['a.0.x', 1],
        ['a.b', 2],
      ]),
      { a: [{ x: 1 }], 'a.b': 2 },
    );
  });

  it('treats object (kvlist) and array values as terminal', () => {
    const kvlist = { 'x.y': 1, inner: { z: [1, 2] } };
    assert.deepEqual(
      unflatten([
        ['a', kvlist],
        ['a.d', 2],
        ['list', [1, 2, 3]],
      ]),
      { a: kvlist, 'a.d': 2, list: [1, 2, 3] },
    );
  });

  it('keys an index directly under an array element as an object key', () => {
    assert.deepEqual(unflatten([['a.0.1.x', 'v']]), { a: [{ '1': { x: 'v' } }] });
  });

  it('keys root-level indices by their number', () => {
    assert.deepEqual(unflatten([['0.x', 'v']]), { '0': { x: 'v' } });
  });

  it('ends a key at a trailing separator, as str.partition does', () => {
    assert.deepEqual(unflatten([['a.b.', 1]]), { a: { b: 1 } });
  });

  it('creates an own __proto__ property instead of changing the prototype', () => {
    const result = unflatten([
      ['__proto__.polluted', 'yes'],
      ['x.__proto__', 'y'],
    ]);
    assert.equal(Object.getPrototypeOf(result), Object.prototype);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.deepEqual(Object.keys(result), ['__proto__', 'x']);
    const x = result['x'] as Record<string, unknown>;
    assert.equal(Object.getOwnPropertyDescriptor(x, '__proto__')?.value, 'y');
  });
});

describe('flattenAttributes', () => {
  it('flattens objects and arrays of objects with index segments', () => {
    assert.deepEqual(
      flattenAttributes({ a: { b: [{ c: 1 }, { d: 2 }] }, tags: ['x', 'y'], n: null }),
      { 'a.b.0.c': 1, 'a.b.1.d': 2, tags: ['x', 'y'] },
    );
  });

  it('drops the non-object elements of an array that has objects (as Phoenix)', () => {
    assert.deepEqual(flattenAttributes({ a: [1, { b: 2 }] }), { 'a.1.b': 2 });
  });

  it('re-serialises JSON-string attributes', () => {
    assert.deepEqual(
      flattenAttributes({ metadata: { a: 1 }, tool: { parameters: { type: 'object' } } }),
      { metadata: '{"a":1}', 'tool.parameters': '{"type":"object"}' },
    );
  });

  function roundTrip(flat: Record<string, AttributeValue>): void {
    const map = new Map(Object.entries(flat));
    decodeJsonStringAttributes(map);
    const nested = unflattenAttributes(map);
    assert.deepEqual(flattenAttributes(nested), flat);
  }

  it('round-trips an OpenInference LLM span', () => {
    roundTrip({
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o',
      'llm.provider': 'openai',
      'llm.invocation_parameters': '{"temperature":0.2}',
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.content': 'Be brief.',
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.contents.0.message_content.type': 'text',
      'llm.input_messages.1.message.contents.0.message_content.text': 'What is this?',
      'llm.input_messages.1.message.contents.1.message_content.type': 'image',
      'llm.input_messages.1.message.contents.1.message_content.image.image.url': 'https://x/y.png',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_1',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'search',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"q":"x"}',
      'llm.tools.0.tool.json_schema': '{"type":"function"}',
      'llm.token_count.prompt': 10,
      'llm.token_count.completion': 5,
      'llm.token_count.total': 15,
      'llm.prompt_template.variables': '{"city":"Paris"}',
      'input.value': 'What is this?',
      'input.mime_type': 'text/plain',
      'output.value': '{"a":1}',
      'output.mime_type': 'application/json',
      metadata: '{"user":"u1","nested":{"k":[1,2]}}',
      'session.id': 's1',
      'tag.tags': ['a', 'b'],
    });
  });

  it('round-trips an OpenInference retriever span', () => {
    roundTrip({
      'openinference.span.kind': 'RETRIEVER',
      'input.value': 'query',
      'retrieval.documents.0.document.id': 'd1',
      'retrieval.documents.0.document.content': 'First',
      'retrieval.documents.0.document.score': 0.9,
      'retrieval.documents.0.document.metadata': '{"source":"a.txt"}',
      'retrieval.documents.1.document.id': 'd2',
      'retrieval.documents.1.document.content': 'Second',
      'retrieval.documents.1.document.score': 0.5,
    });
  });
});
