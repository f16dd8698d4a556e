import type { CheckOutcome, DrillStatus, StepStatus } from '../engine/events.js';

/** Names of the two steady-state checks, shown as steps in every report. */
export const STEADY_NAME = 'steady state';
export const FINAL_NAME = 'steady state after the restore';

/** Where a step (or a steady-state check) belongs in the run. */
export type ReportPhase = 'steady' | 'steps' | 'restore' | 'final';

/** `not run`: the step was planned but never started (an earlier failure, or a second Ctrl-C). */
export type ReportStepStatus = StepStatus | 'not run';

export interface CheckReport extends CheckOutcome {
  /** ms since the drill started, when the verdict was reached. */
  atMs: number;
}

export interface MeasureReport {
  step?: string;
  name: string;
  value: number | string;
  unit?: string;
}

export interface StepReport {
  phase: ReportPhase;
  /** 0-based position within its phase. */
  index: number;
  name: string;
  action?: string;
  status: ReportStepStatus;
  durationMs: number;
  startMs?: number;
  endMs?: number;
  error?: string;
  output?: string;
  explain?: string;
  /** Line of the step in the drill file. */
  line?: number;
  data?: Record<string, unknown>;
  checks: CheckReport[];
  measures: MeasureReport[];
  /** A fault step: the actions that undo it (src/report/figures.ts). */
  undoneBy?: string[];
}

export type FailureKind = 'steady-state' | 'step' | 'restore' | 'final-state' | 'probe' | 'guard' | 'budget' | 'lab' | 'interrupted';

/** Why the drill did not pass, each in the operator's words; a failed check keeps expected/observed. */
export interface FailureReport {
  kind: FailureKind;
  message: string;
  step?: string;
  check?: string;
  line?: number;
  expected?: string;
  observed?: string;
}

export interface WindowReport {
  startMs: number;
  endMs: number;
}

export interface ProbeReport {
  probe: string;
  /** undefined when the run ended before the probe was judged (its samples are still here). */
  ok?: boolean;
  message?: string;
  samples: Array<{ ms: number; ok: boolean }>;
  attempts: number;
  failures: number;
  windows: WindowReport[];
  longestMs: number;
  totalMs: number;
  budgetMs?: number;
  perStep: Array<{ step: string; longestMs: number; totalMs: number }>;
}

/** A guard of the drill (or a probe with `abort: true`) and whether it breached. */
export interface GuardReport {
  guard: string;
  source: 'guard' | 'probe';
  breached: boolean;
  /** Polls made (a guard's own; undefined for a probe). */
  polls?: number;
  message?: string;
  expected?: string;
  observed?: string;
  line?: number;
  /** The step running when it breached (none: before the first step, or between steps). */
  step?: string;
  atMs?: number;
  /** From the breach to the end of the step it aborted: how fast the step stopped. */
  stopMs?: number;
}

/** A fault's recovery figures (definitions: src/report/figures.ts and the README). */
export interface FaultFigures {
  step: string;
  action?: string;
  line?: number;
  detectionMs?: number;
  writeGapMs?: number;
  writeGapProbe?: string;
  /** The step that undid the fault, or `restore`. */
  recoveredBy?: string;
  recoveryMs?: number;
  rpoKeys?: number;
  rpoRevisions?: number;
}

/** A drill-level budget judged at the end of the run. */
export interface BudgetReport {
  figure: string;
  step?: string;
  limit: number;
  value: number;
  unit: string;
  ok: boolean;
  message: string;
}

/** The run's recovery figures: per fault, and the worst of each over the run. */
export interface Figures {
  faults: FaultFigures[];
  detectionMs?: number;
  /** The longest unavailable window of any probe over the whole run. */
  writeGapMs?: number;
  recoveryMs?: number;
  rpoKeys?: number;
  rpoRevisions?: number;
  budgets: BudgetReport[];
}

export interface RunReport {
  /** `sha256`: of the drill file's bytes when the run began. */
  drill: { name: string; title?: string; file: string; sha256?: string };
  kdrillVersion?: string;
  runId?: string;
  runDir?: string;
  /** `incomplete`: the journal ends before drill.end (the process was killed). */
  status: DrillStatus | 'incomplete';
  exitCode?: number;
  reason?: string;
  startedAt?: string;
  endedAt?: string;
  durationMs: number;
  params: Record<string, string>;
  lab?: { provider: string; name: string; created: boolean; adopted?: string; removed?: boolean; nodes: string[]; downReason?: string; invalidated?: boolean };
  steps: StepReport[];
  failures: FailureReport[];
  measures: MeasureReport[];
  probes: ProbeReport[];
  guards: GuardReport[];
  /** Restore steps that never ran (second Ctrl-C, or a killed process). */
  restoreNotRun: string[];
  interrupts: Array<{ signal: string; count: number; atMs: number }>;
  /** Detection, write gap, recovery and RPO, per fault (absent in reports of kdrill before 0.x). */
  figures?: Figures;
}
