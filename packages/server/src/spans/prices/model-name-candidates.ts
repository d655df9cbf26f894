/**
 * The forms of a model name that price patterns are matched against, from the most literal to
 * the most general. A pattern that matches an earlier form is more specific than one that only
 * matches a later form, so `gpt-4o-2024-05-13` (priced on its own) beats `gpt-4o` for that
 * snapshot, while `gpt-4o-2024-11-20` falls through to `gpt-4o`.
 *
 * 0. the name as sent, lower-cased: `bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0`
 * 1. without provider paths and Bedrock's region and vendor prefixes:
 *    `claude-sonnet-4-20250514-v1:0` (also `openai/gpt-4o` → `gpt-4o`, `models/gemini-2.5-pro`)
 * 2. without version and date suffixes: `claude-sonnet-4` (`-v1:0`, `@20241022` (Vertex),
 *    `-20250514`, `-2024-08-06`, `-latest`, `-001`, `-preview-05-20`, `:free`…)
 */
import { providerOfPrefix } from './provider-names.js';

/** Longest model name looked at; longer names are cut (bounds the work of a pattern). */
export const MAX_MODEL_NAME_LENGTH = 256;

export interface ModelNameCandidates {
  /** The forms, most literal first (duplicates removed; 1 to 3 entries). */
  forms: string[];
  /** A provider named by the name's first path segment (`bedrock/…`, `azure/…`), if known. */
  prefixProvider: string | null;
}

const BEDROCK_REGION = /^(us|eu|apac|au|ca|jp|us-gov|global)\./;
const BEDROCK_VENDOR = /^(anthropic|meta|mistral|amazon|cohere|ai21|deepseek|openai|qwen|writer)\./;
// Applied repeatedly, in order, until none matches (`-20250514-v1:0` needs two).
const SUFFIXES = [
  /@[\w.-]*$/, // Vertex AI: claude-3-5-sonnet-v2@20241022
  /:(\d+|latest|free|beta|thinking|extended)$/, // Bedrock `:0`, OpenRouter `:free`
  /-v\d+(\.\d+)?$/, // Bedrock -v1, Vertex -v2
  /-\d{4}-\d{2}-\d{2}$/, // OpenAI dates
  /-\d{8}$/, // Anthropic dates
  /-(latest|exp)$/,
  /-preview-\d{2}-\d{2}$/, // gemini-2.5-flash-preview-05-20
  /-\d{3}$/, // gemini-2.0-flash-001
  /-(0314|0613|1106|0125|\d{4})$/, // gpt-4-0613, mistral-large-2411, grok-4-0709
];

export function modelNameCandidates(modelName: string): ModelNameCandidates {
  const raw = modelName.trim().toLowerCase().slice(0, MAX_MODEL_NAME_LENGTH);
  const slash = raw.lastIndexOf('/');
  const firstSlash = raw.indexOf('/');
  const prefixProvider = firstSlash > 0 ? providerOfPrefix(raw.slice(0, firstSlash)) : null;
  let bare = slash >= 0 ? raw.slice(slash + 1) : raw;
  bare = bare.replace(BEDROCK_REGION, '').replace(BEDROCK_VENDOR, '');
  let general = bare;
  for (let changed = true; changed;) {
    changed = false;
    for (const suffix of SUFFIXES) {
      const next = general.replace(suffix, '');
      if (next !== general && next.length > 0) {
        general = next;
        changed = true;
      }
    }
  }
  const forms = [raw];
  if (bare !== raw && bare.length > 0) forms.push(bare);
  if (general !== forms[forms.length - 1]) forms.push(general);
  return { forms, prefixProvider };
}
