import { performance as nodePerformance } from 'node:perf_hooks';
import type { Drill, Step } from '../drill/types.js';
import type { Lab, LabEnv, SafetyNet } from '../labs/types.js';
import type { CommandRunner } from '../exec/runner.js';
import { timeoutSignal } from '../exec/timer.js';
import { evaluateChecks } from './checks.js';
import { GuardWatch, type Breach } from './guards.js';
import { createContext } from './context.js';
import { errorMessage, LabError } from './errors.js';
import { lockLab } from './lock.js';
import { judgeBudgets } from './budgets.js';
import { summarize } from '../report/summarize.js';
import type { DrillStatus, EventBus, Phase, StepStatus } from './events.js';
import type { Context, RunningProbe, Verdict } from './types.js';

export interface EngineOptions {
  drill: Drill;
  runDir: string;
  labStateDir: string;
  /** Why the lab stays after the run whatever the drill says (`kdrill lab up` holds it until `kdrill lab down`). */
  keepLab?: string;
  runner: CommandRunner;
  events: EventBus;
  /** Aborted by the first Ctrl-C: the running step is stopped, the restore runs. */
  interrupt: AbortSignal;
  /** Run only the step of this name (the restore still runs). */
  only?: string;
  /** Trainer mode: called before each step; resolves to false to skip the remaining steps. */
  beforeStep?: (step: Step, phase: Phase, index: number, total: number, plan: string[]) => Promise<boolean>;
  /** Called when a step failed, before the restore runs (--pause-on-failure). */
  onFailure?: (step: Step, error: string) => Promise<void>;
  /** The exit code of a verdict, for the journal's drill.end (src/cli/exit.ts owns the mapping). */
  exitCodeOf(status: DrillStatus): number;
}

export interface EngineResult {
  status: DrillStatus;
  exitCode: number;
  reason?: string;
}


/**
 * The run lifecycle, in one place: lab up → probes → steady state → guards → steps (each followed
 * by its expectations and the invariants; a guard's breach aborts them) → guards stopped → restore
 * (always; every step even after a failure) → steady state again → probes judged → lab down.
 */
export class DrillRun {
  private status: DrillStatus = 'passed';
  private reason?: string;
  private restoreDone = new Set<number>();
  /** Set once lab up returned: from then on the restore, the final check and lab down run. */
  private labUp = false;
  /** What the safety net found and did, for the reason of an interrupted run. */
  private netOutcome?: string;
  private lab!: Lab;
  private started = performance.now();
  private cpuAtStart = process.cpuUsage();
  private eluAtStart = nodePerformance.eventLoopUtilization();
  private guards = new GuardWatch((b) => this.breached(b));
  private currentStep?: string;

  constructor(private readonly o: EngineOptions) {}

  /**
   * The safety net of a lab that stays: its own steady state after the drill's restore. Healed, the run
   * fails (exit 1: the drill's restore did not do it); still broken, it is a lab error (exit 3) that says
   * what is wrong and how to fix it by hand. Not cut short by a first Ctrl-C, like the restore.
   */
  private async safetyNet(net: SafetyNet, state: Map<string, unknown>): Promise<void> {
    const { events } = this.o;
    const signal = AbortSignal.timeout(5 * 60_000);
    const log = (message: string, level: 'info' | 'warn' | 'error' = 'info') => events.emit({ type: 'log', level, message });
    const ctx = { runner: this.o.runner.withSignal(signal), signal, state, log };
    try {
      const before = await net.check(ctx);
      if (before.ok) return;
      log(`lab ${this.lab.name} is not at its steady state after the drill: ${before.problems.join('; ')}`, 'warn');
      const done = await net.heal(ctx);
      const after = await net.check(ctx);
      if (after.ok) {
        this.netOutcome = `lab healed by kdrill: ${done.join(', ') || 'it came back by itself'}`;
        log(this.netOutcome, 'warn');
        this.setStatus('failed', `the drill left lab ${this.lab.name} off its steady state (${before.problems.join('; ')}); ${this.netOutcome}`);
      } else {
        const commands = net.byHand(after.problems);
        this.netOutcome = `lab left broken: ${after.problems.join('; ')}${done.length ? ` (kdrill tried: ${done.join(', ')})` : ''}; to fix it by hand: ${commands.join(' ; ')}`;
        log(this.netOutcome, 'error');
        this.o.events.emit({ type: 'lab.error', message: this.netOutcome, invalidated: false });
        this.setStatus('error', this.netOutcome);
      }
    } catch (err) {
      log(`the lab's safety net could not check it: ${errorMessage(err)}`, 'warn');
    }
  }

