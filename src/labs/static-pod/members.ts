import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { prettyCommand } from '../../exec/errors.js';
import type { EtcdMemberHost, MemberChange, MemberConfig, RestoreOptions } from '../members.js';
import type { NodeShell, ShellContext } from '../types.js';
import { ETCD_DATA_DIR, etcdInNodeArgv, MANIFEST, PARKED } from '../kubeadm-layout.js';
import { findEtcdPod } from './etcd-source.js';
import { ManifestPods, POD_WAIT_MS } from './pods.js';

/**
 * kubeadm's etcd members (kind's nodes and the user's kubeadm hosts alike): a static Pod from
 * /etc/kubernetes/manifests/etcd.yaml, its data in the `etcd-data` hostPath (/var/lib/etcd).
 * Recovery is done the way the seeds tell an operator: the manifest moved out stops the member
 * (kubelet stops the Pod) and moved back starts it; a restore or a replace points the `etcd-data`
 * hostPath at a fresh folder (the Pod still sees it at /var/lib/etcd) and rewrites the cluster flags.
 * Every command runs through the node's shell; the machine under it (a kind node's container, a
 * kubeadm host's VM) is the lab's.
 */

export { MANIFEST, PARKED };

/** The machine a member runs on, as the lab knows it: a container (kind), a host with a power driver (kubeadm). */
export interface MemberMachine {
  /** Whether the machine is up and answers (its container runs; the host answers over ssh). */
  running(ctx: ShellContext, node: string): Promise<boolean>;
  /** Brings a machine that is down back (kind: every stopped control plane, in the order of its old IP). */
  up(ctx: ShellContext, node: string): Promise<void>;
  /** Where to look by hand: `docker exec <container>`, `ssh cp2`. */
  where(node: string): string;
}

interface Manifest {
  spec: {
    containers: Array<{ command: string[]; volumeMounts?: Array<{ name: string; mountPath: string }> }>;
    volumes?: Array<{ name: string; hostPath?: { path: string } }>;
  };
}

