/**
 * RETRIEVER and RERANKER spans: the query and the documents, each with its id, score, content
 * (folded when long) and metadata. A reranker shows its input and output documents.
 */
import { attributeAt, listAt, numberAt, stringAt } from './attribute-path';
import { InputOutput } from './io-value';
import { JsonTree } from './json-tree';
import { SpanRetrievalMetrics } from './retrieval-metrics';
import { TextValue } from './text-value';
import type { JsonValue, SpanDetail } from './trace-api';

function DocumentList({ documents }: { documents: JsonValue[] }) {
  if (documents.length === 0) return <p className="heron-muted">no documents</p>;
  return (
    <ol className="heron-documents">
      {documents.map((item, index) => {
        const id = stringAt(item, 'document.id');
        const score = numberAt(item, 'document.score');
        const content = stringAt(item, 'document.content');
        const metadata = attributeAt(item, 'document.metadata');
        return (
          <li key={index} className="heron-document" data-testid="document">
            <div className="heron-document-head">
              <span className="heron-muted">#{index}</span>
              {id !== undefined && <code className="heron-document-id">{id}</code>}
              {score !== undefined && (
                <span className="heron-badge" title="score">
                  score {Number(score.toFixed(4))}
                </span>
              )}
            </div>
            {content !== undefined && <TextValue text={content} />}
            {metadata !== undefined && (
              <details className="heron-document-metadata">
                <summary>metadata</summary>
                <JsonTree value={metadata} />
              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}

export function RetrieverInfo({ span }: { span: SpanDetail }) {
  const documents = listAt(span.attributes, 'retrieval.documents');
  const query = attributeAt(span.attributes, 'input.value');
  return (
    <>
      {query !== undefined && <InputOutput attributes={{ input: span.attributes.input ?? null }} />}
      <section className="heron-section" data-section="documents">
        <h3>Documents ({documents.length})</h3>
        <DocumentList documents={documents} />
      </section>
      <SpanRetrievalMetrics spanId={span.id} />
    </>
  );
}

export function RerankerInfo({ span }: { span: SpanDetail }) {
  const attributes = span.attributes;
  const query = stringAt(attributes, 'reranker.query');
  const model = stringAt(attributes, 'reranker.model_name');
  const topK = numberAt(attributes, 'reranker.top_k');
  const input = listAt(attributes, 'reranker.input_documents');
  const output = listAt(attributes, 'reranker.output_documents');
  return (
    <>
      <section className="heron-section">
        <h3>
          Reranker {model && <code>{model}</code>}
          {topK !== undefined && <span className="heron-muted"> top {topK}</span>}
        </h3>
        {query !== undefined && <TextValue text={query} />}
      </section>
      <section className="heron-section" data-section="documents">
        <h3>Output documents ({output.length})</h3>
        <DocumentList documents={output} />
      </section>
      <section className="heron-section">
        <h3>Input documents ({input.length})</h3>
        <DocumentList documents={input} />
      </section>
    </>
  );
}
