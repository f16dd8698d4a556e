import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { etcdWrites } from '../../../src/probes/etcd/writes.js';
import { skipLab } from '../../labs/helpers.js';
import { suiteLab } from '../../labs/suite-lab.js';

/** The write probe against real faults: a follower's loss costs ~nothing, a SIGKILLed leader an election. */
describe.skipIf(skipLab)('etcd.writes on a real lab', () => {
  const { ctx, act } = suiteLab('kdt-probe');
  const step = (name: string) => ctx.events.emit({ type: 'step.start', phase: 'steps', index: 0, name, action: 'x', line: 1 });

  it('measures the gap of each fault, per step', async () => {
    const probe = await etcdWrites.start(ctx, etcdWrites.params.parse({ interval: '100ms', maxUnavailable: '5s' }));
    await delay(500);
    step('kill a follower');
    await act('node.kill', { node: 'follower' });
    await delay(1_500);
    await act('node.start', { node: 'follower', waitFor: 'member' });
    step('stop the leader');
    await act('node.stop', { node: 'leader', grace: '10s' });
    await delay(1_500);
    await act('node.start', { node: 'leader', waitFor: 'member' });
    await delay(500);
    step('kill the leader');
    await act('node.kill', { node: 'leader' });
    // Longer than the slowest election seen (2.6 s; a split vote adds up to another 2 s), so that
    // the gap ends with the new leader, not with the old one's restart.
    await delay(5_000);
    await act('node.start', { node: 'leader', waitFor: 'member' });
    const verdict = await probe.stop();
    const summary = ctx.events.events.find((e) => e.type === 'probe.summary');
    if (summary?.type !== 'probe.summary') throw new Error('no probe.summary');
    const gap = (s: string) => summary.perStep.find((g) => g.step === s)!.longestMs;
    console.log(`write gaps: follower SIGKILL ${gap('kill a follower')} ms, leader SIGTERM ${gap('stop the leader')} ms, leader SIGKILL ${gap('kill the leader')} ms`);
    expect(gap('kill a follower')).toBeLessThan(400);
    expect(gap('stop the leader')).toBeLessThan(700);
    expect(gap('kill the leader')).toBeGreaterThan(500); // an election timeout (1 s) minus the luck of timing
    expect(gap('kill the leader')).toBeLessThan(4_500); // elected before the old leader came back
    expect(verdict.ok).toBe(true);
    expect(ctx.events.events.filter((e) => e.type === 'probe.sample').length).toBeGreaterThan(50);
  });
});
