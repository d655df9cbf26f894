/**
 * OpenTelemetry GenAI conventions -> OpenInference.
 *
 * Heron's columns, UI and Phoenix-compatible API speak OpenInference (`llm.model_name`,
 * `llm.token_count.*`, `llm.input_messages`, ...). Spans from OTel GenAI instrumentations
 * (`gen_ai.*`), OpenLLMetry/Traceloop and the Vercel AI SDK (`ai.*`) get the OpenInference
 * attributes synthesised from what they carry, like Phoenix's gen_ai bridge
 * (src/phoenix/trace/gen_ai/conversion.py) and going beyond it for OpenLLMetry and Vercel.
 * The original attributes are kept. OpenInference attributes the span already has always win;
 * for lists (messages, tools, documents, token counts) a span that has any entry of the list
 * keeps its own list whole rather than getting a mixture.
 *
 * This works on the flat key/value map, before JSON-string decoding and unflattening, so the
 * synthesised attributes go through exactly the same path as ones an OpenInference SDK sent.
 */
import type { AttributeValue } from '../otlp/otlp-types.js';
import {
  IndexedMessageReader,
  messagesToJson,
  parseJsonAttribute,
  readSemconvMessages,
  readSystemInstructions,
  readVercelPromptMessages,
  readVercelResponseMessage,
  toJsonText,
  writeMessages,
  type GenAiMessage,
} from './gen-ai-messages.js';
import { coerceTokenCount } from './token-counts.js';

type FlatAttributes = Map<string, AttributeValue>;

const CHAR_G = 0x67; // 'g'
const CHAR_A = 0x61; // 'a'
const CHAR_T = 0x74; // 't'

/**
 * Whether `key` belongs to a convention this module maps. Called for every attribute of every
 * span, so one charCode comparison decides for nearly all keys.
 */
export function isGenAiKey(key: string): boolean {
  const first = key.charCodeAt(0);
  if (first === CHAR_G) return key.startsWith('gen_ai.');
  if (first === CHAR_A) return key.startsWith('ai.');
  if (first === CHAR_T) return key.startsWith('traceloop.');
  return false;
}

const JSON_MIME = 'application/json';
const TEXT_MIME = 'text/plain';

const SPAN_KIND = 'openinference.span.kind';
const INPUT_VALUE = 'input.value';
const INPUT_MIME_TYPE = 'input.mime_type';
const OUTPUT_VALUE = 'output.value';
const OUTPUT_MIME_TYPE = 'output.mime_type';

/** Synthesised keys under these prefixes are added only if the span has none of its own. */
const LIST_GROUPS = [
  'llm.input_messages.',
  'llm.output_messages.',
  'llm.tools.',
  'retrieval.documents.',
  'llm.token_count.',
] as const;

// ---------------------------------------------------------------------------------------------
// Span kind

const OPERATION_KINDS: Record<string, string> = {
  chat: 'LLM',
  text_completion: 'LLM',
  generate_content: 'LLM',
  embeddings: 'EMBEDDING',
  execute_tool: 'TOOL',
  retrieval: 'RETRIEVER',
  invoke_agent: 'AGENT',
  create_agent: 'AGENT',
};

const TRACELOOP_KINDS: Record<string, string> = {
  workflow: 'CHAIN',
  task: 'CHAIN',
  agent: 'AGENT',
  tool: 'TOOL',
};

const REQUEST_TYPE_KINDS: Record<string, string> = {
  chat: 'LLM',
  completion: 'LLM',
  embedding: 'EMBEDDING',
  rerank: 'RERANKER',
};

/** Vercel AI SDK `ai.operationId` -> kind, as the OpenInference Vercel processor maps them. */
function vercelKind(operationId: string): string | undefined {
  if (operationId === 'ai.toolCall') return 'TOOL';
  if (operationId.endsWith('.doGenerate') || operationId.endsWith('.doStream')) return 'LLM';
  if (operationId.endsWith('.doEmbed')) return 'EMBEDDING';
  if (operationId.startsWith('ai.')) return 'CHAIN';
  return undefined;
}

