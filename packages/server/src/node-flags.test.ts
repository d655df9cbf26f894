/**
 * Every way of starting `heron serve` passes the same V8 flags (node-flags.ts says why they
 * cannot be set from inside the process).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HERON_NODE_FLAGS, startedWithHeronFlags } from './node-flags.js';

const here = dirname(fileURLToPath(import.meta.url));
const flags = HERON_NODE_FLAGS.join(' ');

describe('Heron node flags', () => {
  it('are on the heron launcher line', () => {
    const launcher = readFileSync(join(here, 'main.js'), 'utf8').split('\n')[0];
    assert.equal(launcher, `#!/usr/bin/env -S node ${flags}`);
  });

  it('are passed by npm start', () => {
    const root = JSON.parse(readFileSync(join(here, '..', '..', '..', 'package.json'), 'utf8'));
    assert.match(
      root.scripts.start,
      new RegExp(`node ${flags} packages/server/dist/main\\.js serve`),
    );
  });

  it('are recognised on the command line and in NODE_OPTIONS, and missed otherwise', () => {
    assert.equal(startedWithHeronFlags([...HERON_NODE_FLAGS], ''), true);
    assert.equal(startedWithHeronFlags([], `--enable-source-maps ${flags}`), true);
    assert.equal(startedWithHeronFlags(['--max-semi-space-size=16'], ''), false);
  });
});
