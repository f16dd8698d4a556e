import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandError } from '../../../src/exec/errors.js';
import { CommandRunner } from '../../../src/exec/runner.js';
import { readInventory, type Inventory } from '../../../src/labs/kubeadm/inventory.js';
import { labProviders } from '../../../src/labs/registry.js';
import { need } from '../../../src/labs/types.js';
import { SshShell, type SshHost } from '../../../src/labs/kubeadm/ssh.js';
import type { ShellContext } from '../../../src/labs/types.js';
import { docker, dockerQuiet } from '../helpers.js';
import { removeTestCluster, startTestCluster, type TestCluster } from './cluster.js';
import { HOST_IMAGE, hostImagePresent } from './host.js';

// kdrill's kubeadm test hosts (scripts/kubeadm-test-hosts.mjs), for real: three containers of the
// kubeadm host image with a real sshd and real etcd 3.4 (kubeadm's PKI, stacked etcd as a static Pod,
// TLS everywhere), TEST DOUBLES of systemd, kubelet, crictl and kube-apiserver (/readyz only). Reached
// as a Vagrant lab is: ssh on 127.0.0.1, a port per host, the lab's key and known_hosts.
const hasImage = hostImagePresent();
const prefix = `kdh-${process.pid}-c`;
const lookAlike = `${prefix}-cp9`; // named like one of the lab's, labelled as another lab's
const runner = new CommandRunner(undefined, null);
const ctx: ShellContext = { runner, signal: new AbortController().signal };
const PKI = '/etc/kubernetes/pki';
const ETCDCTL = ['etcdctl', '--endpoints=https://127.0.0.1:2379', `--cacert=${PKI}/etcd/ca.crt`, `--cert=${PKI}/etcd/healthcheck-client.crt`,
  `--key=${PKI}/etcd/healthcheck-client.key`, '--dial-timeout=1s', '--command-timeout=3s'];
const APISERVER = '/etc/kubernetes/manifests/kube-apiserver.yaml';

let lab: TestCluster;
let inventory: Inventory;
let shell: SshShell;
/** The test's own files (a wrong known_hosts): not in the lab's folder, which down removes only when nothing else is in it. */
const scratch = mkdtempSync(path.join(tmpdir(), 'kdh-cluster-test-'));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(200);
  }
}
const on = (host: string, ...argv: string[]) => shell.exec(ctx, host, argv, { allowFailure: true, timeoutMs: 20_000 });
/** etcdctl 3.4 prints endpoint health on stderr. */
const health = async (host = 'cp1') => {
  const r = await on(host, ...ETCDCTL, 'endpoint', 'health', '--cluster');
  return { ok: r.exitCode === 0, healthy: (`${r.stdout}${r.stderr}`.match(/is healthy/g) ?? []).length, text: `${r.stdout}${r.stderr}` };
};
const running = async (host: string, pod: string) => (await on(host, 'crictl', 'ps', '--name', pod, '--state', 'running', '--quiet')).stdout.trim();
const readyz = async (host: string) => (await on(host, 'wget', '-q', '-O', '-', 'http://127.0.0.1:6443/readyz')).stdout;
const ipOf = (container: string) => docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', container);
const portOf = (container: string) => Number(docker('port', container, '22/tcp').split('\n')[0]!.split(':').pop());

/** The inventory's hosts as kdrill's ssh transport takes them, strict host key checking. */
const sshHosts = (inv: Inventory, knownHosts?: string): Record<string, SshHost> => Object.fromEntries(inv.hosts.map((h) => [h.name, {
  host: h.address!, port: h.port, user: h.user, identityFile: h.key, knownHostsFile: knownHosts ?? h.knownHosts, hostKeyCheck: 'yes' as const,
}]));

