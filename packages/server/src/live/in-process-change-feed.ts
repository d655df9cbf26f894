/**
 * The change feed of a single process (SQLite): the store publishes into it after each commit.
 */
import type { StoreChange, StoreChangeSink } from '../store/store-change.js';
import { ChangeListeners, type ChangeFeed, type ChangeListener } from './change-feed.js';

export class InProcessChangeFeed implements ChangeFeed, StoreChangeSink {
  private readonly listeners = new ChangeListeners();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  /** The store skips describing its changes while nobody listens. */
  get wanted(): boolean {
    return this.listeners.size > 0;
  }

  publish(changes: StoreChange[]): void {
    for (const change of changes) this.listeners.emit(change, this.onListenerError);
  }

  subscribe(listener: ChangeListener): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
