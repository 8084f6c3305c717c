// The one error a user can fix (a bad flag, size or file): every layer of the experiments may throw
// it; main() (cli/cli.ts) prints it as `error: <message>` and exits with code 2.

/** An error the user can fix by changing the command line or the input: exit code 2, no stack. */
export class UsageError extends Error {
  constructor(message: string) {
    // Multi-line messages would break the "one line on stderr" contract that scripts and CI grep.
    super(message.replace(/\s*\n\s*/g, ' ').trim());
    this.name = 'UsageError';
  }
}

/** UsageError, or one rebuilt by name after crossing a worker boundary. */
export function isUsageError(err: unknown): err is Error {
  return err instanceof UsageError || (err instanceof Error && err.name === 'UsageError');
}
