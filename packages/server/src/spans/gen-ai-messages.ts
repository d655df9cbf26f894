/**
 * Chat messages recorded by GenAI instrumentations, read into one shape and written back out as
 * OpenInference `llm.input_messages` / `llm.output_messages` attributes.
 *
 * Three producer formats are understood:
 * - OTel GenAI semconv (>= 1.36): `gen_ai.input.messages`, `gen_ai.output.messages` and
 *   `gen_ai.system_instructions`, JSON arrays of `{role, parts: [...]}` (or the same structure
 *   as a structured attribute value);
 * - OpenLLMetry / Traceloop: indexed `gen_ai.prompt.N.*` and `gen_ai.completion.N.*` keys;
 * - Vercel AI SDK: `ai.prompt.messages` (JSON array of `{role, content}`) and
 *   `ai.response.text` / `ai.response.toolCalls`.
 * The message flattening follows Phoenix's `_flatten_message` (src/phoenix/trace/gen_ai/
 * conversion.py): one text part becomes `message.content`, several parts or any image become
 * `message.contents`, tool calls become `message.tool_calls`, a tool response becomes a
 * `tool_call_id` + `content` message. Unlike Phoenix, one malformed message does not throw away
 * the whole list: it is skipped.
 */
import type { AttributeValue } from '../otlp/otlp-types.js';

export interface GenAiToolCall {
  id?: string;
  name?: string;
  /** JSON text of the arguments, as OpenInference stores it. */
  arguments?: string;
}

export type GenAiContentPart = { type: 'text'; text: string } | { type: 'image'; url: string };

export interface GenAiMessage {
  role?: string;
  name?: string;
  /** Set when the message is a single text; otherwise `contents` carries the parts. */
  content?: string;
  contents?: GenAiContentPart[];
  toolCallId?: string;
  finishReason?: string;
  toolCalls?: GenAiToolCall[];
}

