/**
 * A span's `input` or `output` shown by its mime type: JSON pretty-printed and foldable
 * (also when the mime type is missing but the value is JSON), anything else as text/Markdown.
 */
import { attributeAt, parsedJson, stringAt } from './attribute-path';
import { JsonTree } from './json-tree';
import { TextValue } from './text-value';
import type { JsonObject, JsonValue } from './trace-api';

export function IoValue({ value, mimeType }: { value: JsonValue | undefined; mimeType?: string }) {
  if (value === undefined || value === null || value === '')
    return <p className="heron-muted">empty</p>;
  const parsed = mimeType === 'text/plain' ? value : parsedJson(value);
  if (typeof parsed === 'object' && parsed !== null) return <JsonTree value={parsed} />;
  return <TextValue text={String(parsed)} />;
}

/** Input and output sections, when the span has them. */
export function InputOutput({ attributes }: { attributes: JsonObject }) {
  return (
    <>
      {(['input', 'output'] as const).map((side) => {
        const value = attributeAt(attributes, `${side}.value`);
        if (value === undefined) return null;
        const mime = stringAt(attributes, `${side}.mime_type`);
        return (
          <section key={side} className="heron-section" data-section={side}>
            <h3>
              {side === 'input' ? 'Input' : 'Output'}
              {mime && <span className="heron-muted heron-mime"> {mime}</span>}
            </h3>
            <IoValue value={value} mimeType={mime} />
          </section>
        );
      })}
    </>
  );
}
