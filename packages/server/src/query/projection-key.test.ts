import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProjectionKey, ProjectionKeyError, valueAtPath } from './projection-key.js';

test('built-in names, dotted aliases and attribute paths', () => {
  assert.deepEqual(parseProjectionKey('span_kind'), { kind: 'builtin', name: 'span_kind' });
  assert.deepEqual(parseProjectionKey('context.span_id'), { kind: 'builtin', name: 'span_id' });
  assert.deepEqual(parseProjectionKey('context.trace_id'), { kind: 'builtin', name: 'trace_id' });
  assert.deepEqual(parseProjectionKey('start_time'), { kind: 'builtin', name: 'start_time' });
  assert.deepEqual(parseProjectionKey('llm.token_count.prompt'), {
    kind: 'attribute',
    path: ['llm', 'token_count', 'prompt'],
  });
  assert.deepEqual(parseProjectionKey('attributes.retrieval.documents'), {
    kind: 'attribute',
    path: ['retrieval', 'documents'],
  });
  assert.deepEqual(parseProjectionKey('llm.input_messages.0.message.role'), {
    kind: 'attribute',
    path: ['llm', 'input_messages', '0', 'message', 'role'],
  });
  // An undotted unknown name is an attribute, as in Phoenix.
  assert.deepEqual(parseProjectionKey('user'), { kind: 'attribute', path: ['user'] });
});

test('subscripts: attributes[...] and metadata[...], chained or as a list', () => {
  assert.deepEqual(parseProjectionKey("attributes['llm']['model_name']"), {
    kind: 'attribute',
    path: ['llm', 'model_name'],
  });
  assert.deepEqual(parseProjectionKey('attributes[["a", "b.c"]][0]'), {
    kind: 'attribute',
    path: ['a', 'b.c', 0],
  });
  assert.deepEqual(parseProjectionKey(" metadata [ 'topic' ] "), {
    kind: 'attribute',
    path: ['metadata', 'topic'],
  });
});

test('anything else is rejected with the key in the message', () => {
  for (const key of [
    '',
    '   ',
    'a == 1',
    'span_kind.lower()',
    "foo['x']",
    'attributes[0]',
    'attributes[1.5]',
    "attributes['a'",
    '"text"',
    'cumulative_token_count.total',
  ]) {
    assert.throws(() => parseProjectionKey(key), ProjectionKeyError, JSON.stringify(key));
  }
  assert.throws(() => parseProjectionKey('a b'), /invalid expression: a b/);
});

test('valueAtPath follows objects and arrays like json_extract, null on a miss', () => {
  const root = { a: { b: [{ c: 1 }, { c: 2 }] }, s: 'text' };
  assert.equal(valueAtPath(root, ['a', 'b', 1, 'c']), 2);
  assert.equal(valueAtPath(root, ['a', 'b', '0', 'c']), 1);
  assert.equal(valueAtPath(root, ['a', 'b', 5]), null);
  assert.equal(valueAtPath(root, ['s', 'x']), null);
  assert.equal(valueAtPath(root, ['toString']), null);
  assert.deepEqual(valueAtPath(root, ['a']), { b: [{ c: 1 }, { c: 2 }] });
});
