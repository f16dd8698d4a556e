import { setTimeout as delay } from 'node:timers/promises';
import { RefusedError, LabError } from '../../engine/errors.js';
import { prettyCommand } from '../../exec/errors.js';
import { DockerShell } from '../docker/shell.js';
import type { Machines } from '../safety-net.js';
import type { MemberMachine } from '../static-pod/members.js';
import type { EtcdMemberHost } from '../members.js';
import type { NodeOp, NodeOps, NodeOpsContext, NodeShell, ShellContext, StaticPods } from '../types.js';
import type { Inventory, InventoryHost } from './inventory.js';
import { powerCommand, powerPlan } from './power.js';
import { SshShell, type SshHost } from './ssh.js';

/** How long a host powered on gets to answer again (a VM boots; a container starts in a second). */
export const BOOT_WAIT_MS = 5 * 60_000;
/** A host that does not answer a trivial command within this is taken as down. */
const ANSWER_MS = 5_000;

/** The shell of a kubeadm lab: ssh to each host, or docker exec into each host's container. */
export type HostShell = NodeShell & {
  /** What an operator types to get a shell on the host. */
  login(node: string): string[];
  /** Drops a cached connection to a host that was just powered off. */
  forget?(ctx: ShellContext, node: string): Promise<void>;
  close?(ctx: ShellContext): Promise<void>;
};

/** ssh to each inventory host: its address or ssh alias, port, user, key, the lab's known_hosts, the bastion. */
export function sshShellOf(inventory: Inventory): HostShell {
  const b = inventory.bastion;
  const jump = b ? `${b.user ? `${b.user}@` : ''}${b.address ?? b.sshAlias}${b.port ? `:${b.port}` : ''}` : undefined;
  const hosts: Record<string, SshHost> = Object.fromEntries(inventory.hosts.map((h) => [h.name, {
    host: h.address ?? h.sshAlias ?? h.name,
    ...(h.port !== undefined ? { port: h.port } : {}),
    ...(h.user !== undefined ? { user: h.user } : {}),
    ...(h.key !== undefined ? { identityFile: h.key } : {}),
    // A known_hosts of the lab's own is checked strictly; without one, ssh's own settings apply.
    ...(h.knownHosts !== undefined ? { knownHostsFile: h.knownHosts, hostKeyCheck: 'yes' as const } : {}),
    ...(jump ? { jump } : {}),
  } satisfies SshHost]));
  const ssh = new SshShell(hosts);
  return {
    argv: (node, argv) => ssh.argv(node, argv),
    exec: (ctx, node, argv, opts) => ssh.exec(ctx, node, argv, opts),
    copyIn: (ctx, node, from, to) => ssh.copyIn(ctx, node, from, to),
    copyOut: (ctx, node, from, to) => ssh.copyOut(ctx, node, from, to),
    login: (node) => ssh.login(node),
    forget: (ctx, node) => ssh.forget(ctx.runner, node),
    close: (ctx) => ssh.close(ctx.runner),
  };
}

/** docker exec into each host's container (a kind node is a kubeadm node): only the containers the inventory names. */
export function dockerShellOf(inventory: Inventory): HostShell {
  const container = (node: string): string => {
    const h = inventory.hosts.find((x) => x.name === node);
    if (!h) throw new LabError(`the inventory ${inventory.file} has no host "${node}" (hosts: ${inventory.hosts.map((x) => x.name).join(', ')})`);
    if (!h.container) throw new LabError(`host ${node} has no container in ${inventory.file} (transport: docker)`);
    return h.container;
  };
  // No label to check (the inventory names the containers, the user's or kind's): no inspect before
  // each exec either, which would double every call; docker itself says when one is missing.
  const shell = new DockerShell({
    container,
    inspect: async (_ctx, node) => ({ name: container(node) }),
  });
  return Object.assign(shell, { login: (node: string) => ['docker', 'exec', '-it', container(node), 'sh'] });
}

/** Whether a host answers a trivial command now. */
export async function answers(shell: NodeShell, ctx: ShellContext, node: string): Promise<boolean> {
  try {
    return (await shell.exec(ctx, node, ['true'], { timeoutMs: ANSWER_MS, allowFailure: true })).exitCode === 0;
  } catch {
    return false;
  }
}

/**
 * The power of the user's hosts, through each host's power driver (vagrant, multipass, virsh, lima,
 * docker, or the user's argv pair). Only a power cut and its return: a kubeadm lab cannot pause a
 * VM or cut it off its network (those faults are the etcd and kind labs').
 */
export class HostPower implements NodeOps {
  constructor(private readonly inventory: Inventory, private readonly shell: HostShell, private readonly bootWaitMs = BOOT_WAIT_MS) {}

  private host(node: string): InventoryHost {
    const h = this.inventory.hosts.find((x) => x.name === node);
    if (!h) throw new LabError(`the inventory ${this.inventory.file} has no host "${node}" (hosts: ${this.inventory.hosts.map((x) => x.name).join(', ')})`);
    return h;
  }

  private powered(node: string): InventoryHost & { power: NonNullable<InventoryHost['power']> } {
    const h = this.host(node);
    if (!h.power) throw new RefusedError(`host ${node} has no power driver in ${this.inventory.file}: kdrill cannot cut or restore its power`);
    return h as InventoryHost & { power: NonNullable<InventoryHost['power']> };
  }

