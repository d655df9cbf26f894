/** Create a project, edit its description, delete it (typing its name to confirm). */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiSend, seg } from '../api/heron-api';
import type { Project } from '../api/api-types';
import { Dialog } from '../shell/dialog';

export function CreateProjectDialog(props: { onClose: () => void }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useMutation({
    mutationFn: () =>
      apiSend('POST', '/v1/projects', {
        name: name.trim(),
        description: description.trim() || undefined,
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['projects'] });
      props.onClose();
    },
  });
  return (
    <Dialog title="New project" onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
        style={{ display: 'contents' }}
      >
        <label>
          Name
          <input type="text" value={name} autoFocus onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Description
          <textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        {create.error && <p className="error-text">{create.error.message}</p>}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button primary"
            disabled={!name.trim() || create.isPending}
          >
            Create
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function EditDescriptionDialog(props: { project: Project; onClose: () => void }) {
  const client = useQueryClient();
  const [description, setDescription] = useState(props.project.description ?? '');
  const save = useMutation({
    mutationFn: () =>
      apiSend('PUT', `/v1/projects/${seg(props.project.id)}`, {
        description: description.trim() || null,
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['projects'] });
      void client.invalidateQueries({ queryKey: ['project'] });
      props.onClose();
    },
  });
  return (
    <Dialog title={`Describe ${props.project.name}`} onClose={props.onClose}>
      <label>
        Description
        <textarea
          rows={4}
          value={description}
          autoFocus
          onChange={(e) => setDescription(e.target.value)}
        />
      </label>
      {save.error && <p className="error-text">{save.error.message}</p>}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={props.onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button primary"
          onClick={() => save.mutate()}
          disabled={save.isPending}
        >
          Save
        </button>
      </div>
    </Dialog>
  );
}

export function DeleteProjectDialog(props: { project: Project; onClose: () => void }) {
  const client = useQueryClient();
  const [typed, setTyped] = useState('');
  const remove = useMutation({
    mutationFn: () => apiSend('DELETE', `/v1/projects/${seg(props.project.id)}`),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['projects'] });
      props.onClose();
    },
  });
  return (
    <Dialog title={`Delete ${props.project.name}?`} onClose={props.onClose}>
      <p>
        This deletes the project with all its traces, spans, sessions and annotations. It cannot be
        undone. Type <strong>{props.project.name}</strong> to confirm.
      </p>
      <input
        type="text"
        value={typed}
        autoFocus
        onChange={(e) => setTyped(e.target.value)}
        aria-label="Project name"
      />
      {remove.error && <p className="error-text">{remove.error.message}</p>}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={props.onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button danger solid"
          disabled={typed !== props.project.name || remove.isPending}
          onClick={() => remove.mutate()}
        >
          Delete project
        </button>
      </div>
    </Dialog>
  );
}
