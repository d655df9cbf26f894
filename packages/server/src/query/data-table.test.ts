import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inferColumnKind } from './data-table.js';

test('dtypes as pandas infers them from Python values', () => {
  assert.equal(inferColumnKind([]), 'object');
  assert.equal(inferColumnKind([null, null]), 'object');
  assert.equal(inferColumnKind(['a', null]), 'string');
  assert.equal(inferColumnKind([1, 2]), 'int64');
  assert.equal(inferColumnKind([1, null]), 'float64');
  assert.equal(inferColumnKind([1, 2.5]), 'float64');
  assert.equal(inferColumnKind([2 ** 60, 1]), 'float64');
  assert.equal(inferColumnKind([true, false]), 'bool');
  assert.equal(inferColumnKind([true, null]), 'object');
  assert.equal(inferColumnKind([1n, null]), 'datetime');
  assert.equal(inferColumnKind(['a', 1]), 'object');
  assert.equal(inferColumnKind([{ a: 1 }]), 'object');
  assert.equal(inferColumnKind([[1]]), 'object');
});
