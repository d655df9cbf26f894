/**
 * Realistic OpenInference traces as OTLP protobuf ExportTraceServiceRequests, cheap to send.
 *
 * Each trace is a RAG turn: CHAIN root with three children — RETRIEVER (4 documents), LLM
 * (3 messages, token counts, invocation parameters) and TOOL. A small pool of request templates
 * is encoded once with the OpenTelemetry serializer; for every send the trace ids, span ids,
 * parent ids and timestamps are patched in place at offsets found after encoding. So a send
 * costs a few thousand byte writes, not an encode: the load generator shares 2 cores with the
 * server and must leave them to it.
 */
import { randomBytes } from 'node:crypto';
import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';

type ReadableSpanLike = Parameters<typeof ProtobufTraceSerializer.serializeRequest>[0][number];

export interface PayloadOptions {
  /** Spans per request; rounded down to a multiple of 4 (one trace = 4 spans). */
  spansPerRequest: number;
  /** Distinct request templates (different texts) to cycle through. */
  templates: number;
  /** Seed of the text generator, so runs send the same bytes. */
  seed?: number;
}

export interface PayloadStats {
  spansPerRequest: number;
  tracesPerRequest: number;
  templates: number;
  /** Mean request size in bytes. */
  requestBytes: number;
  /** Mean protobuf bytes per span (request size / spans). */
  bytesPerSpan: number;
  /** Mean encoded bytes per span of each OpenInference kind. */
  bytesPerKind: Record<string, number>;
}

/** A request ready to send; `release` it once the server has answered (the buffer is reused). */
export interface PayloadLease {
  body: Buffer;
  spans: number;
  release(): void;
}

interface IdOffsets {
  /** Offset of each span's 16 trace-id bytes. */
  traceId: number[];
  /** Offset of each span's own 8 span-id bytes. */
  spanId: number[];
  /** Offset of each span's parent-id bytes, or -1 for the root. */
  parentId: number[];
  /** Offsets of the fixed64 start and end times. */
  startTime: number[];
  endTime: number[];
}

interface Template {
  bytes: Buffer;
  offsets: IdOffsets;
  /** Trace of each span, and index of each span's parent within the request (-1 = root). */
  traceIndex: number[];
  parentIndex: number[];
  /** Template start and end times as 32-bit halves. */
  startLo: number[];
  startHi: number[];
  endLo: number[];
  endHi: number[];
  /** Latest end, to shift all times so the latest trace ends "now". */
  baseNs: bigint;
  free: Buffer[];
}

const SPANS_PER_TRACE = 4;

export class PayloadGenerator {
  readonly stats: PayloadStats;
  private readonly templates: Template[];
  private nextTemplate = 0;
  private sendSeq = 0;
  private readonly runNonce = randomBytes(4).readUInt32BE(0);

  constructor(options: PayloadOptions) {
    const traces = Math.max(1, Math.floor(options.spansPerRequest / SPANS_PER_TRACE));
    const random = mulberry32(options.seed ?? 20240611);
    const text = new TextGenerator(random);
    this.templates = [];
    const kindBytes: Record<string, number> = {};
    for (let t = 0; t < Math.max(1, options.templates); t++) {
      const spans = buildRequestSpans(traces, text, random);
      this.templates.push(encodeTemplate(spans));
      if (t === 0) {
        for (const kind of ['CHAIN', 'RETRIEVER', 'LLM', 'TOOL']) {
          const ofKind = spans.spans.filter(
            (s) => s.attributes['openinference.span.kind'] === kind,
          );
          kindBytes[kind] = Math.round(spanMessageBytes(ofKind) / ofKind.length);
        }
      }
    }
    const spansPerRequest = traces * SPANS_PER_TRACE;
    const totalBytes = this.templates.reduce((sum, t) => sum + t.bytes.length, 0);
    const requestBytes = totalBytes / this.templates.length;
    this.stats = {
      spansPerRequest,
      tracesPerRequest: traces,
      templates: this.templates.length,
      requestBytes: Math.round(requestBytes),
      bytesPerSpan: Math.round(requestBytes / spansPerRequest),
      bytesPerKind: kindBytes,
    };
  }

