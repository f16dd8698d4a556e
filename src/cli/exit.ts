import { formatProblem, InvalidDrillError, LabError, UsageError, type Problem } from '../engine/errors.js';
import type { DrillStatus } from '../engine/events.js';
import { visible, visibleLines } from '../report/escape.js';

/** Exit codes (README, --help): the only place they are written. */
export const EXIT = { passed: 0, failed: 1, invalid: 2, lab: 3, internal: 4, interrupted: 130 } as const;

const ofStatus: Record<DrillStatus, number> = {
  passed: EXIT.passed,
  failed: EXIT.failed,
  error: EXIT.lab,
  invalidated: EXIT.lab,
  interrupted: EXIT.interrupted,
};

/** The exit code of a run's verdict. */
export const exitCodeOfStatus = (status: DrillStatus): number => ofStatus[status];

/** The only mapping from error classes to exit codes (documented in the README and --help). */
export function exitCodeFor(err: unknown): number {
  if (err instanceof InvalidDrillError || err instanceof UsageError) return EXIT.invalid;
  if (err instanceof LabError) return EXIT.lab;
  return EXIT.internal;
}

/** The problems of a drill, one line each (a newline inside one is shown, not obeyed). */
export function problemLines(err: InvalidDrillError): string {
  return err.problems.map((p) => visible(formatProblem(p))).join('\n');
}

/** A drill's warnings on stderr, `file:line:col: warning: …` each. */
export function printWarnings(warnings: readonly Problem[]): void {
  for (const w of warnings) process.stderr.write(`${visible(formatProblem({ ...w, message: `warning: ${w.message}` }))}\n`);
}

export function printError(err: unknown): void {
  if (err instanceof InvalidDrillError) {
    process.stderr.write(`${problemLines(err)}\n`);
  } else if (err instanceof UsageError) {
    process.stderr.write(`${visible(`kdrill: ${err.message}`)}\n`);
  } else if (err instanceof LabError) {
    // A lab error may carry a command's output, line by line.
    process.stderr.write(`${visibleLines(`kdrill: ${err.message}`)}\n`);
  } else {
    const e = err as Error;
    process.stderr.write(`${visibleLines(`kdrill: internal error: ${e?.message ?? String(err)}`)}\n`);
    if (process.env.KDRILL_DEBUG) process.stderr.write(`${visibleLines(String(e?.stack))}\n`);
  }
}