  /** What an interrupt left, said as it is: "the restore ran" only when restore steps ran. */
  private interruptedWords(): string {
    const restore = this.o.drill.restore;
    if (!this.labUp) return 'interrupted during lab up: no step ran, nothing to restore';
    if (restore.length === 0) return 'interrupted: this drill has no restore steps (what its steps changed is left as it is)';
    const notRun = this.restoreNotRun();
    if (notRun.length === 0) return `interrupted: the restore ran (${restore.length} step${restore.length === 1 ? '' : 's'})`;
    return `interrupted: restore steps not run: ${notRun.join(', ')}`;
  }

  /** `keep: true`, or a lab held by `kdrill lab up`: the lab stays after the run. */
  private get keep(): boolean {
    return this.o.keepLab !== undefined || (this.o.drill.lab as { keep?: boolean }).keep === true;
  }

  /** Restore steps that have not run yet (for the second Ctrl-C). */
  restoreNotRun(): string[] {
    return this.o.drill.restore.filter((_, i) => !this.restoreDone.has(i)).map((s) => s.name);
  }

  async run(): Promise<EngineResult> {
    const { drill, events } = this.o;
    const provider = drill.provider;
    const env: LabEnv = {
      runner: this.o.runner.withSignal(this.o.interrupt),
      signal: this.o.interrupt,
      log: (message, level = 'info') => events.emit({ type: 'log', level, message }),
      drillDir: drill.dir,
      stateDir: this.o.labStateDir,
    };
    this.lab = provider.create(drill.lab, env);
    const ctx = createContext({ runner: this.o.runner, lab: this.lab, events, signal: this.o.interrupt, runDir: this.o.runDir, drillDir: drill.dir });

    let created = false;
    let running: Array<{ name: string; probe: RunningProbe }> = [];
    let unlock = () => {};
    try {
      // A lab with nodes is shared state: a second run on it would remove the first one's nodes.
      if (this.lab.nodes().length > 0) unlock = lockLab(this.lab.provider, this.lab.name);
    } catch (err) {
      this.fail(err);
      return this.end(events);
    }
    try {
      events.emit({ type: 'phase.start', phase: 'lab' });
      const up = await this.lab.up();
      created = up.created;
      this.labUp = true;
      events.emit({ type: 'lab.up', provider: this.lab.provider, name: this.lab.name, created, nodes: this.lab.nodes().map((n) => n.name), ...(up.adopted ? { adopted: up.adopted } : {}) });
      running = await this.startProbes(ctx);
      if (await this.steadyState(ctx, 'steady')) {
        await this.guards.start(ctx, this.o.drill.guards, this.o.interrupt);
        await this.steps(ctx);
      }
    } catch (err) {
      this.fail(err);
      // A lab that failed (or was interrupted) half-way up is removed: what it made carries its label.
      if (!this.labUp) created = true;
    }
    // Guards watch the steps only: the restore is what repairs what they saw.
    for (const g of await this.guards.stop()) events.emit({ type: 'guard.end', ...g });
    if (this.labUp) {
      await this.restore(ctx);
      // Like the restore, the check that the lab is back is not cut short by a first Ctrl-C.
      if (this.status === 'passed' || this.status === 'interrupted') {
        await this.steadyState(ctx.withSignal(new AbortController().signal), 'final').catch((err) => this.fail(err));
      }
    }
    for (const { name, probe } of running) await this.stopProbe(name, probe);
    this.judgeBudgets(events);
    if (this.labUp && this.lab.safetyNet && (this.keep || !created)) await this.safetyNet(this.lab.safetyNet, ctx.state);
    await this.down(created);
    await this.lab.close?.().catch((err: unknown) => events.emit({ type: 'log', level: 'warn', message: `closing lab clients: ${errorMessage(err)}` }));
    // A Ctrl-C that came during the restore, the final check or lab down still ends the run as
    // interrupted (exit 130): the shell or script that started kdrill must see that it was stopped.
    if (this.o.interrupt.aborted) {
      this.setStatus('interrupted', '');
      // Said once everything has run: what the restore did is known only now.
      this.reason = [this.interruptedWords(), this.netOutcome].filter(Boolean).join('; ');
    }
    unlock();
    return this.end(events);
  }

