import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandRunner } from '../../../src/exec/runner.js';
import { kindProvider } from '../../../src/labs/kind/provider.js';
import type { LabEnv } from '../../../src/labs/types.js';
import { startFakeApiServer, type FakeApiServer } from '../../fakes/fake-api-server.js';
import {
  CLUSTER_LABEL, KIND_NODE_IMAGE, MANIFEST, PKI_DIR, ROLE_LABEL, applyEnv, clusterContainers, controlPlanes, createKindNetwork, docker, dockerRun,
  ensureKindNodeImage, etcdctlArgv, forceRemove, kind, kindClusterName, kindNetworkName, skipKindStandIn, standInEnv, waitEtcdHealthy,
} from './harness.js';

/**
 * The kind lab's etcd paths, proved here (issue 10, item 6), part 1: the kind CLI TEST DOUBLE
 * (test/fakes/kind/kind) and its kind-shaped nodes (kdrill/kind-node:etcd-3.4.23: kubeadm's etcd
 * layout, a kubelet TEST DOUBLE as PID 1, a crictl TEST DOUBLE). Real docker, real etcd 3.4.23; no
 * kind and no Kubernetes, which cannot run here. Then the real kdrill kind lab is brought up and down
 * through the stand-in.
 */
const CONFIG = path.resolve('clusters/kind-ha-3cp.yaml');
const network = kindNetworkName();
const cluster = kindClusterName('standin');
const other = kindClusterName('other');
const labCluster = kindClusterName('lab');
const lookAlike = `${cluster}-worker3`; // named like one of ours, labelled as another cluster's

const execFileAsync = promisify(execFile);
const inNode = (node: string, ...argv: string[]) => dockerRun('exec', node, ...argv);
const etcdRunningId = (node: string) => inNode(node, 'crictl', 'ps', '--name', 'etcd', '--state', 'running', '--quiet').stdout.trim();

