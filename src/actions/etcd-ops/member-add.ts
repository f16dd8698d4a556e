import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { opsEtcd } from '../../labs/etcd/ops-access.js';
import { resolveNode } from '../../clients/etcd/selectors.js';
import { addNodeBack, waitClusterHealthy } from '../../labs/etcd/ops-members.js';
import { assertOwned } from '../../labs/etcd/restore.js';

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
  requires: ['etcd', 'docker'],
  plan: (p) => [
    `etcdctl member add <${p.node}> --peer-urls=<its peer URL>  # retried while "unhealthy cluster"`,
    `docker cp etcd.yaml <${p.node}>:/etc/kubernetes/etcd.yaml  # fresh data-dir, initial-cluster-state: existing`,
    `docker start <${p.node}>`,
  ],
  async run(ctx, p) {
    const etcd = opsEtcd(ctx);
    // `follower` / `leader`: the node an earlier fault step picked (node.kill {node: follower}).
    const m = etcd.member(await resolveNode(ctx, ctx.lab.get('etcd'), p.node, 'recall'));
    await assertOwned(ctx, m.container, ctx.lab.name);
    if ((await etcd.memberList(ctx)).some((x) => x.name === m.container || x.clientURLs.includes(m.url))) {
      throw new Error(`${p.node} is still a member: remove it first (or use etcd.member.replace)`);
    }
    const added = await addNodeBack(etcd, ctx, m);
    const after = await waitClusterHealthy(etcd, ctx);
    ctx.measure('member.added', added.memberId);
    ctx.measure('member.add.unhealthyClusterWait', added.waitedMs, 'ms');
    return { output: `${p.node} added as member ${added.memberId}; ${after.length}/${after.length} healthy` };
  },
};
