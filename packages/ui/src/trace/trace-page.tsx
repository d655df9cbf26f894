import { useParams } from 'react-router-dom';

/** The trace page: span tree with timeline on the left, the selected span on the right. */
export function TracePage() {
  const { traceId } = useParams();
  return <p>Trace {traceId}</p>;
}
