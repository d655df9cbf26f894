/**
 * Attribute count and size limits.
 *
 * Heron refuses to let one span carry unbounded data into the store (Phoenix has no limit at
 * all), but it never drops a span for being big: extra attributes are cut off and long strings
 * are shortened with a visible marker, and the span records what was lost so nobody mistakes a
 * cut value for the real one.
 */
import type { AttributeValue, OtlpKeyValue } from '../otlp/otlp-types.js';
import { isAttributeObject, setOwn, type AttributeRecord } from './own-property.js';
import type { SpanLimits } from './span-limits.js';

/** Opening of the marker that ends every shortened string; the full marker adds the length. */
export const TRUNCATION_MARKER = '…[truncated by heron: ';

/** The marker appended to a cut string, e.g. `…[truncated by heron: 123456 chars]`. */
export function truncationMarker(originalLength: number): string {
  return `${TRUNCATION_MARKER}${originalLength} chars]`;
}

/** Attribute added to the span: how many attributes were dropped (ours plus the SDK's). */
export const DROPPED_ATTRIBUTES_COUNT_KEY = 'heron.dropped_attributes_count';
/** Attribute added to the span: keys whose string values were shortened. */
export const TRUNCATED_ATTRIBUTES_KEY = 'heron.truncated_attributes';

/**
 * Cut `value` so that the result, marker included, is at most `maxLength` UTF-16 code units
 * (unless the marker alone is longer than that; the marker is never shortened). A surrogate pair
 * is never split.
 */
export function truncateString(value: string, maxLength: number): string {
  if (value.length <= maxLength) return value;
  const marker = truncationMarker(value.length);
  let keep = maxLength - marker.length;
  if (keep < 0) keep = 0;
  if (keep > 0) {
    const last = value.charCodeAt(keep - 1);
    if (last >= 0xd800 && last <= 0xdbff) keep -= 1;
  }
  return value.slice(0, keep) + marker;
}

/**
 * Apply the length limit to one value, recursing into arrays and kvlist objects.
 * Returns the same value (identity) when nothing had to be cut, so the common case allocates
 * nothing.
 */
export function limitValueLength(value: AttributeValue, maxLength: number): AttributeValue {
  if (typeof value === 'string') {
    return value.length > maxLength ? truncateString(value, maxLength) : value;
  }
  if (Array.isArray(value)) {
    let copy: AttributeValue[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i] as AttributeValue;
      const limited = limitValueLength(item, maxLength);
      if (limited !== item) {
        if (copy === undefined) copy = value.slice();
        copy[i] = limited;
      }
    }
    return copy ?? value;
  }
  if (isAttributeObject(value)) {
    let copy: AttributeRecord | undefined;
    for (const key of Object.keys(value)) {
      const item = value[key] as AttributeValue;
      const limited = limitValueLength(item, maxLength);
      if (limited !== item) {
        if (copy === undefined) copy = { ...value };
        setOwn(copy, key, limited);
      }
    }
    return copy ?? value;
  }
  return value;
}

/** Outcome of applying the limits to one attribute list. */
export interface LimitedAttributes {
  /** Kept attributes in arrival order; null values are left out (nobody can store them). */
  pairs: Array<[string, AttributeValue]>;
  /** Attributes cut by the count limit (not including the SDK's own dropped count). */
  droppedCount: number;
  /** Keys whose values were shortened, in arrival order; undefined when none. */
  truncatedKeys: string[] | undefined;
}

/** Apply both limits to an OTLP key/value list (span events and links use this). */
export function limitAttributes(attributes: OtlpKeyValue[], limits: SpanLimits): LimitedAttributes {
  const total = attributes.length;
  const kept = total > limits.maxAttributesPerSpan ? limits.maxAttributesPerSpan : total;
  const maxLength = limits.maxAttributeValueLength;
  const pairs: Array<[string, AttributeValue]> = [];
  let truncatedKeys: string[] | undefined;
  for (let i = 0; i < kept; i++) {
    const { key, value } = attributes[i] as OtlpKeyValue;
    if (value === null || value === undefined) continue;
    const limited =
      typeof value === 'string' && value.length <= maxLength
        ? value
        : limitValueLength(value, maxLength);
    if (limited !== value) (truncatedKeys ??= []).push(key);
    pairs.push([key, limited]);
  }
  return { pairs, droppedCount: total - kept, truncatedKeys };
}

/**
 * Limited attributes as a flat object, with the bookkeeping attributes added when something was
 * lost. `sdkDroppedCount` is the OTLP `dropped_attributes_count` the SDK already reported.
 */
export function limitedAttributesToRecord(
  attributes: OtlpKeyValue[],
  sdkDroppedCount: number,
  limits: SpanLimits,
): AttributeRecord {
  const { pairs, droppedCount, truncatedKeys } = limitAttributes(attributes, limits);
  const out: AttributeRecord = {};
  for (const [key, value] of pairs) setOwn(out, key, value);
  const dropped = droppedCount + (sdkDroppedCount > 0 ? sdkDroppedCount : 0);
  if (dropped > 0) setOwn(out, DROPPED_ATTRIBUTES_COUNT_KEY, dropped);
  if (truncatedKeys !== undefined) setOwn(out, TRUNCATED_ATTRIBUTES_KEY, truncatedKeys);
  return out;
}
