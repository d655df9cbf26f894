/**
 * The trace as a tree for the page: spans linked to their parents (a span whose parent is not
 * stored becomes a root, as in the trace rollup), times as milliseconds from the trace start,
 * and the flat list of rows the virtualized tree shows for a given collapse state and search.
 *
 * Everything here is iterative, not recursive: a 5,000-span trace may be 5,000 levels deep.
 */
import type { TraceTree, TreeSpan } from './trace-api';

export interface SpanNode {
  span: TreeSpan;
  parent: SpanNode | null;
  children: SpanNode[];
  depth: number;
  /** Milliseconds from the start of the trace (the earliest span). */
  startMs: number;
  endMs: number;
}

export interface TraceModel {
  roots: SpanNode[];
  byId: Map<string, SpanNode>;
  /** From the earliest start to the latest end of the spans, in ms. */
  durationMs: number;
}

const NS_PER_MS = 1_000_000n;

/** ns → ms offset from `origin`, exact in BigInt before the one conversion to a float. */
function offsetMs(ns: string, origin: bigint): number {
  const delta = BigInt(ns) - origin;
  return Number(delta / NS_PER_MS) + Number(delta % NS_PER_MS) / 1e6;
}

export function buildTraceModel(tree: Pick<TraceTree, 'spans'>): TraceModel {
  const spans = tree.spans;
  let origin: bigint | null = null;
  for (const span of spans) {
    const start = BigInt(span.start_time_unix_nano);
    if (origin === null || start < origin) origin = start;
  }
  const byId = new Map<string, SpanNode>();
  for (const span of spans) {
    const startMs = offsetMs(span.start_time_unix_nano, origin ?? 0n);
    const endMs = offsetMs(span.end_time_unix_nano, origin ?? 0n);
    byId.set(span.span_id, { span, parent: null, children: [], depth: 0, startMs, endMs });
  }
  const roots: SpanNode[] = [];
  let durationMs = 0;
  // Spans arrive in start order, so children lists come out in start order too.
  for (const node of byId.values()) {
    const parentId = node.span.parent_id;
    const parent = parentId !== null && parentId !== node.span.span_id ? byId.get(parentId) : null;
    if (parent) {
      node.parent = parent;
      parent.children.push(node);
    } else roots.push(node);
    durationMs = Math.max(durationMs, node.endMs);
  }
  // Depths top-down. A parent cycle (corrupt ids) is never reached from a root: its first
  // unreached span is cut from its parent and becomes a root, so every span is shown once.
  const reached = new Set<SpanNode>();
  const walk = (start: SpanNode) => {
    const stack = [start];
    while (stack.length > 0) {
      const node = stack.pop()!;
      reached.add(node);
      for (const child of node.children) {
        child.depth = node.depth + 1;
        if (!reached.has(child)) stack.push(child);
      }
    }
  };
  for (const root of roots) walk(root);
  for (const node of byId.values()) {
    if (reached.has(node)) continue;
    const siblings = node.parent!.children;
    siblings.splice(siblings.indexOf(node), 1);
    node.parent = null;
    node.depth = 0;
    roots.push(node);
    walk(node);
  }
  return { roots, byId, durationMs };
}

function matchesSearch(span: TreeSpan, needle: string): boolean {
  return (
    span.name.toLowerCase().includes(needle) ||
    span.span_kind.toLowerCase() === needle ||
    span.span_id.startsWith(needle) ||
    (needle === 'error' && span.status_code === 'ERROR')
  );
}

/**
 * Spans that match the search (name contains it, kind or `error` equals it, or span id starts
 * with it), with their ancestors so each match is shown where it sits in the tree.
 */
export function searchTrace(model: TraceModel, search: string): Set<SpanNode> | null {
  const needle = search.trim().toLowerCase();
  if (needle === '') return null;
  const shown = new Set<SpanNode>();
  for (const node of model.byId.values()) {
    if (!matchesSearch(node.span, needle)) continue;
    for (let at: SpanNode | null = node; at && !shown.has(at); at = at.parent) shown.add(at);
  }
  return shown;
}

/**
 * The rows of the tree in display order (depth first, children by start time). Collapsed spans
 * hide their descendants; while searching, only matches and their ancestors show, all open.
 */
export function visibleRows(
  model: TraceModel,
  collapsed: ReadonlySet<string>,
  shown: ReadonlySet<SpanNode> | null,
): SpanNode[] {
  const rows: SpanNode[] = [];
  const stack = [...model.roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (shown && !shown.has(node)) continue;
    rows.push(node);
    if (!shown && collapsed.has(node.span.span_id)) continue;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return rows;
}
