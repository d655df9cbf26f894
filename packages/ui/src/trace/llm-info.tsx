/**
 * What an LLM span shows: model, token counts and cost ("no price" when unknown, never 0),
 * input and output messages as a chat, invocation parameters, the prompt template with its
 * variables, and the tools the model was offered.
 */
import { attributeAt, listAt, numberAt, parsedJson, stringAt } from './attribute-path';
import { ChatMessages } from './chat-messages';
import { InputOutput } from './io-value';
import { JsonTree } from './json-tree';
import { formatCost, formatTokens } from './number-formats';
import type { JsonValue, SpanDetail } from './trace-api';

function TokenCounts({ span }: { span: SpanDetail }) {
  const attributes = span.attributes;
  const prompt = span.token_count_prompt ?? numberAt(attributes, 'llm.token_count.prompt');
  const completion =
    span.token_count_completion ?? numberAt(attributes, 'llm.token_count.completion');
  const total = span.token_count_total ?? numberAt(attributes, 'llm.token_count.total');
  const promptDetails = attributeAt(attributes, 'llm.token_count.prompt_details');
  const completionDetails = attributeAt(attributes, 'llm.token_count.completion_details');
  // Heron's price table first; else a cost the instrumentation computed itself.
  const cost = span.cost ?? numberAt(attributes, 'llm.cost.total');
  const cell = (value: number | undefined | null) =>
    value === undefined || value === null ? '—' : formatTokens(value);
  return (
    <dl className="heron-facts" data-testid="token-counts">
      <div>
        <dt>Prompt tokens</dt>
        <dd>{cell(prompt)}</dd>
      </div>
      <div>
        <dt>Completion tokens</dt>
        <dd>{cell(completion)}</dd>
      </div>
      <div>
        <dt>Total tokens</dt>
        <dd>{cell(total)}</dd>
      </div>
      <div>
        <dt>Cost</dt>
        <dd
          title={
            cost === undefined
              ? 'No price known for this model'
              : span.cost !== null
                ? `prompt ${formatCost(span.cost_prompt)}, completion ${formatCost(span.cost_completion)}`
                : 'llm.cost.total'
          }
        >
          {formatCost(cost)}
        </dd>
      </div>
      {promptDetails !== undefined && (
        <div className="heron-facts-wide">
          <dt>Prompt details</dt>
          <dd>
            <JsonTree value={promptDetails} />
          </dd>
        </div>
      )}
      {completionDetails !== undefined && (
        <div className="heron-facts-wide">
          <dt>Completion details</dt>
          <dd>
            <JsonTree value={completionDetails} />
          </dd>
        </div>
      )}
    </dl>
  );
}

function OfferedTools({ tools }: { tools: JsonValue[] }) {
  return (
    <ul className="heron-offered-tools">
      {tools.map((tool, index) => {
        const schema = parsedJson(attributeAt(tool, 'tool.json_schema'));
        const name =
          stringAt(schema, 'function.name') ?? stringAt(schema, 'name') ?? `tool ${index + 1}`;
        const description =
          stringAt(schema, 'function.description') ?? stringAt(schema, 'description');
        return (
          <li key={index}>
            <code>{name}</code>
            {description && <span className="heron-muted"> — {description}</span>}
            {schema !== undefined && (
              <JsonTree value={schema ?? attributeAt(tool, 'tool') ?? tool} />
            )}
          </li>
        );
      })}
    </ul>
  );
}

export function LlmInfo({ span }: { span: SpanDetail }) {
  const attributes = span.attributes;
  const model = stringAt(attributes, 'llm.model_name');
  const provider = stringAt(attributes, 'llm.provider') ?? stringAt(attributes, 'llm.system');
  const inputMessages = listAt(attributes, 'llm.input_messages');
  const outputMessages = listAt(attributes, 'llm.output_messages');
  const parameters = parsedJson(attributeAt(attributes, 'llm.invocation_parameters'));
  const template = stringAt(attributes, 'llm.prompt_template.template');
  const variables = parsedJson(attributeAt(attributes, 'llm.prompt_template.variables'));
  const templateVersion = stringAt(attributes, 'llm.prompt_template.version');
  const tools = listAt(attributes, 'llm.tools');
  return (
    <>
      <section className="heron-section">
        <h3>
          Model <code>{model ?? 'unknown'}</code>
          {provider && <span className="heron-muted"> · {provider}</span>}
        </h3>
        <TokenCounts span={span} />
      </section>
      {inputMessages.length > 0 && (
        <section className="heron-section" data-section="input-messages">
          <h3>Input messages</h3>
          <ChatMessages messages={inputMessages} />
        </section>
      )}
      {outputMessages.length > 0 && (
        <section className="heron-section" data-section="output-messages">
          <h3>Output messages</h3>
          <ChatMessages messages={outputMessages} />
        </section>
      )}
      {inputMessages.length === 0 && outputMessages.length === 0 && (
        <InputOutput attributes={attributes} />
      )}
      {parameters !== undefined && (
        <section className="heron-section" data-section="invocation-parameters">
          <h3>Invocation parameters</h3>
          <JsonTree value={parameters} />
        </section>
      )}
      {(template !== undefined || variables !== undefined) && (
        <section className="heron-section" data-section="prompt-template">
          <h3>
            Prompt template
            {templateVersion && <span className="heron-muted"> {templateVersion}</span>}
          </h3>
          {template !== undefined && <pre className="heron-pre">{template}</pre>}
          {variables !== undefined && (
            <>
              <h4>Variables</h4>
              <JsonTree value={variables} />
            </>
          )}
        </section>
      )}
      {tools.length > 0 && (
        <section className="heron-section" data-section="tools">
          <h3>Tools offered</h3>
          <OfferedTools tools={tools} />
        </section>
      )}
    </>
  );
}