type JsonObject = { [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** JSON text for OpenInference fields that hold JSON (tool arguments, tool results). */
export function toJsonText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
}

/** A JSON-string attribute decoded, or a structured attribute value as is; undefined if neither. */
export function parseJsonAttribute(value: AttributeValue | undefined): unknown {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return value === null ? undefined : value;
}

function addPart(message: GenAiMessage, part: GenAiContentPart, texts: string[]): void {
  (message.contents ??= []).push(part);
  if (part.type === 'text') texts.push(part.text);
}

/** Collapse the collected parts the way Phoenix does: a lone text is `content`. */
function settleContents(message: GenAiMessage, texts: string[]): void {
  const contents = message.contents;
  if (contents === undefined) return;
  if (contents.length === texts.length && texts.length <= 1) {
    delete message.contents;
    if (texts.length === 1) message.content = texts[0] as string;
  }
}

// ---------------------------------------------------------------------------------------------
// OTel GenAI semconv

function semconvPartsInto(message: GenAiMessage, parts: unknown[]): void {
  const texts: string[] = [];
  for (const part of parts) {
    if (!isObject(part)) continue;
    switch (part['type']) {
      case 'text': {
        const text = asString(part['content']);
        if (text !== undefined) addPart(message, { type: 'text', text }, texts);
        break;
      }
      case 'tool_call': {
        const call: GenAiToolCall = {};
        const id = asString(part['id']);
        const name = asString(part['name']);
        if (id) call.id = id;
        if (name) call.name = name;
        if (part['arguments'] !== undefined && part['arguments'] !== null) {
          call.arguments = toJsonText(part['arguments']);
        }
        (message.toolCalls ??= []).push(call);
        break;
      }
      case 'tool_call_response': {
        const id = asString(part['id']);
        if (id) message.toolCallId = id;
        if (part['response'] !== undefined && part['response'] !== null) {
          message.content = toJsonText(part['response']);
        }
        break;
      }
      case 'uri': {
        const uri = asString(part['uri']);
        if (uri) addPart(message, { type: 'image', url: uri }, texts);
        break;
      }
      case 'blob': {
        // Older drafts call the payload `data`; both are base64 on the wire.
        const data = asString(part['content']) ?? asString(part['data']);
        if (data) {
          const mime = asString(part['mime_type']) ?? 'application/octet-stream';
          addPart(message, { type: 'image', url: `data:${mime};base64,${data}` }, texts);
        }
        break;
      }
      default:
        // reasoning, file and unknown parts have no OpenInference message field.
        break;
    }
  }
  if (message.toolCallId !== undefined) {
    // A tool response message carries only the response (Phoenix returns early here).
    delete message.contents;
    delete message.toolCalls;
    return;
  }
  settleContents(message, texts);
}

function semconvMessage(item: unknown, output: boolean): GenAiMessage | undefined {
  if (!isObject(item)) return undefined;
  const message: GenAiMessage = {};
  const role = asString(item['role']);
  if (role !== undefined) message.role = role;
  const name = asString(item['name']);
  if (name) message.name = name;
  if (output) {
    const finishReason = asString(item['finish_reason']);
    if (finishReason) message.finishReason = finishReason;
  }
  const parts = item['parts'];
  if (Array.isArray(parts)) semconvPartsInto(message, parts);
  else if (typeof item['content'] === 'string') message.content = item['content'];
  return message;
}

/** `gen_ai.input.messages` / `gen_ai.output.messages`. */
export function readSemconvMessages(
  value: AttributeValue | undefined,
  output: boolean,
): GenAiMessage[] | undefined {
  const parsed = parseJsonAttribute(value);
  if (!Array.isArray(parsed)) return undefined;
  const messages: GenAiMessage[] = [];
  for (const item of parsed) {
    const message = semconvMessage(item, output);
    if (message !== undefined) messages.push(message);
  }
  return messages.length > 0 ? messages : undefined;
}

/** `gen_ai.system_instructions` (a list of parts, or a plain string) as a system message. */
export function readSystemInstructions(
  value: AttributeValue | undefined,
): GenAiMessage | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = parseJsonAttribute(value);
  const message: GenAiMessage = { role: 'system' };
  if (Array.isArray(parsed)) semconvPartsInto(message, parsed);
  else if (typeof parsed === 'string') message.content = parsed;
  else if (typeof value === 'string') message.content = value;
  else return undefined;
  return message.content !== undefined || message.contents !== undefined ? message : undefined;
}

// ---------------------------------------------------------------------------------------------
// OpenLLMetry indexed keys: gen_ai.prompt.0.role, gen_ai.completion.0.tool_calls.1.name, ...

/** Collects `gen_ai.prompt.N.*` or `gen_ai.completion.N.*` keys fed one at a time. */
export class IndexedMessageReader {
  private readonly byIndex = new Map<number, GenAiMessage>();
  private readonly toolCalls = new Map<GenAiMessage, Map<number, GenAiToolCall>>();

  /** `rest` is the key after the prefix, e.g. `0.tool_calls.1.name`. */
  add(rest: string, value: AttributeValue): void {
    const dot = rest.indexOf('.');
    if (dot <= 0) return;
    const index = parseIndex(rest.slice(0, dot));
    if (index === undefined) return;
    let message = this.byIndex.get(index);
    if (message === undefined) {
      message = {};
      this.byIndex.set(index, message);
    }
    const field = rest.slice(dot + 1);
    switch (field) {
      case 'role':
        if (typeof value === 'string') message.role = value;
        return;
      case 'content':
        if (value !== null) message.content = toJsonText(value);
        return;
      case 'name':
        if (typeof value === 'string') message.name = value;
        return;
      case 'tool_call_id':
        if (typeof value === 'string') message.toolCallId = value;
        return;
      case 'finish_reason':
        if (typeof value === 'string' && value) message.finishReason = value;
        return;
      case 'function_call.name':
        this.toolCall(message, 0).name = asString(value);
        return;
      case 'function_call.arguments':
        this.toolCall(message, 0).arguments = toJsonText(value);
        return;
      default:
        break;
    }
    if (!field.startsWith('tool_calls.')) return;
    const callRest = field.slice('tool_calls.'.length);
    const callDot = callRest.indexOf('.');
    if (callDot <= 0) return;
    const callIndex = parseIndex(callRest.slice(0, callDot));
    if (callIndex === undefined) return;
    const call = this.toolCall(message, callIndex);
    const callField = callRest.slice(callDot + 1);
    if (callField === 'name') call.name = asString(value);
    else if (callField === 'id') call.id = asString(value);
    else if (callField === 'arguments') call.arguments = toJsonText(value);
  }

