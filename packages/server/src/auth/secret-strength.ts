/**
 * HERON_SECRET signs session cookies and CSRF tokens: whoever knows it can forge a login. A
 * short or repetitive value (a word, "changeme", a repeated character) is refused at startup.
 */

/** At least this many characters. */
export const MIN_SECRET_LENGTH = 32;
/** At least this many bits, estimated as length × Shannon entropy per character. */
export const MIN_SECRET_BITS = 128;

/** Shannon entropy of the characters of `value`, in bits per character. */
function bitsPerCharacter(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  const length = [...value].length;
  for (const count of counts.values()) {
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Why the secret is too weak, or null when it is strong enough. */
export function weakSecretReason(secret: string): string | null {
  const length = [...secret].length;
  if (length < MIN_SECRET_LENGTH) {
    return `it has ${length} characters; at least ${MIN_SECRET_LENGTH} are needed`;
  }
  const estimate = Math.floor(length * bitsPerCharacter(secret));
  if (estimate < MIN_SECRET_BITS) {
    return (
      `it is too repetitive (about ${estimate} bits of entropy; at least ${MIN_SECRET_BITS} ` +
      'are needed)'
    );
  }
  return null;
}