  private end(events: EventBus): EngineResult {
    // kdrill's own share of the run: CPU time of this process (waiting on docker or etcd costs none).
    const cpu = process.cpuUsage(this.cpuAtStart);
    events.emit({ type: 'measure', name: 'kdrill.cpu', value: Math.round((cpu.user + cpu.system) / 1000), unit: 'ms' });
    // Event-loop utilisation: the share of the run kdrill was busy itself rather than waiting on
    // docker, etcd or Kubernetes (an idle loop is one waiting for their answers).
    const elu = nodePerformance.eventLoopUtilization(this.eluAtStart);
    events.emit({ type: 'measure', name: 'kdrill.busy', value: Math.round(elu.utilization * 1000) / 10, unit: '%' });
    const exitCode = this.o.exitCodeOf(this.status);
    events.emit({ type: 'drill.end', status: this.status, exitCode, durationMs: Math.round(performance.now() - this.started), reason: this.reason });
    return { status: this.status, exitCode, reason: this.reason };
  }

  private fail(err: unknown, stepName?: string): void {
    if (this.o.interrupt.aborted) {
      this.setStatus('interrupted', this.interruptedWords());
    } else if (err instanceof LabError) {
      this.o.events.emit({ type: 'lab.error', message: err.message, invalidated: err.invalidated });
      this.setStatus(err.invalidated ? 'invalidated' : 'error', err.message);
    } else {
      this.setStatus('failed', stepName ? `step "${stepName}" failed: ${errorMessage(err)}` : errorMessage(err));
    }
  }

  /** The first problem's reason is kept; an interrupt or a broken lab outranks a failed check. */
  private setStatus(status: DrillStatus, reason: string): void {
    const rank: Record<DrillStatus, number> = { passed: 0, failed: 1, error: 2, invalidated: 3, interrupted: 4 };
    if (rank[status] > rank[this.status]) {
      this.status = status;
      this.reason = reason;
    }
  }

  /** The drill's budgets against the run's figures, once the probes have said their windows. */
  private judgeBudgets(events: EventBus): void {
    const budgets = this.o.drill.budgets ?? {};
    if (Object.keys(budgets).length === 0) return;
    const figures = summarize(events.events).figures;
    if (!figures) return;
    for (const b of judgeBudgets(figures, budgets)) {
      events.emit({ type: 'budget', ...b });
      if (!b.ok) this.setStatus('failed', `budget: ${b.message}`);
    }
  }

  private async startProbes(ctx: Context): Promise<Array<{ name: string; probe: RunningProbe }>> {
    const out: Array<{ name: string; probe: RunningProbe }> = [];
    for (const spec of this.o.drill.probes) {
      // A probe with `abort: true` breaches like a guard when its budget is exceeded.
      const breach = (v: { message: string; expected?: string; observed?: string }) => this.guards.trip({ guard: spec.name, ...v, line: spec.line, source: 'probe' });
      out.push({ name: spec.name, probe: await spec.module.start(ctx, spec.params, { breach }) });
    }
    return out;
  }

