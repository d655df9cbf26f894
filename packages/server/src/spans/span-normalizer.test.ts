import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type {
  AttributeValue,
  OtlpExportRequest,
  OtlpKeyValue,
  OtlpSpan,
} from '../otlp/otlp-types.js';
import { truncationMarker } from './attribute-limits.js';
import { DEFAULT_SPAN_LIMITS, type SpanLimits } from './span-limits.js';
import {
  INPUT_PREVIEW_LENGTH,
  TRUNCATION_MARKER,
  normalizeExportRequest,
  type NormalizeOptions,
} from './span-normalizer.js';
import type { SpanRecord } from './span-record.js';

const TRACE_ID = '0123456789abcdef0123456789abcdef';
const SPAN_ID = '0123456789abcdef';

function kvs(attributes: Record<string, AttributeValue>): OtlpKeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value }));
}

function makeSpan(overrides: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    parentSpanId: '',
    traceState: '',
    name: 'span',
    kind: 1,
    startTimeUnixNano: 1_700_000_000_000_000_000n,
    endTimeUnixNano: 1_700_000_000_250_000_000n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    flags: 0,
    ...overrides,
  };
}

function makeRequest(
  spans: OtlpSpan[],
  resourceAttributes: Record<string, AttributeValue> = {},
): OtlpExportRequest {
  return {
    resourceSpans: [
      {
        resourceAttributes: kvs(resourceAttributes),
        scopeSpans: [
          { scope: { name: 'scope', version: '1.0', attributes: [] }, spans, schemaUrl: '' },
        ],
        schemaUrl: '',
      },
    ],
  };
}

const OPTIONS: NormalizeOptions = { limits: DEFAULT_SPAN_LIMITS };

function normalizeOne(
  span: OtlpSpan,
  options: NormalizeOptions = OPTIONS,
  resource: Record<string, AttributeValue> = {},
): SpanRecord {
  const result = normalizeExportRequest(makeRequest([span], resource), options);
  assert.deepEqual(result.rejected, []);
  assert.equal(result.spans.length, 1);
  return result.spans[0] as SpanRecord;
}

function rejectionOf(span: OtlpSpan): string {
  const result = normalizeExportRequest(makeRequest([span]), OPTIONS);
  assert.equal(result.spans.length, 0);
  assert.equal(result.rejected.length, 1);
  const rejected = result.rejected[0]!;
  assert.equal(rejected.traceId, span.traceId);
  assert.equal(rejected.spanId, span.spanId);
  return rejected.reason;
}

