/**
 * What an empty table says: if the project has never received a trace, how to send one; if
 * a filter or the time range hides everything, that (and what to change).
 */
import { useQuery } from '@tanstack/react-query';
import { apiGet, seg } from '../api/heron-api';
import type { ProjectSummary } from '../api/api-types';
import { FirstTraceGuide } from '../onboarding/first-trace-guide';

export function EmptyTable(props: {
  projectId: string;
  projectName: string | undefined;
  filtered: boolean;
  what: string;
}) {
  // A summary without a time range covers all time.
  const ever = useQuery({
    queryKey: ['summary', props.projectId, 'all-time'],
    queryFn: () =>
      apiGet<{ data: ProjectSummary }>(`/v1/projects/${seg(props.projectId)}/summary`).then(
        (r) => r.data,
      ),
  });
  if (ever.data && ever.data.trace_count === 0) {
    return (
      <FirstTraceGuide projectName={props.projectName} title="This project has no traces yet" />
    );
  }
  return (
    <div className="empty" data-testid="empty-table">
      <h2>No {props.what} match</h2>
      <p>
        {props.filtered
          ? 'Nothing in this time range matches the filter or search. Loosen the filter, clear the search, or widen the time range.'
          : `No ${props.what} in this time range. Pick a wider range at the top right.`}
      </p>
    </div>
  );
}
