import { z } from 'zod';
import { kubeOf } from '../../clients/kube/lab.js';
import { apiPaths } from '../../clients/kube/paths.js';
import { parseDuration } from '../../drill/duration.js';
import { duration } from '../../drill/schema.js';
import type { InvariantModule, Verdict } from '../../engine/types.js';

const params = z.strictObject({
  namespace: z.string().min(1).default('kube-system').describe('The namespace read (GET)'),
  deadline: duration.default('5s').describe('The read must answer within this'),
});
type Params = z.infer<typeof params>;

export function apiReadableVerdict(p: Params, r: { ok: boolean; ms: number; error?: string }): Verdict {
  if (r.ok) return { ok: true, message: `the API server answered a read (GET namespace ${p.namespace}) in ${Math.round(r.ms)} ms` };
  return { ok: false, message: `the API server did not answer a read within ${p.deadline}${r.error ? `: ${r.error}` : ''}`, expected: `namespace ${p.namespace} read within ${p.deadline}`, observed: r.error ?? 'no answer' };
}

export const k8sApiReadable: InvariantModule<Params> = {
  name: 'k8s.apiReadable',
  summary: 'the API server answers a read within a deadline',
  params,
  requires: ['kubernetes'],
  plan: (p) => [`GET ${apiPaths.namespace(p.namespace)} within ${p.deadline}`],
  async check(ctx, p) {
    const client = await kubeOf(ctx.lab).client();
    const started = performance.now();
    try {
      await client.readNamespace(p.namespace, { signal: ctx.signal, timeoutMs: parseDuration(p.deadline) });
      return apiReadableVerdict(p, { ok: true, ms: performance.now() - started });
    } catch (err) {
      return apiReadableVerdict(p, { ok: false, ms: performance.now() - started, error: (err as Error).message });
    }
  },
};
