/** A command-line mistake or an unusable input: printed as `heron: <message>`, exit code 1. */
export class CliError extends Error {}
