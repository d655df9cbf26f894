import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { AttributeValue } from '../otlp/otlp-types.js';
import {
  DROP_ATTRIBUTE,
  decodeJsonStringAttribute,
  decodeJsonStringAttributes,
  isJsonStringAttributeKey,
} from './json-string-attributes.js';

describe('JSON-string attributes', () => {
  it('recognises the keys by suffix, like Phoenix', () => {
    for (const key of [
      'metadata',
      'retrieval.documents.0.document.metadata',
      'llm.prompt_template.variables',
      'tool.parameters',
      'x.tool.parameters',
      'foo_metadata',
    ]) {
      assert.equal(isJsonStringAttributeKey(key), true, key);
    }
    for (const key of ['metadata.x', 'parameters', 'variables', 'input.value', '']) {
      assert.equal(isJsonStringAttributeKey(key), false, key);
    }
  });

  it('keeps JSON nested deeper than 32 levels as the string it came as', () => {
    const deep = `${'['.repeat(40)}1${']'.repeat(40)}`;
    assert.equal(decodeJsonStringAttribute(deep), deep);
    const shallow = `${'['.repeat(32)}1${']'.repeat(32)}`;
    assert.notEqual(decodeJsonStringAttribute(shallow), shallow);
  });

  it('parses valid JSON', () => {
    assert.deepEqual(decodeJsonStringAttribute('{"a":[1,{"b":2}]}'), { a: [1, { b: 2 }] });
    assert.deepEqual(decodeJsonStringAttribute('[1,2]'), [1, 2]);
    assert.equal(decodeJsonStringAttribute('"text"'), 'text');
  });

  it('keeps invalid JSON as the string', () => {
    assert.equal(decodeJsonStringAttribute('{not json'), '{not json');
    assert.equal(decodeJsonStringAttribute('plain words'), 'plain words');
  });

  it('drops values that decode to something empty', () => {
    for (const text of ['{}', '[]', '""', '0', 'null', 'false', ' {} ']) {
      assert.equal(decodeJsonStringAttribute(text), DROP_ATTRIBUTE, text);
    }
  });

  it('leaves non-string values alone', () => {
    assert.deepEqual(decodeJsonStringAttribute({ a: 1 }), { a: 1 });
    assert.equal(decodeJsonStringAttribute(5), 5);
  });

  it('decodes a flat map in place', () => {
    const map = new Map<string, AttributeValue>([
      ['metadata', '{"user":"u"}'],
      ['tool.parameters', '{}'],
      ['llm.prompt_template.variables', 'oops'],
      ['input.value', '{"a":1}'],
    ]);
    decodeJsonStringAttributes(map);
    assert.deepEqual(Object.fromEntries(map), {
      metadata: { user: 'u' },
      'llm.prompt_template.variables': 'oops',
      'input.value': '{"a":1}',
    });
  });
});
