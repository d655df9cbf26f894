/**
 * Recursive-descent parser for the filter language: tokens (filter-lexer.ts) to a syntactic tree
 * (filter-ast.ts). The grammar is Python's expression grammar, cut down to what a filter needs:
 *
 *   expression  := or
 *   or          := and ('or' and)*
 *   and         := not ('and' not)*
 *   not         := 'not' not | comparison
 *   comparison  := sum (compare-op sum)*          compare-op: == != < <= > >= in, not in, is, is not
 *   sum         := term (('+' | '-') term)*
 *   term        := factor (('*' | '/' | '%') factor)*
 *   factor      := ('-' | '+') factor | primary
 *   primary     := literal | '(' expression ')' | tuple | list
 *                | name | name '(' arguments ')' | name ('[' key ']')+ ('.' name)?
 *   arguments   := expression (',' expression)* [','] | expression 'for' name 'in' name
 *
 * Hand-written rather than generated so that every error names the column and, where the input
 * looks like a slip (`AND`, `latncy_ms`, `=`), the spelling that was probably meant. Depth is
 * bounded as the parser descends, so no input can exhaust the stack.
 */
import type {
  ComparisonLink,
  ComparisonOperator,
  FilterAst,
  FilterNode,
  NameNode,
  SubscriptKey,
} from './filter-ast.js';
import { DEFAULT_FILTER_LIMITS, type FilterLimits } from './filter-limits.js';
import { tokenize, type Token } from './filter-lexer.js';
import { FilterSyntaxError } from './filter-syntax-error.js';
import { editDistance } from './name-suggestion.js';

/** Parses a whole expression; throws FilterSyntaxError (and nothing else) for bad input. */
export function parseFilter(
  source: string,
  limits: FilterLimits = DEFAULT_FILTER_LIMITS,
): FilterAst {
  if (source.length > limits.maxLength) {
    throw new FilterSyntaxError(
      `expression is too long (${source.length} characters; the limit is ${limits.maxLength})`,
      limits.maxLength + 1,
    );
  }
  const tokens = tokenize(source);
  if (tokens.length === 1) throw new FilterSyntaxError('expression is empty', 1);
  return new Parser(tokens, limits.maxDepth).parseAll();
}

const COMPARISON_SYMBOLS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);
const COMPARISON_KEYWORDS: ReadonlySet<string> = new Set(['in', 'not in', 'is', 'is not']);

/** Words people type for an operator, and the operator meant. */
const OPERATOR_WORDS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    and: 'and',
    or: 'or',
    not: 'not',
    in: 'in',
    is: 'is',
    not_in: 'not in',
    notin: 'not in',
    is_not: 'is not',
    isnot: 'is not',
    like: 'in',
    ilike: 'in',
    contains: 'in',
    eq: '==',
    ne: '!=',
    neq: '!=',
    lt: '<',
    le: '<=',
    lte: '<=',
    gt: '>',
    ge: '>=',
    gte: '>=',
  }),
);

/** Python words that are close to an operator but mean something else entirely. */
const NOT_OPERATORS: ReadonlySet<string> = new Set(['if', 'else', 'for', 'as', 'at', 'on', 'to']);

const STRING_PREFIX = /^[rRbBfFuU]{1,2}$/;

class Parser {
  private position = 0;
  private depth = 0;
  /** Tree height of every node built, to bound left-deep chains (`1+1+1+…`) too. */
  private readonly heights = new WeakMap<FilterNode, number>();

  constructor(
    private readonly tokens: Token[],
    private readonly maxDepth: number,
  ) {}

  parseAll(): FilterAst {
    const expression = this.parseExpression();
    const next = this.peek();
    if (next.kind !== 'end') this.unexpectedAfterOperand(next);
    return expression;
  }

  // --- boolean levels ------------------------------------------------------------------------

  private parseExpression(): FilterNode {
    return this.parseOr();
  }

