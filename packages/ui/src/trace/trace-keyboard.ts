/**
 * Keyboard use of the trace page: j / ↓ next span, k / ↑ previous span, ← collapse (or go to
 * the parent), → expand (or go to the first child), Escape back to the project. Keys typed into
 * a field (the search box, the annotation form) are left alone, except Escape, which leaves it.
 */
import { useEffect, useRef } from 'react';
import type { SpanNode } from './span-tree-model';

export interface TraceKeyboardActions {
  rows: SpanNode[];
  selectedId: string | null;
  collapsed: ReadonlySet<string>;
  select: (spanId: string) => void;
  setCollapsed: (spanId: string, collapsed: boolean) => void;
  back: () => void;
}

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

export function useTraceKeyboard(actions: TraceKeyboardActions): void {
  // The listener is bound once and reads the latest state through the ref.
  const latest = useRef(actions);
  latest.current = actions;

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const { rows, selectedId, collapsed, select, setCollapsed, back } = latest.current;
      if (isTypingTarget(event.target)) {
        if (event.key === 'Escape') (event.target as HTMLElement).blur();
        return;
      }
      const index = rows.findIndex((row) => row.span.span_id === selectedId);
      const node = index >= 0 ? rows[index]! : null;
      const go = (to: SpanNode | undefined) => {
        if (!to) return;
        event.preventDefault();
        select(to.span.span_id);
      };
      switch (event.key) {
        case 'j':
        case 'ArrowDown':
          return go(index < 0 ? rows[0] : rows[index + 1]);
        case 'k':
        case 'ArrowUp':
          return go(index < 0 ? rows[0] : rows[index - 1]);
        case 'ArrowLeft':
          if (!node) return;
          if (node.children.length > 0 && !collapsed.has(node.span.span_id)) {
            event.preventDefault();
            return setCollapsed(node.span.span_id, true);
          }
          return go(node.parent ?? undefined);
        case 'ArrowRight':
          if (!node || node.children.length === 0) return;
          if (collapsed.has(node.span.span_id)) {
            event.preventDefault();
            return setCollapsed(node.span.span_id, false);
          }
          // The next row, when it is a child (while searching, some children are hidden).
          return go(rows[index + 1]?.parent === node ? rows[index + 1] : undefined);
        case 'Escape':
          event.preventDefault();
          return back();
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
