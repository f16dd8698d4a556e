import type { ActionModule, InvariantModule, ProbeModule } from '../engine/types.js';
import type { LabProvider } from '../labs/types.js';

/**
 * The drill as the engine sees it: checked, params substituted, paths resolved, durations in ms,
 * and every name resolved to its module (the engine imports no registry).
 */

export type ParamValue = string | number | boolean;

export interface Located {
  line: number;
  col: number;
}

export interface Check<M = InvariantModule> extends Located {
  /** The invariant's (or probe's) name, e.g. `etcd.quorum`. */
  name: string;
  module: M;
  params: unknown;
  withinMs: number;
  forMs: number;
}

/** A check polled during the steps: its first failure aborts the running step and the steps (the restore runs). */
export interface Guard extends Located {
  /** The check's name, e.g. `http.get`; `http.get#2` for a second guard of the same check. */
  name: string;
  check: string;
  module: InvariantModule;
  params: unknown;
  intervalMs: number;
}

export interface Step extends Located {
  name: string;
  action: string;
  module: ActionModule;
  params: unknown;
  explain?: string;
  timeoutMs: number;
  expect: Check[];
  continueOnFailure: boolean;
}

export interface Budgets {
  detectionMs?: number;
  writeGapMs?: number;
  recoveryMs?: number;
  rpoKeys?: number;
  rpoRevisions?: number;
}

export interface Drill {
  file: string;
  dir: string;
  name: string;
  title?: string;
  description?: string;
  lab: { provider: string; name?: string; [k: string]: unknown };
  /** The lab provider named by `lab.provider`. */
  provider: LabProvider;
  params: Record<string, ParamValue>;
  invariants: Check[];
  probes: Check<ProbeModule>[];
  guards: Guard[];
  steps: Step[];
  restore: Step[];
  /** Bounds on the recovery figures (src/engine/budgets.ts). */
  budgets: Budgets;
  /** Not errors: the drill runs, but the operator should know (`file:line:col: warning: …`). */
  warnings: Array<{ file: string; line: number; col: number; message: string }>;
}

export const DEFAULT_GUARD_INTERVAL_MS = 1_000;
export const DEFAULT_WITHIN_MS = 30_000;
export const DEFAULT_STEP_TIMEOUT_MS = 5 * 60_000;
