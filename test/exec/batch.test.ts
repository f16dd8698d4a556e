import { describe, expect, it } from 'vitest';
import { setTimeout as delay } from 'node:timers/promises';
import { settleAll } from '../../src/exec/batch.js';

describe('settleAll', () => {
  it('rejects with the first failure only once every task of the batch has ended', async () => {
    const ended: string[] = [];
    const slow = delay(200).then(() => { ended.push('slow'); return 1; });
    const fails = delay(10).then(() => { ended.push('fails'); throw new Error('first failure'); });
    await expect(settleAll([slow, fails])).rejects.toThrow('first failure');
    // Promise.all would have rejected at 10 ms with "slow" still running after the caller moved on.
    expect(ended).toEqual(['fails', 'slow']);
  });
  it('resolves to every value, in order', async () => {
    expect(await settleAll([delay(30).then(() => 'a'), Promise.resolve('b')])).toEqual(['a', 'b']);
  });
});
