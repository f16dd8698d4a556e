import { z } from 'zod';
import { argv } from '../../drill/schema.js';
import { prettyCommand } from '../../exec/errors.js';
import { kubeOf } from '../../clients/kube/lab.js';
import { kubectlArgv } from '../../clients/kube/access.js';
import { NS_NAME_PATTERN, splitRef } from '../../clients/kube/paths.js';
import { parseDuration } from '../../drill/duration.js';
import { positiveDuration } from '../../drill/schema.js';
import type { ActionModule } from '../../engine/types.js';
import { kubeconfigFor } from './kubectl-apply.js';

const params = z.strictObject({
  pod: z.string().regex(new RegExp(NS_NAME_PATTERN), { message: 'expected namespace/pod, e.g. bookstore/postgres-0' }).describe('namespace/pod'),
  container: z.string().optional().describe('Container in the pod (kubectl -c); default: the first one'),
  command: argv,
  timeout: positiveDuration.default('60s').describe('Kill kubectl exec after this long'),
});
type Params = z.infer<typeof params>;

export function execArgs(p: Pick<Params, 'pod' | 'container' | 'command'>): string[] {
  const { namespace, name } = splitRef(p.pod);
  return ['exec', '-n', namespace, name, ...(p.container ? ['-c', p.container] : []), '--', ...p.command];
}

export const k8sExec: ActionModule<Params> = {
  name: 'k8s.exec',
  summary: 'run a command in a pod (kubectl exec, argv)',
  params,
  requires: ['kubernetes'],
  plan: (p, ctx) => [prettyCommand(kubectlArgv(kubeconfigFor(ctx), execArgs(p)))],
  async run(ctx, p) {
    const r = await ctx.runner.run(kubeOf(ctx.lab).kubectl(execArgs(p)), { signal: ctx.signal, timeout: parseDuration(p.timeout) });
    return { output: r.stdout.trim() || undefined };
  },
};
