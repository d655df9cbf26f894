/**
 * Trace and span id validation.
 *
 * The decoders hand ids over as hex without checking their length, because OTLP/JSON and
 * protobuf fail in different ways. A span without a usable id cannot be stored or linked, so
 * the normalizer rejects it with a reason the exporter gets back in the partial-success answer.
 */

export const TRACE_ID_HEX_LENGTH = 32;
export const SPAN_ID_HEX_LENGTH = 16;

/** Lower-case hex of `id` if it is valid hex, else null. Upper-case hex is accepted and folded. */
export function normalizeHex(id: string): string | null {
  let upper = false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) continue;
    if (c >= 0x41 && c <= 0x46) {
      upper = true;
      continue;
    }
    return null;
  }
  return upper ? id.toLowerCase() : id;
}

function isAllZero(hex: string): boolean {
  for (let i = 0; i < hex.length; i++) if (hex.charCodeAt(i) !== 0x30) return false;
  return true;
}

function describeSize(hex: string): string {
  return hex.length % 2 === 0 ? `${hex.length / 2} bytes` : `${hex.length} hex chars`;
}

/** Result of checking one id: the normalized id, or why it is unusable. */
export type IdCheck = { ok: true; id: string } | { ok: false; reason: string };

/**
 * Check a required id (`trace_id` or `span_id`): exact length, hex, not all zeros
 * (the W3C and OTLP specs make the all-zero id invalid).
 */
export function checkRequiredId(name: string, raw: string, hexLength: number): IdCheck {
  const bytes = hexLength / 2;
  if (raw.length !== hexLength) {
    const got = raw.length === 0 ? 'nothing' : describeSize(raw);
    return {
      ok: false,
      reason: `${name} must be ${bytes} bytes (${hexLength} hex chars), got ${got}`,
    };
  }
  const id = normalizeHex(raw);
  if (id === null) return { ok: false, reason: `${name} is not valid hex: ${JSON.stringify(raw)}` };
  if (isAllZero(id)) return { ok: false, reason: `${name} must not be all zeros` };
  return { ok: true, id };
}

/** Result of checking a parent span id: null for a root span. */
export type ParentIdCheck = { ok: true; id: string | null } | { ok: false; reason: string };

/** Empty and all-zero parent ids both mean "root span" (some SDKs send zeros for no parent). */
export function checkParentSpanId(raw: string): ParentIdCheck {
  if (raw.length === 0) return { ok: true, id: null };
  if (raw.length !== SPAN_ID_HEX_LENGTH) {
    return {
      ok: false,
      reason: `parent_span_id must be empty or 8 bytes (16 hex chars), got ${describeSize(raw)}`,
    };
  }
  const id = normalizeHex(raw);
  if (id === null) {
    return { ok: false, reason: `parent_span_id is not valid hex: ${JSON.stringify(raw)}` };
  }
  return { ok: true, id: isAllZero(id) ? null : id };
}