  /** The next request, with fresh ids and current timestamps. */
  next(): PayloadLease {
    const template = this.templates[this.nextTemplate]!;
    this.nextTemplate = (this.nextTemplate + 1) % this.templates.length;
    const body = template.free.pop() ?? Buffer.from(template.bytes);
    this.sendSeq = (this.sendSeq + 1) >>> 0 || 1;
    patchIds(body, template, this.sendSeq, this.runNonce);
    patchTimes(body, template, BigInt(Date.now()) * 1_000_000n - template.baseNs);
    let released = false;
    return {
      body,
      spans: template.traceIndex.length,
      release: () => {
        if (released) return;
        released = true;
        template.free.push(body);
      },
    };
  }
}

/** murmur3's 32-bit finalizer: a bijective mix, so ids look random yet stay unique. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Trace id = 8 pseudo-random bytes (so inserts land all over the id indexes, as with real
 * random ids) + send sequence + trace index (which make it unique). Span id = 6 pseudo-random
 * bytes + the span's index in the request (unique within its trace).
 */
function patchIds(body: Buffer, template: Template, seq: number, nonce: number): void {
  const { offsets, traceIndex, parentIndex } = template;
  const seqMix = fmix32(seq ^ nonce);
  let lastTrace = -1;
  let hi = 0;
  let mid = 0;
  for (let i = 0; i < traceIndex.length; i++) {
    const trace = traceIndex[i]!;
    if (trace !== lastTrace) {
      lastTrace = trace;
      hi = fmix32(seqMix + Math.imul(trace, 0x9e3779b9));
      mid = fmix32(hi ^ nonce);
    }
    const to = offsets.traceId[i]!;
    body.writeUInt32BE(hi, to);
    body.writeUInt32BE(mid, to + 4);
    body.writeUInt32BE(seq, to + 8);
    body.writeUInt32BE(trace, to + 12);
    writeSpanId(body, offsets.spanId[i]!, seqMix, i);
    const parent = parentIndex[i]!;
    if (parent >= 0) writeSpanId(body, offsets.parentId[i]!, seqMix, parent);
  }
}

function writeSpanId(body: Buffer, offset: number, seqMix: number, index: number): void {
  const r = fmix32(seqMix ^ Math.imul(index + 1, 0x85ebca6b));
  body.writeUInt32BE(r, offset);
  body.writeUInt16BE((r >>> 7) & 0xffff, offset + 4);
  body.writeUInt16BE(index & 0xffff, offset + 6);
}

/** Adds shiftNs to every start and end time, as two 32-bit halves (BigInt per span is slow). */
function patchTimes(body: Buffer, template: Template, shiftNs: bigint): void {
  const { offsets, startLo, startHi, endLo, endHi } = template;
  const shiftLo = Number(shiftNs & 0xffffffffn);
  const shiftHi = Number((shiftNs >> 32n) & 0xffffffffn);
  for (let i = 0; i < startLo.length; i++) {
    writeUint64(body, offsets.startTime[i]!, startLo[i]!, startHi[i]!, shiftLo, shiftHi);
    writeUint64(body, offsets.endTime[i]!, endLo[i]!, endHi[i]!, shiftLo, shiftHi);
  }
}

function writeUint64(
  body: Buffer,
  offset: number,
  lo: number,
  hi: number,
  addLo: number,
  addHi: number,
): void {
  const sumLo = lo + addLo;
  const carry = sumLo > 0xffffffff ? 1 : 0;
  body.writeUInt32LE(sumLo >>> 0, offset);
  body.writeUInt32LE((hi + addHi + carry) >>> 0, offset + 4);
}

interface BuiltSpan extends ReadableSpanLike {
  attributes: Attributes;
}

interface SpanPlan {
  spans: BuiltSpan[];
  traceIndex: number[];
  parentIndex: number[];
}

const RESOURCE = resourceFromAttributes({
  'service.name': 'support-assistant',
  'service.version': '2.3.1',
  'deployment.environment': 'production',
  'telemetry.sdk.language': 'python',
  'telemetry.sdk.name': 'opentelemetry',
  'telemetry.sdk.version': '1.27.0',
});

const SCOPE = { name: 'openinference.instrumentation.langchain', version: '0.1.29' };