function lookup(
  table: Record<string, string>,
  value: AttributeValue | undefined,
): string | undefined {
  if (typeof value !== 'string') return undefined;
  return Object.hasOwn(table, value) ? table[value] : undefined;
}

function hasTokenUsage(attributes: FlatAttributes): boolean {
  return (
    attributes.has('gen_ai.usage.input_tokens') ||
    attributes.has('gen_ai.usage.output_tokens') ||
    attributes.has('gen_ai.usage.prompt_tokens') ||
    attributes.has('gen_ai.usage.completion_tokens') ||
    attributes.has('ai.usage.promptTokens') ||
    attributes.has('ai.usage.completionTokens') ||
    attributes.has('ai.usage.inputTokens') ||
    attributes.has('ai.usage.outputTokens')
  );
}

function inferSpanKind(attributes: FlatAttributes, hasMessages: boolean): string | undefined {
  const kind =
    lookup(OPERATION_KINDS, attributes.get('gen_ai.operation.name')) ??
    lookup(TRACELOOP_KINDS, attributes.get('traceloop.span.kind')) ??
    lookup(REQUEST_TYPE_KINDS, attributes.get('llm.request.type'));
  if (kind !== undefined) return kind;
  const operationId = attributes.get('ai.operationId');
  if (typeof operationId === 'string') {
    const vercel = vercelKind(operationId);
    if (vercel !== undefined) return vercel;
  }
  if (attributes.get('gen_ai.tool.call.id') || attributes.get('gen_ai.tool.name')) return 'TOOL';
  if (
    attributes.get('gen_ai.retrieval.documents') ||
    attributes.get('gen_ai.retrieval.query.text')
  ) {
    return 'RETRIEVER';
  }
  if (attributes.has('gen_ai.embeddings.dimension.count')) return 'EMBEDDING';
  if (hasMessages) return 'LLM';
  if (modelName(attributes) !== undefined && hasTokenUsage(attributes)) return 'LLM';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Model, provider, session

function nonEmptyString(value: AttributeValue | undefined): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function firstString(attributes: FlatAttributes, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = nonEmptyString(attributes.get(key));
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The response model is what actually ran (`gpt-4o` -> `gpt-4o-2024-08-06`), so it wins. */
const MODEL_KEYS = [
  'gen_ai.response.model',
  'gen_ai.request.model',
  'ai.response.model',
  'ai.model.id',
] as const;

function modelName(attributes: FlatAttributes): string | undefined {
  return firstString(attributes, MODEL_KEYS);
}

/**
 * GenAI provider name -> [OpenInference `llm.provider`, `llm.system`] (Phoenix's table, plus the
 * spellings OpenLLMetry and the Vercel AI SDK use). A name not in the table becomes `llm.system`
 * only, as in Phoenix.
 */
const PROVIDERS: Record<string, readonly [string, string | undefined]> = {
  openai: ['openai', 'openai'],
  anthropic: ['anthropic', 'anthropic'],
  cohere: ['cohere', 'cohere'],
  mistral_ai: ['mistralai', 'mistralai'],
  mistralai: ['mistralai', 'mistralai'],
  mistral: ['mistralai', 'mistralai'],
  deepseek: ['deepseek', undefined],
  groq: ['groq', undefined],
  perplexity: ['perplexity', undefined],
  x_ai: ['xai', undefined],
  xai: ['xai', undefined],
  'azure.ai.openai': ['azure', 'openai'],
  'azure-openai': ['azure', 'openai'],
  'azure.ai.inference': ['azure', undefined],
  azure: ['azure', undefined],
  'aws.bedrock': ['aws', undefined],
  bedrock: ['aws', undefined],
  'amazon-bedrock': ['aws', undefined],
  'gcp.vertex_ai': ['google', 'vertexai'],
  vertex_ai: ['google', 'vertexai'],
  vertexai: ['google', 'vertexai'],
  'gcp.gen_ai': ['google', undefined],
  'gcp.gemini': ['google', undefined],
  gemini: ['google', undefined],
  google: ['google', undefined],
};

function resolveProvider(name: string): readonly [string | undefined, string | undefined] {
  const lower = name.toLowerCase();
  if (Object.hasOwn(PROVIDERS, lower)) return PROVIDERS[lower] as readonly [string, string];
  // Vercel AI SDK names the API too: `openai.chat`, `anthropic.messages`, `google.generative-ai`.
  const dot = lower.indexOf('.');
  if (dot > 0) {
    const head = lower.slice(0, dot);
    if (Object.hasOwn(PROVIDERS, head)) return PROVIDERS[head] as readonly [string, string];
  }
  return [undefined, lower];
}

// ---------------------------------------------------------------------------------------------
// Invocation parameters

const INVOCATION_PARAMETERS: ReadonlyArray<readonly [string, string]> = [
  ['gen_ai.request.temperature', 'temperature'],
  ['gen_ai.request.top_p', 'top_p'],
  ['gen_ai.request.top_k', 'top_k'],
  ['gen_ai.request.max_tokens', 'max_tokens'],
  ['gen_ai.request.frequency_penalty', 'frequency_penalty'],
  ['gen_ai.request.presence_penalty', 'presence_penalty'],
  ['gen_ai.request.seed', 'seed'],
  ['gen_ai.request.stream', 'stream'],
  ['gen_ai.request.choice.count', 'n'],
];

function asStringList(value: AttributeValue | undefined): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value))
    return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  return undefined;
}

