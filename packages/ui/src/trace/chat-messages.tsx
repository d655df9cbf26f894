/**
 * LLM input or output messages (`llm.input_messages` / `llm.output_messages`) as a chat: role,
 * text (Markdown), images (http(s) or data: URLs), tool calls with their name and arguments
 * pretty-printed, and tool results (role `tool`, with the call they answer).
 */
import { attributeAt, listAt, parsedJson, stringAt } from './attribute-path';
import { JsonTree } from './json-tree';
import { TextValue } from './text-value';
import type { JsonValue } from './trace-api';

/** Only these image sources are loaded; anything else (javascript:, file:) is shown as text. */
const SAFE_IMAGE_URL = /^(https?:\/\/|data:image\/)/i;

function MessageImage({ url }: { url: string }) {
  if (!SAFE_IMAGE_URL.test(url)) return <code className="heron-muted">image: {url}</code>;
  return (
    <a href={url} target="_blank" rel="noopener noreferrer" className="heron-message-image">
      <img src={url} alt="message image" loading="lazy" />
    </a>
  );
}

function MessageContents({ contents }: { contents: JsonValue[] }) {
  return (
    <>
      {contents.map((item, index) => {
        const type = stringAt(item, 'message_content.type');
        const text = stringAt(item, 'message_content.text');
        const imageUrl = stringAt(item, 'message_content.image.image.url');
        if (imageUrl) return <MessageImage key={index} url={imageUrl} />;
        if (text !== undefined) return <TextValue key={index} text={text} />;
        return (
          <div key={index}>
            <span className="heron-muted">{type ?? 'content'}</span>
            <JsonTree value={attributeAt(item, 'message_content') ?? item} />
          </div>
        );
      })}
    </>
  );
}

function ToolCall({ call }: { call: JsonValue }) {
  const name = stringAt(call, 'tool_call.function.name') ?? 'tool call';
  const id = stringAt(call, 'tool_call.id');
  const args = parsedJson(attributeAt(call, 'tool_call.function.arguments'));
  return (
    <div className="heron-tool-call" data-testid="tool-call">
      <div className="heron-tool-call-head">
        <span className="heron-tool-call-label">tool call</span>
        <code className="heron-tool-call-name">{name}</code>
        {id && <span className="heron-muted"> {id}</span>}
      </div>
      {args !== undefined &&
        (typeof args === 'object' && args !== null ? (
          <JsonTree value={args} expandAll />
        ) : (
          <pre className="heron-pre">{String(args)}</pre>
        ))}
    </div>
  );
}

function ChatMessage({ message }: { message: JsonValue }) {
  const role = stringAt(message, 'message.role') ?? 'unknown';
  const content = stringAt(message, 'message.content');
  const contents = listAt(message, 'message.contents');
  const toolCalls = listAt(message, 'message.tool_calls');
  const toolCallId = stringAt(message, 'message.tool_call_id');
  const name = stringAt(message, 'message.name');
  // Older OpenAI function calling: one function call on the message itself.
  const functionName = stringAt(message, 'message.function_call_name');
  const functionArgs = parsedJson(attributeAt(message, 'message.function_call_arguments_json'));
  return (
    <div className={`heron-message heron-role-${role.toLowerCase().replace(/[^a-z]/g, '')}`}>
      <div className="heron-message-head">
        <span className="heron-message-role">{role}</span>
        {name && <span className="heron-muted"> {name}</span>}
        {toolCallId && <span className="heron-muted"> result of {toolCallId}</span>}
      </div>
      {content !== undefined && <TextValue text={content} />}
      {contents.length > 0 && <MessageContents contents={contents} />}
      {toolCalls.map((call, index) => (
        <ToolCall key={index} call={call} />
      ))}
      {functionName && (
        <ToolCall
          call={{
            tool_call: { function: { name: functionName, arguments: functionArgs ?? null } },
          }}
        />
      )}
    </div>
  );
}

export function ChatMessages({ messages }: { messages: JsonValue[] }) {
  return (
    <div className="heron-chat">
      {messages.map((message, index) => (
        <ChatMessage key={index} message={message} />
      ))}
    </div>
  );
}
