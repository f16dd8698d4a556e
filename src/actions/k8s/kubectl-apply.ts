import { z } from 'zod';
import { prettyCommand } from '../../exec/errors.js';
import { kubeOf } from '../../clients/kube/lab.js';
import { kubectlArgv } from '../../clients/kube/access.js';
import type { ActionModule, PlanContext } from '../../engine/types.js';

const params = z.strictObject({
  path: z.string().min(1).describe('A manifest file or a folder of manifests, relative to the drill file'),
  namespace: z.string().optional().describe('Namespace for objects that do not name one (kubectl -n)'),
  recursive: z.boolean().default(false).describe('Also apply manifests in sub-folders (kubectl -R)'),
});
type Params = z.infer<typeof params>;

export function applyArgs(p: Params): string[] {
  return ['apply', ...(p.namespace ? ['-n', p.namespace] : []), '-f', p.path, ...(p.recursive ? ['-R'] : [])];
}

/** Where --dry-run points kubectl before the lab exists: the same path the lab will write. */
export function kubeconfigFor(ctx: PlanContext): string {
  return ctx.lab.kubernetes?.kubeconfig ?? '<kubeconfig>';
}

/** `kubectl apply -f`: the natural tool for a folder of manifests (ordering, many kinds, server-side defaults). */
export const kubectlApply: ActionModule<Params> = {
  name: 'kubectl.apply',
  summary: 'kubectl apply -f a manifest file or folder',
  params,
  files: { input: ['path'] },
  requires: ['kubernetes'],
  plan: (p, ctx) => [prettyCommand(kubectlArgv(kubeconfigFor(ctx), applyArgs(p)))],
  async run(ctx, p) {
    const r = await ctx.runner.run(kubeOf(ctx.lab).kubectl(applyArgs(p)), { signal: ctx.signal, timeout: 120_000 });
    return { output: r.stdout.trim() };
  },
};
