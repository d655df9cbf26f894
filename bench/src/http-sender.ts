/**
 * POSTs OTLP protobuf bodies over keep-alive connections and reads the export response, so the
 * benchmark counts only what the server acknowledged (partial_success rejections subtracted).
 */
import { Agent, request } from 'node:http';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

export interface ExportOutcome {
  status: number;
  /** Spans the server rejected in a 200 (partial_success.rejected_spans). */
  rejectedSpans: number;
  /** Seconds from Retry-After on 503, if any. */
  retryAfterSeconds?: number;
  /** Response text of a non-200 (for the report), or the transport error. */
  error?: string;
}

export class OtlpHttpSender {
  readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, maxSockets: number) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  send(body: Buffer): Promise<ExportOutcome> {
    return new Promise((resolve) => {
      const req = request(
        {
          host: this.host,
          port: this.port,
          path: '/v1/traces',
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) =>
            resolve({ status: 0, rejectedSpans: 0, error: error.message }),
          );
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const payload = Buffer.concat(chunks);
            if (status === 200) {
              resolve({ status, rejectedSpans: rejectedSpansOf(payload) });
              return;
            }
            const retryAfter = Number(res.headers['retry-after']);
            resolve({
              status,
              rejectedSpans: 0,
              retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
              error: payload
                .toString('utf8')
                .replace(/[^\x20-\x7e]+/g, ' ')
                .slice(0, 300),
            });
          });
        },
      );
      req.on('error', (error) => resolve({ status: 0, rejectedSpans: 0, error: error.message }));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function rejectedSpansOf(payload: Buffer): number {
  if (payload.length === 0) return 0;
  const response = ProtobufTraceSerializer.deserializeResponse(payload);
  return Number(response.partialSuccess?.rejectedSpans ?? 0);
}
