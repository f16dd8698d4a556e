import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { prettyCommand } from '../../exec/errors.js';
import type { DockerNodes } from '../docker/node-ops.js';
import { dockerHostKind, type DockerHostKind } from '../docker/host.js';
import type { EtcdMemberHost, MemberChange, MemberConfig, RestoreOptions } from '../members.js';
import type { NodeShell, ShellContext } from '../types.js';
import { CONFIG_FILE } from './config.js';

/**
 * The etcd lab's members: each node runs `etcd --config-file /etc/kubernetes/etcd.yaml`. Like
 * kubeadm pointing the static Pod at /var/lib/etcd-restored, recovery rewrites that file (data-dir,
 * initial-cluster-state, token, initial-cluster) while the container is stopped (docker cp works
 * on stopped containers). Every operation goes through the lab's node operations and shell, which
 * check the lab's ownership label first.
 */

export type EtcdConfig = Record<string, unknown> & {
  name: string;
  'data-dir': string;
  'initial-cluster'?: string;
  'initial-cluster-state'?: 'new' | 'existing';
  'initial-cluster-token'?: string;
  'initial-advertise-peer-urls'?: string;
};

/** The changes recovery makes to a member's config; everything else (TLS, URLs, quota) is kept. */
export function withRecovery(cfg: EtcdConfig, change: MemberChange): EtcdConfig {
  return {
    ...cfg,
    'data-dir': change.dataDir,
    'initial-cluster-state': change.state,
    'initial-cluster': change.initialCluster,
    ...(change.token ? { 'initial-cluster-token': change.token } : {}),
  };
}

/**
 * Who the throwaway restore container runs as: this user when kdrill is not root on a native engine
 * (a user of the docker group), so that the files it writes into the host folder are this user's to
 * read and remove (as root they would not be: "EACCES … scandir"); root elsewhere, where the
 * container's root is this user already (rootless docker) or Docker Desktop maps the ownership.
 */
export function restoreUser(host: DockerHostKind = dockerHostKind().kind, uid = process.getuid?.(), gid = process.getgid?.()): string | undefined {
  return host === 'local' && uid !== undefined && uid !== 0 ? `${uid}:${gid}` : undefined;
}

/** `etcdctl snapshot restore` in a throwaway container of the lab's (local) etcd image, into a host folder. */
export function restoreArgv(image: string, hostDir: string, snapshotFile: string, o: RestoreOptions, user = restoreUser()): string[] {
  return [
    'docker', 'run', '--rm', '--network', 'none', ...(user ? ['--user', user] : []),
    '--volume', `${path.resolve(snapshotFile)}:/snapshot.db:ro`, '--volume', `${hostDir}:/restore`,
    '--entrypoint', 'etcdctl', '--env', 'ETCDCTL_API=3', image,
    'snapshot', 'restore', '/snapshot.db',
    '--name', o.name, '--initial-cluster', o.initialCluster, '--initial-cluster-token', o.token,
    '--initial-advertise-peer-urls', o.peerURL, '--data-dir', `/restore${o.dataDir}`,
  ];
}

export class EtcdLabMembers implements EtcdMemberHost {
  constructor(private readonly nodes: DockerNodes, private readonly shell: NodeShell, private readonly image: () => string) {}

  async stop(ctx: ShellContext, node: string): Promise<void> {
    if (!(await this.running(ctx, node))) return;
    await ctx.runner.run(['docker', 'stop', '--time', '10', this.nodes.container(node)], { signal: ctx.signal, timeout: 30_000, finishOnAbort: true });
  }

  async start(ctx: ShellContext, node: string): Promise<void> {
    await this.nodes.inspect(ctx, node);
    await ctx.runner.run(['docker', 'start', this.nodes.container(node)], { signal: ctx.signal, timeout: 60_000, finishOnAbort: true });
  }

  async running(ctx: ShellContext, node: string): Promise<boolean> {
    return (await this.nodes.inspect(ctx, node)).running;
  }

  async read(ctx: ShellContext, node: string): Promise<EtcdConfig> {
    return withTemp(async (dir) => {
      await this.shell.copyOut(ctx, node, CONFIG_FILE, path.join(dir, 'etcd.yaml'));
      return parse(await readFile(path.join(dir, 'etcd.yaml'), 'utf8')) as EtcdConfig;
    });
  }

  async config(ctx: ShellContext, node: string): Promise<MemberConfig> {
    const cfg = await this.read(ctx, node);
    return { name: cfg.name, peerURL: String(cfg['initial-advertise-peer-urls']).split(',')[0]!, dataDir: cfg['data-dir'] };
  }

  async reconfigure(ctx: ShellContext, node: string, change: MemberChange): Promise<void> {
    const cfg = withRecovery(await this.read(ctx, node), change);
    await withTemp(async (dir) => {
      const file = path.join(dir, 'etcd.yaml');
      await writeFile(file, stringify(cfg), { mode: 0o644 });
      await this.shell.copyIn(ctx, node, file, CONFIG_FILE);
    });
  }

  async restore(ctx: ShellContext, node: string, file: string, o: RestoreOptions): Promise<void> {
    await withTemp(async (hostDir) => {
      // To its end on a Ctrl-C, like every docker state change: cut short, `docker run --rm` leaves a created container.
      await ctx.runner.run(restoreArgv(this.image(), hostDir, file, o), { signal: ctx.signal, timeout: 120_000, finishOnAbort: true });
      // docker cp SRC_DIR CONTAINER:/var/lib/etcd-restored-… creates that folder (it does not exist yet).
      await this.shell.copyIn(ctx, node, path.join(hostDir, o.dataDir), o.dataDir);
    }, 'kdrill-restore-');
  }

  async removeDataDir(ctx: ShellContext, node: string, dir: string): Promise<void> {
    await this.shell.exec(ctx, node, ['rm', '-rf', dir]);
  }

  plan(op: Parameters<EtcdMemberHost['plan']>[0], node: string, detail = ''): string[] {
    const c = this.nodes.container(node);
    switch (op) {
      case 'stop': return [prettyCommand(['docker', 'stop', '--time', '10', c])];
      case 'start': return [prettyCommand(['docker', 'start', c])];
      case 'reconfigure': return [`docker cp etcd.yaml ${c}:${CONFIG_FILE}  # ${detail}`];
      case 'restore': return [
        prettyCommand(restoreArgv(this.image(), '<tmp>', '<snapshot>', { name: c, initialCluster: '<every member>', token: '<token>', peerURL: '<its peer URL>', dataDir: detail || '<data dir>' })),
        prettyCommand(['docker', 'cp', `<tmp>${detail || '<data dir>'}`, `${c}:${detail || '<data dir>'}`]),
      ];
      case 'removeDataDir': return [prettyCommand(this.shell.argv(node, ['rm', '-rf', detail || '<old data dir>']))];
      case 'wipe': return [];
    }
  }
}

async function withTemp<T>(fn: (dir: string) => Promise<T>, prefix = 'kdrill-etcdcfg-'): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
