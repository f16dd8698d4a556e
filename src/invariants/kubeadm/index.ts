import { z } from 'zod';
import type { Context, InvariantModule, Verdict } from '../../engine/types.js';
import { nodeParam, planOnNode } from '../../actions/node/common.js';
import { resolveNode } from '../../clients/etcd/selectors.js';
import { podParam, shellContext, staticPodsOf } from '../../actions/kubeadm/common.js';
import { prettyCommand } from '../../exec/errors.js';
import { findPodArgv } from '../../labs/kubeadm-layout.js';
import { certsExpiry } from './certs.js';

/** A node param of a check: a host name, the node an earlier fault picked as `leader` / `follower`, else who is that now. */
function nodeOf(ctx: Context, node: string): Promise<string> {
  return resolveNode(ctx, ctx.lab.etcd, node, 'recall');
}

const podParams = z.strictObject({
  node: nodeParam,
  pod: podParam,
  running: z.boolean().default(true).describe('true: a container of the Pod runs on the node; false: none does'),
});
type PodParams = z.output<typeof podParams>;

export function podVerdict(p: PodParams, node: string, running: boolean): Verdict {
  const seen = running ? `${p.pod} running on ${node}` : `no ${p.pod} container running on ${node}`;
  return running === p.running
    ? { ok: true, message: seen }
    : { ok: false, message: seen, expected: p.running ? `${p.pod} running` : `${p.pod} stopped`, observed: seen };
}

export const staticpodRunning: InvariantModule<PodParams> = {
  name: 'staticpod.running',
  summary: "whether a static Pod's container runs on a node (crictl ps --name <pod> --state running)",
  params: podParams,
  nodeParams: ['node'],
  requires: ['staticPods'],
  plan: (p, ctx) => planOnNode(ctx, p.node, 'the node an earlier fault picked', (n) => [`${prettyCommand(ctx.lab.shell?.argv(n, findPodArgv(p.pod)) ?? findPodArgv(p.pod))}  # ${p.running ? 'prints' : 'prints no'} container id`]),
  async check(ctx, p) {
    const node = await nodeOf(ctx, p.node);
    return podVerdict(p, node, await staticPodsOf(ctx.lab).podRunning(shellContext(ctx), node, p.pod));
  },
};

const kubeletParams = z.strictObject({
  node: nodeParam,
  active: z.boolean().default(true).describe('true: kubelet runs (systemctl is-active kubelet); false: it is stopped'),
});
type KubeletParams = z.output<typeof kubeletParams>;

export const kubeletActive: InvariantModule<KubeletParams> = {
  name: 'kubelet.active',
  summary: 'whether kubelet runs on a node (systemctl is-active kubelet)',
  params: kubeletParams,
  nodeParams: ['node'],
  requires: ['staticPods'],
  plan: (p, ctx) => planOnNode(ctx, p.node, 'the node an earlier fault picked', (n) => [`${prettyCommand(ctx.lab.shell?.argv(n, ['systemctl', 'is-active', 'kubelet']) ?? [])}  # ${p.active ? 'active' : 'inactive'}`]),
  async check(ctx, p) {
    const node = await nodeOf(ctx, p.node);
    const active = await staticPodsOf(ctx.lab).kubeletActive(shellContext(ctx), node);
    if (active === undefined) return { ok: false, message: `${node} has no systemctl: kubelet's state cannot be asked`, expected: `kubelet ${p.active ? 'active' : 'inactive'}`, observed: 'no systemctl' };
    const seen = `kubelet ${active ? 'active' : 'inactive'} on ${node}`;
    return active === p.active ? { ok: true, message: seen } : { ok: false, message: seen, expected: `kubelet ${p.active ? 'active' : 'inactive'}`, observed: seen };
  },
};

export const invariants: InvariantModule[] = [staticpodRunning, kubeletActive, certsExpiry];