describe('normalizeExportRequest: record fields', () => {
  it('builds the record with ids, times, scope, resource, events and links', () => {
    const record = normalizeOne(
      makeSpan({
        parentSpanId: 'FEDCBA9876543210',
        name: 'ChatCompletion',
        kind: 3,
        traceState: 'k=v',
        flags: 1,
        attributes: kvs({ 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4' }),
        events: [
          {
            name: 'exception',
            timeUnixNano: 1_700_000_000_100_000_001n,
            attributes: kvs({ 'exception.message': 'boom', 'exception.type': 'Error' }),
            droppedAttributesCount: 0,
          },
        ],
        links: [
          {
            traceId: 'ABCDEF0123456789ABCDEF0123456789',
            spanId: 'aaaaaaaaaaaaaaaa',
            traceState: '',
            attributes: kvs({ 'link.kind': 'follows' }),
            droppedAttributesCount: 0,
            flags: 0,
          },
        ],
      }),
      OPTIONS,
      { 'service.name': 'svc' },
    );
    assert.equal(record.traceId, TRACE_ID);
    assert.equal(record.spanId, SPAN_ID);
    assert.equal(record.parentId, 'fedcba9876543210');
    assert.equal(record.name, 'ChatCompletion');
    assert.equal(record.otelKind, 3);
    assert.equal(record.latencyMs, 250);
    assert.equal(record.scopeName, 'scope');
    assert.equal(record.scopeVersion, '1.0');
    assert.equal(record.traceState, 'k=v');
    assert.equal(record.flags, 1);
    assert.equal(record.projectName, 'default');
    assert.equal(record.spanKind, 'LLM');
    assert.equal(record.modelName, 'gpt-4');
    assert.deepEqual(record.attributes, {
      openinference: { span: { kind: 'LLM' } },
      llm: { model_name: 'gpt-4' },
    });
    assert.deepEqual(record.resourceAttributes, { 'service.name': 'svc' });
    assert.deepEqual(record.events, [
      {
        name: 'exception',
        timeUnixNano: '1700000000100000001',
        attributes: { 'exception.message': 'boom', 'exception.type': 'Error' },
      },
    ]);
    assert.deepEqual(record.links, [
      {
        traceId: 'abcdef0123456789abcdef0123456789',
        spanId: 'aaaaaaaaaaaaaaaa',
        traceState: '',
        attributes: { 'link.kind': 'follows' },
      },
    ]);
  });

  it('treats an empty or all-zero parent id as a root span', () => {
    assert.equal(normalizeOne(makeSpan({ parentSpanId: '' })).parentId, null);
    assert.equal(normalizeOne(makeSpan({ parentSpanId: '0000000000000000' })).parentId, null);
  });

  it('maps status codes', () => {
    const status = (code: number) =>
      normalizeOne(makeSpan({ status: { code, message: 'm' } })).statusCode;
    assert.equal(status(0), 'UNSET');
    assert.equal(status(1), 'OK');
    assert.equal(status(2), 'ERROR');
    assert.equal(status(7), 'UNSET');
    assert.equal(
      normalizeOne(makeSpan({ status: { code: 2, message: 'bad' } })).statusMessage,
      'bad',
    );
  });

  it('upper-cases and trims the span kind', () => {
    const kind = (value: AttributeValue) =>
      normalizeOne(makeSpan({ attributes: kvs({ 'openinference.span.kind': value }) })).spanKind;
    assert.equal(kind(' llm '), 'LLM');
    assert.equal(kind('retriever'), 'RETRIEVER');
  });

  it('uses UNKNOWN for a missing or unrecognised kind', () => {
    assert.equal(normalizeOne(makeSpan()).spanKind, 'UNKNOWN');
    const kind = (value: AttributeValue) =>
      normalizeOne(makeSpan({ attributes: kvs({ 'openinference.span.kind': value }) })).spanKind;
    assert.equal(kind('WORKFLOW'), 'UNKNOWN');
    assert.equal(kind(3), 'UNKNOWN');
  });

  it('keeps the raw kind attribute as sent', () => {
    const record = normalizeOne(
      makeSpan({ attributes: kvs({ 'openinference.span.kind': 'llm' }) }),
    );
    assert.deepEqual(record.attributes, { openinference: { span: { kind: 'llm' } } });
  });
});

describe('normalizeExportRequest: project', () => {
  const withProject = { 'openinference.project.name': 'from-resource' };

  it('prefers the header, trimmed', () => {
    const options = { ...OPTIONS, headerProjectName: '  from-header ' };
    assert.equal(normalizeOne(makeSpan(), options, withProject).projectName, 'from-header');
  });

  it('ignores a blank header and uses the resource attribute', () => {
    const options = { ...OPTIONS, headerProjectName: '   ' };
    assert.equal(normalizeOne(makeSpan(), options, withProject).projectName, 'from-resource');
  });

  it('uses the first non-empty string resource attribute', () => {
    const request = makeRequest([makeSpan()]);
    request.resourceSpans[0]!.resourceAttributes = [
      { key: 'openinference.project.name', value: '' },
      { key: 'openinference.project.name', value: 42 },
      { key: 'openinference.project.name', value: 'second' },
      { key: 'openinference.project.name', value: 'third' },
    ];
    assert.equal(normalizeExportRequest(request, OPTIONS).spans[0]!.projectName, 'second');
  });

  it('falls back to default', () => {
    assert.equal(normalizeOne(makeSpan()).projectName, 'default');
  });

  it('lets a span-level attribute override header and resource, and keeps the attribute', () => {
    const options = { ...OPTIONS, headerProjectName: 'from-header' };
    const record = normalizeOne(
      makeSpan({ attributes: kvs({ 'openinference.project.name': 'from-span' }) }),
      options,
      withProject,
    );
    assert.equal(record.projectName, 'from-span');
    assert.deepEqual(record.attributes, { openinference: { project: { name: 'from-span' } } });
  });

  it('resolves each ResourceSpans separately', () => {
    const request = makeRequest([makeSpan()], withProject);
    request.resourceSpans.push({
      resourceAttributes: [],
      scopeSpans: [
        {
          scope: { name: '', version: '', attributes: [] },
          spans: [makeSpan({ spanId: 'fedcba9876543210' })],
          schemaUrl: '',
        },
      ],
      schemaUrl: '',
    });
    const names = normalizeExportRequest(request, OPTIONS).spans.map((s) => s.projectName);
    assert.deepEqual(names, ['from-resource', 'default']);
  });
});

describe('normalizeExportRequest: rejections', () => {
  it('rejects a trace id of the wrong length', () => {
    assert.equal(
      rejectionOf(makeSpan({ traceId: 'abcd' })),
      'trace_id must be 16 bytes (32 hex chars), got 2 bytes',
    );
    assert.equal(
      rejectionOf(makeSpan({ traceId: '' })),
      'trace_id must be 16 bytes (32 hex chars), got nothing',
    );
  });

  it('rejects an all-zero trace id', () => {
    assert.equal(
      rejectionOf(makeSpan({ traceId: '0'.repeat(32) })),
      'trace_id must not be all zeros',
    );
  });

  it('rejects a trace id that is not hex', () => {
    assert.match(rejectionOf(makeSpan({ traceId: 'z'.repeat(32) })), /^trace_id is not valid hex/);
  });

  it('rejects a span id of the wrong length', () => {
    assert.equal(
      rejectionOf(makeSpan({ spanId: '0123456789' })),
      'span_id must be 8 bytes (16 hex chars), got 5 bytes',
    );
    assert.equal(
      rejectionOf(makeSpan({ spanId: '012' })),
      'span_id must be 8 bytes (16 hex chars), got 3 hex chars',
    );
  });

  it('rejects an all-zero span id', () => {
    assert.equal(
      rejectionOf(makeSpan({ spanId: '0'.repeat(16) })),
      'span_id must not be all zeros',
    );
  });

  it('rejects a parent id of the wrong length', () => {
    assert.equal(
      rejectionOf(makeSpan({ parentSpanId: 'abcdef' })),
      'parent_span_id must be empty or 8 bytes (16 hex chars), got 3 bytes',
    );
  });

  it('rejects a zero start time', () => {
    assert.equal(
      rejectionOf(makeSpan({ startTimeUnixNano: 0n, endTimeUnixNano: 10n })),
      'start_time_unix_nano must be greater than 0',
    );
  });

  it('rejects an end before the start', () => {
    assert.equal(
      rejectionOf(makeSpan({ startTimeUnixNano: 20n, endTimeUnixNano: 10n })),
      'end_time_unix_nano (10) is before start_time_unix_nano (20)',
    );
  });

  it('accepts the valid spans of a batch and rejects only the bad ones', () => {
    const result = normalizeExportRequest(
      makeRequest([makeSpan(), makeSpan({ spanId: 'bad' }), makeSpan({ spanId: '1'.repeat(16) })]),
      OPTIONS,
    );
    assert.deepEqual(
      result.spans.map((s) => s.spanId),
      [SPAN_ID, '1'.repeat(16)],
    );
    assert.equal(result.rejected.length, 1);
    assert.equal(result.rejected[0]!.spanId, 'bad');
  });
});

describe('normalizeExportRequest: limits', () => {
  const limits: SpanLimits = { maxAttributesPerSpan: 3, maxAttributeValueLength: 64 };

  it('keeps the first N attributes and records how many were dropped', () => {
    const record = normalizeOne(
      makeSpan({
        attributes: kvs({ a: 1, b: 2, c: 3, d: 4, e: 5 }),
        droppedAttributesCount: 2,
      }),
      { limits },
    );
    assert.deepEqual(record.attributes, {
      a: 1,
      b: 2,
      c: 3,
      heron: { dropped_attributes_count: 4 },
    });
  });

  it('cuts long strings, ends them with the marker and lists their keys', () => {
    const long = 'x'.repeat(1000);
    const record = normalizeOne(
      makeSpan({
        attributes: kvs({ 'input.value': long, short: 'ok', list: ['y'.repeat(100), 'z'] }),
      }),
      { limits },
    );
    const input = (record.attributes['input'] as Record<string, string>)['value']!;
    assert.ok(input.endsWith(truncationMarker(1000)));
    assert.ok(input.includes(TRUNCATION_MARKER));
    assert.ok(input.endsWith('1000 chars]'));
    assert.ok(input.length <= 64);
    assert.ok(input.startsWith('xxxx'));
    const list = record.attributes['list'] as string[];
    assert.ok(list[0]!.endsWith(truncationMarker(100)));
    assert.equal(list[1], 'z');
    assert.equal(record.attributes['short'], 'ok');
    assert.deepEqual(
      (record.attributes['heron'] as Record<string, AttributeValue>)['truncated_attributes'],
      ['input.value', 'list'],
    );
    assert.ok(record.inputPreview!.startsWith('xxxx'));
  });

  it('never splits a surrogate pair when cutting', () => {
    const marker = truncationMarker(200);
    const value = 'a' + '😀'.repeat(99) + 'b';
    const limited = { maxAttributesPerSpan: 10, maxAttributeValueLength: marker.length + 2 };
    const record = normalizeOne(makeSpan({ attributes: kvs({ s: value }) }), { limits: limited });
    assert.equal(record.attributes['s'], 'a' + marker);
  });

  it('applies the limits to event attributes', () => {
    const record = normalizeOne(
      makeSpan({
        events: [
          {
            name: 'e',
            timeUnixNano: 5n,
            attributes: kvs({ a: 'q'.repeat(100), b: 1, c: 2, d: 3 }),
            droppedAttributesCount: 0,
          },
        ],
      }),
      { limits },
    );
    const attributes = record.events[0]!.attributes;
    assert.ok((attributes['a'] as string).endsWith(truncationMarker(100)));
    assert.equal(attributes['heron.dropped_attributes_count'], 1);
    assert.deepEqual(attributes['heron.truncated_attributes'], ['a']);
    assert.equal(attributes['d'], undefined);
  });
});

describe('normalizeExportRequest: derived values', () => {
  it('coerces token counts to integers and derives the columns', () => {
    const record = normalizeOne(
      makeSpan({
        attributes: kvs({
          'llm.token_count.prompt': '12',
          'llm.token_count.completion': 7.0,
          'llm.model_name': 'gpt-4o',
          'llm.system': 'openai',
          'session.id': 'sess',
          'user.id': 42,
        }),
      }),
    );
    assert.deepEqual(record.attributes['llm'], {
      token_count: { prompt: 12, completion: 7 },
      model_name: 'gpt-4o',
      system: 'openai',
    });
    assert.equal(record.promptTokens, 12);
    assert.equal(record.completionTokens, 7);
    assert.equal(record.totalTokens, 19);
    assert.equal(record.provider, 'openai');
    assert.equal(record.sessionId, 'sess');
    assert.equal(record.userId, '42');
  });

  it('leaves token counts that are not whole numbers alone', () => {
    const record = normalizeOne(
      makeSpan({
        attributes: kvs({ 'llm.token_count.prompt': 'many', 'llm.token_count.total': 1.5 }),
      }),
    );
    assert.deepEqual(record.attributes['llm'], { token_count: { prompt: 'many', total: 1.5 } });
    assert.equal(record.promptTokens, null);
    assert.equal(record.totalTokens, null);
  });

  it('uses the given total and a sum when only one half is known', () => {
    const given = normalizeOne(
      makeSpan({
        attributes: kvs({ 'llm.token_count.prompt': 1, 'llm.token_count.total': 10 }),
      }),
    );
    assert.equal(given.totalTokens, 10);
    const half = normalizeOne(makeSpan({ attributes: kvs({ 'llm.token_count.completion': 4 }) }));
    assert.equal(half.totalTokens, 4);
    assert.equal(normalizeOne(makeSpan()).totalTokens, null);
  });

  it('previews the first characters of input and output without splitting a pair', () => {
    const input = 'i'.repeat(INPUT_PREVIEW_LENGTH - 1) + '😀' + 'tail';
    const record = normalizeOne(
      makeSpan({ attributes: kvs({ 'input.value': input, 'output.value': 'short' }) }),
    );
    assert.equal(INPUT_PREVIEW_LENGTH, 200);
    assert.equal(record.inputPreview, 'i'.repeat(INPUT_PREVIEW_LENGTH - 1));
    assert.equal(record.outputPreview, 'short');
    assert.equal(normalizeOne(makeSpan()).inputPreview, null);
  });

  it('serialises a non-string input.value as JSON and forces the mime type', () => {
    const record = normalizeOne(
      makeSpan({
        attributes: kvs({
          'input.value': { question: 'why' },
          'input.mime_type': 'text/plain',
          'output.value': 5,
        }),
      }),
    );
    assert.deepEqual(record.attributes['input'], {
      value: '{"question":"why"}',
      mime_type: 'application/json',
    });
    assert.deepEqual(record.attributes['output'], { value: '5', mime_type: 'application/json' });
    assert.equal(record.inputPreview, '{"question":"why"}');
  });

  it('decodes JSON-string attributes', () => {
    const record = normalizeOne(
      makeSpan({
        attributes: kvs({ metadata: '{"a":1}', 'tool.parameters': '{}', 'tag.tags': ['x'] }),
      }),
    );
    assert.deepEqual(record.attributes, { metadata: { a: 1 }, tag: { tags: ['x'] } });
  });

  it('maps a gen_ai span end to end', () => {
    const record = normalizeOne(
      makeSpan({
        attributes: kvs({
          'gen_ai.operation.name': 'chat',
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 10,
          'gen_ai.usage.output_tokens': 5,
          'gen_ai.conversation.id': 'conv',
          'gen_ai.prompt.0.role': 'user',
          'gen_ai.prompt.0.content': 'hi',
        }),
      }),
    );
    assert.equal(record.spanKind, 'LLM');
    assert.equal(record.modelName, 'gpt-4o');
    assert.equal(record.provider, 'openai');
    assert.equal(record.sessionId, 'conv');
    assert.equal(record.promptTokens, 10);
    assert.equal(record.completionTokens, 5);
    assert.equal(record.totalTokens, 15);
    assert.equal(record.inputPreview, '[{"role":"user","content":"hi"}]');
    const llm = record.attributes['llm'] as Record<string, AttributeValue>;
    assert.deepEqual(llm['input_messages'], [{ message: { role: 'user', content: 'hi' } }]);
  });
});
