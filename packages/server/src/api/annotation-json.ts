/**
 * Stored annotations in Phoenix's REST shapes (SpanAnnotation, TraceAnnotation,
 * SessionAnnotation): the request fields plus id, created_at, updated_at, source and user_id.
 */
import type { AnnotationTargetKind, StoredAnnotation } from '../store/annotation-store.js';
import { TARGET_FIELDS } from './annotation-body.js';
import { toGlobalId, type GlobalIdType } from './global-id.js';
import { isoFromUnixNano } from './timestamps.js';

export const ANNOTATION_ID_TYPES: Record<AnnotationTargetKind, GlobalIdType> = {
  span: 'SpanAnnotation',
  trace: 'TraceAnnotation',
  session: 'SessionAnnotation',
  document: 'DocumentAnnotation',
};

export function annotationGlobalId(kind: AnnotationTargetKind, rowid: number): string {
  return toGlobalId(ANNOTATION_ID_TYPES[kind], rowid);
}

export function annotationJson(annotation: StoredAnnotation) {
  const kind = annotation.targetKind;
  return {
    id: annotationGlobalId(kind, annotation.rowid),
    created_at: isoFromUnixNano(annotation.createdAtUnixNano),
    updated_at: isoFromUnixNano(annotation.updatedAtUnixNano),
    source: annotation.source,
    user_id: annotation.userId,
    name: annotation.name,
    annotator_kind: annotation.annotatorKind,
    result: {
      label: annotation.label,
      score: annotation.score,
      explanation: annotation.explanation,
    },
    metadata: annotation.metadata,
    identifier: annotation.identifier,
    [TARGET_FIELDS[kind]]: annotation.targetId,
    ...(kind === 'document' ? { document_position: annotation.documentPosition } : {}),
  };
}
