/**
 * The Attributes tab: the nested attributes as a foldable JSON tree, the same as a flat table
 * of dotted keys with a copy button per value, then resource attributes, scope and links.
 */
import { useMemo } from 'react';
import { flattenAttributes } from './attribute-path';
import { CopyButton } from './copy-button';
import { JsonTree } from './json-tree';
import type { JsonValue, SpanDetail } from './trace-api';

function valueText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Longest value shown in a table cell; the copy button copies the whole value. */
const CELL_CHARS = 500;

export function SpanAttributesTab({ span }: { span: SpanDetail }) {
  const flat = useMemo(() => flattenAttributes(span.attributes), [span.attributes]);
  return (
    <div className="heron-attributes-tab">
      <section className="heron-section">
        <h3>Attributes</h3>
        <JsonTree value={span.attributes} />
      </section>
      <section className="heron-section">
        <h3>Flat ({flat.length})</h3>
        <table className="heron-kv-table" data-testid="attribute-table">
          <tbody>
            {flat.map(([key, value]) => {
              const text = valueText(value);
              return (
                <tr key={key}>
                  <th scope="row">
                    <code>{key}</code>
                  </th>
                  <td>
                    <span className="heron-kv-value">
                      {text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS)}…` : text}
                    </span>
                  </td>
                  <td className="heron-kv-copy">
                    <CopyButton text={text} label="Copy" title={`Copy the value of ${key}`} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <section className="heron-section">
        <h3>Resource</h3>
        <JsonTree value={span.resource.attributes} />
        <p className="heron-muted">
          Scope <code>{span.scope.name || '(none)'}</code> {span.scope.version}
        </p>
      </section>
      {span.links.length > 0 && (
        <section className="heron-section">
          <h3>Links ({span.links.length})</h3>
          <JsonTree value={span.links as unknown as JsonValue} />
        </section>
      )}
    </div>
  );
}
