import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandRunner } from '../../../src/exec/runner.js';
import { LabError, RefusedError } from '../../../src/engine/errors.js';
import { KindLab } from '../../../src/labs/kind/lab.js';
import { kindProvider } from '../../../src/labs/kind/provider.js';
import type { KindNodes } from '../../../src/labs/kind/nodes.js';

/**
 * The kind lab's docker side against REAL containers shaped like kind's nodes (names and
 * io.x-k8s.kind.* labels), from a tiny local busybox image: discovery by labels, node stop/start
 * with the IP check, the load-balancer refusal, and that other clusters' containers are never touched.
 */
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const hasDocker = (() => { try { docker('info', '--format', '{{.ServerVersion}}'); return true; } catch { return false; } })();
const IMAGE = 'kdrill/kind-shaped-test:busybox';

function ensureImage(): void {
  try { docker('image', 'inspect', IMAGE); return; } catch { /* build it */ }
  const root = mkdtempSync(path.join(tmpdir(), 'kdrill-busybox-'));
  mkdirSync(path.join(root, 'bin'));
  copyFileSync('/bin/busybox', path.join(root, 'bin/busybox'));
  for (const a of ['sh', 'sleep', 'mkdir', 'echo', 'cat']) symlinkSync('busybox', path.join(root, 'bin', a));
  execFileSync('sh', ['-c', `tar -C "${root}" -c . | docker import - ${IMAGE}`], { stdio: 'ignore' });
}

const id = `kdt${process.pid % 100000}`;
const cluster = `${id}-kind`;
const other = `${id}-other`;
const network = `${id}-net`;
const created: string[] = [];

function node(name: string, labels: Record<string, string>): void {
  const l = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  // Like a kind node: kubeadm's etcd PKI folder, here with content that names the node.
  const script = `mkdir -p /etc/kubernetes/pki/etcd && echo ca-of-${name} > /etc/kubernetes/pki/etcd/ca.crt && echo crt > /etc/kubernetes/pki/etcd/server.crt && echo key > /etc/kubernetes/pki/etcd/server.key && exec sleep 100000`;
  docker('run', '--detach', '--name', name, '--hostname', name, '--network', network, ...l, IMAGE, '/bin/sh', '-c', script);
  created.push(name);
}

const kindLabels = (c: string, role: string) => ({ 'io.x-k8s.kind.cluster': c, 'io.x-k8s.kind.role': role });
const running = (name: string) => docker('container', 'inspect', '--format', '{{.State.Running}}', name) === 'true';
const ipOf = (name: string) => docker('container', 'inspect', '--format', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, name);

