/**
 * The "Download" menu of the traces and spans tables: the spans the table shows (current
 * filter, search and time range) as JSONL, OTLP JSON or CSV, streamed by the server's export
 * endpoint (`GET /v1/projects/{id}/export`, the same code as `heron export`). Plain links, so the
 * browser streams the file to disk however large it is.
 */
import { useEffect, useRef, useState } from 'react';
import { queryString, seg, type QueryValue } from '../api/heron-api';

const FORMATS = [
  { format: 'jsonl', label: 'JSONL (one span per line)' },
  { format: 'otlp-json', label: 'OTLP JSON (re-sendable to /v1/traces)' },
  { format: 'csv', label: 'CSV (flat columns)' },
] as const;

export function DownloadMenu(props: {
  projectId: string;
  /** filter, q, start_time, end_time, root_spans_only — as the table queries them. */
  query: Record<string, QueryValue>;
}) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (box.current && !box.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  return (
    <div className="dropdown" ref={box}>
      <button type="button" className="button" onClick={() => setOpen(!open)} aria-expanded={open}>
        Download
      </button>
      {open && (
        <div className="popover" role="menu" aria-label="Download">
          {FORMATS.map(({ format, label }) => (
            <a
              key={format}
              role="menuitem"
              className="menu-item"
              download
              href={`/v1/projects/${seg(props.projectId)}/export${queryString({ ...props.query, format })}`}
              onClick={() => setOpen(false)}
            >
              {label}
            </a>
          ))}
        </div>
      )}
    </div>
  );
}
