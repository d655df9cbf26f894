/**
 * The filter bar shared by the traces and spans tables: a filter-language input that says
 * what is wrong as you type and suggests attribute and annotation names, and a full-text
 * search box (`q`). Both apply on Enter (or the Apply button) and live in the URL.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  BUILTIN_NAMES,
  useFilterSuggestions,
  useFilterValidation,
  type FilterScope,
} from './filter-help';

interface Suggestion {
  text: string;
  kind: string;
}

/** The identifier being typed at the caret (letters, digits, _ and .), and where it starts. */
function wordAt(text: string, caret: number) {
  let start = caret;
  while (start > 0 && /[\w.]/.test(text[start - 1]!)) start--;
  return { start, word: text.slice(start, caret) };
}

export function FilterBar(props: {
  projectId: string;
  scope: FilterScope;
  filter: string;
  q: string;
  onApply: (patch: { filter?: string; q?: string }) => void;
}) {
  const [draft, setDraft] = useState(props.filter);
  const [search, setSearch] = useState(props.q);
  const [caret, setCaret] = useState(0);
  const [open, setOpen] = useState(false);
  const [highlight, setHighlight] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => setDraft(props.filter), [props.filter]);
  useEffect(() => setSearch(props.q), [props.q]);

  const names = useFilterSuggestions(props.projectId).data;
  const validation = useFilterValidation(props.projectId, props.scope, draft);
  const { start, word } = wordAt(draft, caret);

  const suggestions = useMemo(() => {
    if (word.length === 0) return [];
    const all: Suggestion[] = [
      ...BUILTIN_NAMES[props.scope].map((text) => ({ text, kind: 'field' })),
      ...(names?.attribute_keys ?? []).map((text) => ({ text, kind: 'attribute' })),
      ...(names?.annotation_names ?? []).map((name) => ({
        text: `${props.scope === 'traces' ? 'trace_annotations' : 'annotations'}['${name}'].label`,
        kind: 'annotation',
      })),
      ...(names?.span_kinds ?? []).map((kind) => ({ text: `'${kind}'`, kind: 'span kind' })),
    ];
    const lower = word.toLowerCase();
    const seen = new Set<string>();
    return all
      .filter((s) => s.text.toLowerCase().includes(lower) && s.text !== word)
      .filter((s) => !seen.has(s.text) && seen.add(s.text))
      .sort(
        (a, b) =>
          Number(!a.text.toLowerCase().startsWith(lower)) -
          Number(!b.text.toLowerCase().startsWith(lower)),
      )
      .slice(0, 12);
  }, [word, names, props.scope]);

  const accept = (suggestion: Suggestion) => {
    const next = draft.slice(0, start) + suggestion.text + draft.slice(caret);
    setDraft(next);
    setOpen(false);
    const position = start + suggestion.text.length;
    requestAnimationFrame(() => {
      input.current?.setSelectionRange(position, position);
      setCaret(position);
    });
  };

  const apply = () => {
    setOpen(false);
    props.onApply({ filter: draft.trim(), q: search.trim() });
  };

  const invalid = validation !== null && !validation.valid;
  const changed = draft.trim() !== props.filter || search.trim() !== props.q;

  return (
    <div className="filter-bar">
      <div className="filter-input-row">
        <input
          ref={input}
          type="text"
          className={invalid ? 'invalid' : undefined}
          placeholder={
            props.scope === 'traces'
              ? "Filter, e.g. latency_ms > 1000 and any(spans, span_kind == 'LLM')"
              : "Filter, e.g. span_kind == 'LLM' and llm.token_count.total > 500"
          }
          aria-label="Filter"
          aria-invalid={invalid}
          value={draft}
          spellCheck={false}
          onChange={(e) => {
            setDraft(e.target.value);
            setCaret(e.target.selectionStart ?? e.target.value.length);
            setOpen(true);
            setHighlight(0);
          }}
          onClick={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={(e) => {
            const showing = open && suggestions.length > 0;
            if (showing && e.key === 'ArrowDown') {
              e.preventDefault();
              setHighlight((highlight + 1) % suggestions.length);
            } else if (showing && e.key === 'ArrowUp') {
              e.preventDefault();
              setHighlight((highlight - 1 + suggestions.length) % suggestions.length);
            } else if (showing && (e.key === 'Tab' || (e.key === 'Enter' && highlight >= 0))) {
              e.preventDefault();
              accept(suggestions[highlight]!);
            } else if (e.key === 'Enter') apply();
            else if (e.key === 'Escape') setOpen(false);
          }}
        />
        <input
          type="search"
          className="search-input"
          placeholder="Search input and output text"
          aria-label="Search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && apply()}
        />
        <button type="button" className={changed ? 'button primary' : 'button'} onClick={apply}>
          Apply
        </button>
        {(props.filter || props.q) && (
          <button
            type="button"
            className="button ghost"
            onClick={() => {
              setDraft('');
              setSearch('');
              props.onApply({ filter: '', q: '' });
            }}
          >
            Clear
          </button>
        )}
      </div>
      {open && suggestions.length > 0 && (
        <div className="popover suggestions" role="listbox" aria-label="Suggestions">
          {suggestions.map((suggestion, index) => (
            <button
              key={suggestion.text}
              type="button"
              role="option"
              aria-selected={index === highlight}
              className={index === highlight ? 'menu-item highlighted mono' : 'menu-item mono'}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(suggestion);
              }}
            >
              {suggestion.text}
              <span className="suggestion-kind">{suggestion.kind}</span>
            </button>
          ))}
        </div>
      )}
      {invalid && (
        <p className="hint error-text" role="alert" data-testid="filter-error">
          {validation.message}
          {validation.suggestion && (
            <>
              {' '}
              — did you mean <code>{validation.suggestion}</code>?
            </>
          )}
        </p>
      )}
    </div>
  );
}
