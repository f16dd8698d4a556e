import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { nodeOpsOf, nodeParam, opsContext, planNodeOp, recoveryTarget, nothingPicked } from './common.js';

const params = z.strictObject({ node: nodeParam });

export const nodeUnpause: ActionModule<z.output<typeof params>> = {
  name: 'node.unpause',
  summary: 'unfreeze a paused node',
  params,
  nodeParams: ['node'],
  requires: ['nodeOps'],
  nodeOp: 'unpause',
  plan: (p, ctx) => planNodeOp(ctx, 'unpause', p.node),
  async run(ctx, p) {
    const node = recoveryTarget(ctx, p.node);
    if (!node) return nothingPicked(p.node);
    await nodeOpsOf(ctx.lab).unpause(opsContext(ctx), node);
    return { output: `${node} unpaused`, data: { node } };
  },
};
