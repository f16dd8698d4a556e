import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { askToGiveUp, giveUpPending, requestGiveUp, takeGiveUp } from '../../src/trainer/give-up.js';

/** The request and answer files between `kdrill lab give-up` and the exercise (real files in a temp folder). */
const folder = () => mkdtempSync(path.join(tmpdir(), 'kdrill-giveup-ask-'));
const never = new AbortController().signal;

describe('give-up: the asking side', () => {
  it('an exercise takes the request: its answer comes back, and nothing is left behind', async () => {
    const dir = folder();
    setTimeout(() => takeGiveUp(dir, (r) => `gave up (${r.by})`), 250);
    const answer = await askToGiveUp(dir, 'kdrill lab give-up, pid 7', 5_000, never);
    expect(answer).toBe('gave up (kdrill lab give-up, pid 7)');
    expect(giveUpPending(dir)).toBe(false);
  });

  it('no exercise takes it: undefined once the wait is over, and the request is withdrawn (a later exercise does not see it)', async () => {
    const dir = folder();
    const t0 = Date.now();
    expect(await askToGiveUp(dir, 'x', 300, never)).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect(giveUpPending(dir)).toBe(false);
    expect(takeGiveUp(dir, () => 'late')).toBeUndefined();
  });

  it('an answer left from an earlier request is not taken for this one', async () => {
    const dir = folder();
    // An exercise answered a first request after its asker had stopped waiting: the answer file stays.
    requestGiveUp(dir, 'first');
    expect(takeGiveUp(dir, () => 'old answer')?.by).toBe('first');
    expect(await askToGiveUp(dir, 'second', 300, never)).toBeUndefined();
  });
});
