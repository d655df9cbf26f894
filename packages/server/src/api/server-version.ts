/**
 * The Phoenix server version Heron reports in `x-phoenix-server-version` and at
 * `/arize_phoenix_version`. `@arizeai/phoenix-client` gates features on it; the newest gate in
 * the current client is 15.5.0 (notes with identifiers), so Heron reports that.
 */
export const PHOENIX_COMPATIBLE_VERSION = '15.5.0';
export const PHOENIX_VERSION_HEADER = 'x-phoenix-server-version';
