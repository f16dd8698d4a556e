import { z } from 'zod';
import { prettyCommand } from '../../exec/errors.js';
import { kubeOf } from '../../clients/kube/lab.js';
import { kubectlArgv } from '../../clients/kube/access.js';
import type { ActionModule } from '../../engine/types.js';
import { kubeconfigFor } from './kubectl-apply.js';

const params = z.strictObject({
  path: z.string().min(1).describe('A manifest file or a folder of manifests, relative to the drill file'),
  namespace: z.string().optional().describe('Namespace for objects that do not name one (kubectl -n)'),
  recursive: z.boolean().default(false).describe('Also delete what sub-folders declare (kubectl -R)'),
  wait: z.boolean().default(true).describe('Wait until the objects are gone (kubectl --wait)'),
});
type Params = z.infer<typeof params>;

export function deleteArgs(p: Params): string[] {
  return [
    'delete', ...(p.namespace ? ['-n', p.namespace] : []), '-f', p.path, ...(p.recursive ? ['-R'] : []),
    // A restore that deletes what is already gone has done its job.
    '--ignore-not-found=true', `--wait=${p.wait}`,
  ];
}

export const kubectlDelete: ActionModule<Params> = {
  name: 'kubectl.delete',
  summary: 'kubectl delete -f a manifest file or folder (missing objects are fine)',
  params,
  files: { input: ['path'] },
  requires: ['kubernetes'],
  plan: (p, ctx) => [prettyCommand(kubectlArgv(kubeconfigFor(ctx), deleteArgs(p)))],
  async run(ctx, p) {
    const r = await ctx.runner.run(kubeOf(ctx.lab).kubectl(deleteArgs(p)), { signal: ctx.signal, timeout: 300_000 });
    return { output: r.stdout.trim() };
  },
};
