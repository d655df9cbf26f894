/**
 * Writes an OTLP/JSON spans file (one ExportTraceServiceRequest per line, the otlp-json export
 * format) of any size quickly, for import/export tests: traces of five spans with the
 * attribute shapes real LLM apps send (strings, integers, doubles, booleans, string arrays,
 * message lists, JSON-string metadata), two resources with their own instrumentation scope,
 * events, links, trace state, OTel span kinds, errors, and spans sharing a start time so the
 * tie-break of the export order is exercised.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const SPANS_PER_TRACE = 5;
const TRACES_PER_LINE = 200;
const BASE_NS = 1_750_000_000_000_000_000n;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function kv(key: string, value: string | number | boolean | string[]) {
  if (Array.isArray(value)) {
    return { key, value: { arrayValue: { values: value.map((v) => ({ stringValue: v })) } } };
  }
  if (typeof value === 'string') return { key, value: { stringValue: value } };
  if (typeof value === 'boolean') return { key, value: { boolValue: value } };
  return Number.isInteger(value)
    ? { key, value: { intValue: String(value) } }
    : { key, value: { doubleValue: value } };
}

function traceSpans(t: number) {
  const traceId = hex(t + 1, 32);
  const start = BASE_NS + BigInt(t) * 1_000_000_000n;
  const spanId = (i: number) => hex(t * SPANS_PER_TRACE + i + 1, 16);
  return Array.from({ length: SPANS_PER_TRACE }, (_, i) => {
    // Spans 1 and 2 start together: a tie the export order must break the same way each time.
    const offset = i === 0 ? 0n : i <= 2 ? 1_000_000n : BigInt(i) * 2_000_000n + 123n;
    const kind = i === 0 ? 'CHAIN' : i === 3 ? 'RETRIEVER' : 'LLM';
    const attributes = [
      kv('openinference.span.kind', kind),
      kv('input.value', `question ${t}.${i}: "quotes", commas, and\nnew lines`),
      kv('output.value', `answer ${t}.${i}`),
      kv('session.id', `session-${t % 97}`),
    ];
    if (kind === 'LLM') {
      attributes.push(
        kv('llm.model_name', 'gpt-4o-mini'),
        kv('llm.token_count.prompt', 100 + (t % 50)),
        kv('llm.token_count.completion', 20 + i),
        kv('llm.invocation_parameters', JSON.stringify({ temperature: 0.5, n: 1 })),
        kv('llm.input_messages.0.message.role', 'user'),
        kv('llm.input_messages.0.message.content', `hello ${t}`),
        kv('llm.temperature', 0.25 + (t % 3)),
        kv('app.cached', t % 2 === 0),
        kv('app.tags', ['a', `t${t % 5}`]),
      );
    }
    if (kind === 'RETRIEVER') {
      attributes.push(
        kv('retrieval.documents.0.document.id', `doc-${t}`),
        kv('retrieval.documents.0.document.score', 0.5),
        kv('retrieval.documents.0.document.content', 'some text'),
      );
    }
    return {
      traceId,
      spanId: spanId(i),
      ...(i === 0 ? {} : { parentSpanId: spanId(0) }),
      name: `${kind.toLowerCase()}-${i}`,
      kind: i === 0 ? 2 : i === 3 ? 3 : 1,
      startTimeUnixNano: String(start + offset),
      endTimeUnixNano: String(start + offset + 5_000_000n + BigInt(t % 7)),
      attributes,
      events:
        i === 4
          ? [{ timeUnixNano: String(start + 9_000_000n), name: 'note', attributes: [kv('n', t)] }]
          : [],
      // Span 2 links to the previous trace's root (as a retry or a batch member would).
      links:
        i === 2 && t > 0
          ? [
              {
                traceId: hex(t, 32),
                spanId: hex((t - 1) * SPANS_PER_TRACE + 1, 16),
                traceState: 'heron=linked',
                attributes: [
                  kv('link.reason', 'retry of the previous trace'),
                  kv('attempt', t % 3),
                ],
              },
            ]
          : [],
      ...(i === 0 ? { traceState: `heron=t${t % 4}` } : {}),
      status: t % 10 === 0 && i === 4 ? { code: 2, message: 'boom' } : { code: 1 },
    };
  });
}

/** Writes `traces * 5` spans of project `project` to `path`. */
export async function writeOtlpJsonSpanFile(
  path: string,
  project: string,
  traces: number,
): Promise<void> {
  const out = createWriteStream(path);
  for (let first = 0; first < traces; first += TRACES_PER_LINE) {
    const byResource: [object[], object[]] = [[], []];
    for (let t = first; t < Math.min(traces, first + TRACES_PER_LINE); t++) {
      byResource[t % 2]!.push(...traceSpans(t));
    }
    const request = {
      resourceSpans: byResource.map((spans, r) => ({
        resource: {
          attributes: [kv('openinference.project.name', project), kv('service.name', `svc-${r}`)],
        },
        scopeSpans: [{ scope: { name: `generator-${r}`, version: `1.${r}.0` }, spans }],
      })),
    };
    if (!out.write(`${JSON.stringify(request)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
