import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { faultTarget, nodeParam, nothingPicked, planOnNode, recoveryTarget } from '../node/common.js';
import { shellContext, staticPodsOf } from './common.js';

const params = z.strictObject({ node: nodeParam });

/** The seeds' `systemctl stop kubelet # on one control plane node`: the node agent stops, its static Pods do not. */
export const kubeletStop: ActionModule<z.output<typeof params>> = {
  name: 'kubelet.stop',
  summary: 'systemctl stop kubelet on a node: the static Pods (etcd, the API server) keep running; the node goes NotReady',
  params,
  nodeParams: ['node'],
  requires: ['staticPods'],
  leavesBehind: 'a stopped kubelet',
  fault: { undoneBy: ['kubelet.start'] },
  plan: (p, ctx) => planOnNode(ctx, p.node, `the current ${p.node} (etcd Status of every member)`, (n) => staticPodsOf(ctx.lab).plan('stopKubelet', n)),
  async run(ctx, p) {
    const node = await faultTarget(ctx, p.node);
    await staticPodsOf(ctx.lab).stopKubelet(shellContext(ctx), node);
    return { output: `kubelet stopped on ${node}: its static Pods keep running (nothing stops them without kubelet)`, data: { node } };
  },
};

export const kubeletStart: ActionModule<z.output<typeof params>> = {
  name: 'kubelet.start',
  summary: 'systemctl start kubelet on a node',
  params,
  nodeParams: ['node'],
  requires: ['staticPods'],
  plan: (p, ctx) => planOnNode(ctx, p.node, `the node the last fault on "${p.node}" picked`, (n) => staticPodsOf(ctx.lab).plan('startKubelet', n)),
  async run(ctx, p) {
    const node = recoveryTarget(ctx, p.node);
    if (!node) return nothingPicked(p.node);
    await staticPodsOf(ctx.lab).startKubelet(shellContext(ctx), node);
    return { output: `kubelet started on ${node}`, data: { node } };
  },
};
