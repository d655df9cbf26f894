/**
 * Where spans and API calls go, and with which credentials, when the code does not say:
 * `HERON_COLLECTOR_ENDPOINT`, then `PHOENIX_COLLECTOR_ENDPOINT` (so Phoenix setups keep
 * working), then `OTEL_EXPORTER_OTLP_ENDPOINT`, then `http://localhost:6006`. The API key is
 * `HERON_API_KEY`, then `PHOENIX_API_KEY`, sent as `Authorization: Bearer <key>`.
 */
export const DEFAULT_ENDPOINT = 'http://localhost:6006';
export const DEFAULT_GRPC_ENDPOINT = 'http://localhost:4317';

function env(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

/** The configured endpoint, or undefined when neither the caller nor the environment names one. */
export function endpointFromEnvironment(): string | undefined {
  return (
    env('HERON_COLLECTOR_ENDPOINT') ??
    env('PHOENIX_COLLECTOR_ENDPOINT') ??
    env('OTEL_EXPORTER_OTLP_ENDPOINT')
  );
}

export function apiKeyFromEnvironment(): string | undefined {
  return env('HERON_API_KEY') ?? env('PHOENIX_API_KEY');
}

/** The OTLP/HTTP traces URL: `/v1/traces` is appended unless the URL already ends with it. */
export function httpTracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return trimmed.endsWith('/v1/traces') ? trimmed : `${trimmed}/v1/traces`;
}

/** The gRPC target: scheme, host and port (a path, such as `/v1/traces`, is meaningless there). */
export function grpcUrl(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.protocol}//${url.host}`;
}

/** Headers with `authorization: Bearer <apiKey>` added unless one is already there. */
export function withAuthorization(
  headers: Record<string, string>,
  apiKey: string | undefined,
): Record<string, string> {
  const hasAuthorization = Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
  if (!apiKey || hasAuthorization) return { ...headers };
  return { ...headers, authorization: `Bearer ${apiKey}` };
}
