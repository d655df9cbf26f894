/**
 * A trace's spans as a tree: each span with its `children` (in start order). A span whose
 * parent is not in the trace (not yet arrived, or a remote parent) is a root, as in the UI.
 */
import type { HeronSpan } from './api-types.js';

export type SpanNode = HeronSpan & { children: SpanNode[] };

export function spanTree(spans: HeronSpan[]): SpanNode[] {
  const nodes = new Map<string, SpanNode>();
  for (const span of spans) nodes.set(span.context.span_id, { ...span, children: [] });
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parent_id ? nodes.get(node.parent_id) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const byStart = (a: SpanNode, b: SpanNode) =>
    BigInt(a.start_time_unix_nano) < BigInt(b.start_time_unix_nano) ? -1 : 1;
  const sortAll = (list: SpanNode[]) => {
    list.sort(byStart);
    for (const node of list) sortAll(node.children);
  };
  sortAll(roots);
  return roots;
}
