/**
 * Which project a span belongs to.
 *
 * Order, highest first:
 * 1. the span's own `openinference.project.name` attribute (what OpenInference's `using_project`
 *    sets; it must be able to move a single span),
 * 2. the `x-project-name` request header (HTTP only, as in Phoenix),
 * 3. the resource attribute `openinference.project.name` (first non-empty string, as Phoenix),
 * 4. `default`.
 * Names are trimmed; a blank name counts as absent.
 */
import type { AttributeValue, OtlpKeyValue } from '../otlp/otlp-types.js';

export const PROJECT_NAME_ATTRIBUTE = 'openinference.project.name';
export const DEFAULT_PROJECT_NAME = 'default';

/** The trimmed name, or undefined when `value` is not a non-blank string. */
export function projectNameFrom(value: AttributeValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const name = value.trim();
  return name.length > 0 ? name : undefined;
}

/** Project for every span of one ResourceSpans that does not name its own. */
export function resolveResourceProject(
  headerProjectName: string | undefined,
  resourceAttributes: OtlpKeyValue[],
): string {
  const fromHeader = projectNameFrom(headerProjectName);
  if (fromHeader !== undefined) return fromHeader;
  for (const { key, value } of resourceAttributes) {
    if (key !== PROJECT_NAME_ATTRIBUTE) continue;
    const name = projectNameFrom(value);
    if (name !== undefined) return name;
  }
  return DEFAULT_PROJECT_NAME;
}
