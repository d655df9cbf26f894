import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toPostgresParams, toPostgresPlaceholders, toWellFormed } from './postgres-placeholders.js';

describe('toPostgresPlaceholders', () => {
  it('numbers ? from the offset', () => {
    assert.equal(toPostgresPlaceholders('a = ? AND b IN (?, ?)'), 'a = $1 AND b IN ($2, $3)');
    assert.equal(toPostgresPlaceholders('a = ? AND b = ?', 4), 'a = $5 AND b = $6');
    assert.equal(toPostgresPlaceholders('no placeholders', 2), 'no placeholders');
  });

  it('leaves ? in string literals, quoted identifiers, dollar quotes and comments', () => {
    assert.equal(
      toPostgresPlaceholders(`x = '?' AND "col?" = ? AND y = 'it''s ?' AND z = ?`),
      `x = '?' AND "col?" = $1 AND y = 'it''s ?' AND z = $2`,
    );
    assert.equal(toPostgresPlaceholders(`"a""?" = ?`), `"a""?" = $1`);
    assert.equal(toPostgresPlaceholders(`E'\\'?' || ?`), `E'\\'?' || $1`);
    assert.equal(toPostgresPlaceholders(`$$ ? $$ || $t$ ? $t$ || ?`), `$$ ? $$ || $t$ ? $t$ || $1`);
    assert.equal(toPostgresPlaceholders('? -- ?\n + ? /* ? */ + ?'), '$1 -- ?\n + $2 /* ? */ + $3');
    // A backslash in a standard string is an ordinary character.
    assert.equal(
      toPostgresPlaceholders(`a LIKE ? ESCAPE '\\' AND b = ?`),
      `a LIKE $1 ESCAPE '\\' AND b = $2`,
    );
    // WHERE'…' is not an E'…' string.
    assert.equal(toPostgresPlaceholders(`x = WHERE'\\' AND ?`), `x = WHERE'\\' AND $1`);
  });

  it("types each placeholder by its parameter's value when given the parameters", () => {
    assert.equal(
      toPostgresPlaceholders('? + ? + ? + ? + ? + ?', 1, [1n, 0.5, 'x', true, null, ['a']]),
      '$2::numeric + $3::float8 + $4::text + $5::boolean + $6 + $7',
    );
    assert.throws(() => toPostgresPlaceholders('? + ?', 0, [1n]));
    assert.throws(() => toPostgresPlaceholders('?', 0, [1n, 2n]));
  });
});

describe('toPostgresParams', () => {
  it('sends BigInt as text and other values as they are, text as PostgreSQL can hold it', () => {
    assert.deepEqual(toPostgresParams([9223372036854775807n, -1n, 2.5, true, null, 'a']), [
      '9223372036854775807',
      '-1',
      2.5,
      true,
      null,
      'a',
    ]);
    assert.deepEqual(toPostgresParams(['a\u0000b', '\ud800x', '😀']), [
      'a\ufffdb',
      '\ufffdx',
      '😀',
    ]);
  });

  it('replaces only unpaired surrogates', () => {
    assert.equal(toWellFormed('\udc00\ud83d\ude00\ud800'), '\ufffd😀\ufffd');
  });
});
