import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { etcdHistory } from '../../../src/probes/etcd/history.js';
import { skipLab } from '../../labs/helpers.js';
import { suiteLab } from '../../labs/suite-lab.js';

/** The history probe through leader-loss's two faults (SIGTERM, then SIGKILL of the leader), on a real lab. */
describe.skipIf(skipLab)('etcd.history on a real lab', () => {
  const { ctx, act } = suiteLab('kdl-history');

  it('records every operation of 4 clients through leader losses: linearizable, 0 acknowledged writes lost', async () => {
    const probe = await etcdHistory.start(ctx, etcdHistory.params.parse({ writers: 4, keys: 3, interval: '20ms' }));
    await delay(500);
    await act('node.stop', { node: 'leader', grace: '10s' });
    await delay(1_000);
    await act('node.start', { node: 'leader', waitFor: 'member' });
    await act('node.kill', { node: 'leader' });
    await delay(3_000);
    await act('node.start', { node: 'leader', waitFor: 'member' });
    await delay(500);
    const verdict = await probe.stop();
    const history = readFileSync(path.join(ctx.runDir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const count = (outcome: string, op?: string) => history.filter((o) => o.outcome === outcome && (!op || o.op === op)).length;
    console.log(`history: ${history.length} operations, ${count('ok', 'put')} acknowledged puts, ${count('ok', 'get')} gets, ${count('unknown')} unknown; ${verdict.message}`);
    expect(verdict.message).toMatch(/linearizable: \d+ operations on 3 keys\n0 acknowledged writes lost$/);
    expect(verdict.ok).toBe(true);
    expect(count('ok', 'put')).toBeGreaterThan(50);
    expect(count('ok', 'get')).toBeGreaterThan(50);
    // Each put's value is unique; an acknowledged put carries its revision.
    const puts = history.filter((o) => o.op === 'put');
    expect(new Set(puts.map((o) => o.value)).size).toBe(puts.length);
    expect(puts.filter((o) => o.outcome === 'ok').every((o) => typeof o.revision === 'number')).toBe(true);
  });
});
