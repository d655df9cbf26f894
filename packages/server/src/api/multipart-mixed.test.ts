import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeMultipartMixed, multipartMixedContentType, newBoundary } from './multipart-mixed.js';

test('parts framed as Phoenix frames them, and split back the way its client splits', () => {
  const boundary = newBoundary();
  assert.match(boundary, /^[A-Za-z0-9_-]{86}$/);
  assert.notEqual(boundary, newBoundary());
  const body = encodeMultipartMixed(
    [
      { contentType: 'application/json', body: '{"a":1}' },
      { contentType: 'application/json', body: Buffer.from('{"b":"é"}') },
    ],
    boundary,
  ).toString('utf8');
  assert.equal(
    body,
    `--${boundary}\r\nContent-Type: application/json\r\n\r\n{"a":1}\r\n` +
      `--${boundary}\r\nContent-Type: application/json\r\n\r\n{"b":"é"}\r\n` +
      `--${boundary}--\r\n`,
  );
  assert.equal(multipartMixedContentType(boundary), `multipart/mixed; boundary=${boundary}`);
  // phoenix.client's _process_span_dataframe, in JavaScript.
  const parts = body
    .split(`--${boundary}`)
    .filter((part) => part.includes('Content-Type: application/json'))
    .map((part) => JSON.parse(part.split('\r\n\r\n')[1]!.trim()) as unknown);
  assert.deepEqual(parts, [{ a: 1 }, { b: 'é' }]);
});
