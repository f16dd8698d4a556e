import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { EtcdMember, EtcdSource, EtcdTools } from '../../clients/etcd/access.js';
import type { EtcdctlHost } from '../../clients/etcd/etcdctl.js';
import type { EtcdTls } from '../../clients/etcd/client.js';
import { prettyCommand } from '../../exec/errors.js';
import type { CommandRunner, RunResult } from '../../exec/runner.js';
import type { NodeShell, ShellContext } from '../types.js';
import { ETCD_DATA_DIR, ETCDCTL_LOCAL, etcdInNodeArgv, FIND_ETCD_ARGV, parseContainerId } from '../kubeadm-layout.js';

/** The running etcd container of a node (`crictl ps --name etcd`), or why there is none. */
export async function findEtcdPod(shell: NodeShell, ctx: ShellContext, node: string): Promise<{ id?: string; why: string }> {
  const r = await shell.exec(ctx, node, FIND_ETCD_ARGV, { timeoutMs: 15_000, allowFailure: true });
  const id = r.exitCode === 0 ? parseContainerId(r.stdout) : undefined;
  return { id, why: r.exitCode === 0 ? 'no running etcd container' : r.stderr.trim().split('\n')[0]! };
}

export interface EtcdEnv {
  runner: CommandRunner;
  signal: AbortSignal;
}

/** Where a lab's etcd members are and how their client certificates are had: the lab's part. */
export interface EtcdHosts {
  /** The members, in node order: the node, where its client URL is now, the TLS name to check. */
  members(): EtcdMember[];
  /** The etcd client certificates (kind: copied out of a node; kubeadm: read over the shell, kept in memory). */
  readCerts(env: EtcdEnv): Promise<EtcdTls>;
  /** --dry-run lines of reading them. */
  planCerts(): string[];
  /** Where a file copied in goes, for --dry-run: `docker cp <file> <container>:`, `scp <file> cp1:`. */
  copyInPlan(node: string, file: string, nodePath: string): string;
}

/**
 * etcd members run as kubeadm's static Pods (kind's nodes, the user's kubeadm hosts): gRPC to each
 * member's client URL with the certs the lab reads once a run, or etcdctl in the member's own etcd
 * container through the node's shell; the etcd binaries of the cluster's own etcd Pod serve as
 * tools (no image pulled onto the host).
 */
export class StaticPodEtcdSource implements EtcdSource {
  private certs?: Promise<EtcdTls>;
  /** The running etcd container of each node, as crictl names it (found again when it changed). */
  private pods = new Map<string, string>();
  readonly tools: EtcdTools;
  readonly etcdctl: { host: EtcdctlHost; env(): EtcdEnv };

  constructor(
    private readonly hosts: EtcdHosts,
    private readonly env: () => EtcdEnv,
    private readonly shell: NodeShell,
    /** Where a file must go on a node for its etcd Pod to see it (the etcd-data folder), and the Pod's path of it. */
    private readonly podVisible: (ctx: ShellContext, node: string, name: string) => Promise<{ node: string; pod: string }>,
  ) {
    this.tools = {
      snapshotStatus: (ctx, file) => this.snapshotStatus(ctx, file),
      planSnapshotStatus: (file) => this.planSnapshotStatus(file),
    };
    this.etcdctl = { host: this.etcdctlHost(), env: this.env };
  }

