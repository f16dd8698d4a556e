import { z } from 'zod';
import { argv, exitCode } from '../../drill/schema.js';
import { prettyCommand } from '../../exec/errors.js';
import type { ActionModule } from '../../engine/types.js';
import { LabError } from '../../engine/errors.js';
import { nodeParam, planOnNode, recoveryTarget } from './common.js';

const params = z.strictObject({
  node: nodeParam,
  run: argv,
  exitCode: exitCode.default(0).describe('The exit code that counts as success'),
});

/**
 * Runs an argv inside a lab node: `docker exec` on the etcd and kind labs, ssh on kubeadm hosts. The
 * words reach the program as they are written: on ssh each one is quoted for the remote shell, so no
 * `$(…)`, `;` or quote in a drill or a param is ever interpreted there.
 */
export const nodeExec: ActionModule<z.output<typeof params>> = {
  name: 'node.exec',
  summary: 'run a command (argv array) inside a lab node: docker exec, or ssh on kubeadm hosts',
  params,
  nodeParams: ['node'],
  requires: ['shell'],
  plan: (p, ctx) => planOnNode(ctx, p.node, 'the node an earlier fault picked', (n) => [prettyCommand(ctx.lab.shell!.argv(n, p.run))]),
  async run(ctx, p) {
    const node = recoveryTarget(ctx, p.node);
    if (!node) throw new LabError(`no earlier fault picked a "${p.node}" node to run ${prettyCommand(p.run)} on`);
    const r = await ctx.lab.shell!.exec({ runner: ctx.runner, signal: ctx.signal }, node, p.run, { timeoutMs: 24 * 3_600_000, allowFailure: true });
    if (r.exitCode !== p.exitCode) {
      const out = (r.stderr || r.stdout).trim();
      throw new Error(`${prettyCommand(p.run)} on ${node} exited with code ${r.exitCode}, expected ${p.exitCode}${out ? `\n${out}` : ''}`);
    }
    return { output: r.stdout.replace(/\n$/, '') || undefined, data: { node } };
  },
};
