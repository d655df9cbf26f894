/**
 * ISO 8601 datetime literals (`start_time >= '2024-05-01T12:00:00Z'`) to the stored form,
 * INTEGER nanoseconds since the Unix epoch. As in Phoenix the literal must say which timezone it
 * means (an offset or `Z`): a server cannot guess the user's, and guessing UTC silently shifts
 * results by hours.
 */
import { FilterSyntaxError } from './filter-syntax-error.js';

const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

const EXAMPLE = "'2024-05-01T12:00:00Z'";

/** Nanoseconds since the epoch, clamped to the 64-bit range (every stored time is inside it). */
export function parseDatetimeLiteral(text: string, column: number): bigint {
  const match = DATETIME.exec(text.trim());
  if (!match) {
    throw new FilterSyntaxError(
      `'${clip(text)}' is not an ISO 8601 datetime such as ${EXAMPLE}`,
      column,
    );
  }
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, offsetHours, offsetMinutes] = match;
  if (zulu === undefined && sign === undefined) {
    throw new FilterSyntaxError(
      `datetime '${clip(text)}' needs a timezone: end it with Z or an offset such as +02:00`,
      column,
    );
  }
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? '0');
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  const valid =
    month >= 1 &&
    month <= 12 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    Number(offsetHours ?? '0') <= 23 &&
    Number(offsetMinutes ?? '0') <= 59;
  if (!valid) throw new FilterSyntaxError(`'${clip(text)}' is not a valid datetime`, column);
  // Digits beyond nanoseconds cannot be stored; they are cut, not rounded.
  const nanos = BigInt((fraction ?? '').slice(0, 9).padEnd(9, '0'));
  let offsetNanos = 0n;
  if (sign !== undefined) {
    const minutes = Number(offsetHours) * 60 + Number(offsetMinutes ?? '0');
    offsetNanos = BigInt(minutes) * 60_000_000_000n * (sign === '-' ? -1n : 1n);
  }
  const value = BigInt(date.getTime()) * 1_000_000n + nanos - offsetNanos;
  return value > INT64_MAX ? INT64_MAX : value < INT64_MIN ? INT64_MIN : value;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
