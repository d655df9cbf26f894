/** How the trace page writes latencies, token counts and costs. */

export function formatLatency(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(0)}µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : ms.toFixed(0)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m ${((ms % 60_000) / 1000).toFixed(0)}s`;
}

export function formatTokens(count: number): string {
  return count.toLocaleString('en-US');
}

/** A cost in USD, or "no price" when unknown: an unknown price is not a price of 0. */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return 'no price';
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}

export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const percent = (part / whole) * 100;
  return `${percent < 10 && percent > 0 ? percent.toFixed(1) : percent.toFixed(0)}%`;
}
