/**
 * Text from a span (message content, input/output values, document content): Markdown by
 * default (react-markdown renders no raw HTML, so span text cannot inject markup), with a
 * switch to the raw text; long text is folded until asked for.
 */
import { useState } from 'react';
import Markdown from 'react-markdown';

/** Characters shown before "Show more". */
const FOLD_AT = 1200;

export function TextValue({ text, fold = true }: { text: string; fold?: boolean }) {
  const [raw, setRaw] = useState(false);
  const [open, setOpen] = useState(false);
  const folded = fold && !open && text.length > FOLD_AT;
  const shown = folded ? `${text.slice(0, FOLD_AT)}…` : text;
  return (
    <div className="heron-text-value">
      {raw ? (
        <pre className="heron-pre">{shown}</pre>
      ) : (
        <div className="heron-markdown">
          <Markdown>{shown}</Markdown>
        </div>
      )}
      <div className="heron-text-actions">
        {fold && text.length > FOLD_AT && (
          <button type="button" className="heron-link-button" onClick={() => setOpen(!open)}>
            {open ? 'Show less' : `Show more (${text.length.toLocaleString('en-US')} chars)`}
          </button>
        )}
        <button type="button" className="heron-link-button" onClick={() => setRaw(!raw)}>
          {raw ? 'Markdown' : 'Raw'}
        </button>
      </div>
    </div>
  );
}
