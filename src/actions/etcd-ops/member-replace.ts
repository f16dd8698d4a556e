import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { opsEtcd } from '../../labs/etcd/ops-access.js';
import { resolveNode } from '../../clients/etcd/selectors.js';
import { rememberClusterId } from '../../labs/etcd/ops-ledger.js';
import { addNodeBack, health, removeMember, replaceRefusal, waitClusterHealthy } from '../../labs/etcd/ops-members.js';
import { assertOwned } from '../../labs/etcd/restore.js';

const params = z.strictObject({
  node: z.string().describe('The node whose member died (its data is treated as lost)'),
  healthTimeout: z.number().int().positive().default(60_000).describe('Milliseconds to wait for 3/3 healthy after the start'),
});
type Params = z.infer<typeof params>;

/**
 * Case A: one member dead, quorum held. member remove → fresh data dir (the old one is wiped once the
 * member runs) → member add → start with initial-cluster-state=existing. No snapshot: the member
 * catches up from the leader, and the cluster ID does not change. Refused, before anything is
 * done, when quorum is lost.
 */
export const memberReplace: ActionModule<Params> = {
  name: 'etcd.member.replace',
  summary: 'replace one dead member (remove, wipe data dir, add, start with initial-cluster-state=existing); refused without quorum',
  params,
  nodeParams: ['node'],
  requires: ['etcd', 'docker'],
  plan: (p) => [
    `etcdctl endpoint status --cluster  # refuse unless ${p.node} is dead and the others hold quorum`,
    `etcdctl member remove <id of ${p.node}>`,
    `etcdctl member add <${p.node}> --peer-urls=<its peer URL>  # retried while "unhealthy cluster"`,
    `docker cp etcd.yaml <${p.node}>:/etc/kubernetes/etcd.yaml  # data-dir: /var/lib/etcd-member-<time>, initial-cluster-state: existing`,
    `docker start <${p.node}>`,
    `docker exec <${p.node}> rm -rf <old data dir>`,
  ],
  async run(ctx, p) {
    const etcd = opsEtcd(ctx);
    // `follower` / `leader`: the node an earlier fault step picked (node.kill {node: follower}).
    const m = etcd.member(await resolveNode(ctx, ctx.lab.get('etcd'), p.node, 'recall'));
    await assertOwned(ctx, m.container, ctx.lab.name);
    const { health: h, statuses } = await health(etcd, ctx);
    const refusal = replaceRefusal(h, m.node);
    if (refusal) throw new Error(`member replace of ${m.node} refused, nothing was done: ${refusal}`);
    const clusterId = statuses[0]!.clusterId;
    rememberClusterId(ctx.state, clusterId);
    const list = await etcd.memberList(ctx);
    const dead = list.find((x) => x.name === m.container || x.clientURLs.includes(m.url));
    if (!dead) throw new Error(`${p.node} is not in the member list (already removed?): use etcd.member.add`);
    const started = performance.now();
    await removeMember(etcd, ctx, dead.id);
    ctx.log(`removed member ${dead.id} (${p.node})`);
    const added = await addNodeBack(etcd, ctx, m);
    const after = await waitClusterHealthy(etcd, ctx, p.healthTimeout);
    const ms = Math.round(performance.now() - started);
    // The old data dir goes only now: docker exec needs the container running.
    if (added.oldDataDir !== added.dataDir) await ctx.runner.run(['docker', 'exec', m.container, 'rm', '-rf', added.oldDataDir], { signal: ctx.signal, timeout: 60_000 });
    ctx.measure('replace.time', ms, 'ms');
    ctx.measure('replace.unhealthyClusterWait', added.waitedMs, 'ms');
    ctx.measure('replace.oldMemberId', dead.id);
    ctx.measure('replace.newMemberId', added.memberId);
    ctx.measure('clusterId', after[0]!.clusterId);
    return {
      output: `${m.node}: member ${dead.id} removed, added back as ${added.memberId} with a fresh data dir (${added.dataDir}), `
        + `${after.length}/${after.length} healthy in ${ms} ms; cluster ID ${after[0]!.clusterId} (was ${clusterId}); no snapshot used`,
    };
  },
};
