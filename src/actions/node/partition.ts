import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { nodeOpsOf, faultTarget, nodeParam, opsContext, planNodeOp } from './common.js';

const params = z.strictObject({ node: nodeParam });

/** Cuts a node off the lab network (it keeps running, alone): a network partition of one. */
export const nodePartition: ActionModule<z.output<typeof params>> = {
  name: 'node.partition',
  summary: 'cut a node off the lab network (docker network disconnect)',
  params,
  nodeParams: ['node'],
  requires: ['nodeOps'],
  nodeOp: 'partition',
  leavesBehind: 'a node cut off the network',
  fault: { undoneBy: ['node.heal'] },
  plan: (p, ctx) => planNodeOp(ctx, 'partition', p.node),
  async run(ctx, p) {
    const node = await faultTarget(ctx, p.node);
    await nodeOpsOf(ctx.lab).partition(opsContext(ctx), node);
    return { output: `${node} cut off the lab network`, data: { node } };
  },
};
