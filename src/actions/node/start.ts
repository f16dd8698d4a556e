import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { nodeOpsOf, nodeParam, opsContext, planNodeOp, recoveryTarget, nothingPicked } from './common.js';

const params = z.strictObject({
  node: nodeParam,
  waitFor: z.enum(['running', 'member']).default('running')
    .describe('running: the container is up; member: its etcd member also answers and knows the leader'),
});

/** Starts a stopped (or killed) node and checks it came back on its old IP (else: lab invalidated). */
export const nodeStart: ActionModule<z.output<typeof params>> = {
  name: 'node.start',
  summary: 'start a stopped node (and check its IP did not change)',
  params,
  nodeParams: ['node'],
  requires: ['nodeOps'],
  nodeOp: 'start',
  plan: (p, ctx) => [...planNodeOp(ctx, 'start', p.node), ...(p.waitFor === 'member' ? ['# until its etcd member answers Status and names a leader'] : [])],
  async run(ctx, p) {
    const node = recoveryTarget(ctx, p.node);
    if (!node) return nothingPicked(p.node);
    const t = performance.now();
    await nodeOpsOf(ctx.lab).start(opsContext(ctx), node);
    const etcd = ctx.lab.etcd;
    if (p.waitFor === 'member' && etcd && etcd.members().some((e) => e.node === node)) {
      for (;;) {
        const s = await etcd.status(node, 500);
        if (s.ok && s.status.leaderId !== '0') break;
        await delay(50, undefined, { signal: ctx.signal });
      }
    }
    return { output: `${node} started in ${Math.round(performance.now() - t)} ms`, data: { node } };
  },
};
