/**
 * The Info tab: a renderer per span kind (LLM, RETRIEVER, RERANKER, EMBEDDING, TOOL), and for
 * every other kind (CHAIN, AGENT, …) the input and output by mime type; then, for all kinds,
 * the status message of a failed span and the span's metadata.
 */
import { attributeAt } from './attribute-path';
import { EmbeddingInfo } from './embedding-info';
import { InputOutput } from './io-value';
import { JsonTree } from './json-tree';
import { LlmInfo } from './llm-info';
import { RerankerInfo, RetrieverInfo } from './retrieval-info';
import { ToolInfo } from './tool-info';
import type { SpanDetail } from './trace-api';

const KINDS_WITH_OWN_VIEW = new Set(['LLM', 'RETRIEVER', 'RERANKER', 'EMBEDDING', 'TOOL']);

function KindInfo({ span }: { span: SpanDetail }) {
  switch (span.span_kind) {
    case 'LLM':
      return <LlmInfo span={span} />;
    case 'RETRIEVER':
      return <RetrieverInfo span={span} />;
    case 'RERANKER':
      return <RerankerInfo span={span} />;
    case 'EMBEDDING':
      return <EmbeddingInfo span={span} />;
    case 'TOOL':
      return <ToolInfo span={span} />;
    default:
      return <InputOutput attributes={span.attributes} />;
  }
}

export function SpanInfoTab({ span }: { span: SpanDetail }) {
  const metadata = attributeAt(span.attributes, 'metadata');
  const hasIo =
    attributeAt(span.attributes, 'input.value') !== undefined ||
    attributeAt(span.attributes, 'output.value') !== undefined;
  return (
    <div className="heron-info-tab">
      {span.status_code === 'ERROR' && (
        <div className="heron-error-box" role="alert">
          <strong>Error</strong> {span.status_message || 'the span failed (no message)'}
        </div>
      )}
      <KindInfo span={span} />
      {metadata !== undefined && (
        <section className="heron-section" data-section="metadata">
          <h3>Metadata</h3>
          <JsonTree value={metadata} />
        </section>
      )}
      {!hasIo && !KINDS_WITH_OWN_VIEW.has(span.span_kind) && (
        <p className="heron-muted">
          This span has no input or output; its attributes are on the Attributes tab.
        </p>
      )}
    </div>
  );
}
