/** A small coloured badge per span kind, the tree's and the detail header's icon. */
import type { SpanKind } from './trace-api';

const KIND_GLYPHS: Record<SpanKind, string> = {
  LLM: 'LLM',
  CHAIN: 'CH',
  TOOL: 'TL',
  RETRIEVER: 'RT',
  RERANKER: 'RR',
  EMBEDDING: 'EM',
  AGENT: 'AG',
  GUARDRAIL: 'GR',
  EVALUATOR: 'EV',
  PROMPT: 'PR',
  UNKNOWN: '?',
};

export function SpanKindIcon({ kind }: { kind: SpanKind }) {
  return (
    <span
      className={`heron-kind-icon heron-kind-${kind.toLowerCase()}`}
      title={kind}
      aria-label={kind}
      role="img"
    >
      {KIND_GLYPHS[kind] ?? '?'}
    </span>
  );
}
