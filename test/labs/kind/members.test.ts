import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandRunner } from '../../../src/exec/runner.js';
import { createContext } from '../../../src/engine/context.js';
import { EventBus } from '../../../src/engine/events.js';
import type { Context } from '../../../src/engine/types.js';
import { KindLab } from '../../../src/labs/kind/lab.js';
import { kindProvider } from '../../../src/labs/kind/provider.js';
import { flag, manifestConfig, MANIFEST, PARKED, reconfigured, withFlag } from '../../../src/labs/static-pod/members.js';
import { memberReplace } from '../../../src/actions/etcd/member-replace.js';
import { snapshotSave } from '../../../src/actions/etcd/snapshot-save.js';
import { seed } from '../../../src/actions/etcd/seed.js';
import { etcdClusterId } from '../../../src/invariants/etcd/cluster-id.js';
import { etcdQuorum } from '../../../src/invariants/etcd/quorum.js';
import { etcdKey } from '../../../src/invariants/etcd/key.js';
import { etcdHashConsistent } from '../../../src/invariants/etcd/hash-consistent.js';
import { snapshotValid } from '../../../src/invariants/etcd/snapshot-valid.js';
import {
  applyEnv, docker, dockerRun, ensureKindNodeImage, forceRemove, kind, kindClusterName, kindNetworkName, skipKindStandIn, standInEnv,
} from './harness.js';

/**
 * Member recovery on kind, kubeadm's way (src/labs/kind/members.ts): the etcd static Pod's manifest
 * moved out and back, the etcd-data hostPath pointed at a fresh folder, the cluster's own etcdctl
 * for the restore. Real etcd in kind-shaped nodes; kind, kubelet and crictl are TEST DOUBLES
 * (test/fakes/kind, scripts/kind-node). The full restore on kind is the full-restore drill's, in
 * kind-drills.test.ts (the tool it picks, no image pulled, the manifests moved).
 */
describe('kind manifest edits (pure)', () => {
  const m = {
    spec: {
      containers: [{ command: ['etcd', '--name=n1', '--data-dir=/var/lib/etcd', '--initial-advertise-peer-urls=https://10.0.0.2:2380', '--initial-cluster-state=new'] }],
      volumes: [{ name: 'etcd-certs', hostPath: { path: '/etc/kubernetes/pki/etcd' } }, { name: 'etcd-data', hostPath: { path: '/var/lib/etcd' } }],
    },
  };
  it('reads the member: name, first peer URL, the node folder behind etcd-data', () => {
    expect(manifestConfig(m)).toEqual({ name: 'n1', peerURL: 'https://10.0.0.2:2380', dataDir: '/var/lib/etcd' });
  });
  it('points etcd-data at the new folder, keeps --data-dir (the Pod still sees /var/lib/etcd), sets the cluster flags', () => {
    const r = reconfigured(m, { dataDir: '/var/lib/etcd-restored-1', state: 'new', initialCluster: 'n1=https://10.0.0.2:2380', token: 't2' });
    const cmd = r.spec.containers[0]!.command;
    expect(flag(cmd, 'data-dir')).toBe('/var/lib/etcd');
    expect(flag(cmd, 'initial-cluster-token')).toBe('t2');
    expect(flag(cmd, 'initial-cluster')).toBe('n1=https://10.0.0.2:2380');
    expect(r.spec.volumes!.find((v) => v.name === 'etcd-data')!.hostPath!.path).toBe('/var/lib/etcd-restored-1');
    expect(r.spec.volumes!.find((v) => v.name === 'etcd-certs')!.hostPath!.path).toBe('/etc/kubernetes/pki/etcd');
    expect(withFlag(['etcd', '--a=1'], 'a', '2')).toEqual(['etcd', '--a=2']);
  });
});

