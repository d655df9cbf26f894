/**
 * Binary array parameters read back by a real PostgreSQL: every element type the span writer
 * sends, with NULLs, edge values and text node-pg would have had to escape.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { connectClient } from './postgres-connection.js';
import { pgBinaryArray, type PgBinaryElementType } from './postgres-binary-array.js';
import { postgresUnavailable, TEST_DATABASE_URL } from './postgres-test-database.js';

const skip = await postgresUnavailable();

describe('pgBinaryArray', { skip }, () => {
  let client: pg.Client;
  before(async () => {
    client = await connectClient(TEST_DATABASE_URL);
  });
  after(async () => {
    await client?.end();
  });

  /** The array unnested by PostgreSQL, each element as text (NULL as null), in order. */
  async function roundTrip(type: PgBinaryElementType, values: unknown[]): Promise<unknown[]> {
    const { rows } = await client.query<{ v: string | null }>(
      `SELECT v::text AS v FROM unnest($1::${type}[]) WITH ORDINALITY AS u(v, n) ORDER BY n`,
      [pgBinaryArray(type, values as never)],
    );
    return rows.map((row) => row.v);
  }

  it('sends text as it is: quotes, backslashes, braces, newlines, any script, empty', async () => {
    const values = ['plain', 'say "hi" \\ {a,b}', 'line\nbreak\ttab', '請求書 café 🦆', '', null];
    assert.deepEqual(await roundTrip('text', values), values);
  });

  it('turns a lone surrogate into U+FFFD, as the text encoding does', async () => {
    assert.deepEqual(await roundTrip('text', ['a\ud800b']), ['a\ufffdb']);
  });

  it('sends JSON documents that jsonb parses', async () => {
    const docs = ['{"a": 1, "b": "x\\"y"}', '[1, 2, {"c": null}]', '"s"', null];
    const { rows } = await client.query<{ v: unknown }>(
      'SELECT v FROM unnest($1::jsonb[]) WITH ORDINALITY AS u(v, n) ORDER BY n',
      [pgBinaryArray('jsonb', docs)],
    );
    assert.deepEqual(
      rows.map((row) => row.v),
      [{ a: 1, b: 'x"y' }, [1, 2, { c: null }], 's', null],
    );
  });

  it('sends bigints from bigints, numbers and decimal strings, negative ones included', async () => {
    const values = [0n, -1, 1795497534558404954n, '-9223372036854775808', 9007199254740991, null];
    assert.deepEqual(await roundTrip('bigint', values), [
      '0',
      '-1',
      '1795497534558404954',
      '-9223372036854775808',
      '9007199254740991',
      null,
    ]);
    assert.deepEqual(await roundTrip('bigint', [-4294967297, 4294967296]), [
      '-4294967297',
      '4294967296',
    ]);
  });

  it('refuses integers PostgreSQL could not store instead of wrapping them', () => {
    assert.throws(() => pgBinaryArray('bigint', [2n ** 63n]), RangeError);
    assert.throws(() => pgBinaryArray('bigint', [1.5]), RangeError);
    assert.throws(() => pgBinaryArray('integer', [2 ** 31]), RangeError);
  });

  it('sends integers and doubles, NaN and infinities included', async () => {
    assert.deepEqual(await roundTrip('integer', [0, -5, 2147483647, null]), [
      '0',
      '-5',
      '2147483647',
      null,
    ]);
    assert.deepEqual(await roundTrip('double precision', [0.1, -2.5e-300, NaN, Infinity, null]), [
      '0.1',
      '-2.5e-300',
      'NaN',
      'Infinity',
      null,
    ]);
  });

  it('grows past its first estimate for long multi-byte text', async () => {
    const long = '🦆'.repeat(100_000);
    assert.deepEqual(await roundTrip('text', [long, 'é'.repeat(70_000)]), [
      long,
      'é'.repeat(70_000),
    ]);
  });
});
