/**
 * Price patterns: regular expressions over a whole model name, case-insensitive (`gpt-4o`,
 * `claude-3-5-sonnet`, `gpt-4\.1(-mini)?`). They run against every new model name Heron sees,
 * so a user-given one is checked first: bounded length, valid syntax, no backreferences and no
 * nested quantifiers (the shape of catastrophic backtracking, such as `(a+)+`).
 */

/** Longest pattern accepted. */
export const MAX_PATTERN_LENGTH = 256;

/** Compiles a price pattern to a whole-name, case-insensitive regex (throws when invalid). */
export function compilePattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'i');
}

/** Characters of a pattern that are literal (not regex syntax): a measure of specificity. */
export function patternSpecificity(pattern: string): number {
  return pattern
    .replace(/\\[dDwWsSbB]/g, '')
    .replace(/\\./g, 'x')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\{\d+(,\d*)?\}/g, '')
    .replace(/[()|?*+^$.]/g, '').length;
}

// A group containing a quantifier, itself quantified: (a+)+, (\w*)*, (x|y+){2,}.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]/;

/** Why a user-given pattern is refused, or null when it is acceptable. */
export function patternProblem(pattern: string): string | null {
  if (pattern.trim() === '') return 'pattern must not be empty';
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return `pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  }
  try {
    compilePattern(pattern);
  } catch (error) {
    return `pattern is not a valid regular expression: ${(error as Error).message}`;
  }
  if (NESTED_QUANTIFIER.test(pattern)) {
    return (
      'pattern has a repeated group that itself repeats (such as (a+)+), which can take ' +
      'exponential time to match; simplify it'
    );
  }
  if (/\\[1-9]|\\k</.test(pattern)) return 'pattern must not use backreferences';
  return null;
}
