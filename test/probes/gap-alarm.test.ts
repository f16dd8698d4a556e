import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { GapAlarm } from '../../src/probes/gap-alarm.js';

/** The write probe's budget as a guard, on real timers (budgets of tens of ms). */
function alarm(budgetMs: number) {
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const fired: Array<{ at: number; message: string }> = [];
  const a = new GapAlarm(budgetMs, now, (v) => fired.push({ at: now(), message: v.message }));
  return { a, now, fired };
}

describe('GapAlarm', () => {
  it('fires once, a budget after the first failed write began, while writes keep failing', async () => {
    const { a, now, fired } = alarm(80);
    a.record(now(), false);
    await delay(30);
    a.record(now(), false);
    await delay(120);
    a.record(now(), false);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.at).toBeGreaterThanOrEqual(79);
    expect(fired[0]!.at).toBeLessThan(140);
    expect(fired[0]!.message).toMatch(/^writes unavailable for \d+ms and counting: over the budget of 80ms \(abort: true\)$/);
  });

  it('a timer that fires before the budget by the probe\'s clock waits out the rest: never a breach under budget', async () => {
    // The probe's clock 3 % slower than the timers' (CI saw a timer fire at 78.9 ms of an 80 ms budget).
    const t0 = performance.now();
    const now = () => (performance.now() - t0) * 0.97;
    const fired: number[] = [];
    const a = new GapAlarm(80, now, () => fired.push(now()));
    const opened = now();
    a.record(opened, false);
    await delay(150);
    expect(fired).toHaveLength(1);
    expect(fired[0]! - opened).toBeGreaterThanOrEqual(80);
  });

  it('a write that succeeds within the budget disarms it', async () => {
    const { a, now, fired } = alarm(80);
    a.record(now(), false);
    await delay(40);
    a.record(now(), true);
    await delay(100);
    expect(fired).toEqual([]);
  });

  it('counts from when the failed attempt began, not when it was recorded', async () => {
    const { a, now, fired } = alarm(80);
    const began = now();
    await delay(60); // an attempt that took 60 ms to fail
    a.record(began, false);
    await delay(40);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.at).toBeLessThan(95);
  });

  it('stop() disarms it', async () => {
    const { a, now, fired } = alarm(30);
    a.record(now(), false);
    a.stop();
    await delay(60);
    expect(fired).toEqual([]);
  });
});
