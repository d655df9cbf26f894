/** One annotation in a table cell: its label and/or score, the explanation on hover. */
import type { Annotation } from '../api/api-types';

export function AnnotationCell(props: { annotation: Annotation | undefined }) {
  const a = props.annotation;
  if (!a) return <span className="muted">—</span>;
  const { label, score, explanation } = a.result;
  const text = [label, score === null ? null : Number(score.toFixed(3)).toString()]
    .filter((v) => v !== null)
    .join(' · ');
  return (
    <span
      className="annotation-chip"
      title={[`${a.name} (${a.annotator_kind})`, explanation].filter(Boolean).join('\n')}
    >
      {text || 'note'}
    </span>
  );
}
