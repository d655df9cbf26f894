/**
 * Live mode: the server pushes `spans` and `deleted` events over SSE
 * (`GET /v1/projects/{id}/live`). Events are coalesced here too (at most one refresh a second),
 * because a busy app commits many times a second and each refresh refetches the first page.
 */
import { useEffect, useRef, useState } from 'react';
import { seg } from '../api/heron-api';

export type LiveStatus = 'off' | 'connecting' | 'on' | 'unavailable';

export interface LiveEvent {
  type: 'spans' | 'deleted';
  trace_ids: string[];
}

const DEBOUNCE_MS = 1000;

export function useLiveUpdates(
  projectId: string,
  enabled: boolean,
  onChange: (events: LiveEvent[]) => void,
): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('off');
  const callback = useRef(onChange);
  callback.current = onChange;

  useEffect(() => {
    if (!enabled) {
      setStatus('off');
      return;
    }
    setStatus('connecting');
    const source = new EventSource(`/v1/projects/${seg(projectId)}/live`);
    let pending: LiveEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const receive = (type: LiveEvent['type']) => (event: MessageEvent<string>) => {
      let traceIds: string[] = [];
      try {
        traceIds = (JSON.parse(event.data) as { trace_ids?: string[] }).trace_ids ?? [];
      } catch {
        // A malformed event still means "something changed".
      }
      pending.push({ type, trace_ids: traceIds });
      timer ??= setTimeout(() => {
        const events = pending;
        pending = [];
        timer = undefined;
        callback.current(events);
      }, DEBOUNCE_MS);
    };
    source.addEventListener('open', () => setStatus('on'));
    source.addEventListener('spans', receive('spans'));
    source.addEventListener('deleted', receive('deleted'));
    // EventSource retries by itself after network errors; CLOSED means the server refused
    // (e.g. 404 from a server without live updates, or 503 at the client limit).
    source.addEventListener('error', () =>
      setStatus(source.readyState === EventSource.CLOSED ? 'unavailable' : 'connecting'),
    );
    return () => {
      if (timer) clearTimeout(timer);
      source.close();
    };
  }, [projectId, enabled]);

  return status;
}
