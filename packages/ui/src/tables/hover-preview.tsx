/**
 * A table cell's text that shows more on hover: cells are one line, the full input or output
 * (up to a few thousand characters) appears in a floating panel after a short pause.
 */
import { useRef, useState } from 'react';
import { createPortal } from 'react-dom';

const DELAY_MS = 350;
const MAX_CHARS = 4000;

export function HoverPreview(props: { short: string; full: string }) {
  const [position, setPosition] = useState<{ x: number; y: number } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  if (!props.short) return <span className="muted">—</span>;
  const full = props.full.length > MAX_CHARS ? `${props.full.slice(0, MAX_CHARS)}…` : props.full;
  return (
    <span
      onMouseEnter={(event) => {
        const rect = event.currentTarget.getBoundingClientRect();
        timer.current = setTimeout(() => {
          const y =
            rect.bottom + 4 + 320 > window.innerHeight
              ? Math.max(8, rect.top - 328)
              : rect.bottom + 4;
          setPosition({ x: Math.min(rect.left, window.innerWidth - 540), y });
        }, DELAY_MS);
      }}
      onMouseLeave={() => {
        clearTimeout(timer.current);
        setPosition(null);
      }}
    >
      {props.short}
      {position &&
        createPortal(
          <div
            className="hover-preview"
            role="tooltip"
            style={{ left: position.x, top: position.y }}
          >
            {full}
          </div>,
          document.body,
        )}
    </span>
  );
}
