/**
 * The one error the filter language throws for anything wrong with an expression: bad syntax,
 * unknown names, unsupported constructs, limits. Callers (REST routes, the UI validator) turn it
 * into a 4xx with the message; anything else escaping the parser or compiler is a bug.
 */
export class FilterSyntaxError extends Error {
  /** 1-based position (UTF-16 code units, as a browser text field counts) of the problem. */
  readonly column: number;
  /** The nearest valid spelling, when the problem looks like a typo. */
  readonly suggestion: string | undefined;

  constructor(problem: string, column: number, suggestion?: string) {
    super(
      `${problem} at column ${column}` +
        (suggestion === undefined ? '' : `; did you mean '${suggestion}'?`),
    );
    this.name = 'FilterSyntaxError';
    this.column = column;
    this.suggestion = suggestion;
  }
}