describe.skipIf(!hasDocker && !process.env.CI)('kind lab, docker side, against real kind-shaped containers', () => {
  let lab: KindLab;
  let nodes: KindNodes;
  const state = new Map<string, unknown>();
  const runner = new CommandRunner();
  const ctx = { runner, signal: new AbortController().signal, state };

  beforeAll(() => {
    ensureImage();
    // A subnet of our own, so the test can hand a stopped node's IP to a squatter (docker run --ip).
    docker('network', 'create', '--subnet', `10.${200 + (process.pid % 50)}.${process.pid % 250}.0/24`, network);
    for (const n of ['control-plane', 'control-plane2', 'control-plane3', 'worker']) node(`${cluster}-${n}`, kindLabels(cluster, n.replace(/\d$/, '')));
    node(`${cluster}-external-load-balancer`, kindLabels(cluster, 'external-load-balancer'));
    // An impostor: named like our worker2 but belonging to another kind cluster.
    node(`${cluster}-worker2`, kindLabels(other, 'worker'));
    node(`${other}-control-plane`, kindLabels(other, 'control-plane'));
    process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK = network;
    const stateDir = mkdtempSync(path.join(tmpdir(), 'kdrill-kind-state-'));
    const spec = kindProvider.schema.parse({ provider: 'kind', name: cluster, config: path.resolve('clusters/kind-ha-3cp.yaml'), etcdAccess: 'direct' });
    lab = new KindLab(spec, { runner, signal: ctx.signal, log: () => {}, drillDir: process.cwd(), stateDir });
    delete process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK;
    nodes = lab.nodeOps;
  });

  afterAll(() => {
    for (const c of created) { try { docker('rm', '--force', c); } catch { /* gone */ } }
    try { docker('network', 'rm', network); } catch { /* gone */ }
  });

  it('finds the nodes by kind’s cluster label only (not another cluster’s, not a look-alike name)', async () => {
    const found = await lab.discover();
    expect(found.map((f) => `${f.container}:${f.role}`)).toEqual([
      `${cluster}-control-plane:control-plane`, `${cluster}-control-plane2:control-plane`, `${cluster}-control-plane3:control-plane`,
      `${cluster}-external-load-balancer:load-balancer`, `${cluster}-worker:worker`,
    ]);
    await expect(lab.checkNodes()).rejects.toThrow(new RegExp(`lacks node\\(s\\) ${cluster}-worker2`));
  });

  it('etcd access: members on their node IPs, named by their node for TLS; certs copied out of the first control plane once', async () => {
    await lab.readEtcdMembers();
    expect(lab.etcd!.members()).toEqual(['control-plane', 'control-plane2', 'control-plane3'].map((n) => ({
      node: n, container: `${cluster}-${n}`, url: `https://${ipOf(`${cluster}-${n}`)}:2379`, serverName: `${cluster}-${n}`,
    })));
    // Three callers at once share one copy (it was three `docker cp` at once).
    const [a, b, c] = await Promise.all([lab.etcdSource.tls(), lab.etcdSource.tls(), lab.etcdSource.tls()]);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(a.ca.toString().trim()).toBe(`ca-of-${cluster}-control-plane`);
    expect(a.key.toString().trim()).toBe('key');
  });

  it('stops a control-plane node and starts it back on the IP it had', async () => {
    const before = ipOf(`${cluster}-control-plane3`);
    await nodes.stop(ctx, 'control-plane3', 1_000);
    expect(running(`${cluster}-control-plane3`)).toBe(false);
    expect(nodes.recorded(ctx, 'control-plane3')).toBe(before);
    await nodes.start(ctx, 'control-plane3');
    expect(running(`${cluster}-control-plane3`)).toBe(true);
    expect(ipOf(`${cluster}-control-plane3`)).toBe(before);
  });

  it('a node back on another IP is "lab invalidated" (kind #1689), not a failed drill', async () => {
    await nodes.stop(ctx, 'control-plane2', 1_000);
    const old = nodes.recorded(ctx, 'control-plane2')!;
    // Someone takes the IP while the node is down: docker gives the node a new one on start.
    docker('run', '--detach', '--name', `${id}-squatter`, '--network', network, '--ip', old, IMAGE, 'sleep', '100000');
    created.push(`${id}-squatter`);
    const err = await nodes.start(ctx, 'control-plane2').catch((e) => e);
    expect(err).toBeInstanceOf(LabError);
    expect(err.invalidated).toBe(true);
    expect(err.message).toMatch(new RegExp(`lab invalidated: control-plane2 came back on .* instead of ${old.replace(/\./g, '\\.')}`));
  });

  it('never stops the external load balancer (by name and by role)', async () => {
    await expect(nodes.stop(ctx, 'external-load-balancer', 1_000)).rejects.toBeInstanceOf(RefusedError);
    await expect(nodes.stop(ctx, `${cluster}-external-load-balancer`, 1_000)).rejects.toThrow(/never stops it/);
    // By role: a container of ours whose kind role is the load balancer, whatever its name.
    const inspect = nodes.inspect.bind(nodes);
    await expect(inspect(ctx, 'worker').then(() => 'ok')).resolves.toBe('ok');
    docker('rm', '--force', `${cluster}-worker`);
    node(`${cluster}-worker`, kindLabels(cluster, 'external-load-balancer'));
    await expect(nodes.stop(ctx, 'worker', 1_000)).rejects.toThrow(/external load balancer/);
    expect(running(`${cluster}-worker`)).toBe(true);
    expect(running(`${cluster}-external-load-balancer`)).toBe(true);
  });

  it('never touches a container of another cluster, even one named like our node', async () => {
    await expect(nodes.stop(ctx, 'worker2', 1_000)).rejects.toThrow(/does not carry the label io\.x-k8s\.kind\.cluster=/);
    expect(running(`${cluster}-worker2`)).toBe(true);
    await expect(nodes.stop(ctx, `${other}-control-plane`, 1_000)).rejects.toThrow(/has no node/);
    expect(running(`${other}-control-plane`)).toBe(true);
  });
});
