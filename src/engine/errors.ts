/** The few error classes kdrill has; only src/cli turns them into exit codes. */

export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** A drill file (or a `--set`) is wrong. Nothing was run. Exit 2. */
export class InvalidDrillError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InvalidDrillError';
  }
}

/** Wrong command-line usage. Exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The lab or the machine cannot do what the drill needs (docker missing or unreachable, a lab that
 * cannot come up, a node that came back on another IP). Exit 3: not a verdict on the drill.
 */
export class LabError extends Error {
  override name = 'LabError';
  constructor(message: string, readonly invalidated = false, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A step's action failed; recorded in the journal, it stops the steps. */
export class StepFailedError extends Error {
  override name = 'StepFailedError';
}

/** An action refused to run because the drill asked for something unsafe or impossible. */
export class RefusedError extends Error {
  override name = 'RefusedError';
}

export class InterruptedError extends Error {
  override name = 'InterruptedError';
  constructor(message = 'interrupted') {
    super(message);
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
