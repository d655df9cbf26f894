/** TOOL spans: the tool's name, description and parameter schema, its input and its result. */
import { attributeAt, parsedJson, stringAt } from './attribute-path';
import { IoValue } from './io-value';
import { JsonTree } from './json-tree';
import type { SpanDetail } from './trace-api';

export function ToolInfo({ span }: { span: SpanDetail }) {
  const attributes = span.attributes;
  const name = stringAt(attributes, 'tool.name') ?? span.name;
  const description = stringAt(attributes, 'tool.description');
  const parameters = parsedJson(attributeAt(attributes, 'tool.parameters'));
  return (
    <>
      <section className="heron-section" data-section="tool">
        <h3>
          Tool <code>{name}</code>
        </h3>
        {description && <p>{description}</p>}
        {parameters !== undefined && (
          <>
            <h4>Parameters</h4>
            <JsonTree value={parameters} />
          </>
        )}
      </section>
      <section className="heron-section" data-section="input">
        <h3>Input</h3>
        <IoValue
          value={attributeAt(attributes, 'input.value')}
          mimeType={stringAt(attributes, 'input.mime_type')}
        />
      </section>
      <section className="heron-section" data-section="output">
        <h3>Result</h3>
        <IoValue
          value={attributeAt(attributes, 'output.value')}
          mimeType={stringAt(attributes, 'output.mime_type')}
        />
      </section>
    </>
  );
}
