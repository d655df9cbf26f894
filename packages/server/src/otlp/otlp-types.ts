/**
 * The OTLP trace export request after decoding, independent of the wire format.
 *
 * Both the protobuf decoder and the OTLP/JSON decoder produce this shape, so everything
 * downstream (`spans/`, `ingest/`) handles one representation. AnyValues are already turned
 * into plain JavaScript values (see `AttributeValue`), ids are lower-case hex strings and
 * timestamps are nanosecond `bigint`s so no precision is lost.
 */

/** A decoded OTLP AnyValue. `kvlist` becomes an object; `bytes` becomes a base64 string. */
export type AttributeValue =
  string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export interface OtlpKeyValue {
  key: string;
  value: AttributeValue;
}

export interface OtlpEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount: number;
}

export interface OtlpLink {
  /** Hex as received; may be invalid (the normalizer validates). */
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount: number;
  flags: number;
}

export interface OtlpStatus {
  /** 0 = UNSET, 1 = OK, 2 = ERROR (other values are treated as UNSET). */
  code: number;
  message: string;
}

export interface OtlpSpan {
  /** Lower-case hex of the raw id bytes; the length is NOT yet validated. */
  traceId: string;
  spanId: string;
  /** Empty string for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  /** OTel SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: OtlpKeyValue[];
  droppedAttributesCount: number;
  events: OtlpEvent[];
  droppedEventsCount: number;
  links: OtlpLink[];
  droppedLinksCount: number;
  status: OtlpStatus;
  flags: number;
}

export interface OtlpScope {
  name: string;
  version: string;
  attributes: OtlpKeyValue[];
}

export interface OtlpScopeSpans {
  scope: OtlpScope;
  spans: OtlpSpan[];
  schemaUrl: string;
}

export interface OtlpResourceSpans {
  resourceAttributes: OtlpKeyValue[];
  scopeSpans: OtlpScopeSpans[];
  schemaUrl: string;
}

export interface OtlpExportRequest {
  resourceSpans: OtlpResourceSpans[];
}
