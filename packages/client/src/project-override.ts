/**
 * `usingProject(name, fn)`: the spans started inside `fn` go to another project. The project
 * name travels in the OpenTelemetry context; a span processor copies it onto each span started
 * in that context as the span attribute `openinference.project.name`, which Heron reads before
 * the resource's project (OpenInference's convention for moving single spans).
 *
 * A span whose trace is already stored stays in that trace's project (a trace never spans two
 * projects): start the spans of another project in a new trace (outside any active span, or with
 * `root: true`) if they must land there.
 */
import { context, createContextKey, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

export const PROJECT_NAME_ATTRIBUTE = 'openinference.project.name';

const PROJECT_KEY = createContextKey('heron.project-name');

/** Runs `fn` (sync or async) with every span started inside it sent to `projectName`. */
export function usingProject<T>(projectName: string, fn: () => T): T {
  const name = projectName.trim();
  if (!name) throw new Error('usingProject: the project name must not be blank');
  return context.with(context.active().setValue(PROJECT_KEY, name), fn);
}

/** The project `usingProject` set in this context, if any. */
export function projectOverride(ctx: Context = context.active()): string | undefined {
  const value = ctx.getValue(PROJECT_KEY);
  return typeof value === 'string' ? value : undefined;
}

/** Sets the span attribute from the context; `register()` installs it first. */
export class ProjectOverrideSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const name = projectOverride(parentContext);
    if (name !== undefined) span.setAttribute(PROJECT_NAME_ATTRIBUTE, name);
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
