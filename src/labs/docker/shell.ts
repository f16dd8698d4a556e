import type { RunResult } from '../../exec/runner.js';
import type { NodeShell, ShellContext } from '../types.js';

/**
 * A docker container as a place to run commands (kind's `Node.Command()`): `docker exec` and
 * `docker cp`, each on a container the lab owns (checked first, by its label).
 */
export class DockerShell implements NodeShell {
  /** `nodes` names each node's container and refuses one the lab does not own (DockerNodes checks its label). */
  constructor(private readonly nodes: { container(node: string): string; inspect(ctx: ShellContext, node: string): Promise<{ name: string }> }) {}

  argv(node: string, argv: readonly string[]): string[] {
    return ['docker', 'exec', this.nodes.container(node), ...argv];
  }

  async exec(ctx: ShellContext, node: string, argv: readonly string[], opts: { timeoutMs?: number; allowFailure?: boolean; input?: string | Buffer } = {}): Promise<RunResult> {
    await this.nodes.inspect(ctx, node);
    // With input, `docker exec -i` (stdin attached): a value to etcdctl put, for instance.
    const full = opts.input === undefined ? this.argv(node, argv) : ['docker', 'exec', '-i', this.nodes.container(node), ...argv];
    return ctx.runner.run(full, { signal: ctx.signal, timeout: opts.timeoutMs ?? 60_000, allowFailure: opts.allowFailure, input: opts.input });
  }

  async copyIn(ctx: ShellContext, node: string, hostPath: string, nodePath: string): Promise<void> {
    const c = (await this.nodes.inspect(ctx, node)).name;
    await ctx.runner.run(['docker', 'cp', hostPath, `${c}:${nodePath}`], { signal: ctx.signal, timeout: 120_000 });
  }

  async copyOut(ctx: ShellContext, node: string, nodePath: string, hostPath: string): Promise<void> {
    const c = (await this.nodes.inspect(ctx, node)).name;
    await ctx.runner.run(['docker', 'cp', `${c}:${nodePath}`, hostPath], { signal: ctx.signal, timeout: 120_000 });
  }
}
