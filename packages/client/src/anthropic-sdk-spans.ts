/**
 * One Anthropic call, one LLM span. `@anthropic-ai/sdk` (0.137 and later) records each API call
 * itself as a `gen_ai.*` span (scope `com.anthropic.sdk.typescript`), which Heron maps to an LLM
 * span with tokens and a price. With the OpenInference Anthropic instrumentation on as well, the
 * same call would be stored twice — the instrumentation's span and the SDK's span beneath it —
 * and its tokens and cost counted twice in the trace. The OpenInference span is the one to keep:
 * it carries the messages (the SDK records only metadata by default) in the attributes Heron's
 * UI, evaluations and Phoenix clients read.
 *
 * So when `register()` instruments Anthropic it
 * - sets `ANTHROPIC_OPEN_TELEMETRY=false` unless the application set that variable itself, which
 *   turns the SDK's spans off in every client constructed afterwards; and
 * - leaves out, before export, an SDK span whose parent is an OpenInference LLM span, for a
 *   client constructed before `register()` (the SDK reads the variable in its constructor).
 *
 * An application that sets `ANTHROPIC_OPEN_TELEMETRY` to anything but `false` keeps the SDK's
 * spans (and both spans per call). Without the OpenInference instrumentation the SDK's span is
 * the only one and is kept.
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

export const ANTHROPIC_TELEMETRY_VARIABLE = 'ANTHROPIC_OPEN_TELEMETRY';
const ANTHROPIC_SDK_SCOPE = 'com.anthropic.sdk.typescript';
const SPAN_KIND_ATTRIBUTE = 'openinference.span.kind';

/**
 * Turns the SDK's own spans off unless the application chose; returns whether the duplicates
 * are to be left out (false when the application asked for the SDK's spans).
 */
export function preferOpenInferenceAnthropicSpans(env: NodeJS.ProcessEnv = process.env): boolean {
  const chosen = env[ANTHROPIC_TELEMETRY_VARIABLE];
  if (chosen === undefined) {
    env[ANTHROPIC_TELEMETRY_VARIABLE] = 'false';
    return true;
  }
  return chosen.trim().toLowerCase() === 'false';
}

/**
 * Wraps the exporting processors: forwards every span except an Anthropic SDK span started
 * inside an OpenInference LLM span (the same call, recorded twice).
 */
export class AnthropicDuplicateSpanFilter implements SpanProcessor {
  /**
   * Spans that have started and not ended, by span id. OpenInference's tracer sets a span's
   * attributes (its kind among them) just after starting it, so a span's kind is read when a
   * child starts — by then it is set — not when the span itself starts.
   */
  private readonly openSpans = new Map<string, Span>();
  /** SDK spans to leave out when they end. */
  private readonly duplicates = new Set<string>();

  constructor(private readonly inner: SpanProcessor[]) {}

  onStart(span: Span, parentContext: Context): void {
    const spanId = span.spanContext().spanId;
    this.openSpans.set(spanId, span);
    const parentId = span.parentSpanContext?.spanId;
    const parent = parentId === undefined ? undefined : this.openSpans.get(parentId);
    if (
      parent?.attributes[SPAN_KIND_ATTRIBUTE] === 'LLM' &&
      span.instrumentationScope.name.startsWith(ANTHROPIC_SDK_SCOPE)
    ) {
      this.duplicates.add(spanId);
      return;
    }
    for (const processor of this.inner) processor.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    const spanId = span.spanContext().spanId;
    this.openSpans.delete(spanId);
    if (this.duplicates.delete(spanId)) return;
    for (const processor of this.inner) processor.onEnd(span);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.inner.map((processor) => processor.forceFlush()));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.inner.map((processor) => processor.shutdown()));
  }
}
