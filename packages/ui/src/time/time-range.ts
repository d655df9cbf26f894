/**
 * The time range of the project pages, as it lives in the URL: `range=1h` for a preset that
 * ends now (re-evaluated on every fetch, so live mode keeps seeing new traces), or
 * `start=…&end=…` (ISO) for a custom range.
 */

export const PRESETS = [
  { key: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { key: '1h', label: 'Last hour', ms: 3600_000 },
  { key: '12h', label: 'Last 12 hours', ms: 12 * 3600_000 },
  { key: '1d', label: 'Last day', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

export type PresetKey = (typeof PRESETS)[number]['key'];
export const DEFAULT_PRESET: PresetKey = '7d';

export type TimeRange =
  { kind: 'preset'; preset: PresetKey } | { kind: 'custom'; start: string; end: string };

export function timeRangeFromParams(params: URLSearchParams): TimeRange {
  const start = params.get('start');
  const end = params.get('end');
  if (start && end && !Number.isNaN(Date.parse(start)) && !Number.isNaN(Date.parse(end))) {
    return { kind: 'custom', start, end };
  }
  const preset = PRESETS.find((p) => p.key === params.get('range'));
  return { kind: 'preset', preset: preset?.key ?? DEFAULT_PRESET };
}

/** Writes the range into `params` (the default preset leaves the URL clean). */
export function writeTimeRange(params: URLSearchParams, range: TimeRange): URLSearchParams {
  params.delete('range');
  params.delete('start');
  params.delete('end');
  if (range.kind === 'custom') {
    params.set('start', range.start);
    params.set('end', range.end);
  } else if (range.preset !== DEFAULT_PRESET) {
    params.set('range', range.preset);
  }
  return params;
}

/** A stable key for caches: presets by name, not by the instant they were evaluated. */
export function timeRangeKey(range: TimeRange): string {
  return range.kind === 'preset' ? range.preset : `${range.start}/${range.end}`;
}

/** start_time/end_time for the API; a preset has no end so traces arriving now are included. */
export function timeRangeQuery(range: TimeRange, now = Date.now()) {
  if (range.kind === 'custom') return { start_time: range.start, end_time: range.end };
  const preset = PRESETS.find((p) => p.key === range.preset)!;
  return { start_time: new Date(now - preset.ms).toISOString(), end_time: undefined };
}

/** Both ends, for charts that need a closed range. */
export function timeRangeBounds(range: TimeRange, now = Date.now()) {
  const query = timeRangeQuery(range, now);
  return { start_time: query.start_time, end_time: query.end_time ?? new Date(now).toISOString() };
}

export function timeRangeLabel(range: TimeRange): string {
  if (range.kind === 'preset') return PRESETS.find((p) => p.key === range.preset)!.label;
  const format = (iso: string) =>
    new Date(iso).toLocaleString(undefined, {
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
  return `${format(range.start)} – ${format(range.end)}`;
}
