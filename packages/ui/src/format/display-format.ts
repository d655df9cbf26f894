/** How numbers and times read in tables and headers: short, aligned, never "NaN". */

const integer = new Intl.NumberFormat('en-US');
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value >= 100_000 ? compact.format(value) : integer.format(value);
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms === 0) return '0';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** Cost in USD; null means no price is known (not zero). */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '—';
  if (usd === 0) return '$0';
  if (usd < 0.0001) return '<$0.0001';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(usd < 100 ? 2 : 0)}`;
}

/**
 * The cost of something that may have used tokens: "no price" when it has tokens but no known
 * price (an unknown model is not free), "—" when there is nothing to price.
 */
export function formatCostOf(usd: number | null | undefined, tokens: number | null | undefined) {
  if ((usd === null || usd === undefined) && (tokens ?? 0) > 0) return 'no price';
  return formatCost(usd);
}

export function formatPercent(part: number, whole: number): string {
  if (whole === 0) return '—';
  const value = (100 * part) / whole;
  return `${value < 10 && value > 0 ? value.toFixed(1) : Math.round(value)}%`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return timeFormat.format(new Date(iso));
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return relative.format(seconds, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86_400), 'day');
}

/** Any attribute value as one line of text for a table cell. */
export function previewText(value: unknown, max = 300): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
