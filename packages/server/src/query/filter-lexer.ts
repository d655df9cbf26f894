/**
 * Tokens of the filter languages (span, trace and session filters): Python's expression syntax
 * cut down to what Phoenix accepts. The lexer is hand-written so every error can point at the
 * exact column, and so that nothing a user types is ever handed to an evaluator.
 *
 * Two departures from Python, both for attribute paths: a dotted name is one token
 * (`llm.model_name`), and its segments may be all digits (`llm.input_messages.0.message.role`),
 * which Python would lex as a float. Columns are 1-based UTF-16 positions, what a browser text
 * field counts, so the UI can put the caret on them.
 */
import { FilterSyntaxError } from './filter-syntax-error.js';

export type Keyword =
  'and' | 'or' | 'not' | 'in' | 'is' | 'None' | 'True' | 'False' | 'not in' | 'is not';

export type OperatorSymbol = '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

export type Punctuation = '[' | ']' | '(' | ')' | ',' | '.';

export type Token =
  /** A name or a dotted path; `segments` has at least one element. */
  | { kind: 'name'; column: number; segments: string[] }
  | { kind: 'string'; column: number; value: string }
  /** `text` is the source spelling, kept so integers beyond 2^53 stay exact. */
  | { kind: 'number'; column: number; value: number; text: string; integer: boolean }
  | { kind: 'keyword'; column: number; value: Keyword }
  | { kind: 'operator'; column: number; value: OperatorSymbol }
  | { kind: 'punctuation'; column: number; value: Punctuation }
  | { kind: 'end'; column: number };

const SINGLE_WORD_KEYWORDS: ReadonlySet<string> = new Set([
  'and',
  'or',
  'not',
  'in',
  'is',
  'None',
  'True',
  'False',
]);

/** Operators people bring from other languages, with what to write instead. */
const FOREIGN_OPERATORS: ReadonlyArray<readonly [string, string, string | undefined]> = [
  ['===', "'===' is not an operator", '=='],
  ['!==', "'!==' is not an operator", '!='],
  ['&&', "'&&' is not an operator", 'and'],
  ['||', "'||' is not an operator", 'or'],
  ['**', "the power operator '**' is not supported", undefined],
  ['//', "floor division '//' is not supported", '/'],
  ['<<', 'bit shifts are not supported', undefined],
  ['>>', 'bit shifts are not supported', undefined],
  ['<>', "'<>' is not an operator", '!='],
  ['=>', "'=>' is not an operator", '>='],
  ['=<', "'=<' is not an operator", '<='],
];

const TWO_CHAR_OPERATORS: ReadonlySet<string> = new Set(['==', '!=', '<=', '>=']);
const ONE_CHAR_OPERATORS: ReadonlySet<string> = new Set(['<', '>', '+', '-', '*', '/', '%']);
const PUNCTUATION: ReadonlySet<string> = new Set(['[', ']', '(', ')', ',', '.']);

const NAME_START = /[\p{L}_]/u;
const NAME_PART = /[\p{L}\p{N}_]/u;
const DIGIT = /[0-9]/;
const WHITESPACE = /\s/u;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (WHITESPACE.test(c)) {
      i++;
      continue;
    }
    const column = i + 1;
    if (NAME_START.test(c)) {
      i = lexName(source, i, tokens);
      continue;
    }
    if (DIGIT.test(c) || (c === '.' && DIGIT.test(source[i + 1] ?? ''))) {
      i = lexNumber(source, i, tokens);
      continue;
    }
    if (c === "'" || c === '"') {
      i = lexString(source, i, tokens);
      continue;
    }
    const foreign = FOREIGN_OPERATORS.find(([symbol]) => source.startsWith(symbol, i));
    if (foreign) throw new FilterSyntaxError(foreign[1], column, foreign[2]);
    const two = source.slice(i, i + 2);
    if (TWO_CHAR_OPERATORS.has(two)) {
      tokens.push({ kind: 'operator', column, value: two as OperatorSymbol });
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPERATORS.has(c)) {
      tokens.push({ kind: 'operator', column, value: c as OperatorSymbol });
      i++;
      continue;
    }
    if (PUNCTUATION.has(c)) {
      tokens.push({ kind: 'punctuation', column, value: c as Punctuation });
      i++;
      continue;
    }
    if (c === '=') throw new FilterSyntaxError("'=' is assignment, not comparison", column, '==');
    if (c === '!') throw new FilterSyntaxError("'!' is not an operator", column, 'not');
    if (c === '&' || c === '|' || c === '^' || c === '~') {
      throw new FilterSyntaxError(
        `bitwise operator '${c}' is not supported`,
        column,
        c === '&' ? 'and' : c === '|' ? 'or' : undefined,
      );
    }
    throw new FilterSyntaxError(`unexpected character ${describeChar(source, i)}`, column);
  }
  tokens.push({ kind: 'end', column: source.length + 1 });
  return tokens;
}

