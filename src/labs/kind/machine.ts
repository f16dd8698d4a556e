import { LabError } from '../../engine/errors.js';
import type { MemberMachine } from '../static-pod/members.js';
import type { ShellContext } from '../types.js';
import type { KindNodes } from './nodes.js';

/** The IPv4 address of a peer URL, as a number for ordering. */
const ipOrder = (url: string): number => (/\/\/(\d+)\.(\d+)\.(\d+)\.(\d+):/.exec(url) ?? []).slice(1).reduce((n, o) => n * 256 + Number(o), 0);

/** A kind node's container as the machine of its etcd member. */
export class KindMachine implements MemberMachine {
  private powering: Promise<void> = Promise.resolve();

  constructor(
    private readonly nodes: KindNodes,
    private readonly controlPlanes: () => string[],
    /** The peer URL a member's manifest names (read from a stopped node's files too). */
    private readonly peerURL: (ctx: ShellContext, node: string) => Promise<string>,
  ) {}

  async running(ctx: ShellContext, node: string): Promise<boolean> {
    return (await this.nodes.inspect(ctx, node)).running;
  }

  where(node: string): string {
    return `docker exec ${this.nodes.container(node)}`;
  }

  /**
   * A node that was killed comes back first (a host powered on again), on the IP its member's peer
   * URL names. kind's network has no fixed IPs: docker gives a started node the lowest free address
   * (measured: two nodes started in the other order swap theirs). So every stopped control plane is
   * started, one at a time, in the order of its old address, and each is checked.
   */
  up(ctx: ShellContext, node: string): Promise<void> {
    const run = this.powering.then(async () => {
      if (await this.running(ctx, node)) return;
      const down: Array<{ node: string; peerURL: string }> = [];
      for (const n of this.controlPlanes()) if (!(await this.running(ctx, n))) down.push({ node: n, peerURL: await this.peerURL(ctx, n) });
      for (const d of down.sort((a, b) => ipOrder(a.peerURL) - ipOrder(b.peerURL))) {
        await ctx.runner.run(['docker', 'start', this.nodes.container(d.node)], { signal: ctx.signal, timeout: 60_000, finishOnAbort: true });
        const ip = (await this.nodes.inspect(ctx, d.node)).ips[this.nodes.network];
        if (ip && !d.peerURL.includes(`//${ip}:`)) {
          throw new LabError(`lab invalidated: ${d.node} came back on ${ip}, but its etcd member's peer URL is ${d.peerURL} (kind #1689): another container took its address meanwhile; recreate the cluster`, true);
        }
      }
    });
    this.powering = run.catch(() => undefined);
    return run;
  }
}
