import { describe, expect, it } from 'vitest';
import { BEFORE_STEPS, budgetVerdict, gapsPerStep, unavailableWindows, type WriteSample } from '../../src/probes/windows.js';

/** `+` an acknowledged write, `-` a failed one, one every 100 ms, each taking 10 ms. */
const samples = (pattern: string): WriteSample[] => [...pattern].map((c, i) => ({ ms: i * 100, ok: c === '+', latencyMs: 10 }));

describe('unavailableWindows', () => {
  it.each([
    ['++++', []],
    ['+--+', [{ startMs: 100, endMs: 310 }]],
    ['-++', [{ startMs: 0, endMs: 110 }]],
    ['+-+--+', [{ startMs: 100, endMs: 210 }, { startMs: 300, endMs: 510 }]],
    ['++--', [{ startMs: 200, endMs: 310, open: true }]],
  ])('%s', (pattern, expected) => {
    expect(unavailableWindows(samples(pattern))).toEqual(expected);
  });
});

describe('gapsPerStep', () => {
  it('gives each window to the step during which it began', () => {
    const windows = [{ startMs: 50, endMs: 80 }, { startMs: 1100, endMs: 2600 }, { startMs: 1900, endMs: 2000 }, { startMs: 3100, endMs: 3150 }];
    expect(gapsPerStep(windows, [{ name: 'kill', ms: 1000 }, { name: 'start', ms: 3000 }])).toEqual([
      { step: 'kill', longestMs: 1500, totalMs: 1600 },
      { step: 'start', longestMs: 50, totalMs: 50 },
      { step: BEFORE_STEPS, longestMs: 30, totalMs: 30 },
    ]);
  });
  it('lists steps without gaps as 0', () => {
    expect(gapsPerStep([], [{ name: 'a', ms: 0 }])).toEqual([{ step: 'a', longestMs: 0, totalMs: 0 }]);
  });
});

describe('budgetVerdict', () => {
  const per = [{ step: 'kill', longestMs: 1500, totalMs: 1500 }];
  it.each([
    [[], 3000, true, /never unavailable/],
    [[{ startMs: 0, endMs: 1500 }], 3000, true, /longest write gap 1.50s \(in "kill"\); 1 gap, 1.50s in all; budget 3.00s: within/],
    [[{ startMs: 0, endMs: 1500 }], 1000, false, /exceeded/],
    [[{ startMs: 0, endMs: 500, open: true }], 3000, false, /still unavailable at the end/],
  ])('%j budget %d', (windows, budget, ok, message) => {
    const v = budgetVerdict(windows, per, budget, 10);
    expect(v.ok).toBe(ok);
    expect(v.message).toMatch(message);
  });
  it('fails when nothing was sampled', () => {
    expect(budgetVerdict([], [], 1000, 0).ok).toBe(false);
  });
});