  container(node: string): string {
    return this.host(node).name;
  }

  plan(op: NodeOp, node: string): string[] {
    const h = this.host(node);
    switch (op) {
      case 'stop':
      case 'kill': return [powerPlan(h, 'off', this.inventory.dir)];
      case 'start': return [powerPlan(h, 'on', this.inventory.dir), `# until ${node} answers: ${prettyCommand(this.shell.argv(node, ['true']))}`];
      default: return [`# refused: ${unsupported(op)}`];
    }
  }

  private async run(ctx: NodeOpsContext, node: string, op: 'off' | 'on'): Promise<void> {
    const h = this.powered(node);
    const { argv, cwd } = powerCommand(h.power, op, h.name, this.inventory.dir);
    // A power change runs to its end on Ctrl-C: a half-done `vagrant up` helps no one.
    await ctx.runner.run(argv, { signal: ctx.signal, timeout: op === 'on' ? this.bootWaitMs : 120_000, finishOnAbort: true, ...(cwd ? { cwd } : {}) });
  }

  /** Cuts the power (no guest shutdown: the drivers' forced stops). */
  async stop(ctx: NodeOpsContext, node: string): Promise<void> {
    await this.off(ctx, node);
  }

  async kill(ctx: NodeOpsContext, node: string): Promise<void> {
    await this.off(ctx, node);
  }

  async off(ctx: NodeOpsContext, node: string): Promise<void> {
    await this.run(ctx, node, 'off');
    await this.shell.forget?.(ctx, node);
  }

  /** Powers the host on and waits until it answers over its transport again. */
  async start(ctx: NodeOpsContext, node: string): Promise<void> {
    if (await answers(this.shell, ctx, node)) return;
    await this.run(ctx, node, 'on');
    await this.shell.forget?.(ctx, node);
    const end = performance.now() + this.bootWaitMs;
    while (!(await answers(this.shell, ctx, node))) {
      if (performance.now() > end) throw new LabError(`${node} was powered on but does not answer after ${this.bootWaitMs / 1000} s: ${prettyCommand(this.shell.login(node))}`);
      await delay(300, undefined, { signal: ctx.signal });
    }
  }

  pause(): Promise<void> { return Promise.reject(new RefusedError(unsupported('pause'))); }
  unpause(): Promise<void> { return Promise.reject(new RefusedError(unsupported('unpause'))); }
  partition(): Promise<void> { return Promise.reject(new RefusedError(unsupported('partition'))); }
  heal(): Promise<void> { return Promise.reject(new RefusedError(unsupported('heal'))); }

  /** Whether the host has a power driver. */
  has(node: string): boolean {
    return this.host(node).power !== undefined;
  }
}

const unsupported = (op: string) => `a kubeadm lab's hosts have a power driver only (node.poweroff, node.poweron, node.stop, node.kill, node.start): node.${op} is the etcd and kind labs' fault`;

/** A kubeadm host as the machine under its etcd member: up when it answers; brought back by its power driver. */
export function hostMachine(shell: HostShell, power: HostPower): MemberMachine {
  return {
    running: (ctx, node) => answers(shell, ctx, node),
    async up(ctx, node) {
      // HostPower.start asks the host first and does nothing when it answers.
      if (power.has(node)) return power.start({ ...ctx, state: new Map() }, node);
      if (!(await answers(shell, ctx, node))) throw new LabError(`${node} does not answer and has no power driver: start it by hand (${prettyCommand(shell.login(node))})`);
    },
    where: (node) => prettyCommand(shell.login(node)),
  };
}

/**
 * The safety net's view of the hosts: each etcd host answers, its kubelet runs, and no manifest
 * kdrill moved out is still out. Healing powers a host on (its driver), starts kubelet and puts
 * manifests back; it never reboots, reinstalls or removes anything.
 */
export function hostMachines(shell: HostShell, power: HostPower, pods: StaticPods, members: EtcdMemberHost): Machines {
  return {
    async problems(ctx, list) {
      const out: string[] = [];
      for (const { node } of list) {
        if (!(await answers(shell, ctx, node))) { out.push(`${node}: does not answer (${power.has(node) ? 'powered off?' : 'down, and no power driver'})`); continue; }
        if ((await pods.kubeletActive(ctx, node)) === false) out.push(`${node}: kubelet stopped`);
        for (const p of await pods.parked(ctx, node)) out.push(`${node}: ${p}.yaml moved out of /etc/kubernetes/manifests`);
      }
      return out;
    },
    async heal(ctx, { node }) {
      const done: string[] = [];
      if (!(await answers(shell, ctx, node))) {
        if (!power.has(node)) return done;
        await power.start(ctx, node);
        done.push(`powered on ${node}`);
      }
      if ((await pods.kubeletActive(ctx, node)) === false) { await pods.startKubelet(ctx, node); done.push(`started kubelet on ${node}`); }
      for (const p of await pods.parked(ctx, node)) {
        if (p === 'etcd') await members.start(ctx, node);
        else await pods.startPod(ctx, node, p);
        done.push(`put ${p}.yaml back on ${node}`);
      }
      return done;
    },
  };
}
