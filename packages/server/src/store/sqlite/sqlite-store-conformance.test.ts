/** The Store conformance suite (store/conformance/) against SqliteStore. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreConformance } from '../conformance/store-conformance.js';
import { SqliteStore } from './sqlite-store.js';

runStoreConformance({
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'heron-conformance-'));
    // Two reader threads: fewer threads to start per store, still more than one.
    const store = await SqliteStore.open({
      path: join(dir, 'heron.db'),
      synchronous: 'NORMAL',
      readerThreads: 2,
    });
    return {
      store,
      async close() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
