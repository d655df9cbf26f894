/** The JSON shapes of the Heron API routes the project pages read (see README "REST API"). */

export interface Project {
  id: string;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProjectSummary {
  project_id: string;
  trace_count: number;
  span_count: number;
  error_trace_count: number;
  latency_ms_p50: number | null;
  latency_ms_p90?: number | null;
  latency_ms_p99: number | null;
  token_count_prompt: number;
  token_count_completion: number;
  token_count_total: number;
  cost: number | null;
  cost_prompt?: number | null;
  cost_completion?: number | null;
  session_count?: number;
  last_activity?: string | null;
}

export type StatusCode = 'OK' | 'ERROR' | 'UNSET';

export interface SpanOutline {
  id: string;
  span_id: string;
  parent_id: string | null;
  name: string;
  span_kind: string;
  status_code: StatusCode;
  start_time: string;
  end_time: string;
}

export interface Trace {
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
  spans?: SpanOutline[];
}

export type AttributeValue = string | number | boolean | null | AttributeValue[] | object;

export interface Span {
  id: string;
  name: string;
  context: { trace_id: string; span_id: string };
  span_kind: string;
  parent_id: string | null;
  start_time: string;
  end_time: string;
  status_code: StatusCode;
  status_message: string;
  /** Flat dotted keys, e.g. `input.value`, `llm.token_count.total`. */
  attributes: Record<string, AttributeValue>;
  latency_ms: number;
  /** USD of an LLM span with a known price; null = no price. */
  cost?: number | null;
}

export interface Session {
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
  /** Sum of its traces' costs; null while none has a price. */
  cost: number | null;
  latency_ms_p50: number | null;
  first_input_preview: string | null;
  last_output_preview: string | null;
  user_id: string | null;
}

export interface Annotation {
  id: string;
  name: string;
  annotator_kind: string;
  result: { label: string | null; score: number | null; explanation: string | null };
  span_id?: string;
  trace_id?: string;
  created_at: string;
}

export interface MetricsBucket {
  start_time: string;
  trace_count: number;
  error_trace_count: number;
  latency_ms_p50: number | null;
  latency_ms_p90: number | null;
  latency_ms_p99: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost: number | null;
}

export interface ProjectMetrics {
  start_time: string;
  end_time: string;
  bucket_seconds: number;
  buckets: MetricsBucket[];
  models: {
    model_name: string;
    span_count: number;
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    cost: number | null;
  }[];
  span_kinds: { span_kind: string; span_count: number }[];
}

export type ViewTable = 'traces' | 'spans';

export interface SavedView {
  id: string;
  name: string;
  table: ViewTable;
  filter: string | null;
  q: string | null;
  columns: string[];
  sort: string | null;
  order: 'asc' | 'desc' | null;
  root_spans_only: boolean | null;
  created_at: string;
  updated_at: string;
}

export interface FilterSuggestions {
  attribute_keys: string[];
  annotation_names: string[];
  span_kinds: string[];
}

export interface FilterValidation {
  valid: boolean;
  message?: string;
  position?: number;
  suggestion?: string;
}

export interface Paged<T> {
  data: T[];
  next_cursor: string | null;
}
