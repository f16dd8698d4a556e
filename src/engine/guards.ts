import { setTimeout as delay } from 'node:timers/promises';
import type { Guard } from '../drill/types.js';
import { errorMessage } from './errors.js';
import type { Context } from './types.js';

/** What a guard saw when it breached; `source: 'probe'` for a probe's budget with `abort: true`. */
export interface Breach {
  guard: string;
  message: string;
  expected?: string;
  observed?: string;
  line?: number;
  source: 'guard' | 'probe';
}

/** Why the running step was aborted: its abort signal's reason. */
export class GuardBreachError extends Error {
  override name = 'GuardBreachError';
  constructor(readonly breach: Breach) {
    super(`aborted by guard: ${breach.guard} — ${breach.message}`);
  }
}

/**
 * The guards of a run: each polls its check every interval while the steps run. The first breach
 * (a guard's or a probe's) aborts `signal`, which every step and its checks listen to; later
 * breaches are not reported (the steps are already stopping). Guards do not run during the restore.
 */
export class GuardWatch {
  private readonly stopper = new AbortController();
  private readonly tripper = new AbortController();
  private loops: Array<Promise<void>> = [];
  private polls = new Map<string, number>();
  breach?: Breach;

  /** `onBreach` runs before the abort, so that the run's verdict is set when the step sees it. */
  constructor(private readonly onBreach: (b: Breach) => void) {}

  /** Aborted at the first breach; its reason is a GuardBreachError. */
  get signal(): AbortSignal {
    return this.tripper.signal;
  }

  /** A breach from outside the guards' own polling (a probe's budget): ignored once stopped. */
  trip(b: Breach): void {
    if (this.breach || this.stopper.signal.aborted) return;
    this.breach = b;
    this.onBreach(b);
    this.tripper.abort(new GuardBreachError(b));
  }

  /**
   * Starts every guard; resolves once each has polled once (a breach then means no step runs).
   * `interrupt` (Ctrl-C) ends a poll under way, so that the first round does not hold up the restore.
   */
  async start(ctx: Context & { withSignal(s: AbortSignal, step?: string): Context }, guards: Guard[], interrupt: AbortSignal): Promise<void> {
    const signal = AbortSignal.any([this.stopper.signal, interrupt]);
    const checkCtx = ctx.withSignal(signal);
    const firsts = guards.map((g) => {
      let first!: () => void;
      const polled = new Promise<void>((r) => (first = r));
      this.polls.set(g.name, 0);
      this.loops.push(this.poll(checkCtx, g, first).finally(first));
      return polled;
    });
    await Promise.all(firsts);
  }

  private async poll(ctx: Context, g: Guard, first: () => void): Promise<void> {
    const signal = ctx.signal;
    while (!signal.aborted && !this.breach) {
      const started = performance.now();
      let ok: boolean;
      let v: { message: string; expected?: string; observed?: string };
      try {
        const verdict = await g.module.check(ctx, g.params);
        ok = verdict.ok;
        v = verdict;
      } catch (err) {
        if (signal.aborted) return;
        // A check that cannot be made does not hold: the guard cannot vouch for the system.
        ok = false;
        v = { message: errorMessage(err) };
      }
      if (signal.aborted) return;
      this.polls.set(g.name, (this.polls.get(g.name) ?? 0) + 1);
      if (!ok) {
        this.trip({ guard: g.name, message: v.message, expected: v.expected, observed: v.observed, line: g.line, source: 'guard' });
        return;
      }
      first();
      const wait = g.intervalMs - (performance.now() - started);
      if (wait > 0) await delay(wait, undefined, { signal }).catch(() => undefined);
    }
  }

  /** Stops polling (a check under way is aborted) and says how many polls each guard made. */
  async stop(): Promise<Array<{ guard: string; polls: number; breached: boolean }>> {
    this.stopper.abort();
    await Promise.all(this.loops);
    return [...this.polls].map(([guard, polls]) => ({ guard, polls, breached: this.breach?.guard === guard }));
  }
}
