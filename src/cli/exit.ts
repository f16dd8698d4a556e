import { InvalidDrillError, LabError, UsageError } from '../engine/errors.js';
import type { DrillStatus } from '../engine/events.js';

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

export function printError(err: unknown): void {
  if (err instanceof InvalidDrillError) {
    process.stderr.write(`${err.message}\n`);
  } else if (err instanceof UsageError || err instanceof LabError) {
    process.stderr.write(`kdrill: ${err.message}\n`);
  } else {
    const e = err as Error;
    process.stderr.write(`kdrill: internal error: ${e?.message ?? String(err)}\n`);
    if (process.env.KDRILL_DEBUG) process.stderr.write(`${e?.stack}\n`);
  }
}