function invocationParameters(attributes: FlatAttributes): string | undefined {
  const parameters: Record<string, unknown> = {};
  let any = false;
  for (const [key, name] of INVOCATION_PARAMETERS) {
    const value = attributes.get(key);
    if (value !== undefined && value !== null) {
      parameters[name] = value;
      any = true;
    }
  }
  const stop = asStringList(attributes.get('gen_ai.request.stop_sequences'));
  if (stop !== undefined && stop.length > 0) {
    parameters['stop'] = stop;
    any = true;
  }
  const encodings = asStringList(attributes.get('gen_ai.request.encoding_formats'));
  if (encodings !== undefined && encodings.length > 0) {
    // OpenAI's embeddings API takes a single `encoding_format`.
    if (encodings.length === 1) parameters['encoding_format'] = encodings[0];
    else parameters['encoding_formats'] = encodings;
    any = true;
  }
  const outputType = attributes.get('gen_ai.output.type');
  if (outputType === 'json' || outputType === 'text') {
    parameters['response_format'] = { type: outputType === 'json' ? 'json_object' : 'text' };
    any = true;
  }
  return any ? JSON.stringify(parameters) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Token usage

function firstCount(attributes: FlatAttributes, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    const count = coerceTokenCount(attributes.get(key));
    if (count !== undefined) return count;
  }
  return undefined;
}

const PROMPT_TOKEN_KEYS = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'ai.usage.inputTokens',
  'ai.usage.promptTokens',
] as const;
const COMPLETION_TOKEN_KEYS = [
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.completion_tokens',
  'ai.usage.outputTokens',
  'ai.usage.completionTokens',
] as const;
const TOTAL_TOKEN_KEYS = [
  'gen_ai.usage.total_tokens',
  'llm.usage.total_tokens', // OpenLLMetry
  'ai.usage.totalTokens',
] as const;
const CACHE_READ_KEYS = [
  'gen_ai.usage.cache_read_input_tokens',
  'gen_ai.usage.cache_read.input_tokens',
  'ai.usage.cachedInputTokens',
] as const;
const CACHE_WRITE_KEYS = [
  'gen_ai.usage.cache_creation_input_tokens',
  'gen_ai.usage.cache_creation.input_tokens',
] as const;
const REASONING_KEYS = [
  'gen_ai.usage.reasoning_tokens',
  'gen_ai.usage.output_tokens_details.reasoning_tokens',
  'gen_ai.usage.reasoning.output_tokens',
  'ai.usage.reasoningTokens',
] as const;

