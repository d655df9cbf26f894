/**
 * Clear a project's data (POST /v1/projects/{id}/clear): its traces, spans, sessions and
 * annotations go, the project with its settings, saved views and retention policy stays.
 * Confirmed by typing the project's name, as deleting it is.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiSend, seg } from '../api/heron-api';
import type { Project } from '../api/api-types';
import { formatCount } from '../format/display-format';
import { Dialog } from '../shell/dialog';

interface ClearResult {
  data: { deleted_traces: number; deleted_spans: number; deleted_sessions: number };
}

export function ClearProjectDialog(props: { project: Project; onClose: () => void }) {
  const client = useQueryClient();
  const [typed, setTyped] = useState('');
  const clear = useMutation({
    mutationFn: () => apiSend<ClearResult>('POST', `/v1/projects/${seg(props.project.id)}/clear`),
    onSuccess: () => {
      // Everything shown of the project is stale now.
      void client.invalidateQueries();
    },
  });
  const done = clear.data?.data;
  return (
    <Dialog title={`Clear data of ${props.project.name}?`} onClose={props.onClose}>
      {done ? (
        <p data-testid="clear-result">
          Deleted {formatCount(done.deleted_traces)} traces ({formatCount(done.deleted_spans)}{' '}
          spans) and {formatCount(done.deleted_sessions)} sessions.
        </p>
      ) : (
        <>
          <p>
            This deletes all traces, spans, sessions and annotations of the project. The project
            stays, with its settings, saved views and retention policy. It cannot be undone. Type{' '}
            <strong>{props.project.name}</strong> to confirm.
          </p>
          <input
            type="text"
            value={typed}
            autoFocus
            onChange={(e) => setTyped(e.target.value)}
            aria-label="Project name"
          />
        </>
      )}
      {clear.isPending && <p className="muted">Clearing…</p>}
      {clear.error && <p className="error-text">{clear.error.message}</p>}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={props.onClose}>
          {done ? 'Close' : 'Cancel'}
        </button>
        {!done && (
          <button
            type="button"
            className="button danger solid"
            disabled={typed !== props.project.name || clear.isPending}
            onClick={() => clear.mutate()}
          >
            Clear data
          </button>
        )}
      </div>
    </Dialog>
  );
}