describe.skipIf(!hasImage && !process.env.CI)('kubeadm test hosts (scripts/kubeadm-test-hosts.mjs), for real', () => {
  beforeAll(async () => {
    dockerQuiet('rm', '--force', lookAlike);
    await removeTestCluster(prefix);
    lab = await startTestCluster(prefix);
    console.log(`kubeadm test hosts: 3 hosts up in ${lab.upMs} ms (network, containers, PKI, etcd healthy 3/3, /readyz on each)`);
    const read = readInventory(lab.inventory, { checkFiles: true, transport: 'ssh' });
    expect(read.problems).toEqual([]);
    inventory = read.inventory!;
    shell = new SshShell(sshHosts(inventory));
  });

  afterAll(async () => {
    await shell?.close(runner);
    await lab?.remove();
    dockerQuiet('rm', '--force', lookAlike);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('up writes an inventory of 3 stacked control planes on 127.0.0.1, docker power, the lab\'s key and known_hosts', () => {
    expect(lab.upMs).toBeLessThan(20_000);
    expect(inventory.topology).toBe('stacked');
    expect(inventory.hosts.map((h) => [h.name, h.roles.join('+'), h.address, h.port, h.user, h.container, h.power])).toEqual(lab.hosts.map((h) => [
      h.name, 'control-plane+etcd', '127.0.0.1', h.port, 'root', `${prefix}-${h.name}`, { driver: 'docker', container: `${prefix}-${h.name}` },
    ]));
    expect(inventory.hosts.every((h) => h.key === lab.key && h.knownHosts === lab.knownHosts)).toBe(true);
    for (const h of lab.hosts) {
      expect(ipOf(h.container)).toBe(h.ip);
      expect(portOf(h.container)).toBe(h.port);
      expect(JSON.parse(docker('inspect', '-f', '{{json .Config.Labels}}', h.container))).toMatchObject({ 'dev.kdrill.test': 'kubeadm-host', 'dev.kdrill.kubeadm-test-hosts': prefix });
    }
    // The private key is never printed: stdout was the inventory's path alone (startTestCluster read it).
    expect(readFileSync(lab.inventory, 'utf8')).not.toMatch(/PRIVATE KEY/);
  });

  it('ssh with the lab key reaches every host, its host key checked strictly against the lab known_hosts (a wrong one: refused)', async () => {
    for (const h of lab.hosts) {
      const r = await on(h.name, 'hostname');
      expect([r.exitCode, r.stdout.trim()]).toEqual([0, h.name]);
    }
    // cp2's entry carrying cp1's key: ssh must refuse cp2, not accept or replace the key.
    const lines = readFileSync(lab.knownHosts, 'utf8').trim().split('\n');
    const keyOf = (l: string) => l.split(' ').slice(1).join(' ');
    writeFileSync(path.join(scratch, 'wrong_known_hosts'), `${lines[0]}\n${lines[1]!.split(' ')[0]} ${keyOf(lines[0]!)}\n`);
    const wrong = new SshShell(sshHosts(inventory, path.join(scratch, 'wrong_known_hosts')));
    const e = await wrong.exec(ctx, 'cp2', ['true']).catch((err: unknown) => err);
    await wrong.close(runner);
    expect(e).toBeInstanceOf(CommandError);
    expect((e as CommandError).stderr).toMatch(/HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it('etcd: 3 members named cp1..3 on the host IPs, endpoint health --cluster over mTLS: 3 of 3 healthy', async () => {
    const h = await health();
    expect(h).toMatchObject({ ok: true, healthy: 3 });
    const list = JSON.parse((await on('cp2', ...ETCDCTL, 'member', 'list', '-w', 'json')).stdout) as { members: Array<{ name: string; peerURLs: string[]; clientURLs: string[] }> };
    expect(list.members.map((m) => [m.name, m.peerURLs, m.clientURLs]).sort()).toEqual(lab.hosts.map((x) => [x.name, [`https://${x.ip}:2380`], [`https://${x.ip}:2379`]]));
    // Without a client certificate etcd refuses (TLS client auth on).
    const anon = await on('cp1', 'etcdctl', '--endpoints=https://127.0.0.1:2379', `--cacert=${PKI}/etcd/ca.crt`, '--dial-timeout=1s', '--command-timeout=2s', 'endpoint', 'health');
    expect(anon.exitCode).not.toBe(0);
  });

  it('power off (docker stop) and on (docker start): the host keeps its IP, port and host key, and its member rejoins', async () => {
    const cp2 = lab.hosts[1]!;
    docker('stop', cp2.container);
    await until('cp2 seen down by its peers', async () => (await health()).healthy === 2);
    docker('start', cp2.container);
    expect(ipOf(cp2.container)).toBe(cp2.ip);
    expect(portOf(cp2.container)).toBe(cp2.port);
    await until('ssh to cp2 again, same known_hosts', async () => (await on('cp2', 'true').catch(() => ({ exitCode: -1 }))).exitCode === 0);
    await until('etcd 3 of 3 healthy', async () => (await health()).ok);
    expect(await health('cp2')).toMatchObject({ ok: true, healthy: 3 });
    await until('kube-apiserver ready on cp2', async () => (await readyz('cp2')) === 'ok');
  });

  it('kube-apiserver.yaml moved out of /etc/kubernetes/manifests stops that Pod; moved back, it runs again', async () => {
    expect(await readyz('cp3')).toBe('ok');
    const before = await running('cp3', 'kube-apiserver');
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect((await on('cp3', 'mv', APISERVER, '/etc/kubernetes/kube-apiserver.yaml')).exitCode).toBe(0);
    await until('kube-apiserver stopped on cp3', async () => (await running('cp3', 'kube-apiserver')) === '');
    expect(await readyz('cp3')).toBe('');
    expect(await running('cp3', 'etcd')).not.toBe(''); // the other static Pod is not touched
    expect((await on('cp3', 'mv', '/etc/kubernetes/kube-apiserver.yaml', APISERVER)).exitCode).toBe(0);
    await until('kube-apiserver running on cp3', async () => (await running('cp3', 'kube-apiserver')) !== '');
    expect(await running('cp3', 'kube-apiserver')).not.toBe(before);
    await until('kube-apiserver ready on cp3', async () => (await readyz('cp3')) === 'ok');
    const all = (await on('cp3', 'crictl', 'ps', '-a')).stdout;
    expect(all).toMatch(new RegExp(`^${before.slice(0, 13)}\\s.*Exited\\s+kube-apiserver\\s`, 'm'));
  });

  it('systemctl stop kubelet leaves etcd and kube-apiserver running; started again, kubelet adopts them', async () => {
    const etcd = await running('cp1', 'etcd');
    const api = await running('cp1', 'kube-apiserver');
    expect((await on('cp1', 'systemctl', 'stop', 'kubelet')).exitCode).toBe(0);
    expect((await on('cp1', 'systemctl', 'is-active', 'kubelet')).exitCode).toBe(3);
    expect((await on('cp1', 'pidof', 'kubelet-double')).exitCode).not.toBe(0); // the kubelet double and its Pod workers are gone
    await sleep(1_000);
    expect([await running('cp1', 'etcd'), await running('cp1', 'kube-apiserver')]).toEqual([etcd, api]);
    expect(await readyz('cp1')).toBe('ok');
    expect((await health()).healthy).toBe(3);
    // With kubelet stopped nobody acts on a manifest: moved out, its Pod keeps running.
    expect((await on('cp1', 'mv', APISERVER, '/etc/kubernetes/kube-apiserver.yaml')).exitCode).toBe(0);
    await sleep(1_000);
    expect(await running('cp1', 'kube-apiserver')).toBe(api);
    expect((await on('cp1', 'systemctl', 'start', 'kubelet')).exitCode).toBe(0);
    // Started again: it adopts etcd (same container) and stops the Pod whose manifest left meanwhile.
    await until('kube-apiserver stopped by the restarted kubelet', async () => (await running('cp1', 'kube-apiserver')) === '');
    expect(await running('cp1', 'etcd')).toBe(etcd);
    expect((await on('cp1', 'mv', '/etc/kubernetes/kube-apiserver.yaml', APISERVER)).exitCode).toBe(0);
    await until('kube-apiserver running again on cp1', async () => (await readyz('cp1')) === 'ok');
  });

  // etcdAccess: auto decides between gRPC and etcdctl in the nodes by whether a member's client URL
  // answers from here. A drill that left the first member's etcd stopped says nothing about the route.
  it('etcdAccess auto, with cp1\'s etcd stopped at lab up: gRPC all the same (cp2 and cp3 answer)', async () => {
    // Parked where kdrill parks it (a drill killed with SIGKILL while the member was stopped).
    const ETCD = '/etc/kubernetes/manifests/etcd.yaml';
    const PARKED = '/etc/kubernetes/kdrill-stopped/etcd.yaml';
    expect((await on('cp1', 'mkdir', '-p', '/etc/kubernetes/kdrill-stopped')).exitCode).toBe(0);
    expect((await on('cp1', 'mv', ETCD, PARKED)).exitCode).toBe(0);
    await until('etcd stopped on cp1', async () => (await running('cp1', 'etcd')) === '');
    const logs: string[] = [];
    const state = mkdtempSync(path.join(tmpdir(), 'kdrill-auto-'));
    const k = labProviders.kubeadm!.create({ provider: 'kubeadm', inventory: lab.inventory, transport: 'ssh', etcdAccess: 'auto' },
      { runner: new CommandRunner(), signal: new AbortController().signal, log: (m) => logs.push(m), drillDir: state, stateDir: state });
    try {
      await k.up();
      expect(logs.find((l) => l.startsWith('etcd: '))).toMatch(/^etcd: gRPC to each member's client URL \(https:\/\/[\d.]+:2379, https:\/\/[\d.]+:2379 answer from here\)$/);
      const status = await need(k, 'etcd').statusAll(2_000);
      expect(status.filter((s) => s.ok).length).toBe(2);
    } finally {
      await k.close?.();
      rmSync(state, { recursive: true, force: true });
      await on('cp1', 'mv', PARKED, ETCD);
      await until('etcd running on cp1', async () => (await running('cp1', 'etcd')) !== '');
      await until('3 of 3 healthy', async () => (await health()).healthy === 3);
    }
  });

  it('down removes the lab\'s containers, network and folder, and nothing of another lab', async () => {
    docker('run', '--detach', '--name', lookAlike, '--label', `dev.kdrill.kubeadm-test-hosts=${prefix}x`, HOST_IMAGE);
    await shell.close(runner);
    await lab.remove();
    expect(docker('ps', '--all', '--filter', `label=dev.kdrill.kubeadm-test-hosts=${prefix}`, '--format', '{{.Names}}')).toBe('');
    expect(docker('network', 'ls', '--filter', `name=^${prefix}$`, '--format', '{{.Name}}')).toBe('');
    expect(existsSync(lab.dir)).toBe(false);
    expect(docker('inspect', '-f', '{{.State.Running}}', lookAlike)).toBe('true');
  });
});
