/**
 * Auto-instrumentation of OpenAI, Anthropic and LangChain.js through the OpenInference
 * instrumentation packages, when the application has them installed. They are optional peer
 * dependencies: each is imported dynamically and a missing one is skipped without error.
 *
 * In ESM, module loading cannot be hooked without a loader flag, so besides enabling the
 * instrumentation (which patches CommonJS `require`s), the instrumented library itself is
 * imported and patched with `manuallyInstrument` when it is installed too.
 */
import type { TracerProvider } from '@opentelemetry/api';

/** What Heron needs of an OpenTelemetry instrumentation (structurally, so no extra dependency). */
export interface TracingInstrumentation {
  instrumentationName: string;
  setTracerProvider(provider: TracerProvider): void;
  enable(): void;
  disable?(): void;
}

interface KnownInstrumentation {
  packageName: string;
  exportName: string;
  /** The instrumented module and what of it `manuallyInstrument` takes. */
  target: { module: string; pick: (module: Record<string, unknown>) => unknown };
}

export const KNOWN_INSTRUMENTATIONS: KnownInstrumentation[] = [
  {
    packageName: '@arizeai/openinference-instrumentation-openai',
    exportName: 'OpenAIInstrumentation',
    target: { module: 'openai', pick: (m) => m['OpenAI'] ?? m['default'] },
  },
  {
    packageName: '@arizeai/openinference-instrumentation-anthropic',
    exportName: 'AnthropicInstrumentation',
    target: { module: '@anthropic-ai/sdk', pick: (m) => m['default'] ?? m['Anthropic'] },
  },
  {
    packageName: '@arizeai/openinference-instrumentation-langchain',
    exportName: 'LangChainInstrumentation',
    target: { module: '@langchain/core/callbacks/manager', pick: (m) => m },
  },
];

async function optionalImport(name: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(name)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * Creates, attaches to `provider` and enables the instrumentation of every known package that
 * is installed; resolves with their package names (empty when none is installed).
 */
export async function enableInstalledInstrumentations(
  provider: TracerProvider,
  known: KnownInstrumentation[] = KNOWN_INSTRUMENTATIONS,
): Promise<string[]> {
  const enabled: string[] = [];
  for (const entry of known) {
    const module = await optionalImport(entry.packageName);
    const Instrumentation = module?.[entry.exportName] as
      | (new () => TracingInstrumentation & { manuallyInstrument?: (target: unknown) => void })
      | undefined;
    if (typeof Instrumentation !== 'function') continue;
    const instrumentation = new Instrumentation();
    instrumentation.setTracerProvider(provider);
    instrumentation.enable();
    const target = await optionalImport(entry.target.module);
    if (target && typeof instrumentation.manuallyInstrument === 'function') {
      try {
        instrumentation.manuallyInstrument(entry.target.pick(target));
      } catch {
        // Already patched through the require hook: nothing more to do.
      }
    }
    enabled.push(entry.packageName);
  }
  return enabled;
}
