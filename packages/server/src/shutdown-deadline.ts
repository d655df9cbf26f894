/**
 * The bound on a graceful shutdown (HERON_SHUTDOWN_TIMEOUT_SECONDS). After SIGTERM Heron stops
 * accepting, lets in-flight requests finish and commits its queue; if that takes longer than the
 * deadline (a database that does not answer, say), it exits non-zero and says what was left, so
 * an orchestrator's log shows why — nothing left in the queue was acknowledged, so exporters
 * still hold those spans and will resend them.
 */
import type { HeronServer } from './server.js';

export interface ShutdownOutcome {
  exitCode: number;
  message: string;
}

export async function shutDownWithin(
  server: HeronServer,
  timeoutSeconds: number,
): Promise<ShutdownOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ShutdownOutcome>((resolve) => {
    timer = setTimeout(() => {
      const queued = server.queue.stats.queuedSpans;
      const requests = server.inFlightRequests();
      resolve({
        exitCode: 1,
        message:
          `shutdown did not finish within ${timeoutSeconds} s (HERON_SHUTDOWN_TIMEOUT_SECONDS): ` +
          `${queued} span(s) still waiting for their commit, ${requests} HTTP request(s) ` +
          'unanswered; none of them were acknowledged, so exporters will resend them',
      });
    }, timeoutSeconds * 1000);
  });
  const closed = server.close().then(
    (): ShutdownOutcome => ({
      exitCode: 0,
      message: 'shutdown complete: everything queued is committed',
    }),
    (error: Error): ShutdownOutcome => ({
      exitCode: 1,
      message: `shutdown failed: ${error.message}`,
    }),
  );
  try {
    return await Promise.race([closed, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
