import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config.js';
import {
  DEFAULT_SEARCH_TEXT_MAX_CHARS,
  foldForSearch,
  spanSearchText,
} from './span-search-text.js';

describe('span search text', () => {
  it('joins input/output values with the LLM message contents of each side', () => {
    const text = spanSearchText({
      input: { value: 'the question' },
      output: { value: 'the answer' },
      llm: {
        input_messages: [
          { message: { role: 'system', content: 'be brief' } },
          {
            message: {
              role: 'user',
              contents: [{ message_content: { type: 'text', text: 'look at this' } }],
            },
          },
        ],
        output_messages: [{ message: { role: 'assistant', content: 'done' } }],
      },
    });
    assert.equal(text.input, 'the question\nbe brief\nlook at this');
    assert.equal(text.output, 'the answer\ndone');
  });

  it('keeps at most the configured number of characters per side', () => {
    const long = 'x'.repeat(100);
    assert.equal(spanSearchText({ input: { value: long } }, 10).input, 'x'.repeat(10));
    assert.equal(loadConfig({}, {}).searchTextMaxChars, DEFAULT_SEARCH_TEXT_MAX_CHARS);
    assert.equal(loadConfig({}, { HERON_SEARCH_TEXT_MAX_CHARS: '10' }).searchTextMaxChars, 10);
    assert.throws(
      () => loadConfig({}, { HERON_SEARCH_TEXT_MAX_CHARS: 'lots' }),
      /SEARCH_TEXT_MAX_CHARS/,
    );
  });

  it('folds case and accents the way the index does', () => {
    assert.equal(foldForSearch('Crème BRÛLÉE'), 'creme brulee');
    assert.equal(
      foldForSearch('Plain ASCII, Tabs\tand {"JSON": 1}'),
      'plain ascii, tabs\tand {"json": 1}',
    );
    assert.equal(foldForSearch('東京'), '東京');
    // FTS5 removes diacritics from Latin letters only; other scripts keep them, lower-cased.
    assert.equal(foldForSearch('Αθήνα'), 'αθήνα');
    assert.equal(foldForSearch('Ōsaka ﬁle'), 'osaka ﬁle');
  });
});
