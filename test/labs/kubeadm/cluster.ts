import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * kdrill's kubeadm test hosts for tests: scripts/kubeadm-test-hosts.mjs (real sshd and etcd with
 * kubeadm's PKI and manifests; TEST DOUBLES of systemd, kubelet, crictl and kube-apiserver), brought up
 * under a name prefix of the test's own (containers <prefix>-cp1..N, network <prefix>).
 *
 *   const lab = await startTestCluster(`kdh-${process.pid}-x`);
 *   readInventory(lab.inventory) ...
 *   await lab.remove();
 */
export interface TestCluster {
  /** The inventory file (kdrill/v1 Inventory): address 127.0.0.1, a fixed port, the lab's key and known_hosts. */
  inventory: string;
  /** The lab's folder: id_ed25519, known_hosts, inventory.yaml, lab.json. */
  dir: string;
  /** The lab's own known_hosts file (every host's key, read through docker). */
  knownHosts: string;
  /** The lab's private key (root's authorized key on every host). */
  key: string;
  hosts: TestClusterHost[];
  /** How long `up` took, as the script measured it. */
  upMs: number;
  /** `down`: the lab's containers, network and folder; nothing else. */
  remove(): Promise<void>;
}

export interface TestClusterHost {
  /** The inventory's host name, also the etcd member name and the hostname: cp1, cp2, … */
  name: string;
  container: string;
  /** Fixed: the same after docker stop / start. */
  ip: string;
  /** The ssh port published on 127.0.0.1, fixed too. */
  port: number;
}

export interface TestClusterOptions {
  /** How many hosts (control planes with stacked etcd): 3 unless said. */
  hosts?: number;
  /** etcd flags added to every member's manifest, e.g. --quota-backend-bytes=16777216. */
  etcdArgs?: string[];
  /** The leaf certificates' validity in days (365 unless said): 20 makes certificates a 30-day alert finds. */
  certDays?: number;
}

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const TEST_HOSTS_SCRIPT = path.join(repo, 'scripts/kubeadm-test-hosts.mjs');

const run = promisify(execFile);

/** Runs the script (argv, no shell); its error carries the script's own words (stderr). */
async function script(args: string[]): Promise<string> {
  try {
    return (await run(process.execPath, [TEST_HOSTS_SCRIPT, ...args], { encoding: 'utf8', timeout: 180_000 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`node scripts/kubeadm-test-hosts.mjs ${args.join(' ')}: ${e.stderr?.trim() || e.message}`);
  }
}

/** Brings a lab of test hosts up; returns once etcd is healthy on every member and every /readyz answers. */
export async function startTestCluster(prefix: string, opts: TestClusterOptions = {}): Promise<TestCluster> {
  if (!prefix.startsWith('kdh-')) throw new Error(`a test's lab prefix starts with kdh- (got ${prefix})`);
  // Idempotent (~0.1 s when the image is there): rebuilt only when the doubles it holds changed.
  await run('bash', [path.join(repo, 'scripts/build-kubeadm-host-image.sh')], { timeout: 300_000 });
  const args = ['up', prefix, '--quiet', '--hosts', String(opts.hosts ?? 3), ...(opts.etcdArgs ?? []).flatMap((a) => ['--etcd-arg', a]), ...(opts.certDays ? ['--cert-days', String(opts.certDays)] : [])];
  const inventory = (await script(args)).trim();
  const lab = JSON.parse(readFileSync(path.join(path.dirname(inventory), 'lab.json'), 'utf8')) as {
    dir: string; key: string; knownHosts: string; hosts: TestClusterHost[]; upMs: number;
  };
  return {
    inventory, dir: lab.dir, key: lab.key, knownHosts: lab.knownHosts, hosts: lab.hosts, upMs: lab.upMs,
    remove: async () => void (await script(['down', prefix])),
  };
}

/** Removes a lab left by an earlier run of the same test (same prefix); nothing when there is none. */
export async function removeTestCluster(prefix: string): Promise<void> {
  await script(['down', prefix]);
}
