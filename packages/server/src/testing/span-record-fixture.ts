/** Builds SpanRecords for store and queue tests: realistic defaults, any field overridable. */
import type { SpanRecord } from '../spans/span-record.js';

const BASE_TIME = 1_700_000_000_000_000_000n;

export function spanRecord(overrides: Partial<SpanRecord> = {}): SpanRecord {
  const start = overrides.startTimeUnixNano ?? BASE_TIME;
  const end = overrides.endTimeUnixNano ?? start + 5_000_000n;
  return {
    projectName: 'default',
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentId: null,
    name: 'span',
    spanKind: 'CHAIN',
    otelKind: 1,
    latencyMs: Number(end - start) / 1e6,
    statusCode: 'OK',
    statusMessage: '',
    attributes: { input: { value: 'hello' } },
    events: [],
    links: [],
    resourceAttributes: { 'service.name': 'test' },
    scopeName: 'test-scope',
    scopeVersion: '1.0.0',
    traceState: '',
    flags: 1,
    sessionId: null,
    userId: null,
    modelName: null,
    provider: null,
    promptTokens: null,
    completionTokens: null,
    totalTokens: null,
    inputPreview: 'hello',
    outputPreview: null,
    ...overrides,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
  };
}

/** A 32-hex trace id / 16-hex span id derived from a small number, for readable tests. */
export const traceIdOf = (n: number): string => n.toString(16).padStart(32, '0');
export const spanIdOf = (n: number): string => n.toString(16).padStart(16, '0');
export { BASE_TIME };
