import { describe, expect, it } from 'vitest';
import { exercise } from '../../src/actions/exercise.js';
import type { Check } from '../../src/drill/types.js';
import type { Context, InvariantModule } from '../../src/engine/types.js';

/**
 * The exercise's loop, with checks that are plain functions of a counter (no lab: the lab tests in
 * test/drills/exercise-*.test.ts play the student on real etcd): hints released by time, the time
 * to fix and hints used as figures, a watch check that fails the exercise with its reason.
 */
function check(name: string, holds: () => boolean, message = name): Check {
  const module = { name, summary: name, plan: () => [], check: async () => ({ ok: holds(), message }) } as unknown as InvariantModule;
  return { name, module, params: {}, withinMs: 0, forMs: 0, line: 1, col: 1 };
}

function context() {
  const logs: string[] = [];
  const measures: Record<string, unknown> = {};
  const ctx = { signal: new AbortController().signal, state: new Map(), log: (m: string) => logs.push(m), measure: (n: string, v: unknown) => (measures[n] = v) } as unknown as Context;
  return { ctx, logs, measures };
}

describe('action: exercise', () => {
  it('gives the task, releases the hints that came due, and measures the time to fix once every check holds', async () => {
    const { ctx, logs, measures } = context();
    let polls = 0;
    const started = Date.now();
    const until = [check('fixed', () => ++polls >= 4), check('also', () => true)];
    await exercise.run(ctx, { task: 'repair it', hints: [{ after: '10ms', text: 'first' }, { after: '1h', text: 'never reached' }], until, watch: [], poll: '50ms' });
    expect(logs[0]).toBe('YOUR TURN:');
    expect(logs).toContain('repair it');
    expect(logs).toContain('hint 1/2 (after 10ms): first');
    expect(logs.some((l) => l.includes('never reached'))).toBe(false);
    expect(measures['exercise.hintsUsed']).toBe(1);
    expect(measures['exercise.timeToFix']).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(logs.at(-1)).toMatch(/^fixed in \d+ms, 1 of 2 hints used$/);
  });

  it('a watch check that breaks fails the exercise with its reason', async () => {
    const { ctx } = context();
    let polls = 0;
    const watch = [check('etcd.defragOrder', () => ++polls < 3, 'the leader was defragmented first')];
    await expect(exercise.run(ctx, { task: 't', hints: [], until: [check('fixed', () => false)], watch, poll: '10ms' }))
      .rejects.toThrow('etcd.defragOrder: the leader was defragmented first');
  });
});
