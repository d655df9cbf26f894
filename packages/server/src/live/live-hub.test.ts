import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import { toGlobalId } from '../api/global-id.js';
import type { StoreChange } from '../store/store-change.js';
import { InProcessChangeFeed } from './in-process-change-feed.js';
import { LiveClientLimitError, LiveHub } from './live-hub.js';
import { DEFAULT_LIVE_SETTINGS, type LiveSettings } from './live-settings.js';

/** A client that reads everything it is sent. */
class ReadingClient extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  /** The `data:` of each event of this kind, parsed. */
  events(kind: string): Record<string, unknown>[] {
    return this.text
      .split('\n\n')
      .filter((block) => block.startsWith(`event: ${kind}\n`))
      .map((block) => JSON.parse(block.split('\ndata: ')[1]!) as Record<string, unknown>);
  }
}

/** A client whose socket never drains: every byte sent to it stays buffered. */
class StuckClient extends Writable {
  override _write(_chunk: Buffer, _encoding: string, _done: () => void): void {}
}

/** The client goes away (its socket closes). */
async function disconnect(client: Writable): Promise<void> {
  const closed = new Promise((resolve) => client.once('close', resolve));
  client.destroy();
  await closed;
}

const spans = (projectId: number, traceIds: string[]): StoreChange => ({
  type: 'spans',
  projectId,
  projectName: `project-${projectId}`,
  traceIds,
  spanCount: traceIds.length,
});

describe('LiveHub', () => {
  let hub: LiveHub | undefined;
  afterEach(() => hub?.close());

  const start = (settings: Partial<LiveSettings> = {}) => {
    const feed = new InProcessChangeFeed();
    const log: string[] = [];
    hub = new LiveHub(
      feed,
      { ...DEFAULT_LIVE_SETTINGS, coalesceMs: 0, ...settings },
      { info: (m) => log.push(m) },
    );
    return { feed, hub, log };
  };

  it('sends retry first, then each project’s events to its own and to all-project clients', () => {
    const { feed, hub } = start();
    const all = new ReadingClient();
    const one = new ReadingClient();
    hub.connect(all, null);
    hub.connect(one, 2);
    assert.ok(all.text.startsWith('retry: 3000\n\n'));
    feed.publish([spans(1, ['a']), spans(2, ['b'])]);
    feed.publish([{ type: 'deleted', projectId: 2, projectName: 'project-2', traceIds: [] }]);
    assert.deepEqual(all.events('spans'), [
      {
        project_id: toGlobalId('Project', 1),
        project_name: 'project-1',
        trace_ids: ['a'],
        span_count: 1,
      },
      {
        project_id: toGlobalId('Project', 2),
        project_name: 'project-2',
        trace_ids: ['b'],
        span_count: 1,
      },
    ]);
    assert.deepEqual(
      one.events('spans').map((e) => e['trace_ids']),
      [['b']],
    );
    assert.deepEqual(one.events('deleted'), [
      { project_id: toGlobalId('Project', 2), project_name: 'project-2', trace_ids: [] },
    ]);
  });

  it('listens to the feed only while it has clients, and forgets clients that disconnect', async () => {
    const { feed, hub } = start();
    assert.equal(feed.wanted, false);
    const client = new ReadingClient();
    hub.connect(client, null);
    assert.equal(feed.wanted, true);
    await disconnect(client);
    assert.equal(hub.clientCount, 0);
    assert.equal(feed.wanted, false);
  });

  it('refuses clients beyond maxClients until one leaves', async () => {
    const { hub } = start({ maxClients: 2 });
    const first = new ReadingClient();
    hub.connect(first, null);
    hub.connect(new ReadingClient(), null);
    assert.equal(hub.hasRoom, false);
    assert.throws(() => hub.connect(new ReadingClient(), null), LiveClientLimitError);
    await disconnect(first);
    assert.equal(hub.hasRoom, true);
    hub.connect(new ReadingClient(), 1);
    assert.equal(hub.clientCount, 2);
  });

  it('disconnects a client that falls maxBufferedBytes behind; the others keep receiving', () => {
    const { feed, hub, log } = start({ maxBufferedBytes: 4096 });
    const stuck = new StuckClient({ highWaterMark: 1 });
    const reading = new ReadingClient();
    hub.connect(stuck, null);
    hub.connect(reading, null);
    const ids = Array.from({ length: 20 }, (_, i) => i.toString(16).padStart(32, '0'));
    for (let i = 0; i < 10; i++) feed.publish([spans(1, ids)]);
    assert.equal(stuck.destroyed, true);
    assert.ok(stuck.writableLength <= 4096, `${stuck.writableLength} bytes buffered`);
    assert.equal(hub.clientCount, 1);
    assert.equal(reading.events('spans').length, 10);
    assert.match(log.join('\n'), /fell 4096 bytes behind/);
  });

  it('pings every pingSeconds', async () => {
    const { hub } = start({ pingSeconds: 1 });
    const client = new ReadingClient();
    hub.connect(client, null);
    await sleep(1100);
    assert.match(client.text, /\n\n: ping\n\n/);
  });

  it('close() ends every stream and refuses new clients', async () => {
    const { hub } = start();
    const client = new ReadingClient();
    hub.connect(client, null);
    const finished = new Promise((resolve) => client.once('finish', resolve));
    hub.close();
    await finished;
    assert.equal(hub.clientCount, 0);
    assert.equal(hub.hasRoom, false);
  });
});
