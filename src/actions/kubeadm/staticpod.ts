import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { faultTarget, nodeParam, nothingPicked, planOnNode, recoveryTarget } from '../node/common.js';
import { podParam, shellContext, staticPodsOf } from './common.js';

const params = z.strictObject({ node: nodeParam, pod: podParam });

/** The seeds' way to stop a control-plane component: its manifest moved out of kubelet's folder. */
export const staticpodStop: ActionModule<z.output<typeof params>> = {
  name: 'staticpod.stop',
  summary: "move a static Pod's manifest out of /etc/kubernetes/manifests and wait until kubelet has stopped it",
  params,
  nodeParams: ['node'],
  requires: ['staticPods'],
  leavesBehind: 'a static Pod manifest moved out of /etc/kubernetes/manifests',
  fault: { undoneBy: ['staticpod.start'] },
  plan: (p, ctx) => planOnNode(ctx, p.node, `the current ${p.node} (etcd Status of every member)`, (n) => staticPodsOf(ctx.lab).plan('stopPod', n, p.pod)),
  async run(ctx, p) {
    const node = await faultTarget(ctx, p.node);
    const t = performance.now();
    await staticPodsOf(ctx.lab).stopPod(shellContext(ctx), node, p.pod);
    return { output: `${p.pod} stopped on ${node} in ${Math.round(performance.now() - t)} ms (manifest in /etc/kubernetes/kdrill-stopped/)`, data: { node, pod: p.pod } };
  },
};

export const staticpodStart: ActionModule<z.output<typeof params>> = {
  name: 'staticpod.start',
  summary: "move a static Pod's manifest back into /etc/kubernetes/manifests and wait until kubelet runs it",
  params,
  nodeParams: ['node'],
  requires: ['staticPods'],
  plan: (p, ctx) => planOnNode(ctx, p.node, `the node the last fault on "${p.node}" picked`, (n) => staticPodsOf(ctx.lab).plan('startPod', n, p.pod)),
  async run(ctx, p) {
    const node = recoveryTarget(ctx, p.node);
    if (!node) return nothingPicked(p.node);
    const t = performance.now();
    await staticPodsOf(ctx.lab).startPod(shellContext(ctx), node, p.pod);
    return { output: `${p.pod} running again on ${node} in ${Math.round(performance.now() - t)} ms`, data: { node, pod: p.pod } };
  },
};
