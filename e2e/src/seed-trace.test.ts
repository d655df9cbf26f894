/**
 * The seed's example (../shared/seed/tracing-overview.txt): a CHAIN with a RETRIEVER holding two
 * documents and a `ChatCompletion` LLM span (gpt-4, 150 prompt and 75 completion tokens), sent
 * by the stock protobuf exporter. The REST API answers with flat keys, so the stored
 * un-flattened attributes are read from the SQLite file itself.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { storedSpanRow, type StoredSpanRow } from './support/stored-span-row.js';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { bySpanName, listSpans, listTraces } from './support/heron-api.js';
import { RecordingExporter } from './support/openinference-trace.js';
import { nsOf } from './support/synthetic-spans.js';

const PROJECT = 'seed-example';

let heron: HeronProcess;

interface Sent {
  traceId: string;
  chainId: string;
  retrieverId: string;
  llmId: string;
  seedKeysId: string;
  llmStartNs: bigint;
}
let sent: Sent;

before(async () => {
  heron = await spawnHeron();
  const recording = new RecordingExporter(
    new OTLPTraceExporter({ url: `${heron.baseUrl}/v1/traces` }),
  );
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'openinference.project.name': PROJECT }),
    spanProcessors: [new SimpleSpanProcessor(recording), new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('seed');
  const chain = tracer.startSpan('rag', {
    attributes: {
      'openinference.span.kind': 'CHAIN',
      'input.value': 'What is Phoenix?',
      'output.value': 'Phoenix is an observability platform...',
    },
  });
  const inChain = trace.setSpan(context.active(), chain);
  const retriever = tracer.startSpan(
    'retrieve',
    {
      attributes: {
        'openinference.span.kind': 'RETRIEVER',
        'input.value': 'What is Phoenix?',
        'retrieval.documents.0.document.id': 'doc-1',
        'retrieval.documents.0.document.content': 'First doc',
        'retrieval.documents.0.document.score': 0.9,
        'retrieval.documents.1.document.id': 'doc-2',
        'retrieval.documents.1.document.content': 'Second doc',
        'retrieval.documents.1.document.score': 0.7,
      },
    },
    inChain,
  );
  retriever.end();
  const llm = tracer.startSpan(
    'ChatCompletion',
    {
      attributes: {
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4',
        'llm.token_count.prompt': 150,
        'llm.token_count.completion': 75,
        'input.value': 'What is Phoenix?',
        'output.value': 'Phoenix is an observability platform...',
      },
    },
    inChain,
  );
  llm.end();
  // The seed's two flatten examples, literally as it writes them.
  const seedKeys = tracer.startSpan(
    'seed-flatten-examples',
    {
      attributes: {
        'llm.token_count.completion': 123,
        'retrieval.documents.0.content': 'First doc',
        'retrieval.documents.1.content': 'Second doc',
      },
    },
    inChain,
  );
  seedKeys.end();
  chain.end();
  await provider.forceFlush();
  recording.assertAllSucceeded();
  const finished = memory.getFinishedSpans();
  const idOf = (name: string) => finished.find((s) => s.name === name)!.spanContext().spanId;
  sent = {
    traceId: chain.spanContext().traceId,
    chainId: idOf('rag'),
    retrieverId: idOf('retrieve'),
    llmId: idOf('ChatCompletion'),
    seedKeysId: idOf('seed-flatten-examples'),
    llmStartNs: nsOf(finished.find((s) => s.name === 'ChatCompletion')!.startTime),
  };
  await provider.shutdown();
});

after(async () => {
  await heron?.stop();
});

/** Acknowledged means committed: the database already holds the spans. */
async function storedRow(spanId: string): Promise<StoredSpanRow> {
  const row = await storedSpanRow(heron.workingDir, sent.traceId, spanId);
  assert.ok(row, `span ${spanId} is in the database`);
  return row;
}

