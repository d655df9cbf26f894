import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importFormatOfFile } from './span-export-format.js';

test('the import format follows the file extension', () => {
  assert.equal(importFormatOfFile('a/b/spans.jsonl'), 'jsonl');
  assert.equal(importFormatOfFile('spans.NDJSON'), 'jsonl');
  assert.equal(importFormatOfFile('spans.otlp.jsonl'), 'otlp-json');
  assert.equal(importFormatOfFile('spans.parquet'), 'parquet');
  assert.equal(importFormatOfFile('spans.csv'), null);
  assert.equal(importFormatOfFile('spans'), null);
});
