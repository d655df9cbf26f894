/**
 * "Did you mean" for misspelt names. Optimal-string-alignment distance (Levenshtein plus adjacent
 * transpositions, so `nmae` is one edit from `name`), with a budget that grows with the length of
 * the word: short words are too easily one edit away from something real.
 */

export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j]!;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate `word` most likely meant, or undefined when nothing is close. A word that only
 * differs in case, or that is a prefix (4+ characters) of a candidate (`latency` for
 * `latency_ms`), also counts as close.
 */
export function suggestName(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 64) return undefined;
  const lower = word.toLowerCase();
  const budget = lower.length >= 8 ? 2 : lower.length >= 4 ? 1 : 0;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) return undefined;
    const candidateLower = candidate.toLowerCase();
    let distance = editDistance(lower, candidateLower);
    if (distance > budget && lower.length >= 4 && candidateLower.startsWith(lower)) {
      distance = budget;
    }
    if (distance <= budget && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

const LITERAL_SPELLINGS: ReadonlyMap<string, string> = new Map([
  ['none', 'None'],
  ['null', 'None'],
  ['nil', 'None'],
  ['nul', 'None'],
  ['undefined', 'None'],
  ['true', 'True'],
  ['false', 'False'],
]);

/**
 * `None`, `True` or `False` when `word` looks like one written another way (`null`, `true`,
 * `Nnoe`), for the one place a bare word could be either a name or a misspelt literal.
 */
export function suggestLiteral(word: string): string | undefined {
  return LITERAL_SPELLINGS.get(word.toLowerCase()) ?? suggestName(word, ['None', 'True', 'False']);
}
