/**
 * The text full-text search looks at for a span: its input side (`input.value` and the contents
 * of `llm.input_messages`) and its output side (`output.value` and `llm.output_messages`).
 * Used both by the search indexer and by the exact scan of spans not indexed yet, so the two
 * always agree on what a span contains.
 */
import type { AttributeValue } from '../otlp/otlp-types.js';
import { isAttributeObject } from './own-property.js';

/** Characters of each side kept for search (the rest of a huge prompt is not searchable). */
export const DEFAULT_SEARCH_TEXT_MAX_CHARS = 65_536;

export interface SpanSearchText {
  input: string;
  output: string;
}

export function spanSearchText(
  attributes: Record<string, AttributeValue>,
  maxChars: number = DEFAULT_SEARCH_TEXT_MAX_CHARS,
): SpanSearchText {
  const llm = attributes['llm'];
  return {
    input: sideText(
      attributes['input'],
      isAttributeObject(llm) ? llm['input_messages'] : undefined,
      maxChars,
    ),
    output: sideText(
      attributes['output'],
      isAttributeObject(llm) ? llm['output_messages'] : undefined,
      maxChars,
    ),
  };
}

function sideText(
  io: AttributeValue | undefined,
  messages: AttributeValue | undefined,
  maxChars: number,
): string {
  const parts: string[] = [];
  if (isAttributeObject(io) && typeof io['value'] === 'string') parts.push(io['value']);
  if (Array.isArray(messages)) {
    for (const entry of messages) {
      const message = isAttributeObject(entry) ? entry['message'] : undefined;
      if (!isAttributeObject(message)) continue;
      if (typeof message['content'] === 'string') parts.push(message['content']);
      const contents = message['contents'];
      if (Array.isArray(contents)) {
        for (const item of contents) {
          const content = isAttributeObject(item) ? item['message_content'] : undefined;
          if (isAttributeObject(content) && typeof content['text'] === 'string') {
            parts.push(content['text']);
          }
        }
      }
    }
  }
  const text = parts.join('\n');
  return text.length > maxChars ? text.slice(0, maxChars) : text;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * Case- and accent-insensitive form for the scan, matching what the trigram tokenizer does
 * (case_sensitive 0, remove_diacritics 1): every script is lower-cased, but accents are removed
 * from Latin letters only (FTS5 keeps them elsewhere: 'ή' stays 'ή'), so a span matches the
 * same needles before and after the index reaches it.
 */
export function foldForSearch(text: string): string {
  // ASCII has no accents and is its own normal form: the common case skips the Unicode passes
  // (every ingested span's text is folded once on PostgreSQL).
  if (isAscii(text)) return text.toLowerCase();
  return text
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC')
    .toLowerCase();
}
