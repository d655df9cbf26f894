/**
 * PostgresStore edits (deleting spans, traces, sessions and projects, moving traces) while two nodes
 * ingest the same traces: nothing deadlocks for good or fails, and afterwards every trace and
 * session rollup is exactly what the definition gives for the spans left in the database.
 * (What edits do on a quiet store is the conformance suite's part.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SpanRecord } from '../../spans/span-record.js';
import { PostgresStore } from './postgres-store.js';
import { createTestSchema, postgresUnavailable } from './postgres-test-database.js';
import { randomBatches, randomTraces, seededRandom, shuffle } from './random-trace-workload.js';
import { expectedRollups, postgresSnapshot } from './rollup-snapshot.js';

const skip = await postgresUnavailable();

describe('PostgresStore edits during ingestion on two nodes', { skip }, () => {
  it('leave exact rollups for the spans that remain', async (t) => {
    const db = await createTestSchema();
    try {
      // The pools belong to the test schema, which ends them; the stores are not closed.
      const nodes = [new PostgresStore(db.newPool()), new PostgresStore(db.newPool())];
      const spans = randomTraces({
        seed: 7,
        traces: 80,
        tracePrefix: 'ed',
        projects: ['north', 'south'],
        sessionsPerProject: 3,
        maxSpansPerTrace: 8,
      });
      const random = seededRandom(77);
      // Half the traces go in first, so the edits have something to work on from the start.
      const early = spans.filter((span) => span.traceId.charCodeAt(span.traceId.length - 1) % 2);
      await nodes[0]!.insertSpans(early);
      await nodes[0]!.createProject('elsewhere', null);
      const byKey = new Map(spans.map((span) => [`${span.traceId}:${span.spanId}`, span]));

      let ingesting = true;
      const ingest = Promise.all(
        nodes.map(async (node) => {
          for (const batch of randomBatches(shuffle(spans, random), 6, random)) {
            await node.insertSpans(batch);
          }
        }),
      ).finally(() => {
        ingesting = false;
      });
      const edits = { spans: 0, traces: 0, sessions: 0, moved: 0, projects: 0 };
      const edit = async (node: PostgresStore) => {
        const traceIds = [...new Set(spans.map((span) => span.traceId))];
        do {
          const traceId = traceIds[Math.floor(random() * traceIds.length)]!;
          const trace = await node.getTrace(traceId);
          if (!trace) continue;
          const choice = random();
          if (choice < 0.5) {
            const [span] = await node.listTraceSpans(trace.rowid, 1);
            if (span && (await node.deleteSpan(span.rowid))) edits.spans++;
          } else if (choice < 0.8) {
            const name = random() < 0.5 ? 'elsewhere' : 'north';
            const to =
              (await node.getProjectByName(name)) ?? (await node.createProject(name, null));
            try {
              if (to) edits.moved += await node.transferTraces([trace.rowid], to.rowid);
            } catch (error) {
              // The other node deleted the destination meanwhile: refused, as on SQLite.
              if ((error as { code?: string }).code !== '23503') throw error;
            }
          } else if (choice < 0.9) {
            if (await node.deleteTrace(trace.rowid)) edits.traces++;
          } else if (choice < 0.91) {
            // Everything in it goes; spans that name it later make it again.
            if (await node.deleteProject(trace.projectId)) edits.projects++;
          } else if (trace.sessionId !== null) {
            const session = await node.getSession(trace.projectId, trace.sessionId);
            if (session) edits.sessions += await node.deleteSessions([session.rowid]);
          }
        } while (ingesting);
      };
      await Promise.all([ingest, edit(nodes[0]!), edit(nodes[1]!)]);
      t.diagnostic(
        `spans deleted ${edits.spans}, traces deleted ${edits.traces}, ` +
          `sessions deleted ${edits.sessions}, traces moved ${edits.moved}, ` +
          `projects deleted ${edits.projects}`,
      );
      assert.ok(edits.spans + edits.moved + edits.traces > 0, 'edits ran during ingestion');

      // What is stored is the truth now: each remaining span as sent, in its trace's project.
      const actual = await postgresSnapshot(db.pool);
      const remaining: SpanRecord[] = actual.spans.map((stored) => ({
        ...byKey.get(`${stored.traceId}:${stored.spanId}`)!,
        projectName: stored.project,
      }));
      const expected = expectedRollups(remaining);
      assert.deepEqual(actual.traces, expected.traces, 'trace rollups');
      assert.deepEqual(actual.sessions, expected.sessions, 'session rollups, none left empty');
    } finally {
      await db.drop();
    }
  });
});
