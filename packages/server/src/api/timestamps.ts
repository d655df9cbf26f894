/** Nanosecond timestamps ⇄ the ISO 8601 strings the REST API speaks. */

/**
 * ISO 8601 in UTC with microseconds and an explicit offset, as Phoenix writes them
 * ("2024-05-01T12:00:00.123456+00:00"); Python's fromisoformat and JavaScript's Date read it.
 */
export function isoFromUnixNano(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const micros = (ns / 1_000n) % 1_000n;
  const iso = new Date(Number(ms)).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}+00:00`;
}

const ISO_FRACTION = /\.(\d+)/;

/**
 * Parses an ISO 8601 timestamp to nanoseconds, keeping sub-millisecond digits. A timestamp
 * without an offset is taken as UTC (as Phoenix does). Returns null when it cannot be read.
 */
export function unixNanoFromIso(text: string): bigint | null {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return null;
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed);
  const ms = Date.parse(hasOffset || trimmed.length <= 10 ? trimmed : `${trimmed}Z`);
  if (Number.isNaN(ms)) return null;
  const fraction = ISO_FRACTION.exec(trimmed)?.[1] ?? '';
  // Date.parse keeps milliseconds; add back the digits beyond them.
  const extra = fraction.length > 3 ? BigInt(fraction.slice(3, 9).padEnd(6, '0')) : 0n;
  return BigInt(ms) * 1_000_000n + extra;
}
