import type { z } from 'zod';
import type { CommandRunner } from '../exec/runner.js';
import type { EventBus } from './events.js';
import type { Capability, Lab, LabProvider, NodeOp } from '../labs/types.js';

/** What every action, invariant and probe receives: the one context object of a run. */
export interface Context {
  runner: CommandRunner;
  lab: Lab;
  events: EventBus;
  /** Aborted on timeout of the current step or on Ctrl-C. */
  signal: AbortSignal;
  /** Folder of this run's reports; actions may write files here (snapshots, …). */
  runDir: string;
  /** Folder of the drill file (relative paths were already resolved against it). */
  drillDir: string;
  /** Values actions hand to later steps (a recorded IP, a snapshot's revision). Keyed by module. */
  state: Map<string, unknown>;
  /** Name of the step being run, for measures. */
  step?: string;
  log(message: string, level?: 'info' | 'warn' | 'error'): void;
  /** A figure for the report (DB size before defrag, RPO in keys …). */
  measure(name: string, value: number | string, unit?: string): void;
}

/** What an action returns: shown in the report and the journal. */
export interface ActionResult {
  output?: string;
  data?: Record<string, unknown>;
}

/** Context for planning (--dry-run): no processes are started. */
/** Node names that are resolved at run time instead of naming one node. */
export const NODE_SELECTORS = ['leader', 'follower'] as const;

export interface PlanContext {
  lab: Lab;
  drillDir: string;
  runDir: string;
}

export interface ParamFiles {
  /** Param keys holding a path that must exist (resolved against the drill file's folder). */
  input?: string[];
  /** Param keys holding a path that will be written (resolved, not checked). */
  output?: string[];
  /** Param keys holding a folder that must exist (a working folder). */
  folders?: string[];
}

/** A capability a lab must offer for a module to work (checked by `kdrill validate`); see src/labs/types.ts. */
export type { Capability };

export interface ActionModule<P = any> {
  name: string;
  summary: string;
  params: z.ZodType<P>;
  files?: ParamFiles;
  /** Param keys naming lab nodes (a string or a list); `validate` checks them against the lab. */
  nodeParams?: string[];
  /** Param keys holding a list of checks (like `wait.until`); the loader turns them into Check[]. */
  checkParams?: string[];
  requires?: Capability[];
  /** The node operation it performs (`validate` asks the lab whether it has it). */
  nodeOp?: NodeOp;
  /**
   * What the action leaves changed until something undoes it ("a stopped node"): `validate` warns
   * when a drill has such a step and no restore (on a kept or adopted lab it stays that way).
   */
  leavesBehind?: string;
  /**
   * A fault (a node killed, stopped, paused, cut off …) and the actions that undo it: the report times
   * detection and recovery for each step of such an action (src/report/figures.ts).
   */
  fault?: { undoneBy: string[] };
  /** The exact operations this action would perform, for --dry-run. */
  plan(params: P, ctx: PlanContext): string[];
  run(ctx: Context, params: P): Promise<ActionResult | void>;
}

export interface Verdict {
  ok: boolean;
  /** In the operator's words: "2 of 3 members healthy, quorum is 2: holds". */
  message: string;
  expected?: string;
  observed?: string;
}

export interface InvariantModule<P = any> {
  name: string;
  summary: string;
  params: z.ZodType<P>;
  files?: ParamFiles;
  nodeParams?: string[];
  requires?: Capability[];
  plan(params: P, ctx: PlanContext): string[];
  /** Probe then verdict: gather data, then judge it with a pure function. Errors count as "does not hold". */
  check(ctx: Context, params: P): Promise<Verdict>;
}

/** Every module by name, handed to the loader (the CLI builds it from the registries; tests may build their own). */
export interface Modules {
  actions: Record<string, ActionModule>;
  invariants: Record<string, InvariantModule>;
  probes: Record<string, ProbeModule>;
  labs: Record<string, LabProvider>;
}

/** A probe runs during the whole drill (from the first step to the end of the restore). */
export interface ProbeModule<P = any> {
  name: string;
  summary: string;
  params: z.ZodType<P>;
  requires?: Capability[];
  /** Why it needs etcd over gRPC and cannot run through etcdctl in the nodes (`validate` says so on such a lab). */
  grpcOnly?: string;
  plan(params: P, ctx: PlanContext): string[];
  start(ctx: Context, params: P, hooks?: ProbeHooks): Promise<RunningProbe>;
}

/** What the engine offers a running probe. */
export interface ProbeHooks {
  /** The probe's budget is exceeded and it was asked to abort (`abort: true`): stop the steps now, like a guard. */
  breach(verdict: { message: string; expected?: string; observed?: string }): void;
}

export interface RunningProbe {
  /** Stop sampling and judge what was recorded; emits its own probe.summary. */
  stop(): Promise<Verdict>;
}
