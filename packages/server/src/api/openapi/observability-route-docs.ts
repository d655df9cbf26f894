/** OpenAPI documentation of Heron's own metrics endpoint (see observability/). */
import { str } from './schema-parts.js';
import type { RouteDoc } from './tracing-route-docs.js';

export const OBSERVABILITY_ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /metrics': {
    summary: "Heron's own metrics (Prometheus text format)",
    description:
      'Spans received, stored and rejected, queue depth, commit batch sizes and latencies, HTTP ' +
      'request durations by route, database size, process metrics. Served on ' +
      'HERON_METRICS_PORT instead when that is set.',
    tags: ['health'],
    response: { 200: str('Prometheus text exposition format 0.0.4') },
  },
};
