import { prettyCommand } from '../../exec/errors.js';
import type { NodeOp, NodeOps, NodeOpsContext, ShellContext } from '../types.js';
import { CommandError } from '../../exec/errors.js';
import { LabError } from '../../engine/errors.js';
import { inspectContainers, type ContainerInfo } from './inspect.js';

/**
 * Node faults for every docker-based lab (the etcd lab, kind): written once, against a container
 * name, the lab's network and the label that proves the lab owns the container.
 */

export type { NodeOp, NodeOpsContext };

export interface DockerNodesTarget {
  /** The lab's docker network (`kdrill-<lab>`; `kind` for kind). */
  network: string;
  /** The label that marks the lab's own containers: `dev.kdrill.lab=<lab>`, `io.x-k8s.kind.cluster=<name>`. */
  owner: { key: string; value: string };
  /** Node name (`control-plane2`) → container name; throws on a node the lab does not have. */
  container(node: string): string;
  /** The IP a node should have, when the lab knows it (used to heal a partition recorded by no one). */
  expectedIp?(node: string): string | undefined;
  /**
   * False on a network created without an IPv4 subnet, as kind creates `kind`: docker refuses
   * `network connect --ip` there ("user specified IP address is supported only when connecting to
   * networks with user configured subnets"), and gives a reconnected node a free IP, usually its old one.
   */
  reconnectWithIp?: boolean;
  /** Told the node's IP on the lab network whenever an operation inspects it (kind: where its etcd member is now). */
  onIp?(container: string, ip: string | undefined): void;
  /** The lab's node names (with reconnectWithIp false: the others a start may have to bring back first). */
  nodes?(): string[];
}

/** An IPv4 address as a number, for ordering. */
const ipNumber = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);


const ipKey = (container: string): string => `docker.ip:${container}`;

export class DockerNodes implements NodeOps {
  constructor(readonly target: DockerNodesTarget) {}

  container(node: string): string {
    return this.target.container(node);
  }

  get network(): string {
    return this.target.network;
  }

  /** The docker command of an operation, for --dry-run and for running it. */
  argv(op: NodeOp, node: string, opts: { graceSeconds?: number; ip?: string } = {}): string[] {
    const c = this.target.container(node);
    const net = this.target.network;
    switch (op) {
      case 'stop': return ['docker', 'stop', '--time', String(opts.graceSeconds ?? 10), c];
      case 'kill': return ['docker', 'kill', '--signal', 'KILL', c];
      case 'start': return ['docker', 'start', c];
      case 'pause': return ['docker', 'pause', c];
      case 'unpause': return ['docker', 'unpause', c];
      case 'partition': return ['docker', 'network', 'disconnect', net, c];
      case 'heal': {
        const ip = this.target.reconnectWithIp === false ? undefined : opts.ip ?? this.target.expectedIp?.(node);
        return ['docker', 'network', 'connect', ...(ip ? ['--ip', ip] : []), net, c];
      }
    }
  }

  plan(op: NodeOp, node: string, opts: { graceSeconds?: number } = {}): string[] {
    const c = this.target.container(node);
    const own = `${this.target.owner.key}=${this.target.owner.value}`;
    const lines = [`# only if ${c} carries the label ${own}`, prettyCommand(this.argv(op, node, opts))];
    if (op === 'start' || op === 'heal') lines.push(`# then check ${c} is back on the IP it had on ${this.target.network}`);
    return lines;
  }

  /** Inspects a node's container, refusing one the lab does not own (or that does not exist). */
  async inspect(ctx: ShellContext, node: string): Promise<ContainerInfo> {
    const c = this.target.container(node);
    const info = (await inspectContainers(ctx.runner, [c], ctx.signal)).get(c);
    if (!info) throw new LabError(`node ${node}: no container named ${c}`);
    const { key, value } = this.target.owner;
    if (info.labels[key] !== value) {
      throw new LabError(`node ${node}: container ${c} does not carry the label ${key}=${value}; kdrill does not touch containers it does not own`);
    }
    this.target.onIp?.(info.name, info.ips[this.target.network]);
    return info;
  }

  /** The node's IP on the lab network now (undefined when it is stopped or partitioned). */
  async ip(ctx: NodeOpsContext, node: string): Promise<string | undefined> {
    return (await this.inspect(ctx, node)).ips[this.target.network];
  }

  /**
   * A change of the node's state: it runs to its end on a Ctrl-C or a step timeout (finishOnAbort).
   * The daemon finishes it anyway, and a stop that lands after the restore's start leaves the node down.
   */
  private change(ctx: NodeOpsContext, argv: string[], timeout = 30_000) {
    return ctx.runner.run(argv, { signal: ctx.signal, timeout, finishOnAbort: true });
  }

  async stop(ctx: NodeOpsContext, node: string, graceMs = 10_000): Promise<void> {
    await this.goingDown(ctx, node);
    const graceSeconds = Math.ceil(graceMs / 1000);
    await this.change(ctx, this.argv('stop', node, { graceSeconds }), graceMs + 30_000);
  }

  async kill(ctx: NodeOpsContext, node: string): Promise<void> {
    await this.goingDown(ctx, node);
    await this.change(ctx, this.argv('kill', node));
  }

