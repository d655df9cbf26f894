/** The limits of live updates (SSE), with their defaults; config.ts reads them from HERON_LIVE_*. */
export interface LiveSettings {
  /** Live clients connected at once at most; more get 503 (HERON_LIVE_MAX_CLIENTS). */
  maxClients: number;
  /** Seconds between `: ping` comments that keep proxies from closing idle streams. */
  pingSeconds: number;
  /** Events of one kind for one project are sent at most once per this many ms (coalesced). */
  coalesceMs: number;
  /** Trace ids in one event at most (de-duplicated; the rest are left out). */
  maxTraceIds: number;
  /** Bytes waiting to be sent to one client at most; a client that far behind is disconnected. */
  maxBufferedBytes: number;
}

export const DEFAULT_LIVE_SETTINGS: LiveSettings = {
  maxClients: 1000,
  pingSeconds: 15,
  coalesceMs: 250,
  maxTraceIds: 100,
  maxBufferedBytes: 1024 * 1024,
};
