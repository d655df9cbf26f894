/**
 * Spans described by hand (any ids, times and attributes, valid or not), turned into OTLP
 * request bodies by the OpenTelemetry serializers the exporters use.
 */
import { randomBytes } from 'node:crypto';
import {
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Attributes,
  type HrTime,
} from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: SpanKind;
  startNs: bigint;
  endNs: bigint;
  attributes?: Attributes;
  status?: { code: SpanStatusCode; message?: string };
  events?: { name: string; timeNs: bigint; attributes?: Attributes }[];
}

export interface BatchOptions {
  resourceAttributes?: Attributes;
  scope?: { name: string; version?: string };
}

export function randomTraceId(): string {
  return randomBytes(16).toString('hex');
}

export function randomSpanId(): string {
  return randomBytes(8).toString('hex');
}

export function hrTimeOf(ns: bigint): HrTime {
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

export function nsOf(hrTime: HrTime): bigint {
  return BigInt(hrTime[0]) * 1_000_000_000n + BigInt(hrTime[1]);
}

/** Now, in ns since the epoch, with sub-millisecond digits so precision loss would show. */
export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
}

/** ISO 8601 as Heron (and Phoenix) write it: microseconds and an explicit +00:00. */
export function isoOf(ns: bigint): string {
  const iso = new Date(Number(ns / 1_000_000n)).toISOString();
  const micros = (ns / 1_000n) % 1_000n;
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}+00:00`;
}

export function toReadableSpans(specs: SpanSpec[], options: BatchOptions = {}): ReadableSpan[] {
  const resource = resourceFromAttributes(options.resourceAttributes ?? {});
  const scope = options.scope ?? { name: 'heron-e2e', version: '0.0.1' };
  return specs.map((spec) => {
    const context = { traceId: spec.traceId, spanId: spec.spanId, traceFlags: TraceFlags.SAMPLED };
    const start = hrTimeOf(spec.startNs);
    const end = hrTimeOf(spec.endNs);
    return {
      name: spec.name,
      kind: spec.kind ?? SpanKind.INTERNAL,
      spanContext: () => context,
      parentSpanContext: spec.parentSpanId
        ? { traceId: spec.traceId, spanId: spec.parentSpanId, traceFlags: TraceFlags.SAMPLED }
        : undefined,
      startTime: start,
      endTime: end,
      status: spec.status ?? { code: SpanStatusCode.UNSET },
      attributes: spec.attributes ?? {},
      links: [],
      events: (spec.events ?? []).map((event) => ({
        name: event.name,
        time: hrTimeOf(event.timeNs),
        attributes: event.attributes ?? {},
        droppedAttributesCount: 0,
      })),
      duration: hrTimeOf(spec.endNs >= spec.startNs ? spec.endNs - spec.startNs : 0n),
      ended: true,
      resource,
      instrumentationScope: scope,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  });
}

export function protobufBody(specs: SpanSpec[], options: BatchOptions = {}): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(toReadableSpans(specs, options))!);
}

export function jsonBody(specs: SpanSpec[], options: BatchOptions = {}): Buffer {
  return Buffer.from(JsonTraceSerializer.serializeRequest(toReadableSpans(specs, options))!);
}

/** A small valid trace: a root and `children` children, 1 ms apart. */
export function simpleTrace(
  children: number,
  attributes: Attributes = {},
  startNs: bigint = nowNs(),
): SpanSpec[] {
  const traceId = randomTraceId();
  const rootId = randomSpanId();
  const specs: SpanSpec[] = [
    {
      traceId,
      spanId: rootId,
      name: 'root',
      startNs,
      endNs: startNs + BigInt(children + 2) * 1_000_000n,
      attributes: { 'openinference.span.kind': 'CHAIN', ...attributes },
    },
  ];
  for (let i = 0; i < children; i++) {
    specs.push({
      traceId,
      spanId: randomSpanId(),
      parentSpanId: rootId,
      name: `child-${i}`,
      startNs: startNs + BigInt(i + 1) * 1_000_000n,
      endNs: startNs + BigInt(i + 2) * 1_000_000n,
      attributes: { 'openinference.span.kind': 'TOOL', ...attributes },
    });
  }
  return specs;
}

/** "trace_id/span_id" keys, to compare sets of spans. */
export function spanKeys(specs: { traceId: string; spanId: string }[]): string[] {
  return specs.map((s) => `${s.traceId}/${s.spanId}`).sort();
}
