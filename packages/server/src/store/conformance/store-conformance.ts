/**
 * The Store conformance suite: the same tests for every backend, through the `Store` and
 * `AnnotationStore` interfaces only. A backend runs it from a test file of its own:
 *
 *   runStoreConformance({ name: 'sqlite', open: async () => ({ store, close }) });
 *
 * See docs/store-conformance.md.
 */
import { describe } from 'node:test';
import { annotationConformance } from './annotation-conformance.js';
import { costConformance } from './cost-conformance.js';
import { editConformance } from './edit-conformance.js';
import { ingestConformance } from './ingest-conformance.js';
import { listConformance } from './list-conformance.js';
import { projectClearConformance } from './project-clear-conformance.js';
import { retentionConformance } from './retention-conformance.js';
import { searchConformance } from './search-conformance.js';
import { sessionFiguresConformance } from './session-figures-conformance.js';
import { uiApiConformance } from './ui-api-conformance.js';
import { uiSortConformance } from './ui-sort-conformance.js';
import type { StoreFactory } from './store-factory.js';

export type { OpenedStore, StoreFactory } from './store-factory.js';

export interface ConformanceOptions {
  /** Why the backend cannot run here (no server to talk to, say): the suite is skipped. */
  skip?: string;
}

export function runStoreConformance(factory: StoreFactory, options: ConformanceOptions = {}): void {
  describe(`Store conformance: ${factory.name}`, { skip: options.skip ?? false }, () => {
    ingestConformance(factory);
    listConformance(factory);
    editConformance(factory);
    searchConformance(factory);
    annotationConformance(factory);
    costConformance(factory);
    uiApiConformance(factory);
    uiSortConformance(factory);
    sessionFiguresConformance(factory);
    projectClearConformance(factory);
    retentionConformance(factory);
  });
}
