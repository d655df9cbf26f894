/** The "Columns" menu: a checkbox per column the table can show. */
import { useEffect, useRef, useState } from 'react';

export interface ChoosableColumn {
  id: string;
  label: string;
}

export function ColumnChooser(props: {
  columns: ChoosableColumn[];
  hidden: string[];
  onChange: (hidden: string[]) => void;
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
  const hidden = new Set(props.hidden);
  return (
    <div className="dropdown" ref={box}>
      <button type="button" className="button" onClick={() => setOpen(!open)} aria-expanded={open}>
        Columns
      </button>
      {open && (
        <div className="popover" role="menu" aria-label="Columns">
          {props.columns.map((column) => (
            <label key={column.id} className="check-row">
              <input
                type="checkbox"
                checked={!hidden.has(column.id)}
                onChange={(e) => {
                  const next = new Set(hidden);
                  if (e.target.checked) next.delete(column.id);
                  else next.add(column.id);
                  props.onChange([...next]);
                }}
              />
              {column.label}
            </label>
          ))}
        </div>
      )}
    </div>
  );
}
