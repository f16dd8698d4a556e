/** Everything that happens in a run is an event; the journal and every reporter subscribe. */

import { visibleLines } from '../report/escape.js';

export type Phase = 'lab' | 'steady' | 'steps' | 'restore' | 'final';
export type StepStatus = 'passed' | 'failed' | 'skipped' | 'interrupted' | 'timeout';
export type DrillStatus = 'passed' | 'failed' | 'interrupted' | 'invalidated' | 'error';

export interface CheckOutcome {
  check: string;
  ok: boolean;
  message: string;
  expected?: string;
  observed?: string;
  attempts: number;
  durationMs: number;
  /** Where the check was declared: `expect` of a step, or the drill's `invariants`. */
  source: 'expect' | 'invariant' | 'wait';
}

/** The steps a drill means to run, so that reports can name the ones that never started. */
export interface DrillOutline {
  steps: Array<{ name: string; action: string; line: number }>;
  restore: Array<{ name: string; action: string; line: number }>;
}

/** A drill's outline for its journal: each step's name, action and line. */
export function outlineOf(drill: { steps: ReadonlyArray<{ name: string; action: string; line: number }>; restore: ReadonlyArray<{ name: string; action: string; line: number }> }): DrillOutline {
  const steps = (list: ReadonlyArray<{ name: string; action: string; line: number }>) => list.map((s) => ({ name: s.name, action: s.action, line: s.line }));
  return { steps: steps(drill.steps), restore: steps(drill.restore) };
}

export type DrillEventBody =
  | { type: 'drill.start'; drill: { name: string; title?: string; file: string; sha256?: string }; kdrillVersion?: string; runId: string; runDir: string; params: Record<string, string>; dryRun: boolean; outline?: DrillOutline; monotonicMs?: number }
  | { type: 'lab.up'; provider: string; name: string; created: boolean; nodes: string[]; adopted?: string }
  | { type: 'lab.down'; provider: string; name: string; removed: boolean; reason: string }
  | { type: 'lab.error'; message: string; invalidated: boolean }
  | { type: 'phase.start'; phase: Phase }
  | { type: 'step.start'; phase: Phase; index: number; name: string; action: string; explain?: string; line: number; undoneBy?: string[] }
  | { type: 'step.end'; phase: Phase; index: number; name: string; status: StepStatus; durationMs: number; error?: string; output?: string; data?: Record<string, unknown>; line: number }
  | ({ type: 'check.end'; phase: Phase; step?: string } & CheckOutcome)
  | { type: 'command'; argv: readonly string[]; exitCode?: number; durationMs: number; error?: string; via?: 'engine' }
  | { type: 'measure'; step?: string; name: string; value: number | string; unit?: string }
  | { type: 'probe.sample'; probe: string; ok: boolean; latencyMs: number; error?: string; target?: string }
  | { type: 'probe.summary'; probe: string; ok: boolean; message: string; windows: Array<{ startMs: number; endMs: number }>; perStep: Array<{ step: string; longestMs: number; totalMs: number }>; budgetMs?: number }
  | { type: 'guard.breach'; guard: string; message: string; expected?: string; observed?: string; line?: number; step?: string; source: 'guard' | 'probe' }
  | { type: 'guard.end'; guard: string; polls: number; breached: boolean }
  | { type: 'budget'; figure: string; step?: string; limit: number; value: number; unit: string; ok: boolean; message: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'interrupt'; signal: string; count: number }
  | { type: 'drill.end'; status: DrillStatus; exitCode: number; durationMs: number; reason?: string; restoreNotRun?: string[] };

/** `t`: wall clock; `ms`: milliseconds since the drill started (monotonic). */
export type DrillEvent = DrillEventBody & { t: string; ms: number; seq: number };

export type Subscriber = (event: DrillEvent) => void;

export class EventBus {
  private subscribers: Subscriber[] = [];
  private seq = 0;
  readonly startedAt = performance.now();
  /**
   * The monotonic clock (process.hrtime, ms) at `ms: 0`: the clock of V8's CPU profiles, so a
   * journal lines up with `node --cpu-prof` (bench/attribute.mjs).
   */
  readonly monotonicOrigin = Number(process.hrtime.bigint()) / 1e6 - (performance.now() - this.startedAt);
  readonly events: DrillEvent[] = [];

  subscribe(s: Subscriber): void {
    this.subscribers.push(s);
  }

  now(): number {
    return performance.now() - this.startedAt;
  }

  emit(body: DrillEventBody): DrillEvent {
    const event = { ...body, t: new Date().toISOString(), ms: Math.round(this.now() * 10) / 10, seq: this.seq++ } as DrillEvent;
    this.events.push(event);
    for (const s of this.subscribers) {
      try {
        s(event);
      } catch (err) {
        // A broken reporter must not break the drill (and above all not the restore).
        process.stderr.write(`${visibleLines(`kdrill: reporter error: ${String(err)}`)}\n`);
      }
    }
    return event;
  }
}