describe.skipIf(skipKindStandIn)('kind member recovery through the static Pod, on kind-shaped nodes', () => {
  const network = kindNetworkName();
  const cluster = kindClusterName('members');
  let env: NodeJS.ProcessEnv;
  let lab: KindLab;
  let undo: () => void;
  let ctx: (step?: string) => Context;
  const commands: string[][] = [];
  const runDir = mkdtempSync(path.join(tmpdir(), 'kdk-members-'));

  beforeAll(async () => {
    ensureKindNodeImage();
    forceRemove(cluster);
    env = standInEnv({ network });
    undo = applyEnv(env);
    const r = kind(env, 'create', 'cluster', '--name', cluster, '--config', path.resolve('clusters/kind-ha-3cp.yaml'));
    if (r.code !== 0) throw new Error(`kind create: ${r.stderr}`);
    const runner = new CommandRunner();
    runner.onCommand((c) => commands.push([...c.argv]));
    const spec = kindProvider.schema.parse({ provider: 'kind', name: cluster, config: path.resolve('clusters/kind-ha-3cp.yaml'), etcdAccess: 'direct', reuse: true });
    lab = kindProvider.create(spec, { runner, signal: new AbortController().signal, log: () => {}, drillDir: process.cwd(), stateDir: mkdtempSync(path.join(tmpdir(), 'kdk-members-state-')) }) as KindLab;
    await lab.up();
    const base = createContext({ runner, lab, events: new EventBus(), signal: new AbortController().signal, runDir, drillDir: runDir });
    ctx = (step) => base.withSignal(new AbortController().signal, step);
    for (let i = 0; i < 60 && !(await etcdQuorum.check(ctx(), etcdQuorum.params.parse({ healthy: 3 }))).ok; i++) await new Promise((r) => setTimeout(r, 500));
  }, 180_000);

  afterAll(async () => {
    await lab?.close();
    undo?.();
    forceRemove(cluster, network);
  });

  const node3 = () => `${cluster}-control-plane3`;

  it('reaches etcd through etcdctl in the nodes (etcdAccess: exec, the Docker Desktop path): status, writes, snapshot, hashes', async () => {
    const runner = new CommandRunner();
    const seen: string[][] = [];
    runner.onCommand((c) => seen.push([...c.argv]));
    const spec = kindProvider.schema.parse({ provider: 'kind', name: cluster, config: path.resolve('clusters/kind-ha-3cp.yaml'), etcdAccess: 'exec', reuse: true });
    const viaNodes = kindProvider.create(spec, { runner, signal: new AbortController().signal, log: () => {}, drillDir: process.cwd(), stateDir: mkdtempSync(path.join(tmpdir(), 'kdk-exec-state-')) }) as KindLab;
    expect(viaNodes.etcd.transport).toBe('exec');
    await viaNodes.up();
    const base = createContext({ runner, lab: viaNodes, events: new EventBus(), signal: new AbortController().signal, runDir, drillDir: runDir });
    const c = (step?: string) => base.withSignal(new AbortController().signal, step);
    expect((await etcdQuorum.check(c(), etcdQuorum.params.parse({ healthy: 3 }))).message).toMatch(/3 of 3 members healthy/);
    await seed.run(c('seed'), seed.params.parse({ prefix: '/kind/exec/', count: 3 }));
    expect((await etcdKey.check(c(), etcdKey.params.parse({ key: '/kind/exec/0003', equals: 'kdrill' }))).ok).toBe(true);
    const file = path.join(runDir, 'exec-snap.db');
    await snapshotSave.run(c('save'), snapshotSave.params.parse({ file }));
    expect((await snapshotValid.check(c(), snapshotValid.params.parse({ file, minKeys: 3 }))).ok).toBe(true);
    expect((await etcdHashConsistent.check(c(), {})).ok).toBe(true);
    // Every etcd call went through a node: crictl exec … etcdctl against the member's own 127.0.0.1; no TLS copied out.
    // (snapshot status is an offline tool: it reads the file, and talks to no member.)
    const etcdctl = seen.filter((a) => a.includes('etcdctl') && !(a.includes('snapshot') && a.includes('status')));
    expect(etcdctl.length).toBeGreaterThan(5);
    expect(etcdctl.every((a) => a[0] === 'docker' && a[1] === 'exec' && a.includes('crictl') && a.includes('--endpoints=https://127.0.0.1:2379'))).toBe(true);
    expect(seen.some((a) => a[1] === 'cp' && a[2]?.includes('/etc/kubernetes/pki'))).toBe(false);
    await viaNodes.close();
  });

  it('replaces a killed node\'s member: manifest out, /var/lib/etcd emptied in place, existing, manifest back; cluster ID kept', async () => {
    const before = (await etcdClusterId.check(ctx(), { changed: false }));
    expect(before.ok).toBe(true);
    docker('kill', '--signal', 'KILL', node3());
    for (let i = 0; i < 40 && !(await etcdQuorum.check(ctx(), etcdQuorum.params.parse({ healthy: 2 }))).ok; i++) await new Promise((r) => setTimeout(r, 250));
    commands.length = 0;
    const r = await memberReplace.run(ctx('replace'), memberReplace.params.parse({ node: 'control-plane3' }));
    // kubeadm's path kept: /var/lib/etcd emptied in place (the old data aside until the member runs).
    expect(r?.output).toMatch(/added back as .* with a fresh data dir \(\/var\/lib\/etcd\), 3\/3 healthy/);
    expect(commands.some((c) => c[1] === 'exec' && c[3] === 'mv' && c[4] === '/var/lib/etcd' && /^\/var\/lib\/etcd-removed-\d{8}T\d{6}$/.test(c[5] ?? ''))).toBe(true);
    // kubeadm's way, through the node: no docker run, no image, the manifest moved out and back.
    expect(commands.some((c) => c[1] === 'run' || c[1] === 'pull')).toBe(false);
    expect(commands).toContainEqual(['docker', 'exec', node3(), 'mv', MANIFEST, PARKED]);
    expect(commands).toContainEqual(['docker', 'exec', node3(), 'mv', PARKED, MANIFEST]);
    const manifest = dockerRun('exec', node3(), 'cat', MANIFEST).stdout;
    expect(manifest).toMatch(/--initial-cluster-state=existing/);
    expect(manifest).toMatch(/path: \/var\/lib\/etcd$/m);
    expect((await etcdClusterId.check(ctx(), { changed: false })).ok).toBe(true);
    expect((await etcdQuorum.check(ctx(), etcdQuorum.params.parse({ healthy: 3 }))).ok).toBe(true);
  });
});
