import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Long from 'long';
import { ExportTraceServiceRequestType } from './otlp-proto-root.js';
import { OtlpDecodeError } from './otlp-decode-error.js';
import { decodeProtobufExportRequest } from './protobuf-decoder.js';

const hex = (s: string) => Buffer.from(s, 'hex');
const u64 = (n: bigint) => new Long(Number(n & 0xffffffffn), Number(n >> 32n), true);

function encode(message: object): Uint8Array {
  return ExportTraceServiceRequestType.encode(
    ExportTraceServiceRequestType.fromObject(message),
  ).finish();
}

describe('decodeProtobufExportRequest', () => {
  const body = encode({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [
          {
            scope: { name: 'scope', version: '2.0' },
            spans: [
              {
                traceId: hex('5b8efff798038103d269b633813fc60c'),
                spanId: hex('eee19b7ec3c1b174'),
                parentSpanId: hex('eee19b7ec3c1b173'),
                name: 'llm',
                kind: 3,
                startTimeUnixNano: u64(1_712_345_678_123_456_789n),
                endTimeUnixNano: u64(1_712_345_678_223_456_789n),
                attributes: [
                  { key: 'i', value: { intValue: Long.fromString('-42') } },
                  { key: 'big', value: { intValue: Long.fromString('9223372036854775807') } },
                  { key: 'd', value: { doubleValue: 1.25 } },
                  { key: 'b', value: { boolValue: false } },
                  { key: 's', value: { stringValue: 'héllo 你好' } },
                  { key: 'bytes', value: { bytesValue: Buffer.from([1, 2, 3]) } },
                  {
                    key: 'arr',
                    value: { arrayValue: { values: [{ intValue: 1 }, { stringValue: 'x' }] } },
                  },
                  {
                    key: 'kv',
                    value: { kvlistValue: { values: [{ key: 'a', value: { boolValue: true } }] } },
                  },
                  { key: 'none', value: {} },
                ],
                events: [{ timeUnixNano: u64(1_712_345_678_200_000_001n), name: 'exception' }],
                links: [
                  {
                    traceId: hex('5b8efff798038103d269b633813fc60d'),
                    spanId: hex('0102030405060708'),
                  },
                ],
                status: { code: 2, message: 'failed' },
                flags: 0x101,
              },
            ],
          },
        ],
      },
    ],
  });

  it('maps ids to hex, times to exact bigint nanoseconds and AnyValues to plain values', () => {
    const request = decodeProtobufExportRequest(body);
    const resource = request.resourceSpans[0]!;
    assert.deepEqual(resource.resourceAttributes, [{ key: 'service.name', value: 'svc' }]);
    const span = resource.scopeSpans[0]!.spans[0]!;
    assert.equal(span.traceId, '5b8efff798038103d269b633813fc60c');
    assert.equal(span.spanId, 'eee19b7ec3c1b174');
    assert.equal(span.parentSpanId, 'eee19b7ec3c1b173');
    assert.equal(span.startTimeUnixNano, 1_712_345_678_123_456_789n);
    assert.equal(span.endTimeUnixNano, 1_712_345_678_223_456_789n);
    assert.deepEqual(Object.fromEntries(span.attributes.map((kv) => [kv.key, kv.value])), {
      i: -42,
      big: '9223372036854775807',
      d: 1.25,
      b: false,
      s: 'héllo 你好',
      bytes: 'AQID',
      arr: [1, 'x'],
      kv: { a: true },
      none: null,
    });
    assert.equal(span.events[0]!.timeUnixNano, 1_712_345_678_200_000_001n);
    assert.equal(span.links[0]!.spanId, '0102030405060708');
    assert.deepEqual(span.status, { code: 2, message: 'failed' });
    assert.equal(span.flags, 0x101);
    assert.equal(span.kind, 3);
  });

  it('gives an empty parent id for a root span', () => {
    const root = encode({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: hex('01'.repeat(16)), name: 'r' }] }] }],
    });
    const span = decodeProtobufExportRequest(root).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    assert.equal(span.parentSpanId, '');
    assert.equal(span.spanId, '');
  });

  it('rejects bytes that are not an ExportTraceServiceRequest', () => {
    assert.throws(
      () => decodeProtobufExportRequest(body.subarray(0, body.length - 7)),
      OtlpDecodeError,
    );
    assert.throws(
      () => decodeProtobufExportRequest(Buffer.from('{"resourceSpans":[]}')),
      OtlpDecodeError,
    );
  });
});
