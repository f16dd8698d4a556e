import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { resolveNode } from '../../clients/etcd/selectors.js';
import { rememberClusterId } from '../../clients/etcd/ledger.js';
import { waitHealthy } from '../../clients/etcd/health.js';
import { health, memberOf, removeMember, replaceRefusal } from '../../clients/etcd/membership.js';
import type { EtcdAccess, MemberInfo } from '../../clients/etcd/access.js';
import { need } from '../../labs/types.js';
import { planOnNode } from '../node/common.js';
import { addNodeBack, planRejoin } from './rejoin.js';

const params = z.strictObject({
  node: z.string().describe('The node whose member died (its data is treated as lost)'),
  healthTimeout: z.number().int().positive().default(60_000).describe('Milliseconds to wait for 3/3 healthy after the start'),
  ifNeeded: z.boolean().default(false)
    .describe("A restore step (after an exercise): nothing to do when the node's member is healthy; a replace left half-way by hand (removed, or added and not started) is finished"),
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
  requires: ['etcd', 'members'],
  leavesBehind: 'a member removed (and, once done, re-added with a new ID)',
  plan: (p, ctx) => planOnNode(ctx, p.node, `the node the last fault on "${p.node}" picked`, (node) => [
    ...(p.ifNeeded ? [`etcdctl endpoint status --cluster  # nothing to do when ${node}'s member is healthy`] : []),
    `etcdctl endpoint status --cluster  # refuse unless ${node} is dead and the others hold quorum`,
    `etcdctl member remove <id of ${node}>`,
    ...planRejoin(ctx.lab.members, node),
    ...(ctx.lab.members?.plan('removeDataDir', node) ?? []),
  ]),
  async run(ctx, p) {
    const etcd = need(ctx.lab, 'etcd');
    const host = need(ctx.lab, 'members');
    // `follower` / `leader`: the node an earlier fault step picked (node.kill {node: follower}).
    const node = etcd.member(await resolveNode(ctx, etcd, p.node, 'recall')).node;
    // The lab's ownership check, before anything changes.
    await host.running(ctx, node);
    const { health: h, clusterId } = await health(etcd);
    const found = await memberOf(etcd, node);
    if (p.ifNeeded && found && h.find((m) => m.member === node)?.healthy) return { output: `${node} is a healthy member (${found.id}): nothing to replace` };
    const refusal = replaceRefusal(h, node);
    if (refusal) throw new Error(`member replace of ${node} refused, nothing was done: ${refusal}`);
    if (clusterId) rememberClusterId(ctx.state, clusterId);
    // ifNeeded: every entry of this node, by its peer URL too (an entry added by hand and never started has no name).
    const entries = p.ifNeeded ? await entriesOf(etcd, node, (await host.config(ctx, node)).peerURL) : found ? [found] : [];
    if (!p.ifNeeded && !found) throw new Error(`${p.node} is not in the member list (already removed?): use etcd.member.add`);
    const dead = entries[0];
    const started = performance.now();
    for (const e of entries) {
      await removeMember(etcd, ctx.signal, e.id);
      ctx.log(`removed member ${e.id} (${p.node}${e.name ? '' : ', added and never started'})`);
    }
    // From here the replace runs to its end, even on a Ctrl-C or a step timeout (bounded): a member
    // removed and not added back leaves the cluster one member short, and its node's old etcd exits
    // at start ("member removed"), which no restore step can undo. (Found by the kept-lab soak.)
    const finish = AbortSignal.timeout(p.healthTimeout + 120_000);
    const rest = { ...ctx, signal: finish, runner: ctx.runner.withSignal(finish) };
    const added = await addNodeBack(etcd, host, rest, node);
    const after = await waitHealthy(etcd, finish, p.healthTimeout);
    const ms = Math.round(performance.now() - started);
    // The old data dir goes only now: the member runs on its new one.
    if (added.oldDataDir !== added.dataDir) await host.removeDataDir(rest, node, added.oldDataDir);
    if (ctx.signal.aborted) ctx.log(`interrupted during the replace: it ran to its end (${after.length}/${after.length} healthy)`, 'warn');
    ctx.signal.throwIfAborted();
    ctx.measure('replace.time', ms, 'ms');
    ctx.measure('replace.unhealthyClusterWait', added.waitedMs, 'ms');
    if (dead) ctx.measure('replace.oldMemberId', dead.id);
    ctx.measure('replace.newMemberId', added.memberId);
    ctx.measure('clusterId', after[0]!.clusterId);
    return {
      output: `${node}: ${entries.length ? `member ${entries.map((e) => e.id).join(', ')} removed` : 'not in the member list'}, added back as ${added.memberId} with a fresh data dir (${added.dataDir}), `
        + `${after.length}/${after.length} healthy in ${ms} ms; cluster ID ${after[0]!.clusterId} (was ${clusterId}); no snapshot used`,
    };
  },
};

/** Every member entry of a node: by its name or client URL (started), or its peer URL (added, maybe never started). */
async function entriesOf(etcd: EtcdAccess, node: string, peerURL: string): Promise<MemberInfo[]> {
  const m = etcd.member(node);
  return (await etcd.memberList(2_000)).members.filter((x) => x.name === m.container || x.clientURLs.includes(m.url) || x.peerURLs.includes(peerURL));
}
