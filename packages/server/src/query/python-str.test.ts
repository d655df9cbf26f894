import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pythonRepr, pythonStr } from './python-str.js';

test("Python's str() of JSON values", () => {
  assert.equal(pythonStr('plain'), 'plain');
  assert.equal(pythonStr(3), '3');
  assert.equal(pythonStr(0.5), '0.5');
  assert.equal(pythonStr(1e-7), '1e-07');
  assert.equal(pythonStr(1e21), '1e+21');
  assert.equal(pythonStr(true), 'True');
  assert.equal(pythonStr(null), 'None');
  assert.equal(
    pythonStr({ id: 'd1', score: 0.9, tags: ['a', "it's"], ok: false, none: null }),
    `{'id': 'd1', 'score': 0.9, 'tags': ['a', "it's"], 'ok': False, 'none': None}`,
  );
  assert.equal(pythonRepr('a\nb\\c\'d"'), `'a\\nb\\\\c\\'d"'`);
});
