/**
 * Loaded into the server with NODE_OPTIONS=--import (Node 20 refuses --cpu-prof there): the
 * first SIGUSR2 starts the V8 CPU profiler on the main thread, the second writes
 * HERON_BENCH_PROFILE_DIR/main.cpuprofile. So the profile covers exactly the measured window.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

const dir = process.env.HERON_BENCH_PROFILE_DIR;

if (dir && isMainThread) {
  const session = new Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.setSamplingInterval', { interval: 500 }, () =>
        session.post('Profiler.enable', () => session.post('Profiler.start')),
      );
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      if (error) {
        console.error(`cpu profile: ${error.message}`);
        return;
      }
      // Written under another name first: the benchmark waits for the final name to appear.
      const path = join(dir, 'main.cpuprofile');
      writeFileSync(`${path}.partial`, JSON.stringify(result.profile));
      renameSync(`${path}.partial`, path);
    });
  });
}
