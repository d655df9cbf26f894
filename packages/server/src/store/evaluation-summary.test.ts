import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  annotationSummaries,
  documentRelevance,
  projectRetrievalMetrics,
  retrievalMetrics,
} from './evaluation-summary.js';

test('relevance: the score, else the label, else not relevant', () => {
  assert.equal(documentRelevance({ score: 0.5, label: 'irrelevant' }), 0.5);
  assert.equal(documentRelevance({ score: null, label: 'Relevant' }), 1);
  assert.equal(documentRelevance({ score: null, label: 'TRUE' }), 1);
  assert.equal(documentRelevance({ score: null, label: 'unrelated' }), 0);
  assert.equal(documentRelevance({ score: null, label: null }), 0);
});

test('retrieval metrics of one retrieval, computed by hand', () => {
  // Relevances by position: [0, 1, 0.5]; position 3 has no annotation.
  const metrics = retrievalMetrics('relevance', [
    { documentPosition: 2, score: 0.5, label: null },
    { documentPosition: 0, score: null, label: 'irrelevant' },
    { documentPosition: 1, score: 1, label: null },
  ]);
  const dcg3 = 1 / Math.log2(3) + 0.5 / Math.log2(4);
  const idcg3 = 1 + 0.5 / Math.log2(3);
  assert.equal(metrics.ndcgAtK['1'], 0);
  assert.ok(Math.abs(metrics.ndcgAtK['3']! - dcg3 / idcg3) < 1e-12);
  assert.equal(metrics.precisionAtK['1'], 0);
  assert.equal(metrics.precisionAtK['3'], 2 / 3);
  assert.equal(metrics.precisionAtK['10'], 0.2);
  assert.equal(metrics.hitRate, 1);
  assert.equal(metrics.documentCount, 3);
});

test('no relevant document: NDCG, precision and hit are 0', () => {
  const metrics = retrievalMetrics('r', [{ documentPosition: 0, score: 0, label: null }]);
  assert.deepEqual(metrics.ndcgAtK, { '1': 0, '3': 0, '5': 0, '10': 0 });
  assert.equal(metrics.hitRate, 0);
});

test('project metrics average over spans, per name', () => {
  const rows = [
    { spanRowid: 1, spanId: 'a', name: 'r', documentPosition: 0, score: 1, label: null },
    { spanRowid: 2, spanId: 'b', name: 'r', documentPosition: 0, score: 0, label: null },
    { spanRowid: 2, spanId: 'b', name: 'other', documentPosition: 1, score: 1, label: null },
  ];
  const [other, r] = projectRetrievalMetrics(rows);
  assert.equal(r!.name, 'r');
  assert.equal(r!.spanCount, 2);
  assert.equal(r!.precisionAtK['1'], 0.5);
  assert.equal(r!.hitRate, 0.5);
  assert.equal(other!.spanCount, 1);
  assert.equal(other!.ndcgAtK['1'], 0);
  assert.equal(other!.ndcgAtK['3'], 1 / Math.log2(3));
});

test('summaries: count, mean score over scored rows, label fractions over labelled rows', () => {
  const [summary] = annotationSummaries([
    { target: 'span', name: 'q', label: 'good', count: 3, scoreCount: 3, scoreSum: 3 },
    { target: 'span', name: 'q', label: 'bad', count: 1, scoreCount: 0, scoreSum: null },
    { target: 'span', name: 'q', label: null, count: 4, scoreCount: 1, scoreSum: 0 },
  ]);
  assert.equal(summary!.count, 8);
  assert.equal(summary!.meanScore, 3 / 4);
  assert.deepEqual(summary!.labels, [
    { label: 'good', count: 3, fraction: 0.75 },
    { label: 'bad', count: 1, fraction: 0.25 },
  ]);
});
