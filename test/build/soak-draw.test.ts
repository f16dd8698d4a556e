import { describe, expect, it } from 'vitest';
import { interruptOnce } from '../../bench/draw.mjs';

// The soak's draw of SIGINT moments, with a stand-in for the drill run (`once`): a run that takes
// `ms` and is signalled only when the moment comes before it ends, as a real child process would be.
function drillTaking(...durations: number[]) {
  const delays: number[] = [];
  const once = async (delay: number) => {
    const ms = durations[Math.min(delays.length, durations.length - 1)]!;
    delays.push(delay);
    return delay < ms ? { signalledAt: delay, ms: delay + 100 } : { signalledAt: undefined, ms };
  };
  return { once, delays };
}

describe('soak draw', () => {
  it('draws over [200 ms, upper - 200 ms]', async () => {
    for (const [random, expected] of [[0, 200], [0.5, 4000], [1, 7800]] as const) {
      const { once, delays } = drillTaking(10_000);
      await interruptOnce(once, 8000, { random: () => random });
      expect(delays).toEqual([expected]);
    }
  });

  it('draws again within the faster run when kdrill exited before the moment (the CI failure of stop 8)', async () => {
    // Baseline 8.2 s (cold), this run 5.9 s; the first moment, 7.0 s, comes after it exited.
    const { once, delays } = drillTaking(5900);
    const randoms = [(7000 - 200) / 7800, 0.9];
    const { run, delay, draws } = await interruptOnce(once, 8200, { random: () => randoms.shift()! });
    expect(draws).toBe(2);
    expect(run.signalledAt).toBe(delay);
    // The second moment is drawn over the 5.9 s that run took, not the baseline's 8.2 s.
    expect(delays[1]).toBe(Math.round(200 + 0.9 * (5900 - 400)));
    expect(delays[1]).toBeLessThan(5900);
  });

  it('gives up after `tries` draws and returns the run that was never signalled', async () => {
    const { once, delays } = drillTaking(150);
    const { run, draws } = await interruptOnce(once, 8000, { random: () => 1, tries: 3 });
    expect(draws).toBe(3);
    expect(delays).toHaveLength(3);
    expect(run.signalledAt).toBeUndefined();
  });
});
