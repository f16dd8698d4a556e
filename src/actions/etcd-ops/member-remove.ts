import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { opsEtcd } from '../../labs/etcd/ops-access.js';
import { resolveNode } from '../../clients/etcd/selectors.js';
import { health, removeMember } from '../../labs/etcd/ops-members.js';
import { quorumOf } from '../../clients/etcd/quorum.js';

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
  plan: (p) => [`etcdctl member remove <id of ${p.node}>`],
  async run(ctx, p) {
    const etcd = opsEtcd(ctx);
    // `follower` / `leader`: the node an earlier fault step picked (node.kill {node: follower}).
    const m = etcd.member(await resolveNode(ctx, ctx.lab.get('etcd'), p.node, 'pick'));
    const { health: h } = await health(etcd, ctx);
    const healthy = h.filter((x) => x.healthy).length;
    if (healthy < quorumOf(h.length)) throw new Error(`member remove refused, nothing was done: quorum lost (${healthy} of ${h.length} healthy, quorum is ${quorumOf(h.length)})`);
    const dead = (await etcd.memberList(ctx)).find((x) => x.name === m.container || x.clientURLs.includes(m.url));
    if (!dead) throw new Error(`${p.node} is not in the member list`);
    await removeMember(etcd, ctx, dead.id);
    ctx.measure('member.removed', dead.id);
    return { output: `removed member ${dead.id} (${p.node}); the cluster now has ${h.length - 1} members, quorum ${quorumOf(h.length - 1)}` };
  },
};
