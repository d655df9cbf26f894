/**
 * Saved views: a named filter + search + columns + sort, stored on the server per project
 * (`/v1/projects/{id}/views`), picked again from this menu.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { apiGet, apiSend, seg } from '../api/heron-api';
import type { SavedView, ViewTable } from '../api/api-types';

export interface ViewState {
  filter: string;
  q: string;
  columns: string[];
  sort: string;
  order: 'asc' | 'desc';
  rootsOnly: boolean;
}

export function SavedViewsMenu(props: {
  projectId: string;
  table: ViewTable;
  current: ViewState;
  onApply: (view: SavedView) => void;
}) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const box = useRef<HTMLDivElement>(null);
  const client = useQueryClient();
  const key = ['views', props.projectId];
  const views = useQuery({
    queryKey: key,
    queryFn: () =>
      apiGet<{ data: SavedView[] }>(`/v1/projects/${seg(props.projectId)}/views`).then(
        (r) => r.data,
      ),
    retry: false,
  });
  const save = useMutation({
    mutationFn: () =>
      apiSend('POST', `/v1/projects/${seg(props.projectId)}/views`, {
        name: name.trim(),
        table: props.table,
        filter: props.current.filter || null,
        q: props.current.q || null,
        columns: props.current.columns,
        sort: props.current.sort,
        order: props.current.order,
        root_spans_only: props.table === 'spans' ? props.current.rootsOnly : null,
      }),
    onSuccess: () => {
      setName('');
      void client.invalidateQueries({ queryKey: key });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) =>
      apiSend('DELETE', `/v1/projects/${seg(props.projectId)}/views/${seg(id)}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: key }),
  });

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (box.current && !box.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  const mine = (views.data ?? []).filter((view) => view.table === props.table);
  return (
    <div className="dropdown" ref={box}>
      <button type="button" className="button" onClick={() => setOpen(!open)} aria-expanded={open}>
        Views{mine.length > 0 ? ` (${mine.length})` : ''}
      </button>
      {open && (
        <div className="popover" role="menu" aria-label="Saved views" style={{ minWidth: 280 }}>
          <div className="popover-title">Saved views</div>
          {views.error && (
            <p className="hint error-text" style={{ padding: '0 8px' }}>
              {views.error.message}
            </p>
          )}
          {!views.error && mine.length === 0 && (
            <p className="hint" style={{ padding: '0 8px' }}>
              None yet. Set a filter, columns and sort, then save them here.
            </p>
          )}
          {mine.map((view) => (
            <div key={view.id} className="view-row">
              <button
                type="button"
                className="menu-item"
                title={view.filter ?? ''}
                onClick={() => {
                  props.onApply(view);
                  setOpen(false);
                }}
              >
                {view.name}
              </button>
              <button
                type="button"
                className="button ghost icon-button"
                aria-label={`Delete view ${view.name}`}
                onClick={() => remove.mutate(view.id)}
              >
                ×
              </button>
            </div>
          ))}
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (name.trim()) save.mutate();
            }}
          >
            <input
              type="text"
              placeholder="Name this view"
              aria-label="View name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              style={{ flex: 1 }}
            />
            <button
              type="submit"
              className="button primary"
              disabled={!name.trim() || save.isPending}
            >
              Save
            </button>
          </form>
          {save.error && (
            <p className="hint error-text" style={{ padding: '0 8px' }}>
              {save.error.message}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
