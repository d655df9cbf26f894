/**
 * The fuzz suite in CI: a fixed seed and a bounded time (HERON_FUZZ_SECONDS, default 30) against
 * a real `heron serve` over HTTP and gRPC. See fuzz/fuzz-campaign.ts for what is checked;
 * `npm run fuzz -- --seconds N --seed S` runs longer campaigns locally.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnHeron } from '../../packages/server/dist/testing/spawn-heron.js';
import { runCampaign } from './fuzz/fuzz-campaign.js';
import { postOtlp, JSON_TYPE } from './support/otlp-post.js';
import { randomSpanId, randomTraceId } from './support/synthetic-spans.js';

const SEED = Number(process.env['HERON_FUZZ_SEED'] ?? 8_0808);
const SECONDS = Number(process.env['HERON_FUZZ_SECONDS'] ?? 30);

test(`fuzz (seed ${SEED}, ${SECONDS} s): no 5xx, no crash, bounded memory, nothing rejected stored`, async () => {
  const heron = await spawnHeron();
  try {
    const result = await runCampaign(heron, { seed: SEED, seconds: SECONDS });
    console.log(`fuzz: ${result.cases} cases, answers ${JSON.stringify(result.statuses)}`);
    assert.deepEqual(result.failures, [], `fuzz failures (seed ${SEED})`);
    assert.ok(result.cases > 100, `only ${result.cases} cases ran`);
    const kinds = Object.keys(result.statuses).join(' ');
    for (const expected of ['http 200', 'http 400', 'grpc OK', 'grpc INVALID_ARGUMENT']) {
      assert.ok(kinds.includes(expected), `the campaign saw "${expected}" (${kinds})`);
    }
  } finally {
    assert.equal(await heron.stop(), 0, 'the server shut down cleanly after the campaign');
  }
});

// Found by this suite: an attribute nested deeper than SQLite's JSON depth limit (1000) was
// stored, after which every filter reading span JSON in its project answered 500. The decoders
// now refuse values nested deeper than 32 levels (otlp/value-depth.ts) and spans/ bounds what it
// builds from keys and JSON strings (spans/nesting-depth.ts).
test('a span with an attribute nested 1,100 deep does not break filters of its project', async () => {
  const heron = await spawnHeron();
  try {
    const depth = 1100;
    const now = BigInt(Date.now()) * 1_000_000n;
    const deep = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"x"}${']}}'.repeat(depth)}`;
    const body =
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${randomTraceId()}",` +
      `"spanId":"${randomSpanId()}","name":"deep","startTimeUnixNano":"${now}",` +
      `"endTimeUnixNano":"${now + 1000n}","attributes":[{"key":"deep","value":${deep}}]}]}]}]}`;
    const posted = await postOtlp(heron.baseUrl, body, {
      contentType: JSON_TYPE,
      headers: { 'x-project-name': 'deep' },
    });
    assert.equal(posted.status, 400, 'the request is refused as malformed');
    // Deep keys and deep JSON-string attributes are stored, bounded.
    const bounded = await postOtlp(
      heron.baseUrl,
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${randomTraceId()}",` +
        `"spanId":"${randomSpanId()}","name":"deep-key","startTimeUnixNano":"${now}",` +
        `"endTimeUnixNano":"${now + 1000n}","attributes":[` +
        `{"key":"${Array.from({ length: 1100 }, (_, i) => `k${i}`).join('.')}","value":{"stringValue":"v"}},` +
        `{"key":"metadata","value":{"stringValue":"${'['.repeat(1100)}1${']'.repeat(1100)}"}}]}]}]}]}`,
      { contentType: JSON_TYPE, headers: { 'x-project-name': 'deep' } },
    );
    assert.equal(bounded.status, 200);
    const filter = encodeURIComponent("metadata['a'] == 'b'");
    const response = await fetch(`${heron.baseUrl}/v1/projects/deep/spans?filter=${filter}`);
    assert.equal(response.status, 200, `answered ${response.status}`);
  } finally {
    await heron.stop();
  }
});
