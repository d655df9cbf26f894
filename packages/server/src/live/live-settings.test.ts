import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config.js';
import { DEFAULT_LIVE_SETTINGS } from './live-settings.js';

describe('live-update settings', () => {
  it('default to 1000 clients, a ping every 15 s, 250 ms coalescing, 100 trace ids, 1 MiB', () => {
    assert.deepEqual(loadConfig({}, {}).live, DEFAULT_LIVE_SETTINGS);
    assert.deepEqual(DEFAULT_LIVE_SETTINGS, {
      maxClients: 1000,
      pingSeconds: 15,
      coalesceMs: 250,
      maxTraceIds: 100,
      maxBufferedBytes: 1_048_576,
    });
  });

  it('are read from HERON_LIVE_*', () => {
    const live = loadConfig(
      {},
      {
        HERON_LIVE_MAX_CLIENTS: '3',
        HERON_LIVE_PING_SECONDS: '2',
        HERON_LIVE_COALESCE_MS: '0',
        HERON_LIVE_MAX_TRACE_IDS: '7',
        HERON_LIVE_MAX_BUFFERED_BYTES: '65536',
      },
    ).live;
    assert.deepEqual(live, {
      maxClients: 3,
      pingSeconds: 2,
      coalesceMs: 0,
      maxTraceIds: 7,
      maxBufferedBytes: 65536,
    });
  });

  it('refuse values out of range, naming the setting', () => {
    for (const [name, value] of [
      ['HERON_LIVE_MAX_CLIENTS', '-1'],
      ['HERON_LIVE_PING_SECONDS', '0'],
      ['HERON_LIVE_COALESCE_MS', 'soon'],
      ['HERON_LIVE_MAX_TRACE_IDS', '0'],
      ['HERON_LIVE_MAX_BUFFERED_BYTES', '10'],
    ] as const) {
      assert.throws(
        () => loadConfig({}, { [name]: value }),
        (error: Error) => error instanceof ConfigError && error.message.includes(name),
        name,
      );
    }
  });
});
