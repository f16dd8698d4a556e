import { formatDuration } from '../drill/duration.js';

/**
 * A write probe's budget as a guard (`abort: true`): from the start of the first failed write, a
 * timer of the budget; the next successful write disarms it. When it fires, the gap has exceeded
 * the budget already, whatever comes next: `breach` is called once, at that moment (not at the end
 * of the drill, and not a tick later).
 */
export class GapAlarm {
  private timer?: NodeJS.Timeout;
  private openedAt?: number;
  private fired = false;

  constructor(
    private readonly budgetMs: number,
    private readonly now: () => number,
    private readonly breach: (v: { message: string; expected: string; observed: string }) => void,
  ) {}

  /** A write attempt that started at `ms` (the drill's clock) ended, `ok` or not. */
  record(ms: number, ok: boolean): void {
    if (ok) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.openedAt = undefined;
      return;
    }
    if (this.openedAt !== undefined || this.fired) return;
    this.openedAt = ms;
    const left = Math.max(0, this.budgetMs - (this.now() - ms));
    this.timer = setTimeout(() => this.fire(), left);
  }

  private fire(): void {
    if (this.openedAt === undefined || this.fired) return;
    const gap = this.now() - this.openedAt;
    // Node's timers may fire up to a millisecond before the budget by this clock (seen in CI: 78.9 ms
    // of an 80 ms budget): a gap still within it is not a breach yet.
    if (gap < this.budgetMs) {
      this.timer = setTimeout(() => this.fire(), Math.max(1, Math.ceil(this.budgetMs - gap)));
      return;
    }
    this.fired = true;
    this.breach({
      message: `writes unavailable for ${formatDuration(gap)} and counting: over the budget of ${formatDuration(this.budgetMs)} (abort: true)`,
      expected: `≤ ${formatDuration(this.budgetMs)}`,
      observed: `> ${formatDuration(gap)}`,
    });
  }

  stop(): void {
    clearTimeout(this.timer);
    this.openedAt = undefined;
  }
}
