/** The server's retention settings (config.ts reads them from HERON_* variables). */
import type { RetentionPolicy } from '../store/retention-policy.js';

export interface RetentionSettings {
  /** Age limit of projects without a policy of their own; 0 keeps their traces forever. */
  defaultRetentionDays: number;
  /** Seconds between two sweeps. */
  sweepIntervalSeconds: number;
  /** Traces one sweep step deletes at most, in one short transaction. */
  sweepBatchTraces: number;
}

export const DEFAULT_RETENTION_SETTINGS: RetentionSettings = {
  defaultRetentionDays: 0,
  sweepIntervalSeconds: 60,
  sweepBatchTraces: 1000,
};

/** Largest age limit accepted (days), about 100 years; keeps cutoffs inside 64-bit ns. */
export const MAX_RETENTION_DAYS = 36_500;
/** Largest count limit accepted. */
export const MAX_RETENTION_TRACES = 1_000_000_000;

/** The policy of projects without one of their own. */
export function defaultRetentionPolicy(settings: RetentionSettings): RetentionPolicy {
  return {
    maxAgeDays: settings.defaultRetentionDays === 0 ? null : settings.defaultRetentionDays,
    maxTraces: null,
  };
}
