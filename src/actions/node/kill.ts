import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { nodeOpsOf, faultTarget, nodeParam, opsContext, planNodeOp } from './common.js';

const params = z.strictObject({ node: nodeParam });

/** SIGKILL: a crash. Unlike node.stop, a leader gets no chance to hand over: the members must elect. */
export const nodeKill: ActionModule<z.output<typeof params>> = {
  name: 'node.kill',
  summary: 'kill a node (SIGKILL, no clean shutdown)',
  params,
  nodeParams: ['node'],
  requires: ['nodeOps'],
  nodeOp: 'kill',
  leavesBehind: 'a killed node',
  fault: { undoneBy: ['node.start', 'node.poweron', 'etcd.member.replace', 'etcd.snapshot.restore'] },
  plan: (p, ctx) => planNodeOp(ctx, 'kill', p.node),
  async run(ctx, p) {
    const node = await faultTarget(ctx, p.node);
    await nodeOpsOf(ctx.lab).kill(opsContext(ctx), node);
    return { output: `${node} killed`, data: { node } };
  },
};