function addUsage(attributes: FlatAttributes, out: FlatAttributes): void {
  const prompt = firstCount(attributes, PROMPT_TOKEN_KEYS);
  const completion = firstCount(attributes, COMPLETION_TOKEN_KEYS);
  let total = firstCount(attributes, TOTAL_TOKEN_KEYS);
  // Like Phoenix, a sum only when both halves are known; a half is not a total.
  if (total === undefined && prompt !== undefined && completion !== undefined) {
    total = prompt + completion;
  }
  if (prompt !== undefined) out.set('llm.token_count.prompt', prompt);
  if (completion !== undefined) out.set('llm.token_count.completion', completion);
  if (total !== undefined) out.set('llm.token_count.total', total);
  const cacheRead = firstCount(attributes, CACHE_READ_KEYS);
  if (cacheRead !== undefined) out.set('llm.token_count.prompt_details.cache_read', cacheRead);
  const cacheWrite = firstCount(attributes, CACHE_WRITE_KEYS);
  if (cacheWrite !== undefined) out.set('llm.token_count.prompt_details.cache_write', cacheWrite);
  const reasoning = firstCount(attributes, REASONING_KEYS);
  if (reasoning !== undefined) {
    out.set('llm.token_count.completion_details.reasoning', reasoning);
  }
}

// ---------------------------------------------------------------------------------------------
// Tool definitions (`llm.tools`)

function toolSchema(definition: unknown): string | undefined {
  let item = definition;
  if (typeof item === 'string') {
    // Vercel's `ai.prompt.tools` is an array of JSON strings.
    try {
      item = JSON.parse(item);
    } catch {
      return undefined;
    }
  }
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  // Already OpenAI-shaped ({type, function: {...}}): keep as is.
  if (typeof record['function'] === 'object' && record['function'] !== null) {
    return JSON.stringify(record);
  }
  const name = record['name'];
  if (typeof name !== 'string') return undefined;
  const fn: Record<string, unknown> = { name };
  if (typeof record['description'] === 'string' && record['description']) {
    fn['description'] = record['description'];
  }
  let parameters = record['parameters'] ?? record['inputSchema'] ?? record['input_schema'];
  if (typeof parameters === 'string') parameters = parseJsonAttribute(parameters) ?? parameters;
  if (parameters !== undefined && parameters !== null) fn['parameters'] = parameters;
  const type = typeof record['type'] === 'string' ? record['type'] : 'function';
  return JSON.stringify({ type, function: fn });
}

function addToolDefinitions(
  attributes: FlatAttributes,
  functions: Map<number, Record<string, AttributeValue>>,
  out: FlatAttributes,
): void {
  let definitions: unknown[] | undefined;
  const semconv = parseJsonAttribute(attributes.get('gen_ai.tool.definitions'));
  if (Array.isArray(semconv)) definitions = semconv;
  else {
    const vercel = attributes.get('ai.prompt.tools');
    if (Array.isArray(vercel)) definitions = vercel;
    else if (functions.size > 0) {
      definitions = Array.from(functions.keys())
        .sort((a, b) => a - b)
        .map((index) => functions.get(index));
    }
  }
  if (definitions === undefined) return;
  let index = 0;
  for (const definition of definitions) {
    const schema = toolSchema(definition);
    if (schema !== undefined) out.set(`llm.tools.${index++}.tool.json_schema`, schema);
  }
}

// ---------------------------------------------------------------------------------------------
// input.value / output.value

