/**
 * The Annotations tab: the span's annotations and evaluations (name, label, score,
 * explanation, annotator kind, when) and a form to add a human annotation or a note. Writes go
 * through Phoenix's annotation routes (`sync=true`, so a wrong id is an error, not a silent skip).
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  addSpanAnnotation,
  addSpanNote,
  fetchSpanAnnotations,
  type SpanAnnotation,
} from './trace-api';

function annotationsKey(projectId: string, spanId: string) {
  return ['span-annotations', projectId, spanId] as const;
}

function AnnotationTable({ annotations }: { annotations: SpanAnnotation[] }) {
  if (annotations.length === 0) {
    return <p className="heron-muted">No annotations yet. Add one below.</p>;
  }
  return (
    <table className="heron-annotations" data-testid="annotations">
      <thead>
        <tr>
          <th>Name</th>
          <th>Label</th>
          <th>Score</th>
          <th>Explanation</th>
          <th>Annotator</th>
          <th>Updated</th>
        </tr>
      </thead>
      <tbody>
        {annotations.map((annotation) => (
          <tr key={annotation.id} data-annotation-name={annotation.name}>
            <td>
              <strong>{annotation.name}</strong>
              {annotation.identifier && (
                <span className="heron-muted"> {annotation.identifier}</span>
              )}
            </td>
            <td>{annotation.result.label ?? '—'}</td>
            <td>{annotation.result.score ?? '—'}</td>
            <td className="heron-annotation-explanation">{annotation.result.explanation ?? ''}</td>
            <td>
              <span
                className={`heron-badge heron-annotator-${annotation.annotator_kind.toLowerCase()}`}
              >
                {annotation.annotator_kind}
              </span>
            </td>
            <td className="heron-muted">{annotation.updated_at.slice(0, 19).replace('T', ' ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type FormMode = 'annotation' | 'note';

function AddAnnotationForm({ projectId, spanId }: { projectId: string; spanId: string }) {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<FormMode>('annotation');
  const [name, setName] = useState('');
  const [label, setLabel] = useState('');
  const [score, setScore] = useState('');
  const [explanation, setExplanation] = useState('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const mutation = useMutation({
    mutationFn: async () => {
      if (mode === 'note') return addSpanNote(spanId, note.trim());
      return addSpanAnnotation({
        spanId,
        name: name.trim(),
        label: label.trim() || undefined,
        score: score.trim() === '' ? undefined : Number(score),
        explanation: explanation.trim() || undefined,
      });
    },
    onSuccess: () => {
      setName('');
      setLabel('');
      setScore('');
      setExplanation('');
      setNote('');
      setProblem(null);
      return queryClient.invalidateQueries({ queryKey: annotationsKey(projectId, spanId) });
    },
    onError: (error: Error) => setProblem(error.message),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    // Checked here too so the user hears what is missing before a round trip.
    if (mode === 'note') {
      if (!note.trim()) return setProblem('Write the note first.');
    } else {
      if (!name.trim()) return setProblem('An annotation needs a name (e.g. correctness).');
      if (name.trim() === 'note') return setProblem('"note" is reserved: use the Note form.');
      if (score.trim() !== '' && !Number.isFinite(Number(score))) {
        return setProblem('Score must be a number.');
      }
      if (!label.trim() && score.trim() === '' && !explanation.trim()) {
        return setProblem('Give a label, a score or an explanation.');
      }
    }
    setProblem(null);
    mutation.mutate();
  }

  return (
    <form className="heron-annotation-form" onSubmit={submit} aria-label="Add an annotation">
      <div className="heron-segmented" role="radiogroup" aria-label="What to add">
        {(['annotation', 'note'] as const).map((value) => (
          <label key={value} className={mode === value ? 'heron-segment-on' : ''}>
            <input
              type="radio"
              name="annotation-mode"
              value={value}
              checked={mode === value}
              onChange={() => setMode(value)}
            />
            {value === 'annotation' ? 'Human annotation' : 'Note'}
          </label>
        ))}
      </div>
      {mode === 'annotation' ? (
        <div className="heron-form-grid">
          <label>
            Name
            <input
              name="name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="correctness"
            />
          </label>
          <label>
            Label
            <input
              name="label"
              value={label}
              onChange={(e) => setLabel(e.target.value)}
              placeholder="correct"
            />
          </label>
          <label>
            Score
            <input
              name="score"
              value={score}
              inputMode="decimal"
              onChange={(e) => setScore(e.target.value)}
              placeholder="1"
            />
          </label>
          <label className="heron-form-wide">
            Explanation
            <textarea
              name="explanation"
              value={explanation}
              rows={2}
              onChange={(e) => setExplanation(e.target.value)}
            />
          </label>
        </div>
      ) : (
        <label className="heron-form-wide">
          Note
          <textarea name="note" value={note} rows={3} onChange={(e) => setNote(e.target.value)} />
        </label>
      )}
      {problem && (
        <p className="heron-form-error" role="alert">
          {problem}
        </p>
      )}
      <button
        type="submit"
        className="heron-trace-button heron-primary"
        disabled={mutation.isPending}
      >
        {mutation.isPending ? 'Saving…' : mode === 'note' ? 'Add note' : 'Add annotation'}
      </button>
    </form>
  );
}

export function SpanAnnotationsTab({ projectId, spanId }: { projectId: string; spanId: string }) {
  const annotations = useQuery({
    queryKey: annotationsKey(projectId, spanId),
    queryFn: () => fetchSpanAnnotations(projectId, spanId),
  });
  return (
    <div className="heron-annotations-tab">
      <section className="heron-section">
        <h3>Annotations</h3>
        {annotations.isPending ? (
          <p className="heron-muted">Loading…</p>
        ) : annotations.isError ? (
          <p className="heron-form-error">{annotations.error.message}</p>
        ) : (
          <AnnotationTable annotations={annotations.data} />
        )}
      </section>
      <section className="heron-section">
        <h3>Add</h3>
        <AddAnnotationForm projectId={projectId} spanId={spanId} />
      </section>
    </div>
  );
}
