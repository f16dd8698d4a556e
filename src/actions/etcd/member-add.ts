import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { resolveNode } from '../../clients/etcd/selectors.js';
import { waitHealthy } from '../../clients/etcd/health.js';
import { memberOf } from '../../clients/etcd/membership.js';
import { need } from '../../labs/types.js';
import { addNodeBack, planRejoin } from './rejoin.js';

const params = z.strictObject({
  node: z.string().describe('A lab node whose member is not in the cluster (e.g. after etcd.member.remove)'),
});
type Params = z.infer<typeof params>;

/** `etcdctl member add`, then the node starts on a fresh data dir with initial-cluster-state=existing. */
export const memberAdd: ActionModule<Params> = {
  name: 'etcd.member.add',
  summary: 'add a node\'s member back (fresh data dir, initial-cluster-state=existing), retrying while "unhealthy cluster"',
  params,
  nodeParams: ['node'],
  requires: ['etcd', 'members'],
  leavesBehind: 'a member added',
  plan: (p, ctx) => planRejoin(ctx.lab.members, p.node),
  async run(ctx, p) {
    const etcd = need(ctx.lab, 'etcd');
    const host = need(ctx.lab, 'members');
    // `follower` / `leader`: the node an earlier fault step picked (node.kill {node: follower}).
    const node = etcd.member(await resolveNode(ctx, etcd, p.node, 'recall')).node;
    await host.running(ctx, node); // the lab's ownership check, before anything changes
    if (await memberOf(etcd, node)) throw new Error(`${p.node} is still a member: remove it first (or use etcd.member.replace)`);
    const added = await addNodeBack(etcd, host, ctx, node);
    const after = await waitHealthy(etcd, ctx.signal, 60_000);
    ctx.measure('member.added', added.memberId);
    ctx.measure('member.add.unhealthyClusterWait', added.waitedMs, 'ms');
    return { output: `${p.node} added as member ${added.memberId}; ${after.length}/${after.length} healthy` };
  },
};
