import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * Helpers for tests that run the kind lab against the kind CLI TEST DOUBLE (test/fakes/kind/kind) and
 * its kind-shaped nodes (image kdrill/kind-node:etcd-3.4.23: kubeadm's etcd layout, a kubelet test
 * double as PID 1, a crictl test double). Real docker and real etcd; no kind, no Kubernetes.
 *
 * Typical use (a lab test: test/labs/** runs serially):
 *   const network = kindNetworkName();
 *   const cluster = kindClusterName('mytest');
 *   beforeAll(() => { ensureKindNodeImage(); forceRemove(cluster); });
 *   afterAll(() => forceRemove(cluster, network));
 *   const env = standInEnv({ network });          // for child processes: kind(env, 'create', …)
 *   const restore = applyEnv(env);                // for code that spawns `kind` itself (KindLab)
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');

export const KIND_NODE_IMAGE = 'kdrill/kind-node:etcd-3.4.23';
/** The folder holding the `kind` test double: put it first on PATH. */
export const FAKE_KIND_DIR = path.join(repo, 'test/fakes/kind');
export const CLUSTER_LABEL = 'io.x-k8s.kind.cluster';
export const ROLE_LABEL = 'io.x-k8s.kind.role';
export const PKI_DIR = '/etc/kubernetes/pki/etcd';
export const MANIFEST = '/etc/kubernetes/manifests/etcd.yaml';

const execFileAsync = promisify(execFile);

export const dockerOk = (() => {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
})();
/** The node image can be built here: Debian's etcd and busybox on the host (scripts/setup.sh installs them), or the image is there. */
export const canBuildKindNode = dockerOk && (spawnSync('sh', ['-c', 'test -x /usr/bin/etcd && test -x /usr/bin/etcdctl && test -x /bin/busybox']).status === 0
  || spawnSync('docker', ['image', 'inspect', KIND_NODE_IMAGE], { stdio: 'ignore' }).status === 0);
/** Skip off CI when docker or the image's ingredients are missing; in CI the tests must run. */
export const skipKindStandIn = !canBuildKindNode && !process.env.CI;

/** Builds the node image if missing or stale (idempotent, ~0.5 s; scripts/build-kind-node-image.sh). */
export function ensureKindNodeImage(): void {
  execFileSync('bash', [path.join(repo, 'scripts/build-kind-node-image.sh')], { stdio: 'ignore', timeout: 120_000 });
}

/** A kind cluster name unique to this test process and tag: `kdk<pid>-<tag>` (kind: ^[a-z0-9.-]+$). */
export function kindClusterName(tag: string): string {
  const clean = tag.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').slice(0, 20);
  return `kdk${process.pid}-${clean}`;
}

/** The docker network of this test process's kind clusters (KIND_EXPERIMENTAL_DOCKER_NETWORK). */
export function kindNetworkName(): string {
  return `kdk${process.pid}-kind`;
}

/**
 * The environment for a process that should run the stand-in as `kind`: test/fakes/kind first on
 * PATH, the network, and (optional) the API server `kind get kubeconfig` points at.
 */
export function standInEnv(opts: { network?: string; api?: string; base?: NodeJS.ProcessEnv } = {}): NodeJS.ProcessEnv {
  const base = opts.base ?? process.env;
  return {
    ...base,
    PATH: `${FAKE_KIND_DIR}${path.delimiter}${base.PATH ?? ''}`,
    KIND_EXPERIMENTAL_DOCKER_NETWORK: opts.network ?? kindNetworkName(),
    ...(opts.api ? { KDRILL_FAKE_KIND_API: opts.api } : {}),
  };
}

const APPLIED = ['PATH', 'KIND_EXPERIMENTAL_DOCKER_NETWORK', 'KDRILL_FAKE_KIND_API'] as const;

/**
 * Puts PATH, KIND_EXPERIMENTAL_DOCKER_NETWORK and KDRILL_FAKE_KIND_API of `env` into this process's
 * environment (the kind lab spawns `kind` with it and reads the network from it). Returns the undo.
 */
export function applyEnv(env: NodeJS.ProcessEnv): () => void {
  const saved = APPLIED.map((k) => [k, process.env[k]] as const);
  for (const k of APPLIED) {
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the kind stand-in (argv, no shell) with `env` (see standInEnv). Never throws on exit codes. */
export function kind(env: NodeJS.ProcessEnv, ...args: string[]): Ran {
  const r = spawnSync('kind', args, { env, encoding: 'utf8', timeout: 180_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** docker with stdout and stderr and the exit code, never throwing (etcdctl 3.4 prints health on stderr). */
export function dockerRun(...args: string[]): Ran {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** kind's IPv6 ULA /64 for a network name (sha1 of the name and the attempt, as kind derives it). */
function ulaSubnet(name: string, attempt: number): string {
  const h = createHash('sha1').update(name);
  const a = Buffer.alloc(4);
  a.writeInt32LE(attempt);
  const bs = h.update(a).digest();
  const groups = [0xfc00, bs.readUInt16BE(2), bs.readUInt16BE(4), bs.readUInt16BE(6)];
  return `${groups.map((g) => g.toString(16)).join(':')}::/64`;
}

/**
 * Creates `network` the way kind creates `kind` (if missing): bridge, ip masquerade, the default
 * bridge's MTU, IPv6 ULA subnet, and NO IPv4 subnet. IPv4 only where the daemon has no IPv6.
 * (The stand-in does the same itself on `create cluster`.)
 */
export function createKindNetwork(network: string): 'existing' | 'ipv6' | 'ipv4' {
  if (dockerRun('network', 'inspect', network).code === 0) return 'existing';
  const mtu = Number.parseInt(dockerRun('network', 'inspect', 'bridge', '-f', '{{ index .Options "com.docker.network.driver.mtu" }}').stdout.trim(), 10);
  const create = (subnet?: string) => dockerRun('network', 'create', '-d=bridge', '-o', 'com.docker.network.bridge.enable_ip_masquerade=true',
    ...(mtu > 0 ? ['-o', `com.docker.network.driver.mtu=${mtu}`] : []), ...(subnet ? ['--ipv6', '--subnet', subnet] : []), network);
  for (let attempt = 0; attempt < 5; attempt++) {
    const r = create(ulaSubnet(network, attempt));
    if (r.code === 0) return 'ipv6';
    if (/Cannot read IPv6 setup for bridge/.test(r.stderr)) {
      const v4 = create();
      if (v4.code === 0) return 'ipv4';
      throw new Error(`docker network create ${network}: ${v4.stderr}`);
    }
    if (!/Pool overlaps|overlapping/.test(r.stderr)) throw new Error(`docker network create ${network}: ${r.stderr}`);
  }
  throw new Error(`docker network create ${network}: no free IPv6 ULA subnet in 5 attempts`);
}

/** Containers carrying kind's cluster label for `cluster`, stopped ones included. */
export function clusterContainers(cluster: string): string[] {
  return docker('ps', '-a', '--filter', `label=${CLUSTER_LABEL}=${cluster}`, '--format', '{{.Names}}').split('\n').filter(Boolean).sort();
}

/**
 * Cleanup that cannot fail: removes every container labelled io.x-k8s.kind.cluster=<cluster> (and its
 * volumes), then the network if given and nothing else is attached to it.
 */
export function forceRemove(cluster: string, network?: string): void {
  try {
    const ids = clusterContainers(cluster);
    if (ids.length) dockerRun('rm', '--force', '--volumes', ...ids);
  } catch {
    /* docker gone: nothing to remove */
  }
  if (network) dockerRun('network', 'rm', network);
}

/** The control-plane containers of a stand-in cluster, in kind's order. */
export function controlPlanes(cluster: string): string[] {
  return docker('ps', '--filter', `label=${CLUSTER_LABEL}=${cluster}`, '--filter', `label=${ROLE_LABEL}=control-plane`, '--format', '{{.Names}}')
    .split('\n').filter(Boolean).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** `etcdctl` run in `node` against its own member, with the node's certificates (kubeadm's paths). */
export function etcdctlArgv(node: string, args: readonly string[], cert: 'healthcheck-client' | 'server' = 'healthcheck-client'): string[] {
  return ['exec', node, 'etcdctl', '--endpoints=https://127.0.0.1:2379', `--cacert=${PKI_DIR}/ca.crt`, `--cert=${PKI_DIR}/${cert}.crt`,
    `--key=${PKI_DIR}/${cert}.key`, '--dial-timeout=2s', '--command-timeout=5s', ...args];
}

/**
 * Waits until `docker exec <node> etcdctl … endpoint health --cluster` reports every member healthy
 * (`members` of them when given). `node` defaults to the first running control plane. Returns the
 * output (etcdctl 3.4 prints it on stderr).
 */
export async function waitEtcdHealthy(cluster: string, opts: { node?: string; members?: number; timeoutMs?: number } = {}): Promise<string> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let last = '';
  for (;;) {
    const node = opts.node ?? controlPlanes(cluster)[0];
    if (node) {
      try {
        const r = await execFileAsync('docker', etcdctlArgv(node, ['endpoint', 'health', '--cluster']), { encoding: 'utf8', timeout: 15_000 });
        last = `${r.stdout}${r.stderr}`;
        const healthy = last.split('\n').filter((l) => / is healthy/.test(l)).length;
        if (opts.members === undefined || healthy === opts.members) return last;
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string; message: string };
        last = `${e.stdout ?? ''}${e.stderr ?? e.message}`;
      }
    } else {
      last = `no running control plane of ${cluster}`;
    }
    if (Date.now() > deadline) throw new Error(`etcd of kind cluster ${cluster} not healthy in time:\n${last}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
