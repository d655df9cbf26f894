import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { BodyError, decodeContentEncoding, otlpEncodingOf } from './request-body.js';

describe('otlpEncodingOf', () => {
  it('reads the media type and ignores parameters and case', () => {
    assert.equal(otlpEncodingOf('application/x-protobuf'), 'protobuf');
    assert.equal(otlpEncodingOf('application/x-protobuf; charset=utf-8'), 'protobuf');
    assert.equal(otlpEncodingOf('Application/JSON;charset=UTF-8'), 'json');
    assert.equal(otlpEncodingOf('application/protobuf'), 'protobuf');
    assert.equal(otlpEncodingOf('text/plain'), null);
    assert.equal(otlpEncodingOf(undefined), null);
  });
});

describe('decodeContentEncoding', () => {
  const payload = Buffer.from('x'.repeat(10_000));

  it('undoes gzip, zlib deflate and raw deflate, and passes identity through', async () => {
    assert.deepEqual(await decodeContentEncoding(gzipSync(payload), 'gzip', 1e6), payload);
    assert.deepEqual(await decodeContentEncoding(deflateSync(payload), 'deflate', 1e6), payload);
    assert.deepEqual(await decodeContentEncoding(deflateRawSync(payload), 'deflate', 1e6), payload);
    assert.equal(await decodeContentEncoding(payload, undefined, 10), payload);
    assert.equal(await decodeContentEncoding(payload, 'identity', 10), payload);
  });

  it('stops a gzip bomb at the limit with 413', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    await assert.rejects(
      decodeContentEncoding(bomb, 'gzip', 1024 * 1024),
      (error: BodyError) =>
        error.statusCode === 413 && /HERON_MAX_DECOMPRESSED_BYTES/.test(error.message),
    );
  });

  it('answers 400 for corrupt data and 415 for an unknown encoding', async () => {
    await assert.rejects(
      decodeContentEncoding(Buffer.from('not gzip'), 'gzip', 1e6),
      (error: BodyError) => error.statusCode === 400,
    );
    await assert.rejects(
      decodeContentEncoding(payload, 'br', 1e6),
      (error: BodyError) => error.statusCode === 415 && /br/.test(error.message),
    );
  });
});