  private toolCall(message: GenAiMessage, index: number): GenAiToolCall {
    let calls = this.toolCalls.get(message);
    if (calls === undefined) {
      calls = new Map();
      this.toolCalls.set(message, calls);
    }
    let call = calls.get(index);
    if (call === undefined) {
      call = {};
      calls.set(index, call);
    }
    return call;
  }

  /** The messages in index order, or undefined when no key was fed. */
  messages(): GenAiMessage[] | undefined {
    if (this.byIndex.size === 0) return undefined;
    const indices = Array.from(this.byIndex.keys()).sort((a, b) => a - b);
    return indices.map((index) => {
      const message = this.byIndex.get(index) as GenAiMessage;
      const calls = this.toolCalls.get(message);
      if (calls !== undefined) {
        message.toolCalls = Array.from(calls.keys())
          .sort((a, b) => a - b)
          .map((i) => calls.get(i) as GenAiToolCall);
      }
      return message;
    });
  }
}

function parseIndex(text: string): number | undefined {
  if (text.length === 0 || text.length > 9) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  return Number(text);
}

// ---------------------------------------------------------------------------------------------
// Vercel AI SDK

function vercelToolCall(part: JsonObject): GenAiToolCall {
  const call: GenAiToolCall = {};
  const id = asString(part['toolCallId']);
  const name = asString(part['toolName']);
  if (id) call.id = id;
  if (name) call.name = name;
  // AI SDK 4 calls the arguments `args`, AI SDK 5 `input`.
  const args = part['input'] ?? part['args'];
  if (args !== undefined && args !== null) call.arguments = toJsonText(args);
  return call;
}

function vercelToolResult(part: JsonObject): string | undefined {
  let result = part['output'] ?? part['result'];
  // AI SDK 5 wraps results as {type: 'text' | 'json', value}.
  if (isObject(result) && 'value' in result && typeof result['type'] === 'string') {
    result = result['value'];
  }
  return result === undefined ? undefined : toJsonText(result);
}

/** `ai.prompt.messages`. A tool message with several results becomes one message per result. */
export function readVercelPromptMessages(
  value: AttributeValue | undefined,
): GenAiMessage[] | undefined {
  const parsed = parseJsonAttribute(value);
  if (!Array.isArray(parsed)) return undefined;
  const messages: GenAiMessage[] = [];
  for (const item of parsed) {
    if (!isObject(item)) continue;
    const role = asString(item['role']);
    const content = item['content'];
    if (typeof content === 'string') {
      messages.push(role === undefined ? { content } : { role, content });
      continue;
    }
    if (!Array.isArray(content)) continue;
    const message: GenAiMessage = role === undefined ? {} : { role };
    const texts: string[] = [];
    for (const part of content) {
      if (!isObject(part)) continue;
      const type = part['type'];
      if (type === 'text') {
        const text = asString(part['text']);
        if (text !== undefined) addPart(message, { type: 'text', text }, texts);
      } else if (type === 'image' || type === 'file') {
        const media = asString(part['mediaType']) ?? asString(part['mimeType']);
        if (type === 'file' && !(media ?? '').startsWith('image/')) continue;
        const data = asString(part['image']) ?? asString(part['data']) ?? asString(part['url']);
        if (data === undefined) continue;
        const url = /^[a-z][a-z0-9+.-]*:/i.test(data)
          ? data
          : `data:${media ?? 'image/*'};base64,${data}`;
        addPart(message, { type: 'image', url }, texts);
      } else if (type === 'tool-call') {
        (message.toolCalls ??= []).push(vercelToolCall(part));
      } else if (type === 'tool-result') {
        const result: GenAiMessage = { role: role ?? 'tool' };
        const id = asString(part['toolCallId']);
        const name = asString(part['toolName']);
        if (id) result.toolCallId = id;
        if (name) result.name = name;
        const text = vercelToolResult(part);
        if (text !== undefined) result.content = text;
        messages.push(result);
      }
    }
    if (message.contents === undefined && message.toolCalls === undefined) continue;
    settleContents(message, texts);
    messages.push(message);
  }
  return messages.length > 0 ? messages : undefined;
}

