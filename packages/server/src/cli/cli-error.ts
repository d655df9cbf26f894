/**
 * A command-line mistake or an unusable input: printed as `heron: <message>`, exit code 1 — or
 * `exitCode`, e.g. 130 for a command stopped by Ctrl-C (128 + SIGINT, as shells report it).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The exit code of a command the user stopped with Ctrl-C. */
export const INTERRUPTED_EXIT_CODE = 130;
