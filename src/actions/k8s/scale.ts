import { z } from 'zod';
import { kubeOf } from '../../clients/kube/lab.js';
import { apiPaths } from '../../clients/kube/paths.js';
import type { WorkloadKind } from '../../clients/kube/types.js';
import type { ActionModule } from '../../engine/types.js';

const params = z
  .strictObject({
    namespace: z.string().min(1).describe('Namespace of the workload'),
    deployment: z.string().optional().describe('Deployment to scale (or statefulset)'),
    statefulset: z.string().optional().describe('StatefulSet to scale (or deployment)'),
    replicas: z.number().int().min(0).describe('Desired replicas'),
  })
  .refine((p) => (p.deployment === undefined) !== (p.statefulset === undefined), { message: 'name exactly one of deployment or statefulset' });
type Params = z.infer<typeof params>;

export function target(p: Params): { kind: WorkloadKind; name: string } {
  return p.deployment !== undefined ? { kind: 'deployment', name: p.deployment } : { kind: 'statefulset', name: p.statefulset! };
}

/** A write through the API server: it needs etcd's quorum, which is what the chapter shows with it. */
export const k8sScale: ActionModule<Params> = {
  name: 'k8s.scale',
  summary: 'set the replicas of a Deployment or StatefulSet (an API write)',
  params: params as unknown as z.ZodType<Params>,
  requires: ['kubernetes'],
  plan(p) {
    const t = target(p);
    return [`PUT ${apiPaths.scale(p.namespace, t.kind, t.name)} spec.replicas=${p.replicas}  # kubectl scale ${t.kind}/${t.name} -n ${p.namespace} --replicas=${p.replicas}`];
  },
  async run(ctx, p) {
    const t = target(p);
    const client = await kubeOf(ctx.lab).client();
    await client.scale(p.namespace, t.kind, t.name, p.replicas, { signal: ctx.signal });
    return { output: `${t.kind}/${t.name} scaled to ${p.replicas}` };
  },
};