/** `ai.response.text` + `ai.response.toolCalls` as the assistant's output message. */
export function readVercelResponseMessage(
  text: AttributeValue | undefined,
  toolCalls: AttributeValue | undefined,
  finishReason: AttributeValue | undefined,
): GenAiMessage | undefined {
  const message: GenAiMessage = { role: 'assistant' };
  if (typeof text === 'string') message.content = text;
  const calls = parseJsonAttribute(toolCalls);
  if (Array.isArray(calls)) {
    for (const call of calls)
      if (isObject(call)) (message.toolCalls ??= []).push(vercelToolCall(call));
  }
  if (message.content === undefined && message.toolCalls === undefined) return undefined;
  if (typeof finishReason === 'string' && finishReason) message.finishReason = finishReason;
  return message;
}

// ---------------------------------------------------------------------------------------------
// Output

/** Write `messages` as `<prefix>.N.message.*` OpenInference attributes into `out`. */
export function writeMessages(
  out: Map<string, AttributeValue>,
  prefix: string,
  messages: GenAiMessage[],
): void {
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as GenAiMessage;
    const base = `${prefix}.${i}.message.`;
    if (message.role !== undefined) out.set(base + 'role', message.role);
    if (message.name !== undefined) out.set(base + 'name', message.name);
    if (message.finishReason !== undefined) out.set(base + 'finish_reason', message.finishReason);
    if (message.toolCallId !== undefined) out.set(base + 'tool_call_id', message.toolCallId);
    if (message.content !== undefined) out.set(base + 'content', message.content);
    if (message.contents !== undefined) {
      for (let c = 0; c < message.contents.length; c++) {
        const part = message.contents[c] as GenAiContentPart;
        const partBase = `${base}contents.${c}.message_content.`;
        out.set(partBase + 'type', part.type);
        if (part.type === 'text') out.set(partBase + 'text', part.text);
        else out.set(partBase + 'image.image.url', part.url);
      }
    }
    if (message.toolCalls !== undefined) {
      for (let t = 0; t < message.toolCalls.length; t++) {
        const call = message.toolCalls[t] as GenAiToolCall;
        const callBase = `${base}tool_calls.${t}.tool_call.`;
        if (call.id !== undefined) out.set(callBase + 'id', call.id);
        if (call.name !== undefined) out.set(callBase + 'function.name', call.name);
        if (call.arguments !== undefined) out.set(callBase + 'function.arguments', call.arguments);
      }
    }
  }
}

/** A compact JSON rendering of messages for `input.value` / `output.value`. */
export function messagesToJson(messages: GenAiMessage[]): string {
  return JSON.stringify(
    messages.map((message) => {
      const plain: JsonObject = {};
      if (message.role !== undefined) plain['role'] = message.role;
      if (message.name !== undefined) plain['name'] = message.name;
      if (message.toolCallId !== undefined) plain['tool_call_id'] = message.toolCallId;
      if (message.content !== undefined) plain['content'] = message.content;
      else if (message.contents !== undefined) plain['content'] = message.contents;
      if (message.toolCalls !== undefined) plain['tool_calls'] = message.toolCalls;
      if (message.finishReason !== undefined) plain['finish_reason'] = message.finishReason;
      return plain;
    }),
  );
}