  /** A guard breached: the verdict says so (it outranks a step that failed before), then the steps are aborted. */
  private breached(b: Breach): void {
    this.o.events.emit({ type: 'guard.breach', ...b, step: this.currentStep });
    if (this.status === 'passed' || this.status === 'failed') {
      this.status = 'failed';
      this.reason = `aborted by guard: ${b.guard} — ${b.message}`;
    }
  }

  private async stopProbe(name: string, probe: RunningProbe): Promise<void> {
    let verdict: Verdict;
    try {
      verdict = await probe.stop();
    } catch (err) {
      verdict = { ok: false, message: `probe ${name} failed: ${errorMessage(err)}` };
    }
    if (!verdict.ok) this.setStatus('failed', `${name}: ${verdict.message}`);
  }

  private async steadyState(ctx: Context, phase: 'steady' | 'final'): Promise<boolean> {
    if (this.o.drill.invariants.length === 0) return true;
    this.o.events.emit({ type: 'phase.start', phase });
    const outcomes = await evaluateChecks(ctx, this.o.drill.invariants, 'invariant', phase);
    const bad = outcomes.filter((o) => !o.ok);
    if (bad.length === 0) return true;
    const what = phase === 'steady' ? 'steady state not met before the first step' : 'steady state not back after the restore';
    this.setStatus('failed', `${what}: ${bad.map((o) => `${o.check}: ${o.message}`).join('; ')}`);
    return false;
  }

  private async steps(ctx: Context & { withSignal(s: AbortSignal, step?: string): Context }): Promise<void> {
    const { drill, events } = this.o;
    const steps = this.o.only ? drill.steps.filter((s) => s.name === this.o.only) : drill.steps;
    events.emit({ type: 'phase.start', phase: 'steps' });
    for (const [index, step] of steps.entries()) {
      if (this.o.interrupt.aborted || this.guards.breach) break;
      if (this.o.beforeStep && !(await this.o.beforeStep(step, 'steps', index, steps.length, this.plan(step)))) {
        events.emit({ type: 'log', level: 'warn', message: 'remaining steps skipped by the trainer; running the restore' });
        break;
      }
      // A guard may have breached while the trainer read the step.
      if (this.guards.breach) break;
      const { status, error } = await this.runStep(ctx, step, 'steps', index, true);
      if (this.guards.breach) break;
      if (status === 'passed') continue;
      if (status === 'interrupted') break;
      if (this.o.onFailure) await this.o.onFailure(step, error ?? status);
      if (!step.continueOnFailure) break;
    }
  }

  private async restore(ctx: Context & { withSignal(s: AbortSignal, step?: string): Context }): Promise<void> {
    const { drill, events } = this.o;
    if (drill.restore.length === 0) return;
    events.emit({ type: 'phase.start', phase: 'restore' });
    for (const [index, step] of drill.restore.entries()) {
      if (this.o.beforeStep) await this.o.beforeStep(step, 'restore', index, drill.restore.length, this.plan(step));
      // The restore is not stopped by the first Ctrl-C: it is what makes the lab whole again.
      await this.runStep(ctx, step, 'restore', index, false);
      this.restoreDone.add(index);
    }
  }

