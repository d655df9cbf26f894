/**
 * @heron/client — placeholder. The SDK (tracing setup, query client, evaluations, trace datasets)
 * is built by a later issue; until then, use `@arizeai/phoenix-client` against Heron.
 */
export const HERON_CLIENT_VERSION = '0.1.0';
