import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { nodeOpsOf, nodeParam, opsContext, planNodeOp, recoveryTarget, nothingPicked } from './common.js';

const params = z.strictObject({ node: nodeParam });

/** Reconnects a partitioned node with the IP it had (its etcd peer URLs name that IP). */
export const nodeHeal: ActionModule<z.output<typeof params>> = {
  name: 'node.heal',
  summary: 'reconnect a partitioned node to the lab network, on its old IP',
  params,
  nodeParams: ['node'],
  requires: ['nodeOps'],
  nodeOp: 'heal',
  plan: (p, ctx) => planNodeOp(ctx, 'heal', p.node),
  async run(ctx, p) {
    const node = recoveryTarget(ctx, p.node);
    if (!node) return nothingPicked(p.node);
    await nodeOpsOf(ctx.lab).heal(opsContext(ctx), node);
    return { output: `${node} back on the lab network`, data: { node } };
  },
};