  /** Runs one step: the action under its timeout, then (if it passed) its expectations and the invariants. */
  private async runStep(
    base: Context & { withSignal(s: AbortSignal, step?: string): Context },
    step: Step,
    phase: Phase,
    index: number,
    interruptible: boolean,
  ): Promise<{ status: StepStatus; error?: string }> {
    const { events, drill } = this.o;
    const started = performance.now();
    events.emit({ type: 'step.start', phase, index, name: step.name, action: step.action, explain: step.explain, line: step.line, ...(step.module.fault ? { undoneBy: step.module.fault.undoneBy } : {}) });
    // Whatever the step's timeout, it becomes a timer: a throw here, outside the try, would skip
    // the rest of the restore and lab down.
    const timeout = timeoutSignal(step.timeoutMs);
    const signal = interruptible ? AbortSignal.any([this.o.interrupt, timeout, this.guards.signal]) : timeout;
    if (interruptible) this.currentStep = step.name;
    const ctx = base.withSignal(signal, step.name);
    let status: StepStatus = 'passed';
    let error: string | undefined;
    let result: { output?: string; data?: Record<string, unknown> } | void = undefined;
    try {
      result = await step.module.run(ctx, step.params);
    } catch (err) {
      const guarded = interruptible && !this.o.interrupt.aborted && this.guards.signal.aborted;
      if (interruptible && this.o.interrupt.aborted) status = 'interrupted';
      else if (timeout.aborted && !guarded) status = 'timeout';
      else status = 'failed';
      error = status === 'timeout' ? `timed out after ${step.timeoutMs}ms` : status === 'interrupted' ? 'interrupted' : guarded ? errorMessage(this.guards.signal.reason) : errorMessage(err);
      if (status !== 'interrupted') {
        if (err instanceof LabError) this.fail(err);
        else this.setStatus('failed', `${phase === 'restore' ? 'restore ' : ''}step "${step.name}" ${status === 'timeout' ? 'timed out' : 'failed'}: ${error}`);
      } else this.fail(err);
    }
    if (status === 'passed') {
      const checkCtx = base.withSignal(interruptible ? AbortSignal.any([this.o.interrupt, this.guards.signal]) : new AbortController().signal, step.name);
      try {
        const outcomes = [
          ...(await evaluateChecks(checkCtx, step.expect, 'expect', phase)),
          ...(phase === 'steps' ? await evaluateChecks(checkCtx, drill.invariants, 'invariant', phase) : []),
        ];
        const bad = outcomes.filter((o) => !o.ok);
        if (bad.length > 0) {
          status = 'failed';
          error = bad.map((o) => `${o.check}: ${o.message}`).join('; ');
          this.setStatus('failed', `${phase === 'restore' ? 'restore ' : ''}step "${step.name}": ${error}`);
        }
      } catch (err) {
        status = this.o.interrupt.aborted ? 'interrupted' : 'failed';
        error = !this.o.interrupt.aborted && interruptible && this.guards.signal.aborted ? errorMessage(this.guards.signal.reason) : errorMessage(err);
        this.fail(err, step.name);
      }
    }
    if (interruptible) this.currentStep = undefined;
    events.emit({
      type: 'step.end', phase, index, name: step.name, status, line: step.line,
      durationMs: Math.round(performance.now() - started), error,
      output: result?.output, data: result?.data,
    });
    return { status, error };
  }

  private plan(step: Step): string[] {
    return step.module.plan(step.params, { lab: this.lab, drillDir: this.o.drill.dir, runDir: this.o.runDir });
  }

  private async down(created: boolean): Promise<void> {
    if (!created || this.keep) {
      this.o.events.emit({ type: 'lab.down', provider: this.lab.provider, name: this.lab.name, removed: false, reason: this.keep ? (this.o.keepLab ?? 'keep: true') : 'not created by this run' });
      return;
    }
    try {
      this.lab.env.signal = AbortSignal.timeout(120_000);
      this.lab.env.runner = this.o.runner.withSignal(this.lab.env.signal);
      await this.lab.down({});
      this.o.events.emit({ type: 'lab.down', provider: this.lab.provider, name: this.lab.name, removed: true, reason: 'created by this run' });
    } catch (err) {
      this.o.events.emit({ type: 'lab.error', message: `lab down failed: ${errorMessage(err)}`, invalidated: false });
      this.setStatus('error', `lab down failed: ${errorMessage(err)}`);
    }
  }
}
