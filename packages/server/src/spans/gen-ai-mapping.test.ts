import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { AttributeValue } from '../otlp/otlp-types.js';
import { applyGenAiMapping, isGenAiKey } from './gen-ai-mapping.js';

function mapped(attributes: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const map = new Map(Object.entries(attributes));
  applyGenAiMapping(map);
  return Object.fromEntries(map);
}

describe('isGenAiKey', () => {
  it('recognises the mapped conventions only', () => {
    assert.equal(isGenAiKey('gen_ai.system'), true);
    assert.equal(isGenAiKey('ai.operationId'), true);
    assert.equal(isGenAiKey('traceloop.span.kind'), true);
    for (const key of ['gen_aix', 'air.x', 'llm.model_name', 'trace', '']) {
      assert.equal(isGenAiKey(key), false, key);
    }
  });
});

describe('applyGenAiMapping', () => {
  it('maps an OpenLLMetry OpenAI chat span', () => {
    const out = mapped({
      'llm.request.type': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.max_tokens': 256,
      'gen_ai.prompt.0.role': 'system',
      'gen_ai.prompt.0.content': 'You are helpful.',
      'gen_ai.prompt.1.role': 'user',
      'gen_ai.prompt.1.content': 'Weather in Paris?',
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.finish_reason': 'tool_calls',
      'gen_ai.completion.0.tool_calls.0.id': 'call_1',
      'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
      'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"Paris"}',
      'gen_ai.usage.prompt_tokens': 20,
      'gen_ai.usage.completion_tokens': 7,
      'llm.usage.total_tokens': 27,
      'gen_ai.usage.cache_read_input_tokens': 4,
      'llm.request.functions.0.name': 'get_weather',
      'llm.request.functions.0.description': 'Weather for a city',
      'llm.request.functions.0.parameters': '{"type":"object"}',
    });
    assert.equal(out['openinference.span.kind'], 'LLM');
    assert.equal(out['llm.model_name'], 'gpt-4o-2024-08-06');
    assert.equal(out['llm.provider'], 'openai');
    assert.equal(out['llm.system'], 'openai');
    assert.deepEqual(JSON.parse(out['llm.invocation_parameters'] as string), {
      temperature: 0.7,
      max_tokens: 256,
    });
    assert.equal(out['llm.input_messages.0.message.role'], 'system');
    assert.equal(out['llm.input_messages.0.message.content'], 'You are helpful.');
    assert.equal(out['llm.input_messages.1.message.role'], 'user');
    assert.equal(out['llm.input_messages.1.message.content'], 'Weather in Paris?');
    assert.equal(out['llm.output_messages.0.message.role'], 'assistant');
    assert.equal(out['llm.output_messages.0.message.finish_reason'], 'tool_calls');
    const call = 'llm.output_messages.0.message.tool_calls.0.tool_call.';
    assert.equal(out[call + 'id'], 'call_1');
    assert.equal(out[call + 'function.name'], 'get_weather');
    assert.equal(out[call + 'function.arguments'], '{"city":"Paris"}');
    assert.equal(out['llm.token_count.prompt'], 20);
    assert.equal(out['llm.token_count.completion'], 7);
    assert.equal(out['llm.token_count.total'], 27);
    assert.equal(out['llm.token_count.prompt_details.cache_read'], 4);
    assert.deepEqual(JSON.parse(out['llm.tools.0.tool.json_schema'] as string), {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Weather for a city',
        parameters: { type: 'object' },
      },
    });
    assert.equal(out['input.mime_type'], 'application/json');
    assert.deepEqual(JSON.parse(out['input.value'] as string), [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'Weather in Paris?' },
    ]);
    assert.equal(out['output.mime_type'], 'application/json');
    // The originals stay.
    assert.equal(out['gen_ai.prompt.0.role'], 'system');
  });

  it('maps a new-semconv span with gen_ai.input.messages JSON', () => {
    const input = JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: 'Hi' }] },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'c1', name: 'lookup', arguments: { q: 'x' } }],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { ok: 1 } }] },
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'and this?' },
          { type: 'uri', modality: 'image', uri: 'https://x/cat.png' },
        ],
      },
    ]);
    const output = JSON.stringify([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }], finish_reason: 'stop' },
    ]);
    const out = mapped({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4',
      'gen_ai.conversation.id': 'conv-9',
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be nice.' }]),
      'gen_ai.input.messages': input,
      'gen_ai.output.messages': output,
      'gen_ai.usage.input_tokens': '11',
      'gen_ai.usage.output_tokens': 3.0,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    assert.equal(out['openinference.span.kind'], 'LLM');
    assert.equal(out['llm.model_name'], 'claude-sonnet-4');
    assert.equal(out['llm.provider'], 'anthropic');
    assert.equal(out['session.id'], 'conv-9');
    const m = 'llm.input_messages.';
    assert.equal(out[m + '0.message.role'], 'system');
    assert.equal(out[m + '0.message.content'], 'Be nice.');
    assert.equal(out[m + '1.message.role'], 'user');
    assert.equal(out[m + '1.message.content'], 'Hi');
    assert.equal(out[m + '2.message.tool_calls.0.tool_call.id'], 'c1');
    assert.equal(out[m + '2.message.tool_calls.0.tool_call.function.name'], 'lookup');
    assert.equal(out[m + '2.message.tool_calls.0.tool_call.function.arguments'], '{"q":"x"}');
    assert.equal(out[m + '3.message.tool_call_id'], 'c1');
    assert.equal(out[m + '3.message.content'], '{"ok":1}');
    assert.equal(out[m + '4.message.contents.0.message_content.type'], 'text');
    assert.equal(out[m + '4.message.contents.0.message_content.text'], 'and this?');
    assert.equal(out[m + '4.message.contents.1.message_content.type'], 'image');
    assert.equal(
      out[m + '4.message.contents.1.message_content.image.image.url'],
      'https://x/cat.png',
    );
    assert.equal(out['llm.output_messages.0.message.content'], 'Hello!');
    assert.equal(out['llm.output_messages.0.message.finish_reason'], 'stop');
    assert.equal(out['llm.token_count.prompt'], 11);
    assert.equal(out['llm.token_count.completion'], 3);
    assert.equal(out['llm.token_count.total'], 14);
    assert.equal(out['llm.finish_reason'], 'stop');
    assert.equal(out['input.value'], input);
    assert.equal(out['input.mime_type'], 'application/json');
    assert.equal(out['output.value'], output);
    assert.equal(out['output.mime_type'], 'application/json');
  });

  it('maps a Vercel AI SDK generateText model-call span', () => {
    const messages = JSON.stringify([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: [{ type: 'text', text: 'Tell me a joke' }] },
    ]);
    const out = mapped({
      'operation.name': 'ai.generateText.doGenerate',
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.model.provider': 'openai.chat',
      'ai.model.id': 'gpt-4o-mini',
      'ai.settings.maxRetries': 2,
      'ai.prompt.format': 'messages',
      'ai.prompt.messages': messages,
      'ai.response.finishReason': 'stop',
      'ai.response.text': 'Why did the chicken...',
      'ai.response.id': 'resp_1',
      'ai.response.model': 'gpt-4o-mini-2024-07-18',
      'ai.usage.promptTokens': 12,
      'ai.usage.completionTokens': 8,
      'gen_ai.system': 'openai.chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.temperature': 0,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.response.id': 'resp_1',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 8,
    });
    assert.equal(out['openinference.span.kind'], 'LLM');
    assert.equal(out['llm.model_name'], 'gpt-4o-mini-2024-07-18');
    assert.equal(out['llm.provider'], 'openai');
    assert.equal(out['llm.system'], 'openai');
    assert.equal(out['llm.input_messages.0.message.role'], 'system');
    assert.equal(out['llm.input_messages.0.message.content'], 'You are terse.');
    assert.equal(out['llm.input_messages.1.message.role'], 'user');
    assert.equal(out['llm.input_messages.1.message.content'], 'Tell me a joke');
    assert.equal(out['llm.output_messages.0.message.role'], 'assistant');
    assert.equal(out['llm.output_messages.0.message.content'], 'Why did the chicken...');
    assert.equal(out['llm.token_count.total'], 20);
    assert.equal(out['input.value'], messages);
    assert.equal(out['input.mime_type'], 'application/json');
    assert.equal(out['output.value'], 'Why did the chicken...');
    assert.equal(out['output.mime_type'], 'text/plain');
  });

  it('maps the outer Vercel AI SDK generateText span to a CHAIN', () => {
    const out = mapped({
      'ai.operationId': 'ai.generateText',
      'ai.model.provider': 'anthropic.messages',
      'ai.model.id': 'claude-3-5-haiku',
      'ai.prompt': '{"prompt":"Tell me a joke"}',
      'ai.response.text': 'A joke.',
      'ai.usage.inputTokens': 5,
      'ai.usage.outputTokens': 2,
      'ai.usage.totalTokens': 7,
      'ai.telemetry.metadata.sessionId': 'sess-1',
    });
    assert.equal(out['openinference.span.kind'], 'CHAIN');
    assert.equal(out['llm.provider'], 'anthropic');
    assert.equal(out['input.value'], '{"prompt":"Tell me a joke"}');
    assert.equal(out['input.mime_type'], 'application/json');
    assert.equal(out['output.value'], 'A joke.');
    assert.equal(out['llm.token_count.total'], 7);
    assert.equal(out['session.id'], 'sess-1');
    assert.equal(out['llm.output_messages.0.message.content'], undefined);
  });

  it('maps an execute_tool span', () => {
    const out = mapped({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get_weather',
      'gen_ai.tool.description': 'Weather for a city',
      'gen_ai.tool.call.id': 'call_1',
      'gen_ai.tool.call.arguments': '{"city":"Paris"}',
      'gen_ai.tool.call.result': '{"temp":21}',
    });
    assert.equal(out['openinference.span.kind'], 'TOOL');
    assert.equal(out['tool.name'], 'get_weather');
    assert.equal(out['tool.description'], 'Weather for a city');
    assert.equal(out['tool.id'], 'call_1');
    assert.equal(out['tool.parameters'], '{"city":"Paris"}');
    assert.equal(out['input.value'], '{"city":"Paris"}');
    assert.equal(out['input.mime_type'], 'application/json');
    assert.equal(out['output.value'], '{"temp":21}');
    assert.equal(out['output.mime_type'], 'application/json');
  });

  it('maps a Vercel ai.toolCall span', () => {
    const out = mapped({
      'ai.operationId': 'ai.toolCall',
      'ai.toolCall.name': 'search',
      'ai.toolCall.id': 'tc_1',
      'ai.toolCall.args': '{"q":"otel"}',
      'ai.toolCall.result': 'plain result',
    });
    assert.equal(out['openinference.span.kind'], 'TOOL');
    assert.equal(out['tool.name'], 'search');
    assert.equal(out['input.value'], '{"q":"otel"}');
    assert.equal(out['output.value'], 'plain result');
    assert.equal(out['output.mime_type'], 'text/plain');
  });

  it('infers kinds from traceloop.span.kind and agent operations', () => {
    assert.equal(mapped({ 'traceloop.span.kind': 'workflow' })['openinference.span.kind'], 'CHAIN');
    assert.equal(mapped({ 'traceloop.span.kind': 'task' })['openinference.span.kind'], 'CHAIN');
    assert.equal(mapped({ 'traceloop.span.kind': 'agent' })['openinference.span.kind'], 'AGENT');
    assert.equal(mapped({ 'traceloop.span.kind': 'tool' })['openinference.span.kind'], 'TOOL');
    assert.equal(
      mapped({ 'gen_ai.operation.name': 'invoke_agent' })['openinference.span.kind'],
      'AGENT',
    );
    assert.equal(
      mapped({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'e5' })[
        'embedding.model_name'
      ],
      'e5',
    );
    assert.equal(
      mapped({ 'gen_ai.request.model': 'm', 'gen_ai.usage.input_tokens': 1 })[
        'openinference.span.kind'
      ],
      'LLM',
    );
    assert.equal(mapped({ 'gen_ai.request.model': 'm' })['openinference.span.kind'], undefined);
  });

  it('uses traceloop.entity.input/output as input and output values', () => {
    const out = mapped({
      'traceloop.span.kind': 'task',
      'traceloop.entity.input': '{"args":[1],"kwargs":{}}',
      'traceloop.entity.output': 'done',
      'traceloop.association.properties.session_id': 's-7',
    });
    assert.equal(out['input.value'], '{"args":[1],"kwargs":{}}');
    assert.equal(out['input.mime_type'], 'application/json');
    assert.equal(out['output.value'], 'done');
    assert.equal(out['output.mime_type'], 'text/plain');
    assert.equal(out['session.id'], 's-7');
  });

  it('never overrides OpenInference attributes the span already has', () => {
    const out = mapped({
      'openinference.span.kind': 'chain',
      'llm.model_name': 'mine',
      'input.value': 'my input',
      'llm.input_messages.0.message.role': 'user',
      'llm.token_count.prompt': 99,
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'theirs',
      'gen_ai.prompt.0.role': 'system',
      'gen_ai.prompt.0.content': 'sys',
      'gen_ai.prompt.1.role': 'user',
      'gen_ai.prompt.1.content': 'hi',
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.content': 'hello',
      'gen_ai.usage.input_tokens': 1,
      'gen_ai.usage.output_tokens': 2,
    });
    assert.equal(out['openinference.span.kind'], 'chain');
    assert.equal(out['llm.model_name'], 'mine');
    assert.equal(out['input.value'], 'my input');
    assert.equal(out['input.mime_type'], undefined);
    // The span's own message list is not mixed with synthesised entries...
    assert.equal(out['llm.input_messages.0.message.content'], undefined);
    assert.equal(out['llm.input_messages.1.message.role'], undefined);
    // ...nor its token counts...
    assert.equal(out['llm.token_count.prompt'], 99);
    assert.equal(out['llm.token_count.completion'], undefined);
    // ...but lists it does not have are added.
    assert.equal(out['llm.output_messages.0.message.content'], 'hello');
  });

  it('maps unknown providers to llm.system only, as Phoenix', () => {
    const out = mapped({ 'gen_ai.system': 'Ollama' });
    assert.equal(out['llm.system'], 'ollama');
    assert.equal(out['llm.provider'], undefined);
    const azure = mapped({ 'gen_ai.provider.name': 'azure.ai.openai' });
    assert.equal(azure['llm.provider'], 'azure');
    assert.equal(azure['llm.system'], 'openai');
  });
});