test('the ChatCompletion span is stored un-flattened exactly as the seed shows', async () => {
  const row = await storedRow(sent.llmId);
  assert.equal(row.name, 'ChatCompletion');
  assert.equal(row.span_kind, 'LLM');
  assert.equal(row.parent_id, sent.chainId);
  assert.deepEqual(row.attributes, {
    openinference: { span: { kind: 'LLM' } },
    llm: { model_name: 'gpt-4', token_count: { prompt: 150, completion: 75 } },
    input: { value: 'What is Phoenix?' },
    output: { value: 'Phoenix is an observability platform...' },
  });
  assert.equal(row.model_name, 'gpt-4');
  assert.equal(row.prompt_tokens, 150);
  assert.equal(row.completion_tokens, 75);
  assert.equal(row.total_tokens, 225);
});

test('the retriever documents are stored as an array of {document: {...}}', async () => {
  const row = await storedRow(sent.retrieverId);
  assert.equal(row.span_kind, 'RETRIEVER');
  assert.equal(row.parent_id, sent.chainId);
  assert.deepEqual(row.attributes, {
    openinference: { span: { kind: 'RETRIEVER' } },
    input: { value: 'What is Phoenix?' },
    retrieval: {
      documents: [
        { document: { id: 'doc-1', content: 'First doc', score: 0.9 } },
        { document: { id: 'doc-2', content: 'Second doc', score: 0.7 } },
      ],
    },
  });
});

test("the seed's two flatten examples un-flatten to the seed's nested forms", async () => {
  const row = await storedRow(sent.seedKeysId);
  assert.equal(row.span_kind, 'UNKNOWN');
  assert.deepEqual(row.attributes, {
    llm: { token_count: { completion: 123 } },
    retrieval: { documents: [{ content: 'First doc' }, { content: 'Second doc' }] },
  });
});

test('the chain span is the root and the API shows the seed span structure', async () => {
  const chain = await storedRow(sent.chainId);
  assert.equal(chain.parent_id, null);
  assert.equal(chain.span_kind, 'CHAIN');

  const spans = bySpanName(await listSpans(heron.baseUrl, PROJECT));
  assert.equal(spans.size, 4);
  const llm = spans.get('ChatCompletion')!;
  assert.deepEqual(
    {
      'context.trace_id': llm.context.trace_id,
      'context.span_id': llm.context.span_id,
      parent_id: llm.parent_id,
      name: llm.name,
      span_kind: llm.span_kind,
      attributes: llm.attributes,
    },
    {
      'context.trace_id': sent.traceId,
      'context.span_id': sent.llmId,
      parent_id: sent.chainId,
      name: 'ChatCompletion',
      span_kind: 'LLM',
      attributes: {
        'llm.model_name': 'gpt-4',
        'llm.token_count.prompt': 150,
        'llm.token_count.completion': 75,
        'input.value': 'What is Phoenix?',
        'output.value': 'Phoenix is an observability platform...',
      },
    },
  );
  assert.equal(llm.start_time_unix_nano, sent.llmStartNs.toString());
  assert.deepEqual(spans.get('retrieve')!.attributes, {
    'input.value': 'What is Phoenix?',
    'retrieval.documents.0.document.id': 'doc-1',
    'retrieval.documents.0.document.content': 'First doc',
    'retrieval.documents.0.document.score': 0.9,
    'retrieval.documents.1.document.id': 'doc-2',
    'retrieval.documents.1.document.content': 'Second doc',
    'retrieval.documents.1.document.score': 0.7,
  });

  const [rollup] = await listTraces(heron.baseUrl, PROJECT);
  assert.ok(rollup);
  // Only the LLM span counts towards the trace's tokens (the example span is not an LLM span).
  assert.equal(rollup.token_count_prompt, 150);
  assert.equal(rollup.token_count_completion, 75);
  assert.equal(rollup.token_count_total, 225);
  assert.equal(rollup.span_count, 4);
  assert.equal(rollup.root_span_id, sent.chainId);
});
