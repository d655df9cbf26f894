/**
 * Auto-instrumentation of OpenAI, Anthropic and LangChain.js through the OpenInference
 * instrumentation packages, when the application has them installed. They are optional peer
 * dependencies: each is imported dynamically and a missing one is skipped without error.
 *
 * In ESM, module loading cannot be hooked without a loader flag, so besides enabling the
 * instrumentation (which patches CommonJS `require`s), the instrumented library itself is
 * patched with `manuallyInstrument`: the module object the application passed in
 * (`register({ modules })`), else the library as `@heron/client` can import it. The second only
 * finds a library installed where `@heron/client` resolves modules (the usual flat
 * `node_modules`); npm may put a library in a nested `node_modules` (to satisfy another
 * package's peer range), and there only the application's own module object reaches it.
 */
import { createRequire } from 'node:module';
import type { TracerProvider } from '@opentelemetry/api';

/** What Heron needs of an OpenTelemetry instrumentation (structurally, so no extra dependency). */
export interface TracingInstrumentation {
  instrumentationName: string;
  setTracerProvider(provider: TracerProvider): void;
  enable(): void;
  disable?(): void;
}

/**
 * Module objects of the instrumented libraries, as the application imported them
 * (`import OpenAI from 'openai'`, `import Anthropic from '@anthropic-ai/sdk'`,
 * `import * as CallbackManagerModule from '@langchain/core/callbacks/manager'`); the default
 * export and the module namespace both work.
 */
export interface InstrumentedModules {
  openai?: unknown;
  '@anthropic-ai/sdk'?: unknown;
  '@langchain/core/callbacks/manager'?: unknown;
}

export type InstrumentedModuleName = keyof InstrumentedModules;

interface KnownInstrumentation {
  packageName: string;
  exportName: string;
  /** The instrumented module and what of it `manuallyInstrument` takes. */
  target: { module: InstrumentedModuleName; pick: (module: Record<string, unknown>) => unknown };
}

export const KNOWN_INSTRUMENTATIONS: KnownInstrumentation[] = [
  {
    packageName: '@arizeai/openinference-instrumentation-openai',
    exportName: 'OpenAIInstrumentation',
    // The instrumentation reads `module.OpenAI`, which the class has too (`OpenAI.OpenAI`).
    target: { module: 'openai', pick: (m) => m['OpenAI'] ?? m['default'] ?? m },
  },
  {
    packageName: '@arizeai/openinference-instrumentation-anthropic',
    exportName: 'AnthropicInstrumentation',
    // The instrumentation patches `(module.default || module).Messages`: the class has it, the
    // namespace has the class as `default` (not as `Anthropic`, which is the base client class).
    target: {
      module: '@anthropic-ai/sdk',
      pick: (m) => (typeof m['Messages'] === 'function' ? m : (m['default'] ?? m)),
    },
  },
  {
    packageName: '@arizeai/openinference-instrumentation-langchain',
    exportName: 'LangChainInstrumentation',
    target: { module: '@langchain/core/callbacks/manager', pick: (m) => m },
  },
];

export const ANTHROPIC_INSTRUMENTATION = '@arizeai/openinference-instrumentation-anthropic';

export interface InstrumentationChoice {
  /** Enable every installed instrumentation (default true); false: only those of `modules`. */
  autoInstrument?: boolean;
  modules?: InstrumentedModules;
}

const requireHere = createRequire(import.meta.url);

/** Whether `name` can be loaded from here (synchronously, for `register()`'s own checks). */
export function isInstalled(name: string): boolean {
  try {
    requireHere.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The instrumentation packages `register()` will enable, decided synchronously so that its
 * mistakes are thrown by `register()` itself (a background failure would only be an unhandled
 * rejection): a module given in `modules` whose instrumentation is not installed, or a module
 * name Heron does not instrument, is an error.
 */
export function chosenInstrumentations(
  choice: InstrumentationChoice,
  known: KnownInstrumentation[] = KNOWN_INSTRUMENTATIONS,
): KnownInstrumentation[] {
  const modules = choice.modules ?? {};
  for (const name of Object.keys(modules)) {
    if (!known.some((entry) => entry.target.module === name)) {
      throw new Error(
        `register: modules: Heron does not instrument "${name}"; it instruments ` +
          known.map((entry) => `"${entry.target.module}"`).join(', '),
      );
    }
  }
  const chosen: KnownInstrumentation[] = [];
  for (const entry of known) {
    const given = modules[entry.target.module] !== undefined;
    if (!given && choice.autoInstrument === false) continue;
    if (isInstalled(entry.packageName)) {
      chosen.push(entry);
    } else if (given) {
      throw new Error(
        `register: modules["${entry.target.module}"] was given, but ${entry.packageName} is not ` +
          `installed where @heron/client can load it: npm install ${entry.packageName}`,
      );
    }
  }
  return chosen;
}

async function optionalImport(name: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(name)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * Creates, attaches to `provider` and enables the instrumentation of every known package that
 * is installed (or only those of `choice.modules` when `autoInstrument` is false), patching the
 * given module objects; resolves with the package names enabled.
 */
export async function enableInstalledInstrumentations(
  provider: TracerProvider,
  choice: InstrumentationChoice = {},
  known: KnownInstrumentation[] = KNOWN_INSTRUMENTATIONS,
): Promise<string[]> {
  const enabled: string[] = [];
  const modules = choice.modules ?? {};
  for (const entry of known) {
    const given = modules[entry.target.module];
    if (given === undefined && choice.autoInstrument === false) continue;
    const module = await optionalImport(entry.packageName);
    const Instrumentation = module?.[entry.exportName] as
      | (new () => TracingInstrumentation & { manuallyInstrument?: (target: unknown) => void })
      | undefined;
    if (typeof Instrumentation !== 'function') continue;
    const instrumentation = new Instrumentation();
    instrumentation.setTracerProvider(provider);
    instrumentation.enable();
    const target =
      given !== undefined
        ? (given as Record<string, unknown>)
        : await optionalImport(entry.target.module);
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
