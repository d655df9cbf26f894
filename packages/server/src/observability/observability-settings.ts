/**
 * How Heron reports on itself and how long it may take to stop; config.ts reads these from
 * HERON_LOG_FORMAT, HERON_METRICS_PORT and HERON_SHUTDOWN_TIMEOUT_SECONDS.
 */
export type LogFormat = 'json' | 'pretty';

export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

export interface ObservabilitySettings {
  /** `json`: one JSON object per line (for log shippers); `pretty`: coloured lines for people. */
  logFormat: LogFormat;
  /** Serve GET /metrics on this port (and only there) instead of the main HTTP port. */
  metricsPort?: number;
  /** After SIGTERM, seconds to finish in-flight requests and commit the queue before giving up. */
  shutdownTimeoutSeconds: number;
  /** How long a measured database size is reused before it is measured again (ms). */
  databaseSizeCacheMs: number;
}

export const DEFAULT_OBSERVABILITY_SETTINGS: ObservabilitySettings = {
  logFormat: 'json',
  shutdownTimeoutSeconds: 30,
  databaseSizeCacheMs: 30_000,
};
