/**
 * The wire format of live-update notices between Heron nodes on PostgreSQL: the channel they are
 * sent on (`NOTIFY heron_changes`) and the JSON payload of one change.
 *
 * PostgreSQL refuses a NOTIFY payload of 8000 bytes or more, so a change naming many traces is
 * cut down to the trace ids that fit (about 200); its span count stays exact. Live clients only
 * ever get a capped list of trace ids anyway (live/change-coalescer.ts). A deletion naming too
 * many traces names none instead, which means "anything in the project may have changed".
 */
import { createHash } from 'node:crypto';
import type { StoreChange } from '../store-change.js';
import { DEFAULT_DATABASE_SCHEMA } from './postgres-connection.js';

/** Largest payload PostgreSQL accepts ("must be shorter than 8000 bytes"). */
export const NOTIFY_PAYLOAD_MAX_BYTES = 7999;

const CHANNEL = 'heron_changes';
/** PostgreSQL identifiers (channel names included) are at most 63 bytes. */
const MAX_CHANNEL_BYTES = 63;
/** A project name longer than this (bytes) is cut in a notice (names are normally short). */
const MAX_NAME_BYTES = 2000;

/**
 * The channel of a schema: `heron_changes` for `public`, `heron_changes_<schema>` for others,
 * so several Heron deployments sharing one database (a schema each) do not hear each other.
 */
export function changeChannelName(schema: string = DEFAULT_DATABASE_SCHEMA): string {
  if (schema === DEFAULT_DATABASE_SCHEMA) return CHANNEL;
  const named = `${CHANNEL}_${schema}`;
  if (Buffer.byteLength(named) <= MAX_CHANNEL_BYTES) return named;
  return `${CHANNEL}_${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
}

/** The notice of one change, within NOTIFY's size limit. */
export function encodeChangePayload(change: StoreChange): string {
  const text = JSON.stringify(change);
  if (Buffer.byteLength(text) <= NOTIFY_PAYLOAD_MAX_BYTES) return text;
  let projectName = change.projectName;
  if (Buffer.byteLength(projectName) > MAX_NAME_BYTES) {
    projectName = `${Buffer.from(projectName).subarray(0, MAX_NAME_BYTES).toString()}…`;
  }
  if (change.type === 'deleted') return JSON.stringify({ ...change, projectName, traceIds: [] });
  let budget =
    NOTIFY_PAYLOAD_MAX_BYTES -
    Buffer.byteLength(JSON.stringify({ ...change, projectName, traceIds: [] }));
  const traceIds: string[] = [];
  for (const id of change.traceIds) {
    const cost = Buffer.byteLength(JSON.stringify(id)) + (traceIds.length > 0 ? 1 : 0);
    if (cost > budget) break;
    budget -= cost;
    traceIds.push(id);
  }
  return JSON.stringify({ ...change, projectName, traceIds });
}

/** The change a notice carries, or null when it is not one (another program on the channel). */
export function decodeChangePayload(payload: string | undefined): StoreChange | null {
  if (payload === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const common =
    Number.isSafeInteger(v['projectId']) &&
    typeof v['projectName'] === 'string' &&
    Array.isArray(v['traceIds']) &&
    v['traceIds'].every((id) => typeof id === 'string');
  if (!common) return null;
  const base = {
    projectId: v['projectId'] as number,
    projectName: v['projectName'] as string,
    traceIds: v['traceIds'] as string[],
  };
  if (v['type'] === 'deleted') return { type: 'deleted', ...base };
  if (v['type'] === 'spans' && Number.isSafeInteger(v['spanCount'])) {
    return { type: 'spans', ...base, spanCount: v['spanCount'] as number };
  }
  return null;
}
