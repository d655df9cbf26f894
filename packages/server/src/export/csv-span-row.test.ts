import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spanRecord } from '../testing/span-record-fixture.js';
import { CSV_COLUMNS, csvHeader, csvLine, csvSpanRow } from './csv-span-row.js';

test('fields with commas, quotes or line breaks are quoted, quotes doubled; others are not', () => {
  assert.equal(
    csvLine(['a,b', 'say "hi"', 'two\nlines', 'cr\r', 42, null, '']),
    '"a,b","say ""hi""","two\nlines","cr\r",42,,\r\n',
  );
});

test('a span row has one field per header column, input and output as text', () => {
  const { projectName: _project, ...record } = spanRecord({
    attributes: { input: { value: 'q, "quoted"' }, output: { value: ['a', 'b'] } },
  });
  const row = csvSpanRow({ ...record, rowid: 1, projectId: 1 });
  assert.equal(csvHeader().trimEnd().split(',').length, CSV_COLUMNS.length);
  assert.ok(row.includes('"q, ""quoted"""'));
  assert.ok(row.includes('"[""a"",""b""]"'));
  assert.ok(row.endsWith('\r\n'));
});
