import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJsonExportRequest } from './json-decoder.js';
import { OtlpDecodeError } from './otlp-decode-error.js';

// Shaped like what @opentelemetry/exporter-trace-otlp-http sends (ids hex, times as strings,
// intValue as a number, enums as numbers).
const exporterBody = {
  resourceSpans: [
    {
      resource: {
        attributes: [{ key: 'openinference.project.name', value: { stringValue: 'demo' } }],
        droppedAttributesCount: 0,
      },
      scopeSpans: [
        {
          scope: { name: 'scope-name', version: '1.2.3' },
          spans: [
            {
              traceId: '036ea8f093ea48fb66972dec1b679fdc',
              spanId: 'c063c97b885c42a6',
              parentSpanId: '9663d5b7ed721b6d',
              name: 'child',
              kind: 3,
              startTimeUnixNano: '1795497534558000000',
              endTimeUnixNano: '1795497534558404954',
              attributes: [
                { key: 'x.int', value: { intValue: 7 } },
                { key: 'x.bigint', value: { intValue: '9007199254740993' } },
                { key: 'x.dbl', value: { doubleValue: 0.5 } },
                {
                  key: 'x.arr',
                  value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } },
                },
                { key: 'x.bool', value: { boolValue: true } },
                {
                  key: 'x.kv',
                  value: { kvlistValue: { values: [{ key: 'k', value: { intValue: '1' } }] } },
                },
                { key: 'x.bytes', value: { bytesValue: 'AQID' } },
                { key: 'x.empty', value: {} },
              ],
              events: [
                {
                  attributes: [{ key: 'k', value: { stringValue: 'v' } }],
                  name: 'ev',
                  timeUnixNano: '1795497534558281540',
                },
              ],
              status: { code: 2, message: 'boom' },
              links: [],
              flags: 257,
            },
          ],
        },
      ],
    },
  ],
};

describe('decodeJsonExportRequest', () => {
  it('decodes what the OTLP/HTTP JSON exporter sends, exactly', () => {
    const request = decodeJsonExportRequest(JSON.stringify(exporterBody));
    const resource = request.resourceSpans[0]!;
    assert.deepEqual(resource.resourceAttributes, [
      { key: 'openinference.project.name', value: 'demo' },
    ]);
    const scope = resource.scopeSpans[0]!;
    assert.deepEqual(scope.scope, { name: 'scope-name', version: '1.2.3', attributes: [] });
    const span = scope.spans[0]!;
    assert.equal(span.traceId, '036ea8f093ea48fb66972dec1b679fdc');
    assert.equal(span.parentSpanId, '9663d5b7ed721b6d');
    assert.equal(span.kind, 3);
    assert.equal(span.startTimeUnixNano, 1795497534558000000n);
    assert.equal(span.endTimeUnixNano, 1795497534558404954n);
    assert.deepEqual(Object.fromEntries(span.attributes.map((kv) => [kv.key, kv.value])), {
      'x.int': 7,
      'x.bigint': '9007199254740993',
      'x.dbl': 0.5,
      'x.arr': ['a', 'b'],
      'x.bool': true,
      'x.kv': { k: 1 },
      'x.bytes': 'AQID',
      'x.empty': null,
    });
    assert.deepEqual(span.events[0], {
      name: 'ev',
      timeUnixNano: 1795497534558281540n,
      attributes: [{ key: 'k', value: 'v' }],
      droppedAttributesCount: 0,
    });
    assert.deepEqual(span.status, { code: 2, message: 'boom' });
    assert.equal(span.flags, 257);
  });

  it('accepts snake_case names, enum names, numeric times and base64 ids', () => {
    const request = decodeJsonExportRequest(
      JSON.stringify({
        resource_spans: [
          {
            scope_spans: [
              {
                spans: [
                  {
                    trace_id: Buffer.from('036ea8f093ea48fb66972dec1b679fdc', 'hex').toString(
                      'base64',
                    ),
                    span_id: 'C063C97B885C42A6',
                    name: 'n',
                    kind: 'SPAN_KIND_SERVER',
                    start_time_unix_nano: 1000,
                    end_time_unix_nano: 2000,
                    status: { code: 'STATUS_CODE_OK' },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    const span = request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    assert.equal(span.traceId, '036ea8f093ea48fb66972dec1b679fdc');
    assert.equal(span.spanId, 'c063c97b885c42a6');
    assert.equal(span.kind, 2);
    assert.equal(span.startTimeUnixNano, 1000n);
    assert.equal(span.status.code, 1);
    assert.equal(span.parentSpanId, '');
  });

  it('keeps ids of the wrong length for the normalizer to reject per span', () => {
    const body = structuredClone(exporterBody);
    body.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.spanId = 'abcd';
    const span = decodeJsonExportRequest(JSON.stringify(body)).resourceSpans[0]!.scopeSpans[0]!
      .spans[0]!;
    assert.equal(span.spanId, 'abcd');
  });

  it('refuses attribute values nested deeper than 32 levels, like the protobuf decoder', () => {
    const nested = (depth: number): unknown =>
      depth === 0 ? { stringValue: 'x' } : { arrayValue: { values: [nested(depth - 1)] } };
    const request = (depth: number) =>
      JSON.stringify({
        resourceSpans: [
          { scopeSpans: [{ spans: [{ attributes: [{ key: 'deep', value: nested(depth) }] }] }] },
        ],
      });
    assert.doesNotThrow(() => decodeJsonExportRequest(Buffer.from(request(32))));
    assert.throws(
      () => decodeJsonExportRequest(Buffer.from(request(1100))),
      (error) =>
        error instanceof OtlpDecodeError && /nest deeper than 32 levels/.test(error.message),
    );
  });

  it('names the path of a malformed field', () => {
    const cases: [unknown, RegExp][] = [
      ['{not json', /not valid JSON/],
      [{ resourceSpans: 5 }, /resourceSpans: expected an array/],
      [
        { resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: 'soon' }] }] }] },
        /spans\[0\]\.startTimeUnixNano/,
      ],
      [
        { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 7 }] }] }] },
        /spans\[0\]\.name: expected a string/,
      ],
      [
        { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz!' }] }] }] },
        /traceId: "xyz!" is not a hex id/,
      ],
      [
        { resourceSpans: [{ scopeSpans: [{ spans: [{ kind: 'SPAN_KIND_BOGUS' }] }] }] },
        /kind: expected one of/,
      ],
      [
        {
          resourceSpans: [
            { scopeSpans: [{ spans: [{ attributes: [{ key: 'a', value: { intValue: 1.5 } }] }] }] },
          ],
        },
        /attributes\[0\]\.value\.intValue/,
      ],
    ];
    for (const [body, message] of cases) {
      assert.throws(
        () => decodeJsonExportRequest(typeof body === 'string' ? body : JSON.stringify(body)),
        (error: Error) => error instanceof OtlpDecodeError && message.test(error.message),
        String(message),
      );
    }
  });
});
