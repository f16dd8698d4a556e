import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { kubeOf } from '../../clients/kube/lab.js';
import { apiPaths } from '../../clients/kube/paths.js';
import type { DeploymentStatus } from '../../clients/kube/types.js';
import { parseDuration } from '../../drill/duration.js';
import { positiveDuration } from '../../drill/schema.js';
import type { ActionModule } from '../../engine/types.js';

const params = z.strictObject({
  namespace: z.string().min(1).describe('Namespace of the Deployment'),
  deployment: z.string().min(1).describe('The Deployment whose rollout to wait for'),
  timeout: positiveDuration.default('120s').describe('Give up after this long (kubectl rollout status --timeout)'),
  interval: positiveDuration.default('1s').describe('How often to look'),
});
type Params = z.infer<typeof params>;

/** What `kubectl rollout status` waits for, as a pure function: done, or why not yet. */
export function rolloutProgress(d: DeploymentStatus): { done: boolean; message: string } {
  const name = `deployment "${d.name}"`;
  if (d.observedGeneration < d.generation) return { done: false, message: `${name}: waiting for the controller to see the new spec` };
  if (d.updated < d.replicas) return { done: false, message: `${name}: ${d.updated} of ${d.replicas} replicas updated` };
  if (d.available < d.replicas) return { done: false, message: `${name}: ${d.available} of ${d.replicas} updated replicas available` };
  return { done: true, message: `${name} successfully rolled out (${d.available}/${d.replicas} available)` };
}

export const k8sRollout: ActionModule<Params> = {
  name: 'k8s.rollout',
  summary: 'wait for a Deployment rollout to finish (kubectl rollout status)',
  params,
  requires: ['kubernetes'],
  plan: (p) => [`GET ${apiPaths.deployment(p.namespace, p.deployment)} every ${p.interval} until rolled out  # kubectl rollout status deploy/${p.deployment} -n ${p.namespace} --timeout=${p.timeout}`],
  async run(ctx, p) {
    const client = await kubeOf(ctx.lab).client();
    const deadline = performance.now() + parseDuration(p.timeout)!;
    let last = 'no answer yet';
    for (;;) {
      try {
        const progress = rolloutProgress(await client.readDeployment(p.namespace, p.deployment, { signal: ctx.signal }));
        if (progress.done) return { output: progress.message };
        last = progress.message;
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        last = (err as Error).message;
      }
      if (performance.now() > deadline) throw new Error(`rollout not finished after ${p.timeout}: ${last}`);
      await delay(parseDuration(p.interval)!, undefined, { signal: ctx.signal });
    }
  },
};
