/**
 * Python's `str()` of a JSON value. Phoenix's `concat` joins `str(value)` of each element, so a
 * dict comes out as its Python repr (`{'id': 1}`), `True` as `True`, and a float with Python's
 * exponent spelling (`1e-07`); Heron writes the same text so concatenated columns compare equal.
 *
 * One difference cannot be avoided: JavaScript has one number type, so a double attribute that
 * is a whole number (1.0) prints as `1`, where Python prints `1.0`.
 */
import type { AttributeValue } from '../otlp/otlp-types.js';

export function pythonStr(value: AttributeValue): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

export function pythonRepr(value: AttributeValue): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') return pythonStringRepr(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  const entries = Object.keys(value).map(
    (key) => `${pythonStringRepr(key)}: ${pythonRepr(value[key]!)}`,
  );
  return `{${entries.join(', ')}}`;
}

function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  // Python pads the exponent to two digits (1e-07) where JavaScript writes 1e-7.
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Python's string repr: single quotes unless the text has ' and no ", escapes as Python's. */
function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out + quote;
}