/** The value of `--flag=value` in a command, or undefined. */
export function flag(command: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return command.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

/** The command with `--flag=value` set (replaced, or added at the end). */
export function withFlag(command: readonly string[], name: string, value: string): string[] {
  const prefix = `--${name}=`;
  return command.some((a) => a.startsWith(prefix)) ? command.map((a) => (a.startsWith(prefix) ? `${prefix}${value}` : a)) : [...command, `${prefix}${value}`];
}

/** The member's config as recovery sees it; the data dir is the node's folder behind `etcd-data`. */
export function manifestConfig(m: Manifest): MemberConfig {
  const command = m.spec.containers[0]!.command;
  return {
    name: flag(command, 'name') ?? '',
    peerURL: (flag(command, 'initial-advertise-peer-urls') ?? '').split(',')[0]!,
    dataDir: m.spec.volumes?.find((v) => v.name === 'etcd-data')?.hostPath?.path ?? flag(command, 'data-dir') ?? ETCD_DATA_DIR,
    ...(flag(command, 'advertise-client-urls') ? { clientURL: flag(command, 'advertise-client-urls')!.split(',')[0]! } : {}),
  };
}

/** The etcd-data folder as the node sees it (the hostPath) and as the etcd Pod sees it (its mountPath). */
export function dataFolders(m: Manifest): { node: string; pod: string } {
  return {
    node: manifestConfig(m).dataDir,
    pod: m.spec.containers[0]!.volumeMounts?.find((v) => v.name === 'etcd-data')?.mountPath ?? ETCD_DATA_DIR,
  };
}

/** kubeadm's way: the hostPath of `etcd-data` moves to the new folder; the flags name the new cluster. */
export function reconfigured(m: Manifest, change: MemberChange): Manifest {
  const c = m.spec.containers[0]!;
  let command = withFlag(c.command, 'initial-cluster-state', change.state);
  command = withFlag(command, 'initial-cluster', change.initialCluster);
  if (change.token) command = withFlag(command, 'initial-cluster-token', change.token);
  const volumes = (m.spec.volumes ?? []).map((v) => (v.name === 'etcd-data' ? { ...v, hostPath: { ...v.hostPath, path: change.dataDir } } : v));
  if (!volumes.some((v) => v.name === 'etcd-data')) throw new Error('the etcd manifest has no etcd-data volume to point at the new data dir');
  return { ...m, spec: { ...m.spec, containers: [{ ...c, command }, ...m.spec.containers.slice(1)], volumes } };
}

export class StaticPodMembers implements EtcdMemberHost {
  private readonly pods: ManifestPods;

  constructor(private readonly machine: MemberMachine, private readonly shell: NodeShell, podWaitMs = POD_WAIT_MS) {
    this.pods = new ManifestPods(shell, podWaitMs);
  }

  private nodeRunning(ctx: ShellContext, node: string): Promise<boolean> {
    return this.machine.running(ctx, node);
  }

  private nodeUp(ctx: ShellContext, node: string): Promise<void> {
    return this.machine.up(ctx, node);
  }

  private async etcdContainer(ctx: ShellContext, node: string): Promise<string | undefined> {
    return (await findEtcdPod(this.shell, ctx, node)).id;
  }

  async running(ctx: ShellContext, node: string): Promise<boolean> {
    return (await this.nodeRunning(ctx, node)) && (await this.etcdContainer(ctx, node)) !== undefined;
  }

  private async parked(ctx: ShellContext, node: string): Promise<boolean> {
    return (await this.shell.exec(ctx, node, ['test', '-f', PARKED], { timeoutMs: 15_000, allowFailure: true })).exitCode === 0;
  }

  /** Moves the manifest out of kubelet's folder and waits until the Pod is gone (as staticpod.stop). */
  async stop(ctx: ShellContext, node: string): Promise<void> {
    await this.nodeUp(ctx, node);
    await this.pods.stopPod(ctx, node, 'etcd');
  }

  /** Moves the manifest back and waits until kubelet runs the Pod (as staticpod.start). */
  async start(ctx: ShellContext, node: string): Promise<void> {
    await this.nodeUp(ctx, node);
    await this.pods.startPod(ctx, node, 'etcd');
  }

  private async where(ctx: ShellContext, node: string): Promise<string> {
    if (await this.nodeRunning(ctx, node)) return (await this.parked(ctx, node)) ? PARKED : MANIFEST;
    return MANIFEST;
  }

  private async read(ctx: ShellContext, node: string): Promise<{ at: string; manifest: Manifest }> {
    const at = await this.where(ctx, node);
    return withTemp(async (dir) => {
      await this.shell.copyOut(ctx, node, at, path.join(dir, 'etcd.yaml'));
      return { at, manifest: parse(await readFile(path.join(dir, 'etcd.yaml'), 'utf8')) as Manifest };
    });
  }

  async config(ctx: ShellContext, node: string): Promise<MemberConfig> {
    return manifestConfig((await this.read(ctx, node)).manifest);
  }

  /** Where a file must go on the node for the member's etcd Pod to see it, and the path it sees. */
  async podVisible(ctx: ShellContext, node: string, name: string): Promise<{ node: string; pod: string }> {
    const f = dataFolders((await this.read(ctx, node)).manifest);
    return { node: `${f.node}/${name}`, pod: `${f.pod}/${name}` };
  }

  async reconfigure(ctx: ShellContext, node: string, change: MemberChange): Promise<void> {
    const { at, manifest } = await this.read(ctx, node);
    if (at === MANIFEST && (await this.nodeRunning(ctx, node))) throw new Error(`${node}: the etcd member must be stopped before its manifest is rewritten`);
    await withTemp(async (dir) => {
      const file = path.join(dir, 'etcd.yaml');
      await writeFile(file, stringify(reconfigured(manifest, change)), { mode: 0o600 });
      await this.shell.copyIn(ctx, node, file, at);
    });
  }

  /**
   * `snapshot restore` for this member into `o.dataDir`, with the first tool found: the host's own
   * etcdutl, else the host's etcdctl (kubeadm hosts often have etcd-client installed), else the
   * etcdctl (or etcdutl) of the member's own etcd Pod, so no image is ever pulled onto the host. The
   * snapshot goes into the node's etcd-data folder (the Pod mounts it), is restored there into a
   * fresh folder, and that folder is moved to `o.dataDir`. It writes a new folder, so the member may
   * still run; a member that was stopped is run again for its tools only when the host has none, and
   * stopped again afterwards. A node that is down is brought up first. Returns which tool ran.
   */
  async restore(ctx: ShellContext, node: string, file: string, o: RestoreOptions): Promise<string> {
    await this.nodeUp(ctx, node);
    const tag = randomBytes(4).toString('hex');
    const snap = await this.podVisible(ctx, node, `kdrill-snapshot-${tag}.db`);
    const out = await this.podVisible(ctx, node, `kdrill-restore-${tag}`);
    await this.shell.copyIn(ctx, node, path.resolve(file), snap.node);
    const args = (from: string, to: string) => ['snapshot', 'restore', from, '--name', o.name, '--initial-cluster', o.initialCluster, '--initial-cluster-token', o.token, '--initial-advertise-peer-urls', o.peerURL, '--data-dir', to];
    let startedHere = false;
    try {
      let how: string;
      let r;
      const tool = await this.hostTool(ctx, node);
      if (tool) {
        how = `${tool} on the host`;
        r = await this.shell.exec(ctx, node, [tool, ...args(snap.node, out.node)], { timeoutMs: 120_000, allowFailure: true });
      } else {
        let id = await this.etcdContainer(ctx, node);
        if (!id) { id = await this.startedForTools(ctx, node); startedHere = true; }
        how = "etcdctl in the member's etcd container";
        r = await this.shell.exec(ctx, node, etcdInNodeArgv(id, ['etcdctl', ...args(snap.pod, out.pod)]), { timeoutMs: 120_000, allowFailure: true });
        if (r.exitCode !== 0 && /unknown command|removed/i.test(r.stderr)) {
          how = "etcdutl in the member's etcd container";
          r = await this.shell.exec(ctx, node, etcdInNodeArgv(id, ['etcdutl', ...args(snap.pod, out.pod)]), { timeoutMs: 120_000, allowFailure: true });
        }
      }
      if (r.exitCode !== 0) throw new Error(`${node}: snapshot restore (${how}) failed: ${(r.stderr || r.stdout).trim().split('\n').at(-1)}`);
      await this.shell.exec(ctx, node, ['mv', out.node, o.dataDir]);
      return how;
    } finally {
      await this.shell.exec(ctx, node, ['rm', '-rf', snap.node, out.node], { timeoutMs: 30_000, allowFailure: true }).catch(() => undefined);
      if (startedHere) await this.stop(ctx, node);
    }
  }

  /** etcdutl, else etcdctl, on the host itself (not in a Pod); undefined when it has neither. */
  private async hostTool(ctx: ShellContext, node: string): Promise<'etcdutl' | 'etcdctl' | undefined> {
    for (const tool of ['etcdutl', 'etcdctl'] as const) {
      // A fixed script; the tool's name is its argument.
      const r = await this.shell.exec(ctx, node, ['sh', '-c', 'command -v "$1" >/dev/null', 'sh', tool], { timeoutMs: 15_000, allowFailure: true });
      if (r.exitCode === 0) return tool;
    }
    return undefined;
  }

  /** A stopped member's Pod run again for its tools (etcdctl), on its old data: stopped again after the restore. */
  private async startedForTools(ctx: ShellContext, node: string): Promise<string> {
    await this.start(ctx, node);
    const id = await this.etcdContainer(ctx, node);
    if (!id) throw new Error(`${node}: no etcd container to run etcdctl in`);
    return id;
  }

  /**
   * kubeadm's member replace: the stopped member's data dir moved aside (`<dir>-removed-<time>`, kept
   * until the new member runs) and an empty one made at the same path, so etcd.yaml keeps kubeadm's
   * path (a later `kubeadm upgrade` rewrites the manifest with it).
   */
  async wipe(ctx: ShellContext, node: string): Promise<string> {
    const { dataDir } = await this.config(ctx, node);
    if (!dataDir.startsWith('/var/lib/etcd')) throw new Error(`${node}: refusing to wipe ${dataDir}: not an etcd data dir`);
    if (await this.running(ctx, node)) throw new Error(`${node}: the etcd member must be stopped before its data dir is wiped`);
    const aside = `${dataDir}-removed-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}`;
    await this.shell.exec(ctx, node, ['mv', dataDir, aside]);
    await this.shell.exec(ctx, node, ['mkdir', '-m', '0700', dataDir]);
    return aside;
  }

  async removeDataDir(ctx: ShellContext, node: string, dir: string): Promise<void> {
    if (!dir.startsWith('/var/lib/etcd')) throw new Error(`${node}: refusing to remove ${dir}: not an etcd data dir`);
    await this.shell.exec(ctx, node, ['rm', '-rf', dir]);
  }

  plan(op: Parameters<EtcdMemberHost['plan']>[0], node: string, detail = ''): string[] {
    const sh = (argv: string[]) => prettyCommand(this.shell.argv(node, argv));
    switch (op) {
      case 'stop': return [sh(['mv', MANIFEST, PARKED]), '# until kubelet has stopped the etcd Pod (crictl ps --name etcd)'];
      case 'start': return [sh(['mv', PARKED, MANIFEST]), '# until kubelet runs the etcd Pod'];
      case 'reconfigure': return [`# etcd.yaml copied to ${this.machine.where(node)}:${PARKED}  # etcd-data hostPath → ${detail || '<new data dir>'}; cluster flags`];
      case 'restore': return [
        `# <snapshot> copied to ${this.machine.where(node)}:${ETCD_DATA_DIR}/kdrill-snapshot-<tag>.db`,
        `# the first of: etcdutl on the host, etcdctl on the host, etcdctl in the etcd Pod (${sh(etcdInNodeArgv('<etcd container>', ['etcdctl', '…']))})`,
        sh(['etcdutl', 'snapshot', 'restore', `${ETCD_DATA_DIR}/kdrill-snapshot-<tag>.db`, '--name', node, '--initial-cluster', '<every member>', '--initial-cluster-token', '<new token>', '--initial-advertise-peer-urls', '<its peer URL>', '--data-dir', `${ETCD_DATA_DIR}/kdrill-restore-<tag>`]),
        sh(['mv', `${ETCD_DATA_DIR}/kdrill-restore-<tag>`, detail || '<new data dir>']),
      ];
      case 'removeDataDir': return [sh(['rm', '-rf', detail || '<old data dir>'])];
      case 'wipe': return [sh(['mv', ETCD_DATA_DIR, `${ETCD_DATA_DIR}-removed-<time>`]), sh(['mkdir', '-m', '0700', ETCD_DATA_DIR]), '# the old data is kept aside until the new member runs'];
    }
  }
}

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kdrill-manifest-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
