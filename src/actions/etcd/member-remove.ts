import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { resolveNode } from '../../clients/etcd/selectors.js';
import { health, memberOf, removeMember } from '../../clients/etcd/membership.js';
import { quorumOf } from '../../clients/etcd/quorum.js';
import { need } from '../../labs/types.js';

const params = z.strictObject({
  node: z.string().describe('The node whose member leaves the cluster'),
});
type Params = z.infer<typeof params>;

/** `etcdctl member remove`: the cluster shrinks (and its quorum with it); the node's etcd stops itself. */
export const memberRemove: ActionModule<Params> = {
  name: 'etcd.member.remove',
  summary: 'remove a node\'s member from the cluster (refused without quorum)',
  params,
  nodeParams: ['node'],
  requires: ['etcd'],
  leavesBehind: 'a cluster with one member fewer',
  plan: (p) => [`etcdctl member remove <id of ${p.node}>`],
  async run(ctx, p) {
    const etcd = need(ctx.lab, 'etcd');
    // `follower` / `leader`: the node an earlier fault step picked (node.kill {node: follower}).
    const node = etcd.member(await resolveNode(ctx, etcd, p.node, 'pick')).node;
    const { health: h } = await health(etcd);
    const healthy = h.filter((x) => x.healthy).length;
    if (healthy < quorumOf(h.length)) throw new Error(`member remove refused, nothing was done: quorum lost (${healthy} of ${h.length} healthy, quorum is ${quorumOf(h.length)})`);
    const dead = await memberOf(etcd, node);
    if (!dead) throw new Error(`${p.node} is not in the member list`);
    await removeMember(etcd, ctx.signal, dead.id);
    ctx.measure('member.removed', dead.id);
    return { output: `removed member ${dead.id} (${p.node}); the cluster now has ${h.length - 1} members, quorum ${quorumOf(h.length - 1)}` };
  },
};
