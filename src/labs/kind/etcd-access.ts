import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { EtcdMember, EtcdSource, EtcdTools } from '../../clients/etcd/access.js';
import type { EtcdctlHost } from '../../clients/etcd/etcdctl.js';
import type { EtcdTls } from '../../clients/etcd/client.js';
import { prettyCommand } from '../../exec/errors.js';
import type { CommandRunner, RunResult } from '../../exec/runner.js';
import type { LabNode, NodeShell, ShellContext } from '../types.js';
import { certCopyArgv, certFilesIn, ETCD_DATA_DIR, ETCDCTL_LOCAL, etcdInNodeArgv, FIND_ETCD_ARGV, memberUrl, parseContainerId } from './etcd.js';

/** The running etcd container of a node (`crictl ps --name etcd`), or why there is none. */
export async function findEtcdPod(shell: NodeShell, ctx: ShellContext, node: string): Promise<{ id?: string; why: string }> {
  const r = await shell.exec(ctx, node, FIND_ETCD_ARGV, { timeoutMs: 15_000, allowFailure: true });
  const id = r.exitCode === 0 ? parseContainerId(r.stdout) : undefined;
  return { id, why: r.exitCode === 0 ? 'no running etcd container' : r.stderr.trim().split('\n')[0]! };
}

export interface KindEtcdEnv {
  runner: CommandRunner;
  signal: AbortSignal;
}

/**
 * Where kind's etcd members are: each control-plane node's IP on the kind network (read at lab up,
 * and again whenever a node operation sees the node, so a node started later is found on its IP),
 * the client certs copied out of the first control plane once a run, and the etcd binaries of the
 * cluster's own etcd Pod for tools (no image pulled onto the host).
 */
export class KindEtcdSource implements EtcdSource {
  private ips = new Map<string, string>();
  private readonly pkiDir: string;
  private certs?: Promise<EtcdTls>;
  /** The running etcd container of each node, as crictl names it (found again when it changed). */
  private pods = new Map<string, string>();
  readonly tools: EtcdTools;
  readonly etcdctl: { host: EtcdctlHost; env(): KindEtcdEnv };

  constructor(
    private readonly controlPlanes: () => LabNode[],
    stateDir: string,
    private readonly env: () => KindEtcdEnv,
    private readonly shell: NodeShell,
    /** Where a file must go on a node for its etcd Pod to see it (the etcd-data folder), and the Pod's path of it. */
    private readonly podVisible: (ctx: ShellContext, node: string, name: string) => Promise<{ node: string; pod: string }>,
  ) {
    this.pkiDir = path.join(stateDir, 'etcd-pki');
    this.tools = {
      snapshotStatus: (ctx, file) => this.snapshotStatus(ctx, file),
      planSnapshotStatus: (file) => this.planSnapshotStatus(file),
    };
    this.etcdctl = { host: this.etcdctlHost(), env: this.env };
  }

  /**
   * etcdctl in the member's own etcd container (`docker exec <node> crictl exec <etcd> etcdctl`),
   * against that member only, with the node's etcd certs: kind on Docker Desktop, where node IPs
   * are not reachable from the host.
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

  /** Remembers a control plane's IP on the kind network (lab up, and every node operation that sees it). */
  setIp(container: string, ip: string | undefined): void {
    if (ip) this.ips.set(container, ip);
  }

  members(): EtcdMember[] {
    return this.controlPlanes().map((n) => ({
      node: n.name, container: n.container, url: memberUrl(this.ips.get(n.container) ?? `<${n.container} IP>`),
      // kubeadm's etcd server cert names the node: TLS to the IP, checked against that name.
      serverName: n.container,
    }));
  }

  /** The etcd client certs, copied out of the first control plane once (concurrent callers share the copy). */
  tls(): Promise<EtcdTls> {
    this.certs ??= this.copyCerts();
    this.certs.catch(() => { this.certs = undefined; });
    return this.certs;
  }

  private async copyCerts(): Promise<EtcdTls> {
    const { runner, signal } = this.env();
    const from = this.controlPlanes()[0];
    if (!from) throw new Error('no control-plane node to copy etcd certificates from');
    await rm(this.pkiDir, { recursive: true, force: true });
    await mkdir(this.pkiDir, { recursive: true, mode: 0o700 });
    await runner.run(certCopyArgv(from.container, this.pkiDir), { signal, timeout: 30_000 });
    const f = certFilesIn(this.pkiDir);
    const [ca, cert, key] = await Promise.all([readFile(f.ca), readFile(f.cert), readFile(f.key)]);
    return { ca, cert, key };
  }

  planCerts(): string[] {
    const from = this.controlPlanes()[0]?.container ?? '<control-plane>';
    return [`mkdir -p ${this.pkiDir}`, prettyCommand(certCopyArgv(from, this.pkiDir))];
  }

  /** The first control plane whose etcd container runs, and that container's id. */
  private async runningEtcd(ctx: ShellContext): Promise<{ node: string; id: string }> {
    const seen: string[] = [];
    for (const n of this.controlPlanes()) {
      // A node that cannot be asked (stopped, refused) is one more reason, not the end of the search.
      const { id, why } = await findEtcdPod(this.shell, ctx, n.name).catch((e: unknown) => ({ id: undefined, why: String(e) }));
      if (id) return { node: n.name, id };
      seen.push(`${n.name}: ${why}`);
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
    const node = this.controlPlanes()[0]?.name ?? 'control-plane';
    const inNode = `${ETCD_DATA_DIR}/kdrill-verify-<random>.db`;
    return [
      prettyCommand(this.shell.argv(node, FIND_ETCD_ARGV)),
      `docker cp ${file} ${this.controlPlanes()[0]?.container ?? '<node>'}:${inNode}`,
      prettyCommand(this.shell.argv(node, etcdInNodeArgv('<etcd container>', ['etcdctl', 'snapshot', 'status', inNode, '--write-out', 'json']))),
      prettyCommand(this.shell.argv(node, ['rm', '-f', inNode])),
    ];
  }
}