function lexName(source: string, start: number, tokens: Token[]): number {
  let i = readWord(source, start);
  const first = source.slice(start, i);
  const column = start + 1;
  if (SINGLE_WORD_KEYWORDS.has(first)) {
    pushKeyword(tokens, first as Keyword, column);
    return i;
  }
  const segments = [first];
  // A path continues through '.' only when a segment follows at once; `x . y` is left to the
  // parser (attribute access on a name), so `annotations['a'].label` lexes as punctuation.
  while (source[i] === '.' && NAME_PART.test(source[i + 1] ?? '')) {
    const segmentStart = i + 1;
    i = readWord(source, segmentStart);
    segments.push(source.slice(segmentStart, i));
  }
  tokens.push({ kind: 'name', column, segments });
  return i;
}

function readWord(source: string, start: number): number {
  let i = start;
  while (i < source.length && NAME_PART.test(source[i]!)) i++;
  return i;
}

/** `not` after `is`, and `in` after `not`, are one operator each, as in Python's grammar. */
function pushKeyword(tokens: Token[], word: Keyword, column: number): void {
  const previous = tokens[tokens.length - 1];
  if (previous?.kind === 'keyword') {
    if (previous.value === 'is' && word === 'not') {
      tokens[tokens.length - 1] = { kind: 'keyword', column: previous.column, value: 'is not' };
      return;
    }
    if (previous.value === 'not' && word === 'in') {
      tokens[tokens.length - 1] = { kind: 'keyword', column: previous.column, value: 'not in' };
      return;
    }
  }
  tokens.push({ kind: 'keyword', column, value: word });
}

function lexNumber(source: string, start: number, tokens: Token[]): number {
  const column = start + 1;
  let i = start;
  let integer = true;
  i = readDigits(source, i);
  if (source[i] === '.') {
    integer = false;
    i = readDigits(source, i + 1);
  }
  if (source[i] === 'e' || source[i] === 'E') {
    integer = false;
    let j = i + 1;
    if (source[j] === '+' || source[j] === '-') j++;
    const afterDigits = readDigits(source, j);
    if (afterDigits === j) {
      throw new FilterSyntaxError(
        `invalid number '${source.slice(start, afterDigits)}': exponent without digits`,
        column,
      );
    }
    i = afterDigits;
  }
  const text = source.slice(start, i);
  if (NAME_PART.test(source[i] ?? '') || source[i] === '.') {
    const end = readWord(source, i + 1);
    throw new FilterSyntaxError(`invalid number '${source.slice(start, end)}'`, column);
  }
  if (text.endsWith('_') || text.includes('__') || text.includes('_.') || text.includes('._')) {
    throw new FilterSyntaxError(`invalid number '${text}': misplaced '_'`, column);
  }
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isFinite(value)) {
    throw new FilterSyntaxError(`number '${text}' is too large`, column);
  }
  tokens.push({ kind: 'number', column, value, text: text.replaceAll('_', ''), integer });
  return i;
}

/** Digits with Python's single `_` separators (`1_000`). */
function readDigits(source: string, start: number): number {
  let i = start;
  while (i < source.length && (DIGIT.test(source[i]!) || (source[i] === '_' && i > start))) i++;
  return i;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
};

function lexString(source: string, start: number, tokens: Token[]): number {
  const quote = source[start]!;
  const column = start + 1;
  let value = '';
  let i = start + 1;
  for (;;) {
    const c = source[i];
    if (c === undefined || c === '\n' || c === '\r') {
      throw new FilterSyntaxError('unterminated string literal', column);
    }
    if (c === quote) break;
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const escape = source[i + 1];
    if (escape === undefined) throw new FilterSyntaxError('unterminated string literal', column);
    const simple = SIMPLE_ESCAPES[escape];
    if (simple !== undefined) {
      value += simple;
      i += 2;
      continue;
    }
    if (escape >= '0' && escape <= '7') {
      let end = i + 1;
      while (end < i + 4 && source[end]! >= '0' && source[end]! <= '7') end++;
      value += String.fromCharCode(parseInt(source.slice(i + 1, end), 8));
      i = end;
      continue;
    }
    const hexLength = escape === 'x' ? 2 : escape === 'u' ? 4 : escape === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const hex = source.slice(i + 2, i + 2 + hexLength);
      const codePoint = /^[0-9a-fA-F]+$/.test(hex) ? parseInt(hex, 16) : NaN;
      if (hex.length !== hexLength || !(codePoint <= 0x10ffff)) {
        throw new FilterSyntaxError(`invalid \\${escape} escape in string literal`, i + 1);
      }
      value += String.fromCodePoint(codePoint);
      i += 2 + hexLength;
      continue;
    }
    if (escape === 'N') {
      throw new FilterSyntaxError('named \\N{...} escapes are not supported', i + 1);
    }
    // Python keeps unknown escapes as written (`'\d'` is backslash + d).
    value += '\\' + escape;
    i += 2;
  }
  tokens.push({ kind: 'string', column, value });
  return i + 1;
}

function describeChar(source: string, index: number): string {
  const codePoint = source.codePointAt(index)!;
  const char = String.fromCodePoint(codePoint);
  return codePoint < 0x20 || codePoint === 0x7f
    ? `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`
    : `'${char}'`;
}