const MODELS = [
  { name: 'gpt-4o-mini-2024-07-18', provider: 'openai' },
  { name: 'gpt-4o-2024-08-06', provider: 'openai' },
  { name: 'claude-3-5-sonnet-20241022', provider: 'anthropic' },
];

function buildRequestSpans(traces: number, text: TextGenerator, random: () => number): SpanPlan {
  const plan: SpanPlan = { spans: [], traceIndex: [], parentIndex: [] };
  const nowMs = Date.now();
  for (let t = 0; t < traces; t++) {
    const traceId = randomBytes(16).toString('hex');
    const ids = [0, 1, 2, 3].map(() => randomBytes(8).toString('hex'));
    // Spread the traces over the last second, with unique nanoseconds (they locate the offsets).
    const startNs = BigInt(nowMs - 1000 + Math.floor(random() * 1000)) * 1_000_000n;
    const uniqueNs = BigInt(t * 16);
    const session = `session-${Math.floor(random() * 500)
      .toString()
      .padStart(4, '0')}`;
    const user = `user-${Math.floor(random() * 200)}@example.com`;
    const common: Attributes = {
      'session.id': session,
      'user.id': user,
      metadata: JSON.stringify({
        tenant: `acme-${Math.floor(random() * 20)}`,
        release: '2024.11.3',
        experiment: random() < 0.5 ? 'rerank-v2' : 'control',
      }),
    };
    const question = text.question();
    const answer = text.paragraph(450, 560);
    const model = MODELS[Math.floor(random() * MODELS.length)]!;
    const promptTokens = 900 + Math.floor(random() * 1500);
    const completionTokens = 60 + Math.floor(random() * 300);
    const durations = {
      retriever: 40 + Math.floor(random() * 120),
      llm: 600 + Math.floor(random() * 2400),
      tool: 20 + Math.floor(random() * 200),
    };
    const tRetriever = 2;
    const tLlm = tRetriever + durations.retriever + 3;
    const tTool = tLlm + durations.llm + 2;
    const total = tTool + durations.tool + 2;

    const documents: Attributes = {};
    for (let d = 0; d < 4; d++) {
      const prefix = `retrieval.documents.${d}.document`;
      documents[`${prefix}.id`] = `kb-${Math.floor(random() * 90000) + 10000}-chunk-${d}`;
      documents[`${prefix}.content`] = text.paragraph(280, 320);
      documents[`${prefix}.score`] = Math.round((0.92 - d * 0.07 - random() * 0.05) * 1e4) / 1e4;
      documents[`${prefix}.metadata`] = JSON.stringify({
        source: `https://docs.example.com/${text.slug()}`,
        title: text.title(),
        section: text.title(),
        updated_at: '2024-10-17T08:21:44Z',
        chunk: d,
      });
    }

    const system = `You are a helpful support assistant for Acme Cloud. ${text.paragraph(290, 340)}`;
    const context = text.paragraph(600, 680);
    const user_ = `Context:\n${context}\n\nQuestion: ${question}`;
    const toolArgs = { query: question.slice(0, 60), max_results: 5, locale: 'en-US' };
    const toolOutput = text.paragraph(400, 480);

    const specs: {
      name: string;
      parent: number;
      offsetMs: number;
      durationMs: number;
      attributes: Attributes;
    }[] = [
      {
        name: 'RetrievalQA',
        parent: -1,
        offsetMs: 0,
        durationMs: total,
        attributes: {
          'openinference.span.kind': 'CHAIN',
          'input.value': JSON.stringify({ query: question, chat_history: [] }),
          'input.mime_type': 'application/json',
          'output.value': JSON.stringify({ result: answer }),
          'output.mime_type': 'application/json',
          ...common,
        },
      },
      {
        name: 'VectorStoreRetriever',
        parent: 0,
        offsetMs: tRetriever,
        durationMs: durations.retriever,
        attributes: {
          'openinference.span.kind': 'RETRIEVER',
          'input.value': question,
          ...documents,
          ...common,
        },
      },
      {
        name: 'ChatCompletion',
        parent: 0,
        offsetMs: tLlm,
        durationMs: durations.llm,
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.model_name': model.name,
          'llm.provider': model.provider,
          'llm.system': model.provider,
          'llm.invocation_parameters': JSON.stringify({
            temperature: 0.2,
            max_tokens: 512,
            top_p: 1,
            stream: false,
          }),
          'llm.input_messages.0.message.role': 'system',
          'llm.input_messages.0.message.content': system,
          'llm.input_messages.1.message.role': 'user',
          'llm.input_messages.1.message.content': user_,
          'llm.output_messages.0.message.role': 'assistant',
          'llm.output_messages.0.message.content': answer,
          'llm.token_count.prompt': promptTokens,
          'llm.token_count.completion': completionTokens,
          'llm.token_count.total': promptTokens + completionTokens,
          ...common,
        },
      },
      {
        name: 'search_knowledge_base',
        parent: 0,
        offsetMs: tTool,
        durationMs: durations.tool,
        attributes: {
          'openinference.span.kind': 'TOOL',
          'tool.name': 'search_knowledge_base',
          'tool.description': `Searches the Acme Cloud knowledge base. ${text.sentence()}`,
          'tool.parameters': JSON.stringify({
            type: 'object',
            properties: {
              query: { type: 'string', description: 'What to search for' },
              max_results: { type: 'integer', default: 5 },
              locale: { type: 'string' },
            },
            required: ['query'],
          }),
          'input.value': JSON.stringify(toolArgs),
          'input.mime_type': 'application/json',
          'output.value': toolOutput,
          ...common,
        },
      },
    ];

    const first = plan.spans.length;
    specs.forEach((spec, i) => {
      const start = startNs + BigInt(spec.offsetMs) * 1_000_000n + uniqueNs + BigInt(i * 4 + 1);
      const end = start + BigInt(spec.durationMs) * 1_000_000n + 1n;
      const spanContext = { traceId, spanId: ids[i]!, traceFlags: 1 };
      const parentSpanContext =
        spec.parent >= 0 ? { traceId, spanId: ids[spec.parent]!, traceFlags: 1 } : undefined;
      plan.spans.push({
        name: spec.name,
        kind: spec.parent < 0 ? SpanKind.SERVER : SpanKind.INTERNAL,
        spanContext: () => spanContext,
        parentSpanContext,
        startTime: hrTime(start),
        endTime: hrTime(end),
        duration: hrTime(end - start),
        status: { code: SpanStatusCode.OK },
        attributes: spec.attributes,
        links: [],
        events: [],
        ended: true,
        resource: RESOURCE,
        instrumentationScope: SCOPE,
        droppedAttributesCount: 0,
        droppedEventsCount: 0,
        droppedLinksCount: 0,
      });
      plan.traceIndex.push(t);
      plan.parentIndex.push(spec.parent < 0 ? -1 : first + spec.parent);
    });
  }
  return plan;
}

