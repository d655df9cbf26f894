/**
 * How the conformance suite gets stores from a backend, and the hooks that hand one to each
 * test (or to each block of tests that only read a shared fixture).
 */
import { after, afterEach, before, beforeEach } from 'node:test';
import type { Store } from '../store.js';

export interface OpenedStore {
  store: Store;
  /** Closes the store and removes everything it stored (file, schema, database…). */
  close(): Promise<void>;
}

export interface StoreFactory {
  /** Shown in the test names, e.g. `sqlite`, `postgres`. */
  name: string;
  /** A fresh, empty store: migrated (seeded rows included), with no project or span yet. */
  open(): Promise<OpenedStore>;
}

/** What a test calls to get its store; throws outside a test (a programming error). */
export type StoreAccess = () => Store;

function access(opened: () => OpenedStore | null): StoreAccess {
  return () => {
    const current = opened();
    if (!current) throw new Error('no store is open here: call the accessor inside a test');
    return current.store;
  };
}

/** Registers hooks in the enclosing `describe`: a fresh store for every test in it. */
export function storePerTest(factory: StoreFactory): StoreAccess {
  let opened: OpenedStore | null = null;
  beforeEach(async () => {
    opened = await factory.open();
  });
  afterEach(async () => {
    const closing = opened;
    opened = null;
    await closing?.close();
  });
  return access(() => opened);
}

/**
 * Registers hooks in the enclosing `describe`: one store for all its tests, filled by `seed`.
 * Only for blocks whose tests read the fixture and never write, so that they stay independent
 * of each other and of their order.
 */
export function storePerBlock(
  factory: StoreFactory,
  seed: (store: Store) => Promise<void>,
): StoreAccess {
  let opened: OpenedStore | null = null;
  before(async () => {
    opened = await factory.open();
    await seed(opened.store);
  });
  after(async () => {
    const closing = opened;
    opened = null;
    await closing?.close();
  });
  return access(() => opened);
}
