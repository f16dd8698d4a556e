import { z } from 'zod';
import { kubeOf } from '../../clients/kube/lab.js';
import { apiPaths, NS_NAME_PATTERN, splitRef } from '../../clients/kube/paths.js';
import { parseDuration } from '../../drill/duration.js';
import { duration } from '../../drill/schema.js';
import { LabError } from '../../engine/errors.js';
import type { ActionModule } from '../../engine/types.js';
import { need } from '../../labs/types.js';
import { holderNode } from '../../invariants/k8s/lease-holder.js';
import { drillNodeName } from '../../invariants/k8s/nodes.js';

const params = z.strictObject({
  lease: z.string().regex(new RegExp(NS_NAME_PATTERN), { message: 'expected namespace/name, e.g. kube-system/kube-scheduler' })
    .default('kube-system/kube-scheduler').describe('The leader-election Lease whose holder loses its node'),
  grace: duration.default('10s').describe('docker stop grace (kind nodes stop on SIGRTMIN+3, then SIGKILL)'),
});
type Params = z.infer<typeof params>;

export const stoppedHolderKey = (lease: string): string => `k8s.lease.stoppedNode:${lease}`;

/** The chapter's Lease failover: whoever holds the Lease now, its control-plane node goes down. */
export const k8sStopLeaseHolder: ActionModule<Params> = {
  name: 'k8s.lease.stopHolder',
  summary: "stop the node of a Lease's current holder (e.g. the active kube-scheduler)",
  params,
  requires: ['kubernetes', 'nodeOps'],
  leavesBehind: 'a stopped node',
  fault: { undoneBy: ['node.start', 'node.poweron', 'etcd.member.replace', 'etcd.snapshot.restore'] },
  plan(p, ctx) {
    const { namespace, name } = splitRef(p.lease);
    const docker = ctx.lab.nodeOps;
    const example = docker?.plan('stop', ctx.lab.nodes()[0]!.name, { graceSeconds: Math.ceil(parseDuration(p.grace)! / 1000) }) ?? [];
    return [`GET ${apiPaths.lease(namespace, name)}  # holder = spec.holderIdentity up to "_"`, ...example.map((l) => l.replace(ctx.lab.nodes()[0]!.container, '<holder node>'))];
  },
  async run(ctx, p) {
    const { namespace, name } = splitRef(p.lease);
    const lease = await (await kubeOf(ctx.lab).client()).readLease(namespace, name, { signal: ctx.signal });
    const host = holderNode(lease.holder);
    if (!host) throw new Error(`Lease ${p.lease} has no holder: nothing to fail over`);
    const node = drillNodeName(ctx.lab, host);
    const docker = need(ctx.lab, 'nodeOps');
    ctx.state.set(stoppedHolderKey(p.lease), node);
    ctx.state.set(`k8s.leaseHolder:${p.lease}`, lease.holder);
    await docker.stop({ runner: ctx.runner, signal: ctx.signal, state: ctx.state, log: ctx.log }, node, parseDuration(p.grace)!);
    return { output: `${name} was held on ${node}; ${node} stopped`, data: { node, holder: lease.holder } };
  },
};
