import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { currentLeader, LEADER_REFERENCE } from '../../clients/etcd/leader.js';
import { need } from '../../labs/types.js';
import { errorMessage } from '../../engine/errors.js';

const params = z.strictObject({
  to: z.string().min(1).describe('The node to lead next, or follower (any current follower)'),
  attempts: z.number().int().min(1).max(10).default(1)
    .describe('Tries of the move: a transfer raft gave up on (the target missed its TimeoutNow, as after a healed partition) is tried again'),
});

/** Hands leadership over on purpose (etcdctl move-leader), as before maintenance on the leader's node. */
export const etcdLeaderMove: ActionModule<z.output<typeof params>> = {
  name: 'etcd.leader.move',
  summary: 'move etcd leadership to another member',
  params,
  nodeParams: ['to'],
  requires: ['etcd'],
  plan: (p) => [`etcd Status on every member (who leads), then MoveLeader to ${p.to} sent to the leader (etcdctl move-leader)`],
  async run(ctx, p) {
    const etcd = need(ctx.lab, 'etcd');
    const { node: leader, probes } = await currentLeader(etcd, 1_000);
    if (!leader) throw new Error('no leader to move');
    ctx.state.set(LEADER_REFERENCE, leader);
    const target = p.to === 'follower' ? probes.filter((x) => x.ok && x.node !== leader).map((x) => x.node).pop() : p.to;
    if (!target) throw new Error('no follower answers: nowhere to move the leader');
    if (target === 'leader' || target === leader) return { output: `${leader} already leads` };
    const s = probes.find((x) => x.node === target);
    if (!s?.ok) throw new Error(`${target} does not answer: ${s && !s.ok ? s.error : 'not a member'}`);
    const t = performance.now();
    let from = leader;
    for (let attempt = 1; ; attempt++) {
      try {
        await etcd.with(from, (m) => m.moveLeader(s.status.memberId, 5_000), ctx.signal);
        break;
      } catch (err) {
        if (attempt >= p.attempts || ctx.signal.aborted) throw err;
        // etcd answers a transfer raft gave up on only at the deadline; the leader may have moved meanwhile.
        const now = await currentLeader(etcd, 1_000);
        ctx.log(`leader move to ${target} failed (${errorMessage(err)}); the leader is ${now.node ?? 'unknown'}${now.node === target ? '' : `: trying again (${attempt + 1} of ${p.attempts})`}`, 'warn');
        if (now.node === target) break;
        if (now.node) from = now.node;
      }
    }
    ctx.measure('leader.move', Math.round(performance.now() - t), 'ms');
    return { output: `leadership moved from ${leader} to ${target}`, data: { from: leader, to: target } };
  },
};
