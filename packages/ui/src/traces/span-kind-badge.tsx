/** A span's OpenInference kind as a small coloured badge, and its status as a dot. */
import type { StatusCode } from '../api/api-types';

export function SpanKindBadge(props: { kind: string }) {
  return <span className={`kind-badge ${props.kind}`}>{props.kind}</span>;
}

export function StatusDot(props: { status: StatusCode | 'ERROR' | 'OK'; label?: string }) {
  const className =
    props.status === 'ERROR' ? 'status error' : props.status === 'OK' ? 'status' : 'status unset';
  return (
    <span className={className}>{props.label ?? (props.status === 'ERROR' ? 'error' : 'ok')}</span>
  );
}