async function until<T>(what: string, f: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(skipKindStandIn)('kind CLI test double: kind-shaped nodes with kubeadm\'s etcd, for real', () => {
  let api: FakeApiServer;
  let env: NodeJS.ProcessEnv;
  let cp: string[] = [];
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    ensureKindNodeImage();
    for (const c of [cluster, other, labCluster]) forceRemove(c);
    api = await startFakeApiServer();
    env = standInEnv({ network, api: api.url });
  });

  afterAll(async () => {
    dockerRun('rm', '--force', '--volumes', lookAlike);
    for (const c of [cluster, other, labCluster]) forceRemove(c);
    forceRemove(labCluster, network);
    dockerRun('network', 'rm', `${network}-h`);
    await api?.close();
  });

  it('kind create cluster: 3 control planes + 2 workers + the load balancer, etcd up when it returns', () => {
    const t0 = performance.now();
    const r = kind(env, 'create', 'cluster', '--name', cluster, '--config', CONFIG, '--wait', '2m');
    timings.create = performance.now() - t0;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Creating cluster "${cluster}"`);
    expect(clusterContainers(cluster)).toEqual([
      `${cluster}-control-plane`, `${cluster}-control-plane2`, `${cluster}-control-plane3`,
      `${cluster}-external-load-balancer`, `${cluster}-worker`, `${cluster}-worker2`,
    ]);
    cp = controlPlanes(cluster);
    expect(cp).toEqual([`${cluster}-control-plane`, `${cluster}-control-plane2`, `${cluster}-control-plane3`]);
    expect(timings.create).toBeLessThan(30_000);
  });

  it('labels, hostnames, image and run flags are kind\'s', () => {
    for (const name of clusterContainers(cluster)) {
      const [labels, hostname, image, restart, stopSignal] = docker('container', 'inspect', '--format',
        '{{json .Config.Labels}}|{{.Config.Hostname}}|{{.Config.Image}}|{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}|{{.Config.StopSignal}}', name).split('|');
      const role = name.replace(`${cluster}-`, '').replace(/\d+$/, '');
      expect(JSON.parse(labels!)).toMatchObject({ [CLUSTER_LABEL]: cluster, [ROLE_LABEL]: role });
      expect(hostname).toBe(name);
      expect(image).toBe(KIND_NODE_IMAGE);
      expect(restart).toBe('on-failure:1');
      if (role !== 'external-load-balancer') expect(stopSignal).toBe('SIGRTMIN+3');
    }
  });

  it('the network is kind\'s: masquerade, MTU, IPv6 ULA, and no IPv4 subnet of our own (docker network connect --ip is refused)', () => {
    const net = JSON.parse(docker('network', 'inspect', network, '--format', '{{json .}}')) as {
      Driver: string; EnableIPv6: boolean; Options: Record<string, string>; IPAM: { Config: Array<{ Subnet: string }> }; Containers: Record<string, { Name: string }>;
    };
    expect(net.Driver).toBe('bridge');
    expect(net.Options['com.docker.network.bridge.enable_ip_masquerade']).toBe('true');
    expect(net.Options['com.docker.network.driver.mtu']).toMatch(/^\d+$/);
    // IPv6 works on this docker: kind's ULA /64, derived from the network name.
    expect(net.EnableIPv6).toBe(true);
    expect(net.IPAM.Config.map((c) => c.Subnet)).toContainEqual(expect.stringMatching(/^fc00:[0-9a-f:]+::\/64$/));
    expect(Object.values(net.Containers).map((c) => c.Name).sort()).toEqual(clusterContainers(cluster));
    // docker lists the IPv4 subnet it picked, but it was not configured: a fixed IP is refused.
    const probe = `${cluster}-ipprobe`;
    docker('create', '--name', probe, '--network', 'none', '--label', `${CLUSTER_LABEL}=${cluster}`, KIND_NODE_IMAGE);
    try {
      const v4 = net.IPAM.Config.find((c) => c.Subnet.includes('.'))!.Subnet;
      dockerRun('network', 'disconnect', 'none', probe);
      const r = dockerRun('network', 'connect', '--ip', v4.replace(/\.0\/\d+$/, '.250'), network, probe);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('user specified IP address is supported only when connecting to networks with user configured subnets');
    } finally {
      dockerRun('rm', '--force', probe);
    }
    // The harness creates a network of the same shape.
    expect(createKindNetwork(`${network}-h`)).toBe('ipv6');
    const h = JSON.parse(docker('network', 'inspect', `${network}-h`, '--format', '{{json .}}')) as typeof net;
    expect(h.Options).toEqual(net.Options);
    expect(h.EnableIPv6).toBe(true);
  });

  it('control planes have kubeadm\'s etcd PKI and static-Pod manifest; workers have neither', () => {
    const files = ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'peer.crt', 'peer.key', 'healthcheck-client.crt', 'healthcheck-client.key']
      .map((f) => `${PKI_DIR}/${f}`).concat('/etc/kubernetes/pki/apiserver-etcd-client.crt', '/etc/kubernetes/pki/apiserver-etcd-client.key', MANIFEST);
    for (const node of cp) {
      expect(inNode(node, 'ls', ...files).code, node).toBe(0);
      const ca = new X509Certificate(inNode(node, 'cat', `${PKI_DIR}/ca.crt`).stdout);
      const ip = docker('container', 'inspect', '--format', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, node);
      for (const which of ['server', 'peer']) {
        const cert = new X509Certificate(inNode(node, 'cat', `${PKI_DIR}/${which}.crt`).stdout);
        expect(cert.subjectAltName?.split(', ').sort()).toEqual([`DNS:${node}`, 'DNS:localhost', 'IP Address:0:0:0:0:0:0:0:1', 'IP Address:127.0.0.1', `IP Address:${ip}`].sort());
        expect(cert.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'])); // serverAuth, clientAuth
        expect(cert.checkIssued(ca)).toBe(true);
      }
      const manifest = inNode(node, 'cat', MANIFEST).stdout;
      for (const flag of [`--name=${node}`, '--data-dir=/var/lib/etcd', '--initial-cluster-state=new', `--listen-client-urls=https://127.0.0.1:2379,https://${ip}:2379`,
        `--advertise-client-urls=https://${ip}:2379`, '--client-cert-auth=true', '--peer-client-cert-auth=true', '--listen-metrics-urls=http://127.0.0.1:2381', '--snapshot-count=10000',
        `--listen-peer-urls=https://${ip}:2380`, `--initial-advertise-peer-urls=https://${ip}:2380`, `--cert-file=${PKI_DIR}/server.crt`, `--peer-key-file=${PKI_DIR}/peer.key`]) {
        expect(manifest).toContain(`- ${flag}`);
      }
      expect(manifest).toMatch(new RegExp(`- --initial-cluster=${cp.map((n) => `${n}=https://[0-9.]+:2380`).join(',')}\n`));
      expect(manifest).toMatch(/^ {2}containers:\n {2}- command:\n {4}- etcd\n/m);
      expect(manifest).toMatch(/- hostPath:\n\s+path: \/var\/lib\/etcd\n\s+type: DirectoryOrCreate\n\s+name: etcd-data/);
      expect(inNode(node, 'ls', '/var/lib/etcd/member').code).toBe(0);
    }
    // One CA for the cluster, as kubeadm shares it.
    const cas = new Set(cp.map((n) => inNode(n, 'cat', `${PKI_DIR}/ca.crt`).stdout));
    expect(cas.size).toBe(1);
    expect(inNode(`${cluster}-worker`, 'ls', MANIFEST).code).not.toBe(0);
    expect(etcdRunningId(`${cluster}-worker`)).toBe('');
  });

  it('3 members, all healthy: docker exec … etcdctl endpoint health --cluster with the node\'s certs', async () => {
    const out = await waitEtcdHealthy(cluster, { members: 3 });
    expect(out.match(/is healthy/g)).toHaveLength(3);
    const list = JSON.parse(dockerRun(...etcdctlArgv(cp[1]!, ['member', 'list', '-w', 'json'], 'server')).stdout) as { members: Array<{ name: string }> };
    expect(list.members.map((m) => m.name).sort()).toEqual(cp);
  });

  it('crictl: ps --name etcd --state running --quiet, and exec <id> etcdctl … endpoint status -w json', () => {
    const id = etcdRunningId(cp[0]!);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const table = inNode(cp[0]!, 'crictl', 'ps', '-a').stdout;
    expect(table).toMatch(/^CONTAINER\s+IMAGE\s+CREATED\s+STATE\s+NAME\s+ATTEMPT\s+POD ID\s+POD/);
    expect(table).toContain(id.slice(0, 13));
    const r = inNode(cp[0]!, 'crictl', 'exec', id, 'etcdctl', '--endpoints=https://127.0.0.1:2379', `--cacert=${PKI_DIR}/ca.crt`, `--cert=${PKI_DIR}/server.crt`,
      `--key=${PKI_DIR}/server.key`, 'endpoint', 'status', '-w', 'json');
    expect(r.code, r.stderr).toBe(0);
    const status = JSON.parse(r.stdout) as Array<{ Endpoint: string; Status: { version: string; leader: number; raftTerm: number } }>;
    expect(status).toHaveLength(1);
    expect(status[0]!.Status.version).toBe('3.4.23');
    expect(status[0]!.Status.leader).toBeGreaterThan(0);
    expect(inNode(cp[0]!, 'crictl', 'exec', 'ffffffffffff', 'true').code).not.toBe(0);
  });

  it('moving etcd.yaml out of a node stops its member; moving it back brings the member back', async () => {
    const node = cp[2]!;
    expect(inNode(node, 'mv', MANIFEST, '/etc/kubernetes/etcd.yaml').code).toBe(0);
    await until('etcd stopped', () => (etcdRunningId(node) === '' ? true : undefined));
    const seen = dockerRun(...etcdctlArgv(cp[0]!, ['endpoint', 'health', '--cluster', '--command-timeout=2s']));
    expect(seen.code).not.toBe(0);
    expect(`${seen.stdout}${seen.stderr}`.match(/is healthy/g)).toHaveLength(2);
    expect(`${seen.stdout}${seen.stderr}`).toMatch(/is unhealthy/);
    expect(inNode(node, 'mv', '/etc/kubernetes/etcd.yaml', MANIFEST).code).toBe(0);
    await until('etcd running again', () => (etcdRunningId(node) !== '' ? true : undefined));
    await waitEtcdHealthy(cluster, { members: 3 });
    expect(docker('logs', node)).toMatch(/manifest gone: stopping etcd[\s\S]*manifest found/);
  });

  it('crictl stop <id>: the kubelet double restarts etcd as a new container (attempt 1)', async () => {
    const node = cp[1]!;
    const before = etcdRunningId(node);
    expect(inNode(node, 'crictl', 'stop', before).stdout.trim()).toBe(before);
    const after = await until('a new etcd container', () => {
      const id = etcdRunningId(node);
      return id && id !== before ? id : undefined;
    });
    expect(inNode(node, 'crictl', 'ps', '-a').stdout).toMatch(new RegExp(`${after.slice(0, 13)}\\s.*Running\\s+etcd\\s+1\\s`));
    expect(JSON.parse(inNode(node, 'crictl', 'inspect', before).stdout)).toMatchObject({ status: { id: before, state: 'CONTAINER_EXITED' } });
    expect(inNode(node, 'crictl', 'logs', '--tail', '3', after).code).toBe(0);
    await waitEtcdHealthy(cluster, { members: 3 });
  });

  it('a file docker cp\'d into a node\'s /tmp is lost (kind mounts tmpfs on /tmp and /run), one in /var/lib is not', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kdk-cp-'));
    writeFileSync(path.join(dir, 'probe'), 'x');
    expect(dockerRun('cp', path.join(dir, 'probe'), `${cp[0]}:/tmp/probe`).code).toBe(0); // docker says it worked
    expect(inNode(cp[0]!, 'test', '-e', '/tmp/probe').code).not.toBe(0);
    expect(dockerRun('cp', path.join(dir, 'probe'), `${cp[0]}:/var/lib/probe`).code).toBe(0);
    expect(inNode(cp[0]!, 'test', '-e', '/var/lib/probe').code).toBe(0);
  });

  it('get clusters, get nodes, get kubeconfig (server: the Kubernetes API test double)', async () => {
    docker('run', '--detach', '--name', lookAlike, '--hostname', lookAlike, '--net', network, '--label', `${CLUSTER_LABEL}=${other}`, '--label', `${ROLE_LABEL}=worker`, KIND_NODE_IMAGE);
    const clusters = kind(env, 'get', 'clusters');
    expect(clusters.code).toBe(0);
    expect(clusters.stdout.split('\n')).toEqual(expect.arrayContaining([cluster, other]));
    expect(kind(env, 'get', 'nodes', '--name', cluster).stdout.trim().split('\n')).toEqual(clusterContainers(cluster));
    const kc = kind(env, 'get', 'kubeconfig', '--name', cluster);
    expect(kc.code).toBe(0);
    expect(kc.stdout).toContain(`server: ${api.url}`);
    expect(kc.stdout).toContain(`current-context: kind-${cluster}`);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kdk-kc-')), 'kubeconfig');
    writeFileSync(file, kc.stdout, { mode: 0o600 });
    // kubectl (preinstalled here) reaches the API double (served by this process: not spawnSync) with it.
    const kubectl = await execFileAsync('kubectl', ['--kubeconfig', file, 'get', '--raw', '/api/v1/nodes'], { encoding: 'utf8', timeout: 30_000 })
      .then(() => 0, (err: { code?: unknown; stderr?: string }) => (err.code === 'ENOENT' ? 'not installed' : `${String(err.code)}: ${err.stderr}`));
    if (kubectl !== 'not installed') {
      expect(kubectl).toBe(0);
      expect(api.state.requests).toContain('GET /api/v1/nodes');
    }
    const none = kind(env, 'get', 'kubeconfig', '--name', `${cluster}-nope`);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('could not locate any control plane nodes');
  });

  it('kind delete cluster removes only that cluster\'s containers; a look-alike of another cluster and the network stay', () => {
    const r = kind(env, 'delete', 'cluster', '--name', cluster);
    expect(r.code, r.stderr).toBe(0);
    expect(clusterContainers(cluster)).toEqual([]);
    expect(docker('container', 'inspect', '--format', '{{.State.Running}}', lookAlike)).toBe('true');
    expect(dockerRun('network', 'inspect', network).code).toBe(0);
    expect(kind(env, 'get', 'clusters').stdout.split('\n')).not.toContain(cluster);
    // kind's answers when there is nothing to do.
    expect(kind(env, 'delete', 'cluster', '--name', cluster).code).toBe(0);
    dockerRun('rm', '--force', '--volumes', lookAlike);
  });

  it('the kdrill kind lab comes up through the stand-in (created: true) and down removes it', async () => {
    const restore = applyEnv(env);
    try {
      const spec = kindProvider.schema.parse({ provider: 'kind', name: labCluster, config: CONFIG, etcdAccess: 'direct' });
      const labEnv: LabEnv = {
        runner: new CommandRunner(), signal: new AbortController().signal, log: () => {},
        drillDir: process.cwd(), stateDir: mkdtempSync(path.join(tmpdir(), 'kdk-kind-lab-')),
      };
      const lab = kindProvider.create(spec, labEnv);
      const t0 = performance.now();
      await expect(lab.up()).resolves.toEqual({ created: true });
      timings.labUp = performance.now() - t0;
      expect(lab.nodes().map((n) => n.container).sort()).toEqual(clusterContainers(labCluster));
      await waitEtcdHealthy(labCluster, { members: 3 });
      await lab.down({});
      expect(clusterContainers(labCluster)).toEqual([]);
      // What kdrill kept of the cluster (marker, kubeconfig, etcd client keys) went with it.
      expect(existsSync(labEnv.stateDir)).toBe(false);
    } finally {
      restore();
    }
    expect(timings.labUp).toBeLessThan(30_000);
  });
});
