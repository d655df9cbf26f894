/**
 * Reading the bodies of POST /v1/{span,trace,session,document}_annotations and
 * /v1/{span,trace,session}_notes (Phoenix's shapes). Every item is checked before anything is
 * written, and the first bad one rejects the request with a message naming it (`data[3].name`):
 * 422 for a malformed item, 400 for the reserved name `note` (as Phoenix), 413 for too many.
 */
import {
  ANNOTATOR_KINDS,
  NOTE_ANNOTATION_NAME,
  type AnnotationTargetKind,
  type AnnotationUpsert,
  type AnnotatorKind,
  type ListableTargetKind,
  type NoteInput,
} from '../store/annotation-store.js';
import { ApiError } from './api-error.js';

type JsonObject = Record<string, unknown>;

/** The body field naming an annotation's target. */
export const TARGET_FIELDS: Record<AnnotationTargetKind, 'span_id' | 'trace_id' | 'session_id'> = {
  span: 'span_id',
  document: 'span_id',
  trace: 'trace_id',
  session: 'session_id',
};

const NOTE_ROUTES: Record<ListableTargetKind, string> = {
  span: '/v1/span_notes',
  trace: '/v1/trace_notes',
  session: '/v1/session_notes',
};

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : JSON.stringify(value);
}

function optionalString(object: JsonObject, field: string, path: string): string | null {
  const value = object[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    throw new ApiError(422, `${path}.${field} must be a string, got ${describe(value)}`);
  }
  return value;
}

function requiredString(object: JsonObject, field: string, path: string): string {
  const value = optionalString(object, field, path)?.trim();
  if (!value) throw new ApiError(422, `${path}.${field} is required (a non-empty string)`);
  return value;
}

/**
 * The target id as stored: span and trace ids are lower-case hex everywhere in Heron; a
 * session id is the user's own string, kept as given (trimmed, as the Phoenix client does).
 */
function targetId(kind: AnnotationTargetKind, object: JsonObject, path: string): string {
  const value = requiredString(object, TARGET_FIELDS[kind], path);
  return kind === 'session' ? value : value.toLowerCase();
}

function annotatorKind(object: JsonObject, path: string): AnnotatorKind {
  const value = object.annotator_kind;
  if (typeof value !== 'string' || !(ANNOTATOR_KINDS as readonly string[]).includes(value)) {
    throw new ApiError(
      422,
      `${path}.annotator_kind must be one of ${ANNOTATOR_KINDS.join(', ')}, got ${describe(value)}`,
    );
  }
  return value as AnnotatorKind;
}

function annotationResult(object: JsonObject, path: string) {
  const result = object.result ?? {};
  if (!isObject(result)) {
    throw new ApiError(422, `${path}.result must be an object, got ${describe(result)}`);
  }
  const label = optionalString(result, 'label', `${path}.result`);
  const explanation = optionalString(result, 'explanation', `${path}.result`);
  const score = result.score ?? null;
  if (score !== null && (typeof score !== 'number' || !Number.isFinite(score))) {
    throw new ApiError(422, `${path}.result.score must be a finite number, got ${describe(score)}`);
  }
  // An annotation that says nothing is a client bug; the Phoenix client refuses it too.
  if (!label?.trim() && score === null && !explanation?.trim()) {
    throw new ApiError(422, `${path}.result must have at least one of label, score or explanation`);
  }
  return { label, score: score as number | null, explanation };
}

function metadata(object: JsonObject, path: string): Record<string, unknown> {
  const value = object.metadata ?? {};
  if (!isObject(value)) {
    throw new ApiError(422, `${path}.metadata must be an object, got ${describe(value)}`);
  }
  return value;
}

function annotationItem(kind: AnnotationTargetKind, item: unknown, path: string): AnnotationUpsert {
  if (!isObject(item)) throw new ApiError(422, `${path} must be an object, got ${describe(item)}`);
  const target = targetId(kind, item, path);
  const name = requiredString(item, 'name', path);
  if (name === NOTE_ANNOTATION_NAME) {
    const hint = kind === 'document' ? '' : `; use POST ${NOTE_ROUTES[kind]}`;
    throw new ApiError(400, `${path}.name "note" is reserved for notes${hint}`);
  }
  const kindOfAnnotator = annotatorKind(item, path);
  const result = annotationResult(item, path);
  const identifier = optionalString(item, 'identifier', path) ?? '';
  const upsert: AnnotationUpsert = {
    targetId: target,
    name,
    annotatorKind: kindOfAnnotator,
    ...result,
    metadata: metadata(item, path),
    identifier,
    source: 'API',
    userId: null,
  };
  if (kind === 'document') {
    // Phoenix keys document annotations on (name, span, position) only.
    if (identifier !== '') {
      throw new ApiError(422, `${path}.identifier must be empty for document annotations`);
    }
    const position = item.document_position;
    if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) {
      throw new ApiError(
        422,
        `${path}.document_position must be an integer >= 0, got ${describe(position)}`,
      );
    }
    upsert.documentPosition = position;
  }
  return upsert;
}

/** `{data: [...]}` → the annotations to upsert, all valid, or an ApiError. */
export function readAnnotationBatch(
  kind: AnnotationTargetKind,
  body: unknown,
  maxAnnotations: number,
): AnnotationUpsert[] {
  const data = isObject(body) ? body.data : undefined;
  if (!Array.isArray(data)) {
    throw new ApiError(422, 'Request body must be a JSON object {"data": [annotation, ...]}');
  }
  if (data.length > maxAnnotations) {
    throw new ApiError(
      413,
      `${data.length} annotations in one request; the limit is ${maxAnnotations} ` +
        '(HERON_MAX_ANNOTATIONS_PER_REQUEST)',
    );
  }
  return data.map((item, i) => annotationItem(kind, item, `data[${i}]`));
}

/** `{data: {span_id|trace_id|session_id, note, identifier?}}` → the note to add. */
export function readNote(kind: ListableTargetKind, body: unknown): NoteInput {
  const data = isObject(body) ? body.data : undefined;
  if (!isObject(data)) {
    throw new ApiError(
      422,
      `Request body must be a JSON object {"data": {"${TARGET_FIELDS[kind]}": ..., "note": ...}}`,
    );
  }
  const target = targetId(kind, data, 'data');
  const note = optionalString(data, 'note', 'data');
  if (!note?.trim()) throw new ApiError(422, 'data.note is required (a non-empty string)');
  return {
    targetId: target,
    text: note,
    identifier: optionalString(data, 'identifier', 'data') ?? undefined,
  };
}
