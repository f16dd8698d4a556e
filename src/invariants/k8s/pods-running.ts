import { z } from 'zod';
import { kubeOf } from '../../clients/kube/lab.js';
import { apiPaths } from '../../clients/kube/paths.js';
import type { PodStatus } from '../../clients/kube/types.js';
import type { InvariantModule, Verdict } from '../../engine/types.js';

const params = z.strictObject({
  namespace: z.string().min(1).describe('Namespace of the pods, e.g. bookstore'),
  selector: z.string().optional().describe('Label selector, e.g. app=postgres'),
  min: z.number().int().min(1).default(1).describe('At least this many pods'),
});
type Params = z.infer<typeof params>;

/** Running and ready; Succeeded pods (finished Jobs) are left out. */
export function podsRunningVerdict(p: Params, pods: PodStatus[]): Verdict {
  const live = pods.filter((x) => x.phase !== 'Succeeded');
  const good = live.filter((x) => x.phase === 'Running' && x.ready);
  const bad = live.filter((x) => !(x.phase === 'Running' && x.ready)).map((x) => `${x.name} ${x.phase}${x.phase === 'Running' ? ' not ready' : ''}`);
  const where = `${p.namespace}${p.selector ? ` (${p.selector})` : ''}`;
  if (bad.length === 0 && good.length >= p.min) return { ok: true, message: `${good.length} of ${live.length} pods in ${where} Running and ready` };
  return {
    ok: false,
    message: `${good.length} of ${live.length} pods in ${where} Running and ready${bad.length ? `: ${bad.join(', ')}` : ''}`,
    expected: `at least ${p.min}, all Running and ready`,
    observed: bad.length ? bad.join(', ') : `${good.length} pods`,
  };
}

export const k8sPodsRunning: InvariantModule<Params> = {
  name: 'k8s.podsRunning',
  summary: 'the pods of a namespace (or selector) are Running and ready',
  params,
  requires: ['kubernetes'],
  plan: (p) => [`GET ${apiPaths.pods(p.namespace)}${p.selector ? `?labelSelector=${p.selector}` : ''}  # Running and ready, at least ${p.min}`],
  async check(ctx, p) {
    const client = await kubeOf(ctx.lab).client();
    return podsRunningVerdict(p, await client.listPods(p.namespace, { signal: ctx.signal, labelSelector: p.selector }));
  },
};
