import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { prettyCommand } from '../../exec/errors.js';
import type { CommandRunner } from '../../exec/runner.js';
import { inspectContainers } from '../docker/inspect.js';
import { OWNER_LABEL } from './worker.js';

/**
 * Node-level pieces of member replace and snapshot restore on the etcd lab. Each node runs
 * `etcd --config-file /etc/kubernetes/etcd.yaml`; like kubeadm pointing the static Pod at
 * /var/lib/etcd-restored, recovery rewrites that file (data-dir, initial-cluster-state, token,
 * initial-cluster) while the container is stopped — `docker cp` works on stopped containers.
 */

export const ETCD_CONFIG = '/etc/kubernetes/etcd.yaml';

export interface NodeEnv {
  runner: CommandRunner;
  signal: AbortSignal;
}

export type EtcdConfig = Record<string, unknown> & {
  name: string;
  'data-dir': string;
  'initial-cluster'?: string;
  'initial-cluster-state'?: 'new' | 'existing';
  'initial-cluster-token'?: string;
  'initial-advertise-peer-urls'?: string;
};

/** The changes recovery makes to a member's config; everything else (TLS, URLs, quota) is kept. */
export function withRecovery(
  cfg: EtcdConfig,
  change: { dataDir: string; state: 'new' | 'existing'; initialCluster: string; token?: string },
): EtcdConfig {
  return {
    ...cfg,
    'data-dir': change.dataDir,
    'initial-cluster-state': change.state,
    'initial-cluster': change.initialCluster,
    ...(change.token ? { 'initial-cluster-token': change.token } : {}),
  };
}

/** `name=peerURL,…` in etcd's format, members sorted by name so every node gets the same string. */
export function initialCluster(members: Array<{ name: string; peerURL: string }>): string {
  return [...members].sort((a, b) => a.name.localeCompare(b.name)).map((m) => `${m.name}=${m.peerURL}`).join(',');
}

/** Refuses to act on a container without the lab's ownership label (the lab's promise to the host). */
export async function assertOwned(env: NodeEnv, container: string, lab: string): Promise<void> {
  const info = (await inspectContainers(env.runner, [container], env.signal)).get(container);
  if (info?.labels[OWNER_LABEL] !== lab) throw new Error(`${container} does not carry ${OWNER_LABEL}=${lab}: kdrill will not touch it`);
}

export async function isRunning(env: NodeEnv, container: string): Promise<boolean> {
  const info = (await inspectContainers(env.runner, [container], env.signal)).get(container);
  if (!info) throw new Error(`no container named ${container}`);
  return info.running;
}

/** Reads the node's etcd config, running or stopped. */
export async function readConfig(env: NodeEnv, container: string): Promise<EtcdConfig> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kdrill-etcdcfg-'));
  try {
    await env.runner.run(['docker', 'cp', `${container}:${ETCD_CONFIG}`, path.join(dir, 'etcd.yaml')], { signal: env.signal, timeout: 30_000 });
    return parse(await readFile(path.join(dir, 'etcd.yaml'), 'utf8')) as EtcdConfig;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function writeConfig(env: NodeEnv, container: string, cfg: EtcdConfig): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kdrill-etcdcfg-'));
  try {
    const file = path.join(dir, 'etcd.yaml');
    await writeFile(file, stringify(cfg), { mode: 0o644 });
    await env.runner.run(['docker', 'cp', file, `${container}:${ETCD_CONFIG}`], { signal: env.signal, timeout: 30_000 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A fresh data dir name, never used before on that node (kubeadm's /var/lib/etcd-restored, stamped). */
export function freshDataDir(kind: 'restored' | 'member', now = new Date()): string {
  return `/var/lib/etcd-${kind}-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}`;
}

export function restoreArgv(image: string, hostDir: string, snapshotFile: string, o: { name: string; initialCluster: string; token: string; peerURL: string; dataDir: string }): string[] {
  return [
    'docker', 'run', '--rm', '--network', 'none',
    '--volume', `${path.resolve(snapshotFile)}:/snapshot.db:ro`, '--volume', `${hostDir}:/restore`,
    '--entrypoint', 'etcdctl', '--env', 'ETCDCTL_API=3', image,
    'snapshot', 'restore', '/snapshot.db',
    '--name', o.name, '--initial-cluster', o.initialCluster, '--initial-cluster-token', o.token,
    '--initial-advertise-peer-urls', o.peerURL, '--data-dir', `/restore${o.dataDir}`,
  ];
}

/**
 * `etcdctl snapshot restore` for one member in a throwaway container of the etcd image, into a host
 * folder, then copied into the (stopped) node at `dataDir`. Run for every member from the same file.
 */
export async function restoreMemberData(
  env: NodeEnv, image: string, container: string, snapshotFile: string,
  o: { name: string; initialCluster: string; token: string; peerURL: string; dataDir: string },
): Promise<void> {
  const hostDir = await mkdtemp(path.join(tmpdir(), 'kdrill-restore-'));
  try {
    await env.runner.run(restoreArgv(image, hostDir, snapshotFile, o), { signal: env.signal, timeout: 120_000 });
    // docker cp SRC_DIR CONTAINER:/var/lib/etcd-restored-… creates that folder (it does not exist yet).
    await env.runner.run(['docker', 'cp', path.join(hostDir, o.dataDir), `${container}:${o.dataDir}`], { signal: env.signal, timeout: 120_000 });
  } finally {
    await rm(hostDir, { recursive: true, force: true });
  }
}

export function planRestoreMember(image: string, container: string, snapshotFile: string, o: Parameters<typeof restoreArgv>[3]): string[] {
  return [
    prettyCommand(restoreArgv(image, '<tmp>', snapshotFile, o)),
    prettyCommand(['docker', 'cp', `<tmp>${o.dataDir}`, `${container}:${o.dataDir}`]),
  ];
}
