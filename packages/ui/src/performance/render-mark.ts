/**
 * User Timing marks for the UI speed benchmark (bench/src/ui-bench.ts): the browser's own
 * Performance timeline records when a page first shows its rows, so the benchmark measures
 * what a user sees rather than when an API call returned.
 */
import { useEffect, useRef } from 'react';

/** Rows of the project page's traces table are in the DOM (first page). */
export const TRACES_RENDERED_MARK = 'heron:traces-rendered';
/** The trace page's span tree shows its first rows. */
export const TRACE_TREE_RENDERED_MARK = 'heron:trace-tree-rendered';

/** Sets `name` once per mount, in the commit where `shown` first becomes true. */
export function useRenderMark(name: string | undefined, shown: boolean): void {
  const marked = useRef(false);
  useEffect(() => {
    if (!name || !shown || marked.current) return;
    marked.current = true;
    performance.mark(name);
  }, [name, shown]);
}
