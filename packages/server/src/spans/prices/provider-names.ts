/**
 * One name per provider. Instrumentations name the same provider many ways: OpenInference's
 * `llm.provider` / `llm.system` (`openai`, `mistralai`, `vertexai`), OTel GenAI's `gen_ai.system`
 * (`aws.bedrock`, `az.ai.inference`, `gcp.gemini`), LiteLLM-style model prefixes
 * (`bedrock/`, `vertex_ai/`, `together_ai/`). Prices are keyed by the canonical name.
 */

const ALIASES: Record<string, string> = {
  openai: 'openai',
  azure: 'azure',
  azure_openai: 'azure',
  'azure.ai.openai': 'azure',
  'az.ai.inference': 'azure',
  'az.ai.openai': 'azure',
  azure_ai: 'azure',
  anthropic: 'anthropic',
  google: 'google',
  gemini: 'google',
  google_genai: 'google',
  'gcp.gemini': 'google',
  'gcp.gen_ai': 'google',
  vertexai: 'google',
  vertex_ai: 'google',
  'gcp.vertex_ai': 'google',
  aws: 'bedrock',
  bedrock: 'bedrock',
  'aws.bedrock': 'bedrock',
  amazon: 'bedrock',
  mistral: 'mistral',
  mistralai: 'mistral',
  mistral_ai: 'mistral',
  deepseek: 'deepseek',
  xai: 'xai',
  'x-ai': 'xai',
  x_ai: 'xai',
  groq: 'groq',
  together: 'together',
  together_ai: 'together',
  togetherai: 'together',
  fireworks: 'fireworks',
  fireworks_ai: 'fireworks',
  cohere: 'cohere',
};

/** The canonical provider for a name as sent, or the lower-cased name itself when unknown. */
export function canonicalProvider(name: string | null | undefined): string | null {
  if (typeof name !== 'string') return null;
  const key = name.trim().toLowerCase();
  if (key === '') return null;
  return Object.hasOwn(ALIASES, key) ? ALIASES[key]! : key;
}

/** The provider a model-name prefix names (`bedrock/…` → bedrock), if it is a known one. */
export function providerOfPrefix(prefix: string): string | null {
  const key = prefix.trim().toLowerCase();
  return Object.hasOwn(ALIASES, key) ? ALIASES[key]! : null;
}
