import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exercise, GaveUpError } from '../../src/actions/exercise.js';
import { giveUpPending, requestGiveUp, takeAnswer } from '../../src/trainer/give-up.js';
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

function context(stateDir?: string) {
  const logs: string[] = [];
  const measures: Record<string, unknown> = {};
  const lab = stateDir ? { env: { stateDir } } : undefined;
  const ctx = { lab, signal: new AbortController().signal, state: new Map(), log: (m: string) => logs.push(m), measure: (n: string, v: unknown) => (measures[n] = v) } as unknown as Context;
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

  it('a give-up request (kdrill lab give-up) ends it as given up, with its time and hints, and answers the asker', async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'kdrill-giveup-'));
    const { ctx, logs, measures } = context(stateDir);
    const until = [check('fixed', () => false)];
    setTimeout(() => requestGiveUp(stateDir, 'kdrill lab give-up, pid 1'), 300);
    const t0 = Date.now();
    const err = await exercise.run(ctx, { task: 't', hints: [{ after: '1ms', text: 'h' }, { after: '1h', text: 'later' }], until, watch: [], poll: '1h' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GaveUpError);
    // Taken during the pause, not an hour later: the pause looks for a request every 100 ms.
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect((err as Error).message).toMatch(/^gave up after \d+ms \(kdrill lab give-up, pid 1\), 1 of 2 hints used: not fixed; the restore repairs the lab$/);
    expect(measures['exercise.gaveUpAfter']).toBeTypeOf('number');
    expect(measures['exercise.timeToFix']).toBeUndefined();
    expect(giveUpPending(stateDir)).toBe(false);
    expect(takeAnswer(stateDir)).toMatch(/^gave up after .*the restore is repairing the lab/);
    expect(logs.some((l) => l.startsWith('Stuck? Type give up here (on a terminal), or in another terminal: kdrill lab give-up'))).toBe(true);
  });

  it('a request left from before the exercise began does not end it', async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'kdrill-giveup-'));
    requestGiveUp(stateDir, 'an old request');
    const { ctx, measures } = context(stateDir);
    let polls = 0;
    await exercise.run(ctx, { task: 't', hints: [], until: [check('fixed', () => ++polls >= 2)], watch: [], poll: '10ms' });
    expect(measures['exercise.timeToFix']).toBeTypeOf('number');
    expect(takeAnswer(stateDir)).toBeUndefined();
  });
});
