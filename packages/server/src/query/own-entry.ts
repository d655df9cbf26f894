/**
 * A record's own entry: names in filters are user text, and `constructor` or `__proto__` must
 * not find Object.prototype's members in a lookup table.
 */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
