import { z } from 'zod';
import { kubeOf } from '../../clients/kube/lab.js';
import { apiPaths } from '../../clients/kube/paths.js';
import type { NodeStatus } from '../../clients/kube/types.js';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { apiNodeName } from './nodes.js';

const params = z.strictObject({
  min: z.number().int().min(0).optional().describe('At least this many nodes Ready (default: all)'),
  notReady: z.array(z.string()).optional().describe('Nodes expected NOT Ready (a stopped node), by drill name'),
});
type Params = z.infer<typeof params>;

/** `notReady` arrives as API node names. */
export function nodesReadyVerdict(p: Params, nodes: NodeStatus[]): Verdict {
  const ready = nodes.filter((n) => n.ready);
  const expectDown = p.notReady ?? [];
  const up = nodes.filter((n) => !expectDown.includes(n.name));
  const wantReady = p.min ?? up.length;
  const stillReady = nodes.filter((n) => expectDown.includes(n.name) && n.ready).map((n) => n.name);
  const notReady = nodes.filter((n) => !n.ready).map((n) => n.name);
  const head = `${ready.length} of ${nodes.length} nodes Ready`;
  if (ready.length >= wantReady && stillReady.length === 0 && (p.min !== undefined || up.every((n) => n.ready))) {
    return { ok: true, message: `${head}${notReady.length ? ` (NotReady: ${notReady.join(', ')})` : ''}` };
  }
  if (stillReady.length > 0) {
    return { ok: false, message: `${head}; ${stillReady.join(', ')} still Ready although stopped (the node controller marks it NotReady after ~40 s)`, expected: `${stillReady.join(', ')} NotReady`, observed: 'Ready' };
  }
  return { ok: false, message: `${head}${notReady.length ? `; NotReady: ${notReady.join(', ')}` : ''}`, expected: `${wantReady} Ready`, observed: `${ready.length} Ready` };
}

export const k8sNodesReady: InvariantModule<Params> = {
  name: 'k8s.nodesReady',
  summary: 'the cluster nodes report Ready (all, at least min, or all but the stopped ones)',
  params,
  nodeParams: ['notReady'],
  requires: ['kubernetes'],
  plan: (p) => [`GET ${apiPaths.nodes()}  # Ready condition${p.notReady ? `; NotReady expected: ${p.notReady.join(', ')}` : ''}`],
  async check(ctx, p) {
    const client = await kubeOf(ctx.lab).client();
    const nodes = await client.listNodes({ signal: ctx.signal });
    return nodesReadyVerdict({ ...p, notReady: p.notReady?.map((n) => apiNodeName(ctx.lab, n)) }, nodes);
  },
};
