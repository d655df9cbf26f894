/**
 * `register()`: one call that points an application's OpenTelemetry tracing at Heron — the
 * counterpart of Phoenix's `register()` (`@arizeai/phoenix-otel`), with Heron's choice of wire
 * protocol. It builds a NodeTracerProvider whose resource names the project
 * (`openinference.project.name`), an OTLP exporter, a batch (or simple) span processor, the
 * processor behind `usingProject`, and enables the OpenInference auto-instrumentations that are
 * installed.
 */
import { Metadata } from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type BufferConfig,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  AnthropicDuplicateSpanFilter,
  preferOpenInferenceAnthropicSpans,
} from './anthropic-sdk-spans.js';
import {
  ANTHROPIC_INSTRUMENTATION,
  chosenInstrumentations,
  enableInstalledInstrumentations,
  type InstrumentedModules,
  type TracingInstrumentation,
} from './auto-instrumentation.js';
import {
  DEFAULT_ENDPOINT,
  DEFAULT_GRPC_ENDPOINT,
  apiKeyFromEnvironment,
  endpointFromEnvironment,
  grpcUrl,
  httpTracesUrl,
  withAuthorization,
} from './collector-endpoint.js';
import { PROJECT_NAME_ATTRIBUTE, ProjectOverrideSpanProcessor } from './project-override.js';

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

export interface RegisterOptions {
  /** Default: `HERON_PROJECT_NAME`, `PHOENIX_PROJECT_NAME`, then `default`. */
  projectName?: string;
  /**
   * Heron's base URL (`http://host:6006`; `/v1/traces` is added for HTTP) or, for gRPC, the
   * gRPC address (`http://host:4317`). Default: the environment (see collector-endpoint.ts),
   * else `http://localhost:6006` (HTTP) / `http://localhost:4317` (gRPC).
   */
  endpoint?: string;
  /** Default `http/protobuf`. */
  protocol?: OtlpProtocol;
  /** true (default): BatchSpanProcessor, optionally with its settings; false: export each span at its end. */
  batch?: boolean | BufferConfig;
  /** Sent with every export (HTTP headers or gRPC metadata). */
  headers?: Record<string, string>;
  /** Default `HERON_API_KEY`, then `PHOENIX_API_KEY`; sent as `Authorization: Bearer`. */
  apiKey?: string;
  /** Instrumentations to attach (in addition to the auto-detected ones). */
  instrumentations?: TracingInstrumentation[];
  /**
   * Enable the installed OpenInference instrumentations (default true); false: only those of
   * the libraries given in `modules`.
   */
  autoInstrument?: boolean;
  /**
   * The instrumented libraries' module objects, as the application imported them
   * (`{ openai: OpenAI, '@anthropic-ai/sdk': Anthropic, '@langchain/core/callbacks/manager':
   * CallbackManagerModule }`), patched with the OpenInference instrumentation in place. Needed
   * when `@heron/client` cannot import the library itself: an ES-module app whose library is
   * in a nested `node_modules`, or a bundled app. The library's instrumentation package must be
   * installed (`register` throws otherwise).
   */
  modules?: InstrumentedModules;
  /** Register as the global tracer provider with an async context manager (default true). */
  global?: boolean;
  /** Replace the exporting processor (the usingProject processor is always installed). */
  spanProcessors?: SpanProcessor[];
}

/** What `register()` started in the background, per provider (see `instrumentationsReady`). */
const pendingInstrumentations = new WeakMap<NodeTracerProvider, Promise<string[]>>();

function projectNameFromEnvironment(): string {
  return (
    process.env['HERON_PROJECT_NAME']?.trim() ||
    process.env['PHOENIX_PROJECT_NAME']?.trim() ||
    'default'
  );
}

function exporterFor(
  protocol: OtlpProtocol,
  endpoint: string | undefined,
  headers: Record<string, string>,
): SpanExporter {
  switch (protocol) {
    case 'http/protobuf':
      return new ProtoTraceExporter({ url: httpTracesUrl(endpoint ?? DEFAULT_ENDPOINT), headers });
    case 'http/json':
      return new JsonTraceExporter({ url: httpTracesUrl(endpoint ?? DEFAULT_ENDPOINT), headers });
    case 'grpc': {
      const metadata = new Metadata();
      for (const [key, value] of Object.entries(headers)) metadata.set(key.toLowerCase(), value);
      return new GrpcTraceExporter({ url: grpcUrl(endpoint ?? DEFAULT_GRPC_ENDPOINT), metadata });
    }
    default:
      throw new Error(
        `register: protocol must be http/protobuf, http/json or grpc, got "${String(protocol)}"`,
      );
  }
}

/** Sets up tracing to Heron and returns the tracer provider (call `shutdown()` before exit). */
export function register(options: RegisterOptions = {}): NodeTracerProvider {
  const projectName = options.projectName?.trim() || projectNameFromEnvironment();
  const protocol = options.protocol ?? 'http/protobuf';
  const endpoint = options.endpoint ?? endpointFromEnvironment();
  const headers = withAuthorization(
    options.headers ?? {},
    options.apiKey ?? apiKeyFromEnvironment(),
  );
  const instrumenting = chosenInstrumentations({
    autoInstrument: options.autoInstrument,
    modules: options.modules,
  });
  // Before any Anthropic client is constructed: see anthropic-sdk-spans.ts.
  const dropAnthropicDuplicates =
    instrumenting.some((entry) => entry.packageName === ANTHROPIC_INSTRUMENTATION) &&
    preferOpenInferenceAnthropicSpans();
  const exporting =
    options.spanProcessors ??
    (() => {
      const exporter = exporterFor(protocol, endpoint, headers);
      const batch = options.batch ?? true;
      if (batch === false) return [new SimpleSpanProcessor(exporter)];
      return [new BatchSpanProcessor(exporter, batch === true ? undefined : batch)];
    })();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [PROJECT_NAME_ATTRIBUTE]: projectName }),
    spanProcessors: [
      new ProjectOverrideSpanProcessor(),
      ...(dropAnthropicDuplicates ? [new AnthropicDuplicateSpanFilter(exporting)] : exporting),
    ],
  });
  if (options.global ?? true) provider.register();
  for (const instrumentation of options.instrumentations ?? []) {
    instrumentation.setTracerProvider(provider);
    instrumentation.enable();
  }
  pendingInstrumentations.set(
    provider,
    instrumenting.length === 0
      ? Promise.resolve([])
      : enableInstalledInstrumentations(
          provider,
          { autoInstrument: options.autoInstrument, modules: options.modules },
          instrumenting,
        ),
  );
  return provider;
}

/**
 * Resolves with the package names of the auto-instrumentations `register()` enabled (they load
 * in the background: await this before the first LLM call if it must be traced).
 */
export function instrumentationsReady(provider: NodeTracerProvider): Promise<string[]> {
  return pendingInstrumentations.get(provider) ?? Promise.resolve([]);
}