  async pause(ctx: NodeOpsContext, node: string): Promise<void> {
    await this.goingDown(ctx, node);
    await this.change(ctx, this.argv('pause', node));
  }

  async partition(ctx: NodeOpsContext, node: string): Promise<void> {
    const info = await this.goingDown(ctx, node);
    if (!info.networks.includes(this.target.network)) return; // already cut off
    await this.change(ctx, this.argv('partition', node));
  }

  /** Starts a stopped node (or unpauses a paused one), then checks it came back on its old IP. */
  async start(ctx: NodeOpsContext, node: string): Promise<void> {
    const info = await this.inspect(ctx, node);
    if (info.paused) {
      await this.change(ctx, this.argv('unpause', node));
    } else if (!info.running) {
      await this.lowerFirst(ctx, node);
      try {
        await this.change(ctx, this.argv('start', node), 60_000);
      } catch (err) {
        // A fixed host port (the etcd lab's published client port) someone else took meanwhile.
        if (err instanceof CommandError && /port is already allocated|userland proxy/i.test(err.stderr)) {
          throw new LabError(`lab invalidated: ${node} cannot come back on its published port: something else took it while it was down (${err.stderr.trim()})`, true, { cause: err });
        }
        // A fixed IP someone else took meanwhile: the node cannot come back as itself.
        if (err instanceof CommandError && /address already in use|conflicts with|no available IPv4/i.test(err.stderr)) {
          const old = this.recorded(ctx, node) ?? info.fixedIps[this.target.network] ?? '?';
          throw new LabError(`lab invalidated: ${node} cannot come back on ${old}: another container took that IP while it was down (${err.stderr.trim()})`, true, { cause: err });
        }
        throw err;
      }
    }
    await this.checkBack(ctx, node);
  }

  /**
   * On a network without fixed IPs (kind's), docker gives a started container the lowest free
   * address (measured: two nodes started in the other order swap theirs, and etcd's peer URLs and
   * certs then name the wrong node: kind #1689). So the lab's other stopped nodes whose recorded
   * address is lower are started first, in address order, each checked; the drill's own later start
   * of them is then a no-op.
   */
  private async lowerFirst(ctx: NodeOpsContext, node: string): Promise<void> {
    const mine = this.recorded(ctx, node);
    if (this.target.reconnectWithIp !== false || !mine || !this.target.nodes) return;
    const lower = this.target.nodes()
      .filter((n) => n !== node)
      .map((n) => ({ n, ip: this.recorded(ctx, n) }))
      .filter((x): x is { n: string; ip: string } => x.ip !== undefined && ipNumber(x.ip) < ipNumber(mine))
      .sort((a, b) => ipNumber(a.ip) - ipNumber(b.ip));
    for (const { n, ip } of lower) {
      const other = await this.inspect(ctx, n);
      if (other.running || other.paused) continue;
      ctx.log?.(`starting ${n} first: it had ${ip}, lower than ${node}'s ${mine}, and docker gives a started node the lowest free address on ${this.target.network} (kind #1689)`, 'warn');
      await this.change(ctx, this.argv('start', n), 60_000);
      await this.checkBack(ctx, n);
    }
  }

  async unpause(ctx: NodeOpsContext, node: string): Promise<void> {
    const info = await this.inspect(ctx, node);
    if (info.paused) await this.change(ctx, this.argv('unpause', node));
  }

  /** Reconnects a partitioned node to the lab network with the IP it had. */
  async heal(ctx: NodeOpsContext, node: string): Promise<void> {
    const info = await this.inspect(ctx, node);
    if (!info.networks.includes(this.target.network)) {
      const ip = this.recorded(ctx, node) ?? this.target.expectedIp?.(node);
      if (!ip) ctx.log?.(`node ${node}: no IP recorded before the partition; docker picks one`, 'warn');
      else if (this.target.reconnectWithIp === false) ctx.log?.(`node ${node}: ${this.target.network} has no configured subnet, so docker picks the IP; checked against ${ip} after`);
      await this.change(ctx, this.argv('heal', node, { ip }));
    }
    await this.checkBack(ctx, node);
  }

  recorded(ctx: NodeOpsContext, node: string): string | undefined {
    return ctx.state.get(ipKey(this.target.container(node))) as string | undefined;
  }

  /** Records the node's IP before a fault takes it away (kind issue #1689: IPs can change on restart). */
  private async goingDown(ctx: NodeOpsContext, node: string): Promise<ContainerInfo> {
    const info = await this.inspect(ctx, node);
    const ip = info.ips[this.target.network];
    if (ip) ctx.state.set(ipKey(info.name), ip);
    return info;
  }

  private async checkBack(ctx: NodeOpsContext, node: string): Promise<void> {
    // Inspected even when no IP was recorded (a node found stopped on an adopted lab): onIp learns where it is.
    const now = (await this.inspect(ctx, node)).ips[this.target.network];
    const old = this.recorded(ctx, node);
    if (!old) return;
    if (now !== old) {
      throw new LabError(
        `lab invalidated: ${node} came back on ${now ?? 'no IP'} instead of ${old} on ${this.target.network}: ` +
          'its etcd peer URLs and certificates name the old IP; recreate the lab',
        true,
      );
    }
  }
}
