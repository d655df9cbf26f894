/**
 * The change feed: what committed writes changed (store/store-change.ts), for live updates.
 *
 * On SQLite the store publishes into an in-process feed after each commit. On PostgreSQL every
 * write NOTIFYs in its own transaction and each node's feed LISTENs, so a node hears every
 * node's writes, its own included, each exactly once, and only after they committed.
 */
import type { StoreChange } from '../store/store-change.js';

export type ChangeListener = (change: StoreChange) => void;

export interface ChangeFeed {
  /** Calls `listener` for every change from now on; returns the unsubscribe function. */
  subscribe(listener: ChangeListener): () => void;
  close(): Promise<void>;
}

/** Listeners of a feed; one failing listener does not keep the change from the others. */
export class ChangeListeners {
  private readonly listeners = new Set<ChangeListener>();

  get size(): number {
    return this.listeners.size;
  }

  add(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(change: StoreChange, onError: (error: unknown) => void): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        onError(error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
