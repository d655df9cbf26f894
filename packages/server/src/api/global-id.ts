/**
 * Phoenix-style GlobalIDs: base64 of "<Type>:<rowid>" (Relay convention), e.g.
 * "UHJvamVjdDox" = "Project:1". Every identifier parameter also accepts the natural id.
 */
export type GlobalIdType =
  | 'Project'
  | 'Trace'
  | 'Span'
  | 'ProjectSession'
  | 'SpanAnnotation'
  | 'TraceAnnotation'
  | 'SessionAnnotation'
  | 'DocumentAnnotation'
  | 'AnnotationConfig'
  | 'SavedView'
  | 'ModelPrice';

export function toGlobalId(type: GlobalIdType, rowid: number): string {
  return Buffer.from(`${type}:${rowid}`).toString('base64');
}

/** The rowid if `id` is a GlobalID of `type`, else null (so the caller can try a natural id). */
export function fromGlobalId(type: GlobalIdType, id: string): number | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(id)) return null;
  const decoded = Buffer.from(id, 'base64').toString('utf8');
  const prefix = `${type}:`;
  if (!decoded.startsWith(prefix)) return null;
  const rowid = Number(decoded.slice(prefix.length));
  return Number.isSafeInteger(rowid) && rowid > 0 ? rowid : null;
}
