/**
 * `npm run fuzz -- --seconds N --seed S [--cases 1]`: a longer fuzz campaign than CI's, against
 * a fresh `heron serve` (PostgreSQL when HERON_E2E_DATABASE_URL is set). Prints the seed, the
 * answers it saw, and for a failure the case seed that replays it.
 */
import { parseArgs } from 'node:util';
import { spawnHeron } from '../../../packages/server/dist/testing/spawn-heron.js';
import { runCampaign } from './fuzz-campaign.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '300' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    cases: { type: 'string' },
  },
});
const seed = Number(values.seed);
const seconds = Number(values.seconds);
const maxCases = values.cases === undefined ? undefined : Number(values.cases);
console.log(`heron fuzz: seed ${seed}, ${seconds} s`);
const heron = await spawnHeron();
try {
  const result = await runCampaign(heron, {
    seed,
    seconds,
    ...(maxCases === undefined ? {} : { maxCases }),
    log: (line) => console.log(`  ${line}`),
  });
  console.log(`${result.cases} cases; answers: ${JSON.stringify(result.statuses)}`);
  console.log(
    `server RSS ${result.rssBeforeBytes >> 20} MiB before, ${result.rssAfterBytes >> 20} MiB after`,
  );
  if (result.failures.length > 0) {
    console.error(`FAILED (seed ${seed}):\n${result.failures.join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log('no failures');
  }
} finally {
  await heron.stop();
}
