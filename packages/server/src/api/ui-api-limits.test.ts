import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config.js';
import { DEFAULT_UI_API_LIMITS } from './ui-api-limits.js';

describe('UI API limits settings', () => {
  it('defaults', () => {
    assert.deepEqual(loadConfig({}, {}).uiApi, {
      maxSavedViewsPerProject: 100,
      maxSavedViewNameLength: 100,
      maxSavedViewColumns: 100,
      maxMetricsBuckets: 1000,
      filterSuggestionSampleSpans: 2000,
      maxFilterSuggestions: 1000,
    });
    assert.deepEqual(loadConfig({}, {}).uiApi, DEFAULT_UI_API_LIMITS);
  });

  it('reads each HERON_* setting and refuses bad values', () => {
    const config = loadConfig(
      {},
      {
        HERON_MAX_SAVED_VIEWS_PER_PROJECT: '5',
        HERON_MAX_SAVED_VIEW_NAME_LENGTH: '40',
        HERON_MAX_SAVED_VIEW_COLUMNS: '7',
        HERON_MAX_METRICS_BUCKETS: '300',
        HERON_FILTER_SUGGESTION_SAMPLE_SPANS: '50',
        HERON_MAX_FILTER_SUGGESTIONS: '20',
      },
    );
    assert.deepEqual(config.uiApi, {
      maxSavedViewsPerProject: 5,
      maxSavedViewNameLength: 40,
      maxSavedViewColumns: 7,
      maxMetricsBuckets: 300,
      filterSuggestionSampleSpans: 50,
      maxFilterSuggestions: 20,
    });
    for (const name of ['HERON_MAX_SAVED_VIEWS_PER_PROJECT', 'HERON_MAX_METRICS_BUCKETS']) {
      for (const bad of ['0', '-1', 'many', '2.5']) {
        assert.throws(
          () => loadConfig({}, { [name]: bad }),
          (error: unknown) => error instanceof ConfigError && error.message.includes(name),
          `${name}=${bad}`,
        );
      }
    }
  });
});
