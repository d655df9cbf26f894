/** The JSON shapes Heron answers (Phoenix's REST shapes plus Heron's additions). */

export interface HeronProject {
  id: string;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface HeronSpan {
  id: string;
  name: string;
  context: { trace_id: string; span_id: string };
  span_kind: string;
  parent_id: string | null;
  start_time: string;
  end_time: string;
  status_code: 'OK' | 'ERROR' | 'UNSET';
  status_message: string;
  /** Flat dotted keys (`llm.token_count.prompt`), as Phoenix answers them. */
  attributes: Record<string, unknown>;
  events: { name: string; timestamp: string; attributes: Record<string, unknown> }[];
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  latency_ms: number;
  [key: string]: unknown;
}

export interface HeronTrace {
  id: string;
  trace_id: string;
  project_id: string;
  start_time: string;
  end_time: string;
  token_count_prompt: number;
  token_count_completion: number;
  token_count_total: number;
  latency_ms: number;
  span_count: number;
  error_count: number;
  root_span_id: string | null;
  session_id: string | null;
  cost: number | null;
  [key: string]: unknown;
}

export interface HeronSession {
  id: string;
  session_id: string;
  project_id: string;
  start_time: string;
  end_time: string;
  traces: { id: string; trace_id: string; start_time: string; end_time: string }[];
  token_count_prompt: number;
  token_count_completion: number;
  token_count_total: number;
  trace_count: number;
  cost: number | null;
}

export interface HeronAnnotation {
  id: string;
  name: string;
  annotator_kind: 'LLM' | 'CODE' | 'HUMAN';
  result: { label: string | null; score: number | null; explanation: string | null };
  metadata: Record<string, unknown>;
  identifier: string;
  source: string;
  created_at: string;
  updated_at: string;
  span_id?: string;
  trace_id?: string;
  session_id?: string;
}

export interface RetrievalMetrics {
  name: string;
  document_count: number;
  ndcg_at_k: Record<string, number>;
  precision_at_k: Record<string, number>;
  hit_rate: number;
}

export interface AnnotationSummaries {
  project_id: string;
  annotations: {
    target: 'span' | 'trace' | 'session' | 'document';
    name: string;
    count: number;
    score_count: number;
    mean_score: number | null;
    labels: { label: string; count: number; fraction: number }[];
  }[];
  retrieval_metrics: (RetrievalMetrics & { span_count: number })[];
}

export interface SpanRetrievalMetrics {
  span_id: string;
  trace_id: string;
  span_kind: string;
  retrieval_metrics: RetrievalMetrics[];
}