function hrTime(ns: bigint): [number, number] {
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

function fromHrTime([seconds, nanos]: [number, number]): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
}

/** Encoded bytes of these spans in a request: the growth of the request when they are repeated. */
function spanMessageBytes(spans: BuiltSpan[]): number {
  const once = ProtobufTraceSerializer.serializeRequest(spans)!.length;
  const twice = ProtobufTraceSerializer.serializeRequest([...spans, ...spans])!.length;
  return twice - once;
}

/** Encode the spans and find where each id and timestamp sits in the bytes. */
function encodeTemplate(plan: SpanPlan): Template {
  const bytes = Buffer.from(ProtobufTraceSerializer.serializeRequest(plan.spans)!);
  const offsets: IdOffsets = { traceId: [], spanId: [], parentId: [], startTime: [], endTime: [] };
  const startNs: bigint[] = [];
  const endNs: bigint[] = [];
  let cursor = 0;
  const find = (needle: Buffer, from: number, tag: number, what: string): number => {
    const at = bytes.indexOf(needle, from);
    const lengthPrefixed = tag !== 0x39 && tag !== 0x41;
    const tagAt = at - (lengthPrefixed ? 2 : 1);
    if (at < 0 || bytes[tagAt] !== tag || (lengthPrefixed && bytes[at - 1] !== needle.length)) {
      throw new Error(`payload generator: could not locate the ${what} in the encoded request`);
    }
    return at;
  };
  const fixed64 = (value: bigint): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(value);
    return b;
  };
  for (const span of plan.spans) {
    const ctx = span.spanContext();
    const traceAt = find(Buffer.from(ctx.traceId, 'hex'), cursor, 0x0a, 'trace id');
    const spanAt = find(Buffer.from(ctx.spanId, 'hex'), traceAt + 16, 0x12, 'span id');
    let after = spanAt + 8;
    let parentAt = -1;
    if (span.parentSpanContext) {
      parentAt = find(Buffer.from(span.parentSpanContext.spanId, 'hex'), after, 0x22, 'parent id');
      after = parentAt + 8;
    }
    const start = fromHrTime(span.startTime);
    const end = fromHrTime(span.endTime);
    const startAt = find(fixed64(start), after, 0x39, 'start time');
    const endAt = find(fixed64(end), startAt + 8, 0x41, 'end time');
    offsets.traceId.push(traceAt);
    offsets.spanId.push(spanAt);
    offsets.parentId.push(parentAt);
    offsets.startTime.push(startAt);
    offsets.endTime.push(endAt);
    startNs.push(start);
    endNs.push(end);
    cursor = endAt + 8;
  }
  let baseNs = endNs[0]!;
  for (const e of endNs) if (e > baseNs) baseNs = e;
  return {
    bytes,
    offsets,
    traceIndex: plan.traceIndex,
    parentIndex: plan.parentIndex,
    startLo: startNs.map((v) => Number(v & 0xffffffffn)),
    startHi: startNs.map((v) => Number(v >> 32n)),
    endLo: endNs.map((v) => Number(v & 0xffffffffn)),
    endHi: endNs.map((v) => Number(v >> 32n)),
    baseNs,
    free: [],
  };
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the a to of and in for is on that with your you can this be as are it by from or at an ' +
  'account billing invoice cluster node region storage bucket object replication snapshot backup ' +
  'restore database instance volume network subnet firewall rule policy role permission token key ' +
  'secret rotation certificate domain endpoint latency throughput quota limit request response ' +
  'error timeout retry deployment pipeline build release rollback version upgrade migration ' +
  'schema index query cache eviction memory cpu disk metric alert dashboard log trace span ' +
  'customer plan subscription trial discount refund credit payment card currency tax region ' +
  'support ticket priority escalation engineer incident outage status page maintenance window ' +
  'configure enable disable create delete update list describe attach detach resize scale ' +
  'automatically manually immediately within after before during each every daily weekly ' +
  'monthly hourly console dashboard settings project organization team member owner admin ' +
  'viewer access audit compliance encryption rest transit managed customer-provided default ' +
  'recommended maximum minimum available supported deprecated preview general availability'
).split(/\s+/);

