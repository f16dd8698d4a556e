import { z } from 'zod';
import { duration } from '../../drill/schema.js';
import { parseDuration } from '../../drill/duration.js';
import type { ActionModule } from '../../engine/types.js';
import { nodeOpsOf, faultTarget, nodeParam, opsContext, planNodeOp } from './common.js';

const params = z.strictObject({
  node: nodeParam,
  grace: duration.default('10s').describe('How long docker waits after the stop signal before SIGKILL'),
});

/** A clean stop: SIGTERM, so an etcd leader hands leadership over before it exits. */
export const nodeStop: ActionModule<z.output<typeof params>> = {
  name: 'node.stop',
  summary: 'stop a node (stop signal, SIGKILL after the grace period)',
  params,
  nodeParams: ['node'],
  requires: ['nodeOps'],
  nodeOp: 'stop',
  leavesBehind: 'a stopped node',
  fault: { undoneBy: ['node.start', 'node.poweron', 'etcd.member.replace', 'etcd.snapshot.restore'] },
  plan: (p, ctx) => planNodeOp(ctx, 'stop', p.node, { graceSeconds: Math.ceil(parseDuration(p.grace)! / 1000) }),
  async run(ctx, p) {
    const node = await faultTarget(ctx, p.node);
    const t = performance.now();
    await nodeOpsOf(ctx.lab).stop(opsContext(ctx), node, parseDuration(p.grace)!);
    return { output: `${node} stopped in ${Math.round(performance.now() - t)} ms`, data: { node } };
  },
};
