import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { nodeOpsOf, faultTarget, nodeParam, opsContext, planNodeOp } from './common.js';

const params = z.strictObject({ node: nodeParam });

/** A hung node: its processes freeze, its sockets stay open, peers see silence instead of refusal. */
export const nodePause: ActionModule<z.output<typeof params>> = {
  name: 'node.pause',
  summary: 'freeze a node (docker pause): a hung machine',
  params,
  nodeParams: ['node'],
  requires: ['nodeOps'],
  nodeOp: 'pause',
  leavesBehind: 'a paused node',
  fault: { undoneBy: ['node.unpause'] },
  plan: (p, ctx) => planNodeOp(ctx, 'pause', p.node),
  async run(ctx, p) {
    const node = await faultTarget(ctx, p.node);
    await nodeOpsOf(ctx.lab).pause(opsContext(ctx), node);
    return { output: `${node} paused`, data: { node } };
  },
};