const QUESTION_STARTS = [
  'How do I',
  'Why does my',
  'Can I',
  'What is the best way to',
  'Is it possible to',
  'When will my',
  'How long does it take to',
];

/** Support-assistant English text from a fixed vocabulary (also used by query-store-generator.ts). */
export class TextGenerator {
  constructor(private readonly random: () => number) {}

  private word(): string {
    return WORDS[Math.floor(this.random() * WORDS.length)]!;
  }

  sentence(): string {
    const n = 8 + Math.floor(this.random() * 14);
    const words: string[] = [];
    for (let i = 0; i < n; i++) words.push(this.word());
    const s = words.join(' ');
    return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
  }

  /** Sentences until the length is between min and max characters. */
  paragraph(min: number, max: number): string {
    let out = '';
    while (out.length < min) out += (out ? ' ' : '') + this.sentence();
    return out.length > max ? `${out.slice(0, max - 1).trimEnd()}.` : out;
  }

  question(): string {
    const start = QUESTION_STARTS[Math.floor(this.random() * QUESTION_STARTS.length)]!;
    const n = 6 + Math.floor(this.random() * 10);
    const words: string[] = [];
    for (let i = 0; i < n; i++) words.push(this.word());
    return `${start} ${words.join(' ')}?`;
  }

  title(): string {
    const n = 2 + Math.floor(this.random() * 4);
    const words: string[] = [];
    for (let i = 0; i < n; i++) {
      const w = this.word();
      words.push(`${w[0]!.toUpperCase()}${w.slice(1)}`);
    }
    return words.join(' ');
  }

  slug(): string {
    return `${this.word()}/${this.word()}-${this.word()}-${Math.floor(this.random() * 1000)}`;
  }
}