/** Text for a value attribute and the mime type it deserves. */
function valueWithMime(value: AttributeValue): readonly [string, string] {
  if (typeof value !== 'string') return [JSON.stringify(value), JSON_MIME];
  const first = value.charCodeAt(0);
  // Only `{` / `[` texts can be JSON documents worth marking; skip parsing everything else.
  if (first === 0x7b || first === 0x5b) {
    try {
      JSON.parse(value);
      return [value, JSON_MIME];
    } catch {
      // not JSON: plain text
    }
  }
  return [value, TEXT_MIME];
}

function setValue(
  out: FlatAttributes,
  valueKey: string,
  mimeKey: string,
  value: AttributeValue,
): void {
  const [text, mime] = valueWithMime(value);
  out.set(valueKey, text);
  out.set(mimeKey, mime);
}

function firstPresent(
  attributes: FlatAttributes,
  keys: readonly string[],
): AttributeValue | undefined {
  for (const key of keys) {
    const value = attributes.get(key);
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Synthesis

const OPENLLMETRY_PROMPT = 'gen_ai.prompt.';
const OPENLLMETRY_COMPLETION = 'gen_ai.completion.';
const OPENLLMETRY_FUNCTIONS = 'llm.request.functions.';
const TRACELOOP_ASSOCIATION = 'traceloop.association.properties.';

/** The OpenInference attributes implied by the span's GenAI attributes (nothing is merged). */
export function synthesizeOpenInference(attributes: FlatAttributes): FlatAttributes {
  const out: FlatAttributes = new Map();

  // One pass over the keys for the indexed formats.
  let prompts: IndexedMessageReader | undefined;
  let completions: IndexedMessageReader | undefined;
  const functions = new Map<number, Record<string, AttributeValue>>();
  for (const [key, value] of attributes) {
    if (key.startsWith(OPENLLMETRY_PROMPT)) {
      (prompts ??= new IndexedMessageReader()).add(key.slice(OPENLLMETRY_PROMPT.length), value);
    } else if (key.startsWith(OPENLLMETRY_COMPLETION)) {
      (completions ??= new IndexedMessageReader()).add(
        key.slice(OPENLLMETRY_COMPLETION.length),
        value,
      );
    } else if (key.startsWith(OPENLLMETRY_FUNCTIONS)) {
      addFunctionField(functions, key.slice(OPENLLMETRY_FUNCTIONS.length), value);
    } else if (key.startsWith(TRACELOOP_ASSOCIATION)) {
      const property = key.slice(TRACELOOP_ASSOCIATION.length);
      const text = nonEmptyString(value);
      if (text !== undefined && property === 'session_id') out.set('session.id', text);
      else if (text !== undefined && property === 'user_id') out.set('user.id', text);
    }
  }

  // Messages, in order of preference: OTel semconv, OpenLLMetry, Vercel.
  const systemMessage = readSystemInstructions(attributes.get('gen_ai.system_instructions'));
  const semconvInput = readSemconvMessages(attributes.get('gen_ai.input.messages'), false);
  const semconvOutput = readSemconvMessages(attributes.get('gen_ai.output.messages'), true);
  let inputMessages: GenAiMessage[] | undefined;
  if (semconvInput !== undefined || systemMessage !== undefined) {
    inputMessages = systemMessage ? [systemMessage, ...(semconvInput ?? [])] : semconvInput;
  } else {
    inputMessages =
      prompts?.messages() ?? readVercelPromptMessages(attributes.get('ai.prompt.messages'));
  }
  let outputMessages = semconvOutput ?? completions?.messages();
  if (outputMessages === undefined) {
    const response = readVercelResponseMessage(
      attributes.get('ai.response.text'),
      attributes.get('ai.response.toolCalls'),
      attributes.get('ai.response.finishReason'),
    );
    // Only the model-call span owns the response as a message; the outer ai.generateText span
    // repeats the text, and the tool-calling loop would show it twice.
    const operationId = attributes.get('ai.operationId');
    if (
      response !== undefined &&
      !(typeof operationId === 'string' && vercelKind(operationId) === 'CHAIN')
    ) {
      outputMessages = [response];
    }
  }

  // Kind: an OpenInference kind already on the span decides which attributes make sense.
  const existingKind = attributes.get(SPAN_KIND);
  const inferredKind = inferSpanKind(
    attributes,
    inputMessages !== undefined || outputMessages !== undefined,
  );
  if (inferredKind !== undefined) out.set(SPAN_KIND, inferredKind);
  const kind =
    typeof existingKind === 'string' && existingKind.trim() !== ''
      ? existingKind.trim().toUpperCase()
      : inferredKind;

  const model = modelName(attributes);
  if (model !== undefined)
    out.set(kind === 'EMBEDDING' ? 'embedding.model_name' : 'llm.model_name', model);

  const providerName = firstString(attributes, [
    'gen_ai.provider.name',
    'gen_ai.system',
    'ai.model.provider',
  ]);
  if (providerName !== undefined) {
    const [provider, system] = resolveProvider(providerName);
    if (provider !== undefined) out.set('llm.provider', provider);
    if (system !== undefined) out.set('llm.system', system);
  }

  const conversation = nonEmptyString(attributes.get('gen_ai.conversation.id'));
  if (conversation !== undefined) out.set('session.id', conversation);
  if (!out.has('session.id')) {
    const session = nonEmptyString(attributes.get('ai.telemetry.metadata.sessionId'));
    if (session !== undefined) out.set('session.id', session);
  }
  if (!out.has('user.id')) {
    const user = nonEmptyString(attributes.get('ai.telemetry.metadata.userId'));
    if (user !== undefined) out.set('user.id', user);
  }

  const parameters = invocationParameters(attributes);
  if (parameters !== undefined) {
    out.set(
      kind === 'EMBEDDING' ? 'embedding.invocation_parameters' : 'llm.invocation_parameters',
      parameters,
    );
  }

  addUsage(attributes, out);

  const finishReasons = asStringList(attributes.get('gen_ai.response.finish_reasons'));
  if (finishReasons !== undefined && finishReasons.length > 0) {
    out.set(
      'llm.finish_reason',
      finishReasons.length === 1 ? (finishReasons[0] as string) : finishReasons,
    );
  }

  if (inputMessages !== undefined) writeMessages(out, 'llm.input_messages', inputMessages);
  if (outputMessages !== undefined) writeMessages(out, 'llm.output_messages', outputMessages);
  addToolDefinitions(attributes, functions, out);

  // input.value / output.value: the most specific source first.
  let input = firstPresent(attributes, ['traceloop.entity.input']);
  let output = firstPresent(attributes, ['traceloop.entity.output']);

  if (kind === 'TOOL') {
    const name = firstString(attributes, ['gen_ai.tool.name', 'ai.toolCall.name']);
    if (name !== undefined) out.set('tool.name', name);
    const description = nonEmptyString(attributes.get('gen_ai.tool.description'));
    if (description !== undefined) out.set('tool.description', description);
    const callId = firstString(attributes, ['gen_ai.tool.call.id', 'ai.toolCall.id']);
    if (callId !== undefined) out.set('tool.id', callId);
    const args = firstPresent(attributes, [
      'gen_ai.tool.call.arguments',
      'ai.toolCall.args',
      'ai.toolCall.input',
    ]);
    if (args !== undefined) {
      const parsed = parseJsonAttribute(args);
      // Phoenix stores call arguments as tool.parameters: JSON text of an object, else as sent.
      const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
      out.set('tool.parameters', isObject ? JSON.stringify(parsed) : toJsonText(args));
      input ??= args;
    }
    output ??= firstPresent(attributes, [
      'gen_ai.tool.call.result',
      'ai.toolCall.result',
      'ai.toolCall.output',
    ]);
  }

  if (kind === 'RETRIEVER') {
    const query = nonEmptyString(attributes.get('gen_ai.retrieval.query.text'));
    if (query !== undefined && input === undefined) {
      out.set(INPUT_VALUE, query);
      out.set(INPUT_MIME_TYPE, TEXT_MIME);
    }
    addRetrievalDocuments(attributes.get('gen_ai.retrieval.documents'), out);
  }

  input ??= firstPresent(attributes, ['ai.prompt', 'gen_ai.input.messages', 'ai.prompt.messages']);
  if (input === undefined && inputMessages !== undefined) input = messagesToJson(inputMessages);
  output ??= firstPresent(attributes, [
    'ai.response.text',
    'ai.response.object',
    'gen_ai.output.messages',
  ]);
  if (output === undefined && outputMessages !== undefined) output = messagesToJson(outputMessages);
  if (input !== undefined && !out.has(INPUT_VALUE))
    setValue(out, INPUT_VALUE, INPUT_MIME_TYPE, input);
  if (output !== undefined) setValue(out, OUTPUT_VALUE, OUTPUT_MIME_TYPE, output);

  return out;
}

function addFunctionField(
  functions: Map<number, Record<string, AttributeValue>>,
  rest: string,
  value: AttributeValue,
): void {
  const dot = rest.indexOf('.');
  if (dot <= 0 || dot > 9) return;
  const index = Number(rest.slice(0, dot));
  if (!Number.isInteger(index) || index < 0) return;
  let definition = functions.get(index);
  if (definition === undefined) {
    definition = {};
    functions.set(index, definition);
  }
  const field = rest.slice(dot + 1);
  if (field === 'name' || field === 'description' || field === 'parameters')
    definition[field] = value;
}

function addRetrievalDocuments(value: AttributeValue | undefined, out: FlatAttributes): void {
  const documents = parseJsonAttribute(value);
  if (!Array.isArray(documents)) return;
  let index = 0;
  for (const document of documents) {
    if (typeof document !== 'object' || document === null || Array.isArray(document)) continue;
    const record = document as Record<string, unknown>;
    const base = `retrieval.documents.${index++}.document.`;
    const id = record['id'];
    if (typeof id === 'string' || typeof id === 'number') out.set(base + 'id', String(id));
    const score = record['score'];
    if (typeof score === 'number') out.set(base + 'score', score);
    const content = record['content'];
    if (content !== undefined && content !== null) out.set(base + 'content', toJsonText(content));
    const metadata = record['metadata'];
    if (metadata !== undefined && metadata !== null)
      out.set(base + 'metadata', toJsonText(metadata));
  }
}

/**
 * Add the synthesised OpenInference attributes to `attributes` in place, never overwriting what
 * the span already has. Call only for spans with at least one `isGenAiKey` key.
 */
export function applyGenAiMapping(attributes: FlatAttributes): void {
  const synthesized = synthesizeOpenInference(attributes);
  if (synthesized.size === 0) return;

  // Which lists the span already carries, so they are not mixed with synthesised entries.
  let ownGroups = 0;
  for (const key of attributes.keys()) {
    const first = key.charCodeAt(0);
    if (first !== 0x6c && first !== 0x72) continue; // 'l', 'r'
    for (let g = 0; g < LIST_GROUPS.length; g++) {
      if (key.startsWith(LIST_GROUPS[g] as string)) ownGroups |= 1 << g;
    }
  }
  const hasInput = attributes.has(INPUT_VALUE);
  const hasOutput = attributes.has(OUTPUT_VALUE);

  for (const [key, value] of synthesized) {
    if (attributes.has(key)) continue;
    if (key === INPUT_MIME_TYPE && hasInput) continue;
    if (key === OUTPUT_MIME_TYPE && hasOutput) continue;
    if (ownGroups !== 0) {
      let owned = false;
      for (let g = 0; g < LIST_GROUPS.length; g++) {
        if ((ownGroups & (1 << g)) !== 0 && key.startsWith(LIST_GROUPS[g] as string)) owned = true;
      }
      if (owned) continue;
    }
    attributes.set(key, value);
  }
}
