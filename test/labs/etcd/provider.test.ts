import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdLab, etcdProvider } from '../../../src/labs/etcd/index.js';
import { etcdLabSchema, shapeOf } from '../../../src/labs/etcd/spec.js';
import type { EtcdAccess } from '../../../src/clients/etcd/access.js';
import { docker, dockerAll, dockerQuiet, forceRemove, makeLab, skipLab } from '../helpers.js';

describe('etcd lab spec', () => {
  it('fills the defaults and names the nodes like kind', () => {
    const spec = etcdLabSchema.parse({ provider: 'etcd' });
    expect(spec).toMatchObject({ name: 'kdrill-etcd', members: 3, image: 'kdrill/etcd:3.4.23', reuse: true, keep: false, etcdAccess: 'auto' });
    expect(etcdProvider.nodeNames({ ...spec, members: 4 })).toEqual(['control-plane', 'control-plane2', 'control-plane3', 'control-plane4']);
  });
  it('refuses bad names, sizes and unknown keys', () => {
    for (const bad of [{ name: 'Bad_Name' }, { members: 0 }, { members: 8 }, { quota: 'lots' }, { heartbeat: '100' }, { worker: 'mysql' }, { etcdAccess: 'tunnel' }]) {
      expect(etcdLabSchema.safeParse({ provider: 'etcd', ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });
  it('gives a different shape for a different size or quota, the same otherwise', () => {
    const a = etcdLabSchema.parse({ provider: 'etcd', quota: '16MiB' });
    expect(shapeOf(a)).toBe(shapeOf(etcdLabSchema.parse({ provider: 'etcd', quota: 16 * 1024 * 1024, keep: true })));
    expect(shapeOf(a)).not.toBe(shapeOf(etcdLabSchema.parse({ provider: 'etcd', quota: '32MiB' })));
    expect(shapeOf(a)).not.toBe(shapeOf(etcdLabSchema.parse({ provider: 'etcd', quota: '16MiB', members: 5 })));
  });
});

describe.skipIf(skipLab)('etcd lab on real docker', () => {
  const lab = makeLab('kdt-lab');
  const stranger = `${lab.name}-stranger`;
  let upMs = 0;

  beforeAll(async () => {
    forceRemove(lab);
    const t = performance.now();
    expect(await lab.up()).toEqual({ created: true });
    upMs = performance.now() - t;
    // A container without the lab's label, beside it on its network: kdrill must never touch it.
    docker('run', '-d', '--name', stranger, '--network', lab.network, 'kdrill/etcd:3.4.23', 'sleep', '600');
  });
  afterAll(() => {
    dockerQuiet('rm', '-f', stranger);
    forceRemove(lab);
  });

  it('comes up with 3 members, kind-shaped and labelled, quickly', async () => {
    console.log(`lab up (3 members): ${Math.round(upMs)} ms`);
    expect(upMs).toBeLessThan(15_000);
    const names = docker('ps', '--filter', `label=dev.kdrill.lab=${lab.name}`, '--format', '{{.Names}}').split('\n').sort();
    expect(names).toEqual([`${lab.name}-control-plane`, `${lab.name}-control-plane2`, `${lab.name}-control-plane3`]);
    const labels = JSON.parse(docker('inspect', '--format', '{{json .Config.Labels}}', `${lab.name}-control-plane2`));
    expect(labels).toMatchObject({ 'io.x-k8s.kind.cluster': lab.name, 'io.x-k8s.kind.role': 'control-plane', 'dev.kdrill.lab': lab.name });
    expect(docker('inspect', '--format', '{{.Config.Hostname}}', `${lab.name}-control-plane2`)).toBe(`${lab.name}-control-plane2`);
    const { members } = await lab.etcd.memberList();
    expect(members.map((m) => m.name).sort()).toEqual(names);
  });

  it('has kubeadm-shaped certs and config inside each node', () => {
    const c = `${lab.name}-control-plane3`;
    const pki = docker('exec', c, 'ls', '/etc/kubernetes/pki', '/etc/kubernetes/pki/etcd');
    for (const f of ['apiserver-etcd-client.crt', 'apiserver-etcd-client.key', 'ca.crt', 'ca.key', 'server.crt', 'server.key', 'peer.crt', 'peer.key', 'healthcheck-client.crt', 'healthcheck-client.key']) {
      expect(pki).toContain(f);
    }
    // etcdctl inside the node with the healthcheck-client cert, as a trainer would on kind.
    const health = dockerAll('exec', c, 'etcdctl', '--endpoints', 'https://127.0.0.1:2379', '--cacert', '/etc/kubernetes/pki/etcd/ca.crt',
      '--cert', '/etc/kubernetes/pki/etcd/healthcheck-client.crt', '--key', '/etc/kubernetes/pki/etcd/healthcheck-client.key', 'endpoint', 'health');
    expect(health).toMatch(/is healthy/);
    const cfg = docker('exec', c, 'cat', '/etc/kubernetes/etcd.yaml');
    expect(cfg).toMatch(new RegExp(`listen-client-urls: https://127.0.0.1:2379,https://${lab.ipOf('control-plane3').replace(/\./g, '\\.')}:2379`));
    expect(cfg).toMatch(/listen-metrics-urls: http:\/\/127.0.0.1:2381/);
  });

  it('refuses plain TLS without a client cert (client-cert-auth)', () => {
    const c = `${lab.name}-control-plane`;
    expect(() => execNoCert(c)).toThrow();
  });

  it("publishes each member's client port on 127.0.0.1, where a run with etcdAccess: published adopts and reaches it; a partition closes the port, the heal brings back the same one", async () => {
    const port = (c: string) => spawnSync('docker', ['port', c, '2379'], { encoding: 'utf8' }).stdout.trim();
    const members = lab.controlPlanes().map((m) => m.container);
    const ports = members.map(port);
    expect(ports.every((p) => /^127\.0\.0\.1:\d+$/.test(p)), ports.join(' ')).toBe(true);
    expect(new Set(ports).size).toBe(3);
    const published = new EtcdLab({ ...lab.spec, etcdAccess: 'published' }, { ...lab.env });
    expect(await published.up()).toEqual({ created: true, adopted: 'left by an earlier run: 3 of 3 members running' });
    expect(published.etcdMembers().map((m) => m.url)).toEqual(ports.map((p) => `https://${p}`));
    expect((await published.etcd.statusAll()).map((p) => p.ok)).toEqual([true, true, true]);
    const ctx = { runner: lab.env.runner, signal: new AbortController().signal, state: new Map<string, unknown>() };
    await published.nodeOps.partition(ctx, 'control-plane3');
    try {
      // Off its network, off its published port too: kdrill cannot reach it, as over its IP.
      expect(port(members[2]!)).toBe('');
      expect((await published.etcd.status('control-plane3', 500)).ok).toBe(false);
    } finally {
      await published.nodeOps.heal(ctx, 'control-plane3');
    }
    expect(port(members[2]!)).toBe(ports[2]);
    await published.waitHealthy(10_000);
    await published.etcd.close();
  });

  it('adopts itself on a second up (same shape), never duplicating', async () => {
    docker('stop', '--time', '1', `${lab.name}-control-plane2`);
    docker('pause', `${lab.name}-control-plane3`);
    const again = makeLabLike(lab);
    const t = performance.now();
    // a left-over of kdrill's own is adopted and owned by the run that adopts it (removed at its end),
    // and the run says what it found before it brought the members back
    expect(await again.up()).toEqual({ created: true, adopted: 'left by an earlier run: 1 of 3 members running, 1 paused' });
    console.log(`lab adopt (one member stopped): ${Math.round(performance.now() - t)} ms`);
    expect(docker('ps', '-q', '--filter', `label=dev.kdrill.lab=${lab.name}`).split('\n')).toHaveLength(3);
    await again.etcd.close();
  });

  it('down removes only what carries the lab label', async () => {
    const t = performance.now();
    await lab.down({});
    console.log(`lab down: ${Math.round(performance.now() - t)} ms`);
    expect(docker('ps', '-aq', '--filter', `label=dev.kdrill.lab=${lab.name}`)).toBe('');
    expect(docker('inspect', '--format', '{{.State.Running}}', stranger)).toBe('true');
    // The network stays while the stranger uses it (docker refuses to remove it; kdrill says so).
    expect(docker('network', 'inspect', '--format', '{{.Name}}', lab.network)).toBe(lab.network);
  });
});

function execNoCert(c: string): string {
  return dockerAll('exec', c, 'etcdctl', '--endpoints', 'https://127.0.0.1:2379', '--cacert', '/etc/kubernetes/pki/etcd/ca.crt', '--dial-timeout', '1s', '--command-timeout', '1s', 'endpoint', 'health');
}

function makeLabLike(lab: ReturnType<typeof makeLab>) {
  return new (lab.constructor as typeof import('../../../src/labs/etcd/provider.js').EtcdLab)(lab.spec, { ...lab.env });
}
