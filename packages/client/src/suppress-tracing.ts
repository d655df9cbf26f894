/**
 * `suppressTracing(fn)`: no span is recorded for the work done inside `fn` (health checks,
 * evaluation calls you do not want traced). A thin wrapper of OpenTelemetry's suppression flag,
 * which OpenInference instrumentations and the OTel SDK both honour.
 */
import { context } from '@opentelemetry/api';
import {
  isTracingSuppressed,
  suppressTracing as suppressTracingContext,
} from '@opentelemetry/core';

export function suppressTracing<T>(fn: () => T): T {
  return context.with(suppressTracingContext(context.active()), fn);
}

export { isTracingSuppressed, suppressTracingContext };
