/**
 * How the wall-clock time of a trace splits between LLM calls, retrieval, tools and everything
 * else ("processing"), counting exclusive time so nothing is counted twice:
 *
 * - Each moment of the trace belongs to the innermost spans running at that moment: a running
 *   span whose children are not running (a CHAIN waiting on an LLM call is LLM time, a CHAIN
 *   between its calls is its own, "other", time).
 * - When several innermost spans run at once (parallel children), the moment is split equally
 *   between them, so the parts always add up to the trace's wall-clock time and parallel calls
 *   are not counted twice.
 * - Moments when no span runs (gaps between root spans) are "idle".
 */
import type { SpanKind } from './trace-api';
import type { SpanNode, TraceModel } from './span-tree-model';

export const TIME_CATEGORIES = ['llm', 'retrieval', 'tool', 'other', 'idle'] as const;
export type TimeCategory = (typeof TIME_CATEGORIES)[number];

export const TIME_CATEGORY_LABELS: Record<TimeCategory, string> = {
  llm: 'LLM',
  retrieval: 'Retrieval',
  tool: 'Tool',
  other: 'Other',
  idle: 'Idle',
};

export function timeCategoryOf(kind: SpanKind): Exclude<TimeCategory, 'idle'> {
  switch (kind) {
    case 'LLM':
      return 'llm';
    case 'RETRIEVER':
    case 'RERANKER':
    case 'EMBEDDING':
      return 'retrieval';
    case 'TOOL':
      return 'tool';
    default:
      return 'other';
  }
}

export type TimeBreakdown = Record<TimeCategory, number>;

interface Boundary {
  at: number;
  node: SpanNode;
  starts: boolean;
}

export function kindTimeBreakdown(model: TraceModel): TimeBreakdown {
  const totals: TimeBreakdown = { llm: 0, retrieval: 0, tool: 0, other: 0, idle: 0 };
  const boundaries: Boundary[] = [];
  for (const node of model.byId.values()) {
    if (node.endMs <= node.startMs) continue;
    boundaries.push({ at: node.startMs, node, starts: true });
    boundaries.push({ at: node.endMs, node, starts: false });
  }
  // Ends before starts at the same instant: a span that ends as its sibling starts is not
  // running in the (empty) moment between them.
  boundaries.sort((a, b) => a.at - b.at || Number(a.starts) - Number(b.starts));

  const running = new Set<SpanNode>();
  /** Running children per running span. */
  const runningChildren = new Map<SpanNode, number>();
  /** Running spans with no running child, kept up to date so a deep trace stays linear. */
  const innermost = new Set<SpanNode>();
  let previous = 0;
  for (const boundary of boundaries) {
    const length = boundary.at - previous;
    if (length > 0) {
      if (innermost.size === 0) totals.idle += length;
      else {
        const share = length / innermost.size;
        for (const node of innermost) totals[timeCategoryOf(node.span.span_kind)] += share;
      }
    }
    previous = boundary.at;
    const { node } = boundary;
    const parent = node.parent && running.has(node.parent) ? node.parent : null;
    if (boundary.starts) {
      running.add(node);
      let children = 0;
      for (const child of node.children) if (running.has(child)) children++;
      runningChildren.set(node, children);
      if (children === 0) innermost.add(node);
      if (parent) {
        runningChildren.set(parent, runningChildren.get(parent)! + 1);
        innermost.delete(parent);
      }
    } else {
      running.delete(node);
      runningChildren.delete(node);
      innermost.delete(node);
      if (parent) {
        const left = runningChildren.get(parent)! - 1;
        runningChildren.set(parent, left);
        if (left === 0) innermost.add(parent);
      }
    }
  }
  return totals;
}
