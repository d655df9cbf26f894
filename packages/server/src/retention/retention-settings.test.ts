/** Retention settings: defaults, the HERON_* variables and Phoenix's alias, and bad values. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config.js';
import { DEFAULT_RETENTION_SETTINGS, defaultRetentionPolicy } from './retention-settings.js';

const retention = (env: Record<string, string>) => loadConfig({}, env).retention;

describe('retention settings', () => {
  it('default to keeping traces forever, sweeping every minute in batches of 1000', () => {
    assert.deepEqual(retention({}), {
      defaultRetentionDays: 0,
      sweepIntervalSeconds: 60,
      sweepBatchTraces: 1000,
    });
    assert.deepEqual(defaultRetentionPolicy(DEFAULT_RETENTION_SETTINGS), {
      maxAgeDays: null,
      maxTraces: null,
    });
  });

  it('read HERON_* variables, and PHOENIX_DEFAULT_RETENTION_POLICY_DAYS as an alias', () => {
    const settings = retention({
      HERON_DEFAULT_RETENTION_DAYS: '30',
      HERON_RETENTION_SWEEP_INTERVAL_SECONDS: '5',
      HERON_RETENTION_SWEEP_BATCH_TRACES: '250',
    });
    assert.deepEqual(settings, {
      defaultRetentionDays: 30,
      sweepIntervalSeconds: 5,
      sweepBatchTraces: 250,
    });
    assert.deepEqual(defaultRetentionPolicy(settings), { maxAgeDays: 30, maxTraces: null });
    assert.equal(
      retention({ PHOENIX_DEFAULT_RETENTION_POLICY_DAYS: '14' }).defaultRetentionDays,
      14,
    );
    assert.equal(
      retention({
        HERON_DEFAULT_RETENTION_DAYS: '3',
        PHOENIX_DEFAULT_RETENTION_POLICY_DAYS: '14',
      }).defaultRetentionDays,
      3,
    );
  });

  it('refuse negative, fractional, non-numeric and out-of-range values with the setting named', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ HERON_DEFAULT_RETENTION_DAYS: '-1' }, /HERON_DEFAULT_RETENTION_DAYS .*got "-1"/],
      [{ HERON_DEFAULT_RETENTION_DAYS: '1.5' }, /HERON_DEFAULT_RETENTION_DAYS .*got "1.5"/],
      [{ HERON_DEFAULT_RETENTION_DAYS: 'week' }, /HERON_DEFAULT_RETENTION_DAYS/],
      [{ HERON_DEFAULT_RETENTION_DAYS: '40000' }, /between 0 and 36500/],
      [{ HERON_RETENTION_SWEEP_INTERVAL_SECONDS: '0' }, /HERON_RETENTION_SWEEP_INTERVAL_SECONDS/],
      [{ HERON_RETENTION_SWEEP_INTERVAL_SECONDS: '-5' }, /HERON_RETENTION_SWEEP_INTERVAL_SECONDS/],
      [{ HERON_RETENTION_SWEEP_BATCH_TRACES: '0' }, /HERON_RETENTION_SWEEP_BATCH_TRACES/],
      [{ HERON_RETENTION_SWEEP_BATCH_TRACES: '10.5' }, /HERON_RETENTION_SWEEP_BATCH_TRACES/],
    ];
    for (const [env, message] of cases) {
      assert.throws(
        () => retention(env),
        (error: unknown) => error instanceof ConfigError && message.test(error.message),
        JSON.stringify(env),
      );
    }
  });
});