  private parseOr(): FilterNode {
    const first = this.parseAnd();
    if (!this.isKeyword('or')) return first;
    const operands = [first];
    while (this.isKeyword('or')) {
      this.position++;
      operands.push(this.parseAnd());
    }
    return this.build({ type: 'or', operands, column: first.column }, operands);
  }

  private parseAnd(): FilterNode {
    const first = this.parseNot();
    if (!this.isKeyword('and')) return first;
    const operands = [first];
    while (this.isKeyword('and')) {
      this.position++;
      operands.push(this.parseNot());
    }
    return this.build({ type: 'and', operands, column: first.column }, operands);
  }

  private parseNot(): FilterNode {
    const token = this.peek();
    if (!this.isKeyword('not')) return this.parseComparison();
    this.position++;
    this.descend(token.column);
    try {
      const operand = this.parseNot();
      return this.build({ type: 'not', operand, column: token.column }, [operand]);
    } finally {
      this.depth--;
    }
  }

  private parseComparison(): FilterNode {
    const left = this.parseSum();
    const links: ComparisonLink[] = [];
    for (;;) {
      const operator = this.comparisonOperator();
      if (operator === undefined) break;
      const column = this.peek().column;
      this.position++;
      links.push({ operator, right: this.parseSum(), column });
    }
    if (links.length === 0) return left;
    return this.build({ type: 'compare', left, links, column: left.column }, [
      left,
      ...links.map((link) => link.right),
    ]);
  }

  private comparisonOperator(): ComparisonOperator | undefined {
    const token = this.peek();
    if (token.kind === 'operator' && COMPARISON_SYMBOLS.has(token.value)) {
      return token.value as ComparisonOperator;
    }
    if (token.kind === 'keyword' && COMPARISON_KEYWORDS.has(token.value)) {
      return token.value as ComparisonOperator;
    }
    return undefined;
  }

  // --- arithmetic levels ---------------------------------------------------------------------

