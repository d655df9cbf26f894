import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoreChange } from '../store-change.js';
import {
  changeChannelName,
  decodeChangePayload,
  encodeChangePayload,
  NOTIFY_PAYLOAD_MAX_BYTES,
} from './postgres-change-payload.js';

const traceIds = (n: number) =>
  Array.from({ length: n }, (_, i) => i.toString(16).padStart(32, '0'));

describe('live-update notice payloads', () => {
  it('use heron_changes for public and a channel per schema otherwise, within 63 bytes', () => {
    assert.equal(changeChannelName(), 'heron_changes');
    assert.equal(changeChannelName('public'), 'heron_changes');
    assert.equal(changeChannelName('e2e_ab12'), 'heron_changes_e2e_ab12');
    const long = changeChannelName('s'.repeat(63));
    assert.ok(Buffer.byteLength(long) <= 63, long);
    assert.notEqual(long, changeChannelName(`${'s'.repeat(62)}t`));
  });

  it('round-trip a change', () => {
    const change: StoreChange = {
      type: 'spans',
      projectId: 3,
      projectName: 'proj ü',
      traceIds: traceIds(2),
      spanCount: 5,
    };
    assert.deepEqual(decodeChangePayload(encodeChangePayload(change)), change);
  });

  it('cut trace ids to fit 8000 bytes, keeping the span count', () => {
    const change: StoreChange = {
      type: 'spans',
      projectId: 1,
      projectName: 'p',
      traceIds: traceIds(1000),
      spanCount: 4000,
    };
    const payload = encodeChangePayload(change);
    assert.ok(Buffer.byteLength(payload) <= NOTIFY_PAYLOAD_MAX_BYTES);
    const decoded = decodeChangePayload(payload) as StoreChange & { type: 'spans' };
    assert.equal(decoded.spanCount, 4000);
    assert.deepEqual(decoded.traceIds, change.traceIds.slice(0, decoded.traceIds.length));
    assert.ok(decoded.traceIds.length > 200, `${decoded.traceIds.length} ids kept`);
  });

  it('turn a deletion of too many traces into "anything may have changed"', () => {
    const change: StoreChange = {
      type: 'deleted',
      projectId: 1,
      projectName: 'p',
      traceIds: traceIds(1000),
    };
    assert.deepEqual(decodeChangePayload(encodeChangePayload(change))?.traceIds, []);
  });

  it('cut an absurdly long project name', () => {
    const change: StoreChange = {
      type: 'deleted',
      projectId: 1,
      projectName: 'n'.repeat(20_000),
      traceIds: [],
    };
    const payload = encodeChangePayload(change);
    assert.ok(Buffer.byteLength(payload) <= NOTIFY_PAYLOAD_MAX_BYTES);
    assert.match(decodeChangePayload(payload)!.projectName, /^n+…$/);
  });

  it('ignore what is not a notice of Heron', () => {
    for (const payload of [
      undefined,
      '',
      'hello',
      '[]',
      'null',
      '{"type":"spans"}',
      '{"type":"spans","projectId":1,"projectName":"p","traceIds":[]}',
      '{"type":"other","projectId":1,"projectName":"p","traceIds":[]}',
      '{"type":"deleted","projectId":1.5,"projectName":"p","traceIds":[]}',
      '{"type":"deleted","projectId":1,"projectName":"p","traceIds":[1]}',
    ]) {
      assert.equal(decodeChangePayload(payload), null, String(payload));
    }
  });
});
