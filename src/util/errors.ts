/** Exit codes of the firerisk CLI. */
export const ExitCode = { ok: 0, failure: 1, usage: 2, inputData: 3 } as const;

/** A failure of the run itself (exit 1). */
export class FireriskError extends Error {
  readonly exitCode: number = ExitCode.failure;
}

/** Wrong arguments or configuration (exit 2). */
export class UsageError extends FireriskError {
  override readonly exitCode = ExitCode.usage;
}

/** Input data missing, unreadable or mostly invalid (exit 3). The message names the file, and row and column where known. */
export class InputDataError extends FireriskError {
  override readonly exitCode = ExitCode.inputData;
}