  /**
   * etcdctl in the member's own etcd container (`crictl exec <etcd> etcdctl` in the node), against
   * that member only, with the node's etcd certs: where the members' client URLs are not reachable
   * from here (kind on Docker Desktop, hosts behind a bastion).
   */
  private etcdctlHost(): EtcdctlHost {
    const local = ETCDCTL_LOCAL;
    return {
      argv: (node, args) => this.shell.argv(node, etcdInNodeArgv('<etcd container>', ['etcdctl', ...local, ...args])),
      run: async (ctx, node, args, opts) => {
        for (let attempt = 0; ; attempt++) {
          const id = this.pods.get(node) ?? (await this.podOf(ctx, node));
          const r = await this.shell.exec(ctx, node, etcdInNodeArgv(id, ['etcdctl', ...local, ...args], opts.input !== undefined), { timeoutMs: opts.timeoutMs, allowFailure: true, input: opts.input });
          // The Pod was restarted (a new container id): find it again, once.
          if (r.exitCode !== 0 && attempt === 0 && /not found|CONTAINER_EXITED|does not exist/i.test(r.stderr)) {
            this.pods.delete(node);
            continue;
          }
          return r;
        }
      },
      fetch: async (ctx, node, name, use, hostFile) => {
        const where = await this.podVisible(ctx, node, name);
        try {
          await use(where.pod);
          await this.shell.copyOut(ctx, node, where.node, hostFile);
        } finally {
          await this.shell.exec(ctx, node, ['rm', '-f', where.node], { timeoutMs: 15_000, allowFailure: true }).catch(() => undefined);
        }
      },
    };
  }

  private async podOf(ctx: ShellContext, node: string): Promise<string> {
    const { id, why } = await findEtcdPod(this.shell, ctx, node);
    if (!id) throw new Error(`${node}: ${why} (crictl ps --name etcd)`);
    this.pods.set(node, id);
    return id;
  }

  members(): EtcdMember[] {
    return this.hosts.members();
  }

  /** The etcd client certs, read once (concurrent callers share them). */
  tls(): Promise<EtcdTls> {
    this.certs ??= this.hosts.readCerts(this.env());
    this.certs.catch(() => { this.certs = undefined; });
    return this.certs;
  }

  planCerts(): string[] {
    return this.hosts.planCerts();
  }

  private nodes(): string[] {
    return this.members().map((m) => m.node);
  }

  /** The first control plane whose etcd container runs, and that container's id. */
  private async runningEtcd(ctx: ShellContext): Promise<{ node: string; id: string }> {
    const seen: string[] = [];
    for (const n of this.nodes()) {
      // A node that cannot be asked (stopped, refused) is one more reason, not the end of the search.
      const { id, why } = await findEtcdPod(this.shell, ctx, n).catch((e: unknown) => ({ id: undefined, why: String(e) }));
      if (id) return { node: n, id };
      seen.push(`${n}: ${why}`);
    }
    throw new Error(`no control-plane node runs etcd (${seen.join('; ')})`);
  }

  /**
   * `etcdctl snapshot status` by the cluster's own etcd: the file is copied into a node's
   * /var/lib/etcd (the etcd Pod mounts it), checked there, and removed. etcd 3.6 moved the command
   * to etcdutl: tried when etcdctl does not know it.
   */
  private async snapshotStatus(ctx: ShellContext, file: string): Promise<RunResult> {
    const { node, id } = await this.runningEtcd(ctx);
    const copy = await this.podVisible(ctx, node, `kdrill-verify-${randomBytes(4).toString('hex')}.db`);
    await this.shell.copyIn(ctx, node, path.resolve(file), copy.node);
    try {
      const status = (tool: string) => this.shell.exec(ctx, node, etcdInNodeArgv(id, [tool, 'snapshot', 'status', copy.pod, '--write-out', 'json']), { timeoutMs: 60_000, allowFailure: true });
      const r = await status('etcdctl');
      if (r.exitCode !== 0 && /unknown command|removed/i.test(r.stderr)) return await status('etcdutl');
      return r;
    } finally {
      await this.shell.exec(ctx, node, ['rm', '-f', copy.node], { timeoutMs: 15_000, allowFailure: true }).catch(() => undefined);
    }
  }

  private planSnapshotStatus(file: string): string[] {
    const node = this.nodes()[0] ?? 'control-plane';
    const inNode = `${ETCD_DATA_DIR}/kdrill-verify-<random>.db`;
    return [
      prettyCommand(this.shell.argv(node, FIND_ETCD_ARGV)),
      this.hosts.copyInPlan(node, file, inNode),
      prettyCommand(this.shell.argv(node, etcdInNodeArgv('<etcd container>', ['etcdctl', 'snapshot', 'status', inNode, '--write-out', 'json']))),
      prettyCommand(this.shell.argv(node, ['rm', '-f', inNode])),
    ];
  }
}
