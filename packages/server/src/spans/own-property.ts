/**
 * Writing attacker-chosen keys into plain objects.
 *
 * Attribute keys come straight off the wire. A plain `obj[key] = value` with the key `__proto__`
 * would replace the object's prototype instead of creating a property, so every place in spans/
 * that builds an object from received keys goes through `setOwn`. Plain objects (not
 * `Object.create(null)`) are kept so that callers and tests can compare them with `{}` literals.
 */
import type { AttributeValue } from '../otlp/otlp-types.js';

export type AttributeRecord = Record<string, AttributeValue>;

export function setOwn(target: AttributeRecord, key: string, value: AttributeValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

/** True for kvlist-like values (objects that are not arrays). */
export function isAttributeObject(
  value: AttributeValue | undefined,
): value is { [key: string]: AttributeValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Flat key/value pairs to an object; later duplicates win, as they do in Phoenix's `dict()`. */
export function pairsToRecord(pairs: Iterable<readonly [string, AttributeValue]>): AttributeRecord {
  const out: AttributeRecord = {};
  for (const [key, value] of pairs) setOwn(out, key, value);
  return out;
}
