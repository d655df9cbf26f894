/** EMBEDDING spans: the model and each embedded text with the length of its vector. */
import { attributeAt, listAt, stringAt } from './attribute-path';
import { InputOutput } from './io-value';
import { TextValue } from './text-value';
import type { SpanDetail } from './trace-api';

export function EmbeddingInfo({ span }: { span: SpanDetail }) {
  const model = stringAt(span.attributes, 'embedding.model_name');
  const embeddings = listAt(span.attributes, 'embedding.embeddings');
  return (
    <>
      <section className="heron-section" data-section="embeddings">
        <h3>
          Embeddings ({embeddings.length}) {model && <code>{model}</code>}
        </h3>
        <ol className="heron-documents">
          {embeddings.map((item, index) => {
            const text = stringAt(item, 'embedding.text');
            const vector = attributeAt(item, 'embedding.vector');
            return (
              <li key={index} className="heron-document">
                <div className="heron-document-head">
                  <span className="heron-muted">#{index}</span>
                  <span className="heron-badge">
                    {Array.isArray(vector) ? `vector of ${vector.length}` : 'no vector'}
                  </span>
                </div>
                {text !== undefined ? (
                  <TextValue text={text} />
                ) : (
                  <p className="heron-muted">no text</p>
                )}
              </li>
            );
          })}
        </ol>
      </section>
      {embeddings.length === 0 && <InputOutput attributes={span.attributes} />}
    </>
  );
}
