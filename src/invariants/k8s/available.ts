import { z } from 'zod';
import { kubeOf } from '../../clients/kube/lab.js';
import { apiPaths } from '../../clients/kube/paths.js';
import type { DeploymentStatus } from '../../clients/kube/types.js';
import type { InvariantModule, Verdict } from '../../engine/types.js';

const params = z.strictObject({
  namespace: z.string().min(1).describe('Namespace whose Deployments must be available, e.g. bookstore'),
  deployments: z.array(z.string().min(1)).optional().describe('Only these Deployments (default: all in the namespace)'),
});
type Params = z.infer<typeof params>;

/** Available = as many available replicas as desired (what `kubectl wait --for=condition=available` means here). */
export function availableVerdict(p: Params, list: DeploymentStatus[]): Verdict {
  const wanted = p.deployments ?? list.map((d) => d.name);
  if (wanted.length === 0) return { ok: false, message: `no Deployments in namespace ${p.namespace}`, expected: 'at least one Deployment', observed: 'none' };
  const missing = wanted.filter((n) => !list.some((d) => d.name === n));
  const short = list.filter((d) => wanted.includes(d.name) && d.available < d.replicas);
  if (missing.length === 0 && short.length === 0) {
    return { ok: true, message: `${wanted.length} of ${wanted.length} Deployments in ${p.namespace} available (${list.filter((d) => wanted.includes(d.name)).map((d) => `${d.name} ${d.available}/${d.replicas}`).join(', ')})` };
  }
  const bad = [...missing.map((n) => `${n} missing`), ...short.map((d) => `${d.name} ${d.available}/${d.replicas} available`)];
  return { ok: false, message: `${wanted.length - missing.length - short.length} of ${wanted.length} Deployments in ${p.namespace} available: ${bad.join(', ')}`, expected: 'every Deployment with all replicas available', observed: bad.join(', ') };
}

export const k8sAvailable: InvariantModule<Params> = {
  name: 'k8s.available',
  summary: 'the Deployments of a namespace have all their replicas available',
  params,
  requires: ['kubernetes'],
  plan: (p) => [`GET ${apiPaths.deployments(p.namespace)}  # ${p.deployments ? p.deployments.join(', ') : 'all'}: availableReplicas = replicas`],
  async check(ctx, p) {
    const client = await kubeOf(ctx.lab).client();
    return availableVerdict(p, await client.listDeployments(p.namespace, { signal: ctx.signal }));
  },
};
