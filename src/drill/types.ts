/** The drill as the engine sees it: checked, params substituted, paths resolved, durations in ms. */

export type ParamValue = string | number | boolean;

export interface Located {
  line: number;
  col: number;
}

export interface Check extends Located {
  /** The invariant's (or probe's) name, e.g. `etcd.quorum`. */
  name: string;
  params: unknown;
  withinMs: number;
  forMs: number;
}

export interface Step extends Located {
  name: string;
  action: string;
  params: unknown;
  explain?: string;
  timeoutMs: number;
  expect: Check[];
  continueOnFailure: boolean;
}

export interface Drill {
  file: string;
  dir: string;
  name: string;
  title?: string;
  description?: string;
  lab: { provider: string; name?: string; [k: string]: unknown };
  params: Record<string, ParamValue>;
  invariants: Check[];
  probes: Check[];
  steps: Step[];
  restore: Step[];
}

export const DEFAULT_WITHIN_MS = 30_000;
export const DEFAULT_STEP_TIMEOUT_MS = 5 * 60_000;