  private parseSum(): FilterNode {
    let left = this.parseTerm();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'operator' || (token.value !== '+' && token.value !== '-')) return left;
      this.position++;
      const right = this.parseTerm();
      left = this.build(
        { type: 'arithmetic', operator: token.value, left, right, column: token.column },
        [left, right],
      );
    }
  }

  private parseTerm(): FilterNode {
    let left = this.parseFactor();
    for (;;) {
      const token = this.peek();
      if (
        token.kind !== 'operator' ||
        (token.value !== '*' && token.value !== '/' && token.value !== '%')
      ) {
        return left;
      }
      this.position++;
      const right = this.parseFactor();
      left = this.build(
        { type: 'arithmetic', operator: token.value, left, right, column: token.column },
        [left, right],
      );
    }
  }

  private parseFactor(): FilterNode {
    const token = this.peek();
    if (token.kind !== 'operator' || (token.value !== '-' && token.value !== '+')) {
      return this.parsePrimary();
    }
    this.position++;
    this.descend(token.column);
    try {
      const operand = this.parseFactor();
      if (token.value === '+') return operand;
      // Fold `-3` into a literal so that lists like `[-1, 2]` hold literals.
      if (operand.type === 'number') {
        return {
          ...operand,
          value: -operand.value,
          text: operand.text.startsWith('-') ? operand.text.slice(1) : `-${operand.text}`,
          column: token.column,
        };
      }
      return this.build({ type: 'negate', operand, column: token.column }, [operand]);
    } finally {
      this.depth--;
    }
  }

  // --- primaries -----------------------------------------------------------------------------

  private parsePrimary(): FilterNode {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
        this.position++;
        return {
          type: 'number',
          value: token.value,
          text: token.text,
          integer: token.integer,
          column: token.column,
        };
      case 'string': {
        // Adjacent literals concatenate, as in Python ('a' 'b' is 'ab').
        let value = '';
        while (this.peek().kind === 'string') {
          value += (this.peek() as Extract<Token, { kind: 'string' }>).value;
          this.position++;
        }
        return { type: 'string', value, column: token.column };
      }
      case 'keyword':
        if (token.value === 'None' || token.value === 'True' || token.value === 'False') {
          this.position++;
          return token.value === 'None'
            ? { type: 'none', column: token.column }
            : { type: 'boolean', value: token.value === 'True', column: token.column };
        }
        if (token.value === 'not') {
          throw new FilterSyntaxError(
            "'not' cannot stand here; negate the whole comparison, as in 'not (a == b)'",
            token.column,
          );
        }
        throw new FilterSyntaxError(`expected a value, found '${token.value}'`, token.column);
      case 'name':
        return this.parseNamed(token);
      case 'punctuation':
        if (token.value === '(') return this.parseParenthesized(token.column);
        if (token.value === '[') return this.parseList(token.column);
        if (token.value === ')') throw new FilterSyntaxError("unmatched ')'", token.column);
        throw new FilterSyntaxError(`expected a value, found '${token.value}'`, token.column);
      case 'operator':
        throw new FilterSyntaxError(`expected a value, found '${token.value}'`, token.column);
      case 'end':
        throw new FilterSyntaxError(
          'expected a value, found the end of the expression',
          token.column,
        );
    }
  }

  private parseNamed(token: Extract<Token, { kind: 'name' }>): FilterNode {
    this.position++;
    const name: NameNode = { type: 'name', segments: token.segments, column: token.column };
    if (this.isPunctuation('(')) return this.parseCall(name);
    if (!this.isPunctuation('[')) {
      if (this.isPunctuation('.')) {
        throw new FilterSyntaxError("unexpected '.'", this.peek().column);
      }
      return name;
    }
    const keys: SubscriptKey[] = [];
    while (this.isPunctuation('[')) {
      this.position++;
      const key = this.peek();
      if (key.kind === 'string') {
        keys.push({ value: key.value, isIndex: false, column: key.column });
      } else if (key.kind === 'number' && key.integer) {
        const digits = key.text.replace(/^0+(?=\d)/, '');
        keys.push({ value: digits, isIndex: true, column: key.column });
      } else {
        throw new FilterSyntaxError(
          "a subscript must be a quoted name, as in attributes['llm.model_name'], or an index",
          key.column,
        );
      }
      this.position++;
      this.expectPunctuation(']', "expected ']' to close the subscript");
    }
    const subscript = { type: 'subscript' as const, base: name, keys, column: name.column };
    if (!this.isPunctuation('.')) return this.checkNoTrailer(subscript);
    this.position++;
    const member = this.peek();
    if (member.kind !== 'name') {
      throw new FilterSyntaxError("expected a field name after '.'", member.column);
    }
    this.position++;
    return this.checkNoTrailer({
      type: 'member',
      object: subscript,
      member: member.segments.join('.'),
      memberColumn: member.column,
      column: name.column,
    });
  }

  /** After `x['k']` or `x['k'].field` nothing else may be applied (no calls, no slices). */
  private checkNoTrailer(node: FilterNode): FilterNode {
    if (this.isPunctuation('(')) {
      throw new FilterSyntaxError('method calls are not supported', this.peek().column);
    }
    if (this.isPunctuation('[') || this.isPunctuation('.')) {
      throw new FilterSyntaxError(`unexpected '${this.peekText()}'`, this.peek().column);
    }
    return node;
  }

  private parseCall(name: NameNode): FilterNode {
    const open = this.peek();
    if (name.segments.length > 1) {
      throw new FilterSyntaxError(
        `method calls are not supported ('${name.segments.join('.')}(…)')`,
        open.column,
      );
    }
    this.position++;
    this.descend(open.column);
    try {
      const args: FilterNode[] = [];
      while (!this.isPunctuation(')')) {
        const argument = this.parseExpression();
        if (args.length === 0 && this.isName('for')) {
          args.push(this.parseComprehension(argument));
          break;
        }
        args.push(argument);
        if (!this.isPunctuation(',')) break;
        this.position++;
      }
      this.expectClosing(')', open.column, 'call');
      const call = { type: 'call' as const, func: name.segments[0]!, args, column: name.column };
      return this.checkNoTrailer(this.build(call, args));
    } finally {
      this.depth--;
    }
  }

  private parseComprehension(element: FilterNode): FilterNode {
    const forToken = this.peek();
    this.position++;
    const variable = this.peek();
    if (variable.kind !== 'name' || variable.segments.length !== 1) {
      throw new FilterSyntaxError("expected a variable name after 'for'", variable.column);
    }
    this.position++;
    if (!this.isKeyword('in')) {
      throw new FilterSyntaxError(
        `expected 'in' after 'for ${variable.segments[0]}'`,
        this.peek().column,
      );
    }
    this.position++;
    const collection = this.peek();
    if (collection.kind !== 'name') {
      throw new FilterSyntaxError(
        "expected a collection such as 'spans' after 'in'",
        collection.column,
      );
    }
    this.position++;
    if (this.isName('if')) {
      throw new FilterSyntaxError(
        "'if' in a comprehension is not supported; combine the conditions with 'and'",
        this.peek().column,
        'and',
      );
    }
    const node = {
      type: 'comprehension' as const,
      element,
      variable: variable.segments[0]!,
      collection: {
        type: 'name' as const,
        segments: collection.segments,
        column: collection.column,
      },
      column: forToken.column,
    };
    return this.build(node, [element]);
  }

  private parseParenthesized(column: number): FilterNode {
    this.position++;
    this.descend(column);
    try {
      if (this.isPunctuation(')')) {
        this.position++;
        return { type: 'list', elements: [], column };
      }
      const first = this.parseExpression();
      if (!this.isPunctuation(',')) {
        this.expectClosing(')', column, 'parenthesis');
        return first;
      }
      // A tuple: `x in ('a', 'b')` works like a list, as in Python.
      const elements = [first];
      while (this.isPunctuation(',')) {
        this.position++;
        if (this.isPunctuation(')')) break;
        elements.push(this.parseExpression());
      }
      this.expectClosing(')', column, 'parenthesis');
      return this.build({ type: 'list', elements, column }, elements);
    } finally {
      this.depth--;
    }
  }

  private parseList(column: number): FilterNode {
    this.position++;
    this.descend(column);
    try {
      const elements: FilterNode[] = [];
      while (!this.isPunctuation(']')) {
        elements.push(this.parseExpression());
        if (!this.isPunctuation(',')) break;
        this.position++;
      }
      this.expectClosing(']', column, 'list');
      return this.build({ type: 'list', elements, column }, elements);
    } finally {
      this.depth--;
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private build<T extends FilterNode>(node: T, children: FilterNode[]): T {
    let height = 0;
    for (const child of children) height = Math.max(height, this.heights.get(child) ?? 1);
    height += 1;
    if (height > this.maxDepth) this.tooDeep(node.column);
    this.heights.set(node, height);
    return node;
  }

  private descend(column: number): void {
    if (++this.depth > this.maxDepth) this.tooDeep(column);
  }

  private tooDeep(column: number): never {
    throw new FilterSyntaxError(
      `expression is nested too deeply (the limit is ${this.maxDepth} levels)`,
      column,
    );
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private peekText(): string {
    const token = this.peek();
    return token.kind === 'end' ? '' : 'value' in token ? String(token.value) : '';
  }

  private isKeyword(value: string): boolean {
    const token = this.peek();
    return token.kind === 'keyword' && token.value === value;
  }

  private isPunctuation(value: string): boolean {
    const token = this.peek();
    return token.kind === 'punctuation' && token.value === value;
  }

  private isName(word: string): boolean {
    const token = this.peek();
    return token.kind === 'name' && token.segments.length === 1 && token.segments[0] === word;
  }

  private expectPunctuation(value: string, problem: string): void {
    if (!this.isPunctuation(value)) throw new FilterSyntaxError(problem, this.peek().column);
    this.position++;
  }

  /** The closing bracket of a group opened at `openColumn`, or the most useful error. */
  private expectClosing(value: ')' | ']', openColumn: number, what: string): void {
    const token = this.peek();
    if (token.kind === 'punctuation' && token.value === value) {
      this.position++;
      return;
    }
    if (token.kind === 'end') {
      const open = value === ')' ? '(' : '[';
      throw new FilterSyntaxError(`'${open}' is never closed`, openColumn, undefined);
    }
    if (token.kind === 'punctuation' && (token.value === ')' || token.value === ']')) {
      throw new FilterSyntaxError(
        `'${token.value}' does not match the ${what} opened at column ${openColumn}`,
        token.column,
        value,
      );
    }
    this.unexpectedAfterOperand(token);
  }

  /**
   * A complete operand was followed by something that cannot follow it. Say what was probably
   * meant: a misspelt or upper-case operator word, a string prefix, a missing operator.
   */
  private unexpectedAfterOperand(token: Token): never {
    const previous = this.tokens[this.position - 1];
    switch (token.kind) {
      case 'name': {
        const word = token.segments.join('.');
        let meant = suggestOperatorWord(word);
        // `NOT IN`, `IS NOT`: suggest the two-word operator.
        const following = this.tokens[this.position + 1];
        const next = following?.kind === 'name' ? following.segments.join('.').toLowerCase() : '';
        if (meant === 'not' && next === 'in') meant = 'not in';
        if (meant === 'is' && next === 'not') meant = 'is not';
        if (meant !== undefined) {
          throw new FilterSyntaxError(`'${word}' is not an operator`, token.column, meant);
        }
        throw new FilterSyntaxError(
          `expected an operator such as '==' or 'and' before '${word}'`,
          token.column,
        );
      }
      case 'string':
        if (
          previous?.kind === 'name' &&
          previous.segments.length === 1 &&
          STRING_PREFIX.test(previous.segments[0]!) &&
          previous.column + previous.segments[0]!.length === token.column
        ) {
          throw new FilterSyntaxError(
            `string prefixes such as ${previous.segments[0]}'…' are not supported`,
            previous.column,
          );
        }
        throw new FilterSyntaxError('expected an operator before this string', token.column);
      case 'number':
        throw new FilterSyntaxError(`expected an operator before ${token.text}`, token.column);
      case 'keyword':
        if (token.value === 'not') {
          throw new FilterSyntaxError(
            "'not' here must be followed by 'in'",
            token.column,
            'not in',
          );
        }
        throw new FilterSyntaxError(`unexpected '${token.value}'`, token.column);
      case 'punctuation':
        if (token.value === ')' || token.value === ']') {
          throw new FilterSyntaxError(`unmatched '${token.value}'`, token.column);
        }
        throw new FilterSyntaxError(`unexpected '${token.value}'`, token.column);
      case 'operator':
        throw new FilterSyntaxError(`unexpected '${token.value}'`, token.column);
      case 'end':
        throw new FilterSyntaxError('unexpected end of the expression', token.column);
    }
  }
}

/** The operator a word stands for: `AND`, `adn`, `LIKE`, `not_in`…, or undefined. */
export function suggestOperatorWord(word: string): string | undefined {
  if (word.length > 16) return undefined;
  const lower = word.toLowerCase();
  const exact = OPERATOR_WORDS.get(lower);
  if (exact !== undefined) return exact;
  if (lower.length < 2 || NOT_OPERATORS.has(lower)) return undefined;
  for (const keyword of ['and', 'or', 'not', 'in', 'is']) {
    if (editDistance(lower, keyword) <= 1) return keyword;
  }
  return undefined;
}
