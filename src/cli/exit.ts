import { InvalidDrillError, LabError, UsageError } from '../engine/errors.js';

/** The only mapping from error classes to exit codes (documented in the README and --help). */
export function exitCodeFor(err: unknown): number {
  if (err instanceof InvalidDrillError || err instanceof UsageError) return 2;
  if (err instanceof LabError) return 3;
  return 4;
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
