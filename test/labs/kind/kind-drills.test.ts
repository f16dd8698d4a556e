import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { fakeDeployment, fakeLease, fakeNode, fakePod, startFakeApiServer, type FakeApiServer } from '../../fakes/fake-api-server.js';
import { journalOf, root, runKdrill, tempDir } from '../../helpers/kdrill.js';
import {
  CLUSTER_LABEL, ROLE_LABEL, clusterContainers, dockerRun, ensureKindNodeImage, forceRemove, kindClusterName, kindNetworkName, skipKindStandIn, standInEnv,
} from './harness.js';

/**
 * The kind lab's etcd paths, proved here (issue 10, item 6), part 3: the drills, run for real by the
 * kdrill binary through the kind provider, on clusters of the kind CLI TEST DOUBLE (kind-shaped nodes,
 * kubeadm's etcd, real etcd 3.4.23), each created by the drill's own lab and deleted at its end.
 *  - drills/kind/*.yaml: every step but those that need a real Kubernetes (kubectl apply, a Postgres
 *    Pod, Pods on the workers): listed in DROPPED. The Kubernetes steps that stay talk to the API TEST
 *    DOUBLE (test/fakes/fake-api-server.ts), which this file makes follow the cluster as an API server
 *    and kube-scheduler would (see `followCluster`).
 *  - drills/etcd/{defrag-safely,nospace-acdd,snapshot-verified,member-replace,full-restore}.yaml with
 *    their lab switched to kind.
 * Both etcd transports run: gRPC to the node IPs (etcdAccess: direct) and etcdctl through `crictl exec`
 * in each node (etcdAccess: exec, the Docker Desktop path), each drill on one of them (the whole matrix
 * would double the time of CI's run). On exec the etcd.writes probe is left out: validate refuses it
 * there (it needs gRPC).
 */
const CONFIG = path.join(root, 'clusters/kind-ha-3cp.yaml');
const network = kindNetworkName();
const execFileAsync = promisify(execFile);
const work = tempDir('kdk-drills-');

/** Steps of drills/kind/*.yaml that need a real Kubernetes, and why: left out of the copies run here. */
const DROPPED: Record<string, Array<[string, string]>> = {
  'cp-node-loss': [
    ['deploy the Bookstore', 'kubectl apply of the manifests: no API server to apply them to, no Pods to run them'],
    ['seed the ha_demo row', 'sql.exec: kubectl exec into bookstore/postgres-0, a Pod the stand-in cannot run'],
    ['the row is intact: sql.query', 'the same Postgres Pod (the k8s.available condition of that step runs)'],
  ],
  'cp-quorum-loss': [
    ['deploy the Bookstore', 'kubectl apply: no API server, no Pods'],
    ['seed the ha_demo row', 'sql.exec: no Postgres Pod'],
    ['the Bookstore keeps serving on the workers', 'crictl ps --label io.kubernetes.pod.namespace=bookstore on the workers: the stand-in\'s workers run no Pods'],
    ['the row survived', 'sql.query: no Postgres Pod'],
  ],
  'etcd-defrag': [],
  'etcd-snapshot': [],
  'scheduler-lease-failover': [],
};

type Doc = Record<string, any>;
const KUBE_ONLY_ACTIONS = new Set(['kubectl.apply', 'sql.exec']);
const kubeOnlyCheck = (c: Doc) => 'sql.query' in c || 'command' in c;

/** A kind drill without the steps and conditions that need a real Kubernetes; what was left out. */
function withoutKubernetesOnly(doc: Doc): { doc: Doc; dropped: string[] } {
  const dropped: string[] = [];
  const keep = (steps: Doc[] = []) => steps.flatMap((s) => {
    if (KUBE_ONLY_ACTIONS.has(s.action)) return dropped.push(s.name), [];
    const out = { ...s };
    if (out.expect) {
      for (const c of out.expect.filter(kubeOnlyCheck)) dropped.push(`${s.name}: ${Object.keys(c)[0]}`);
      out.expect = out.expect.filter((c: Doc) => !kubeOnlyCheck(c));
    }
    if (s.action === 'wait') {
      const until = (s.with.until as Doc[]).filter((c) => !kubeOnlyCheck(c));
      if (until.length === 0) return dropped.push(s.name), [];
      for (const c of (s.with.until as Doc[]).filter(kubeOnlyCheck)) dropped.push(`${s.name}: ${Object.keys(c)[0]}`);
      out.with = { ...s.with, until };
    }
    return [out];
  });
  return { doc: { ...doc, steps: keep(doc.steps), restore: keep(doc.restore) }, dropped };
}

const readDrill = (rel: string): Doc => parse(readFileSync(path.join(root, rel), 'utf8')) as Doc;
function writeDrill(name: string, doc: Doc): string {
  const dir = path.join(work, 'drills', name);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, stringify(doc));
  return file;
}

/** What the API server double holds for the Bookstore drills: the objects kubectl apply would have made. */
function bookstoreApi(cluster: string): Parameters<typeof startFakeApiServer>[0] {
  const cps = ['control-plane', 'control-plane2', 'control-plane3'].map((n) => `${cluster}-${n}`);
  return {
    namespaces: new Set(['default', 'kube-system', 'bookstore']),
    nodes: [...cps.map((n) => fakeNode(n, true, true)), fakeNode(`${cluster}-worker`), fakeNode(`${cluster}-worker2`)],
    pods: [fakePod('bookstore', 'postgres-0', 'Running', true, { app: 'postgres' })],
    deployments: [fakeDeployment('bookstore', 'catalog'), fakeDeployment('bookstore', 'storefront'), fakeDeployment('kube-system', 'coredns', 2)],
    leases: new Map([['kube-system/kube-scheduler', fakeLease('kube-system', 'kube-scheduler', `${cps[0]}_${randomBytes(8).toString('hex')}`)]]),
  };
}

/**
 * Makes the API double follow the cluster the way kube-apiserver and kube-scheduler would (the
 * stand-in has neither): writes are refused while fewer than 2 of the 3 control planes run (etcd
 * has no quorum), and the kube-scheduler Lease moves to a running control plane when its holder's
 * node stops (from the moment all 3 control planes ran). Polls docker every 250 ms; returns the stop.
 */
function followCluster(api: FakeApiServer, cluster: string): () => Promise<void> {
  let stopped = false;
  let up = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const { stdout } = await execFileAsync('docker', ['ps', '--filter', `label=${CLUSTER_LABEL}=${cluster}`, '--filter', `label=${ROLE_LABEL}=control-plane`,
          '--filter', 'status=running', '--format', '{{.Names}}'], { encoding: 'utf8', timeout: 10_000 });
        const running = stdout.split('\n').filter(Boolean).sort();
        // Only once the cluster is up: its nodes start one by one while kind creates it.
        up ||= running.length === 3;
        if (up && running.length > 0) {
          api.state.writes = running.length >= 2 ? 'ok' : 'error';
          const lease = api.state.leases.get('kube-system/kube-scheduler');
          const holder = String(lease?.spec.holderIdentity ?? '').split('_')[0]!;
          if (lease && !running.includes(holder)) {
            lease.spec.holderIdentity = `${running[0]}_${randomBytes(8).toString('hex')}`;
            lease.spec.renewTime = new Date().toISOString();
          }
        }
      } catch {
        /* docker busy: next round */
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

interface Case {
  title: string;
  tag: string;
  /** The drill file run (a copy written at test time) and the --set arguments. */
  make(cluster: string): { file: string; set: string[]; dropped: string[] };
  env?: Record<string, string>;
  /** More about the run, from its journal. */
  journal?(events: Array<Record<string, any>>): void;
}

type Transport = 'direct' | 'exec';

/** On exec, the gRPC-only write probe goes (validate refuses it there, test/drill/kind-refusals.test.ts). */
function onTransport(doc: Doc, etcdAccess: Transport): Doc {
  if (etcdAccess === 'direct' || !doc.probes) return doc;
  const probes = (doc.probes as Doc[]).filter((p) => !('etcd.writes' in p));
  const { probes: _all, ...rest } = doc;
  return probes.length ? { ...rest, probes } : rest;
}

/** Every etcd call of an exec run went through a node: etcdctl by crictl exec, against the member's own 127.0.0.1. */
const throughTheNodes = (events: Array<Record<string, any>>) => {
  const commands = commandsOf(events);
  expect(commands.some((c) => /^docker exec( -i)? \S+-control-plane\d? crictl exec( -i)? \S+ etcdctl --endpoints=https:\/\/127\.0\.0\.1:2379 .* endpoint status/.test(c))).toBe(true);
  expect(commands.filter((c) => c.includes('/etc/kubernetes/pki/etcd/.'))).toEqual([]);
};

const kindCase = (name: string, etcdAccess: Transport, journal?: Case['journal']): Case => ({
  title: `drills/kind/${name}.yaml (${DROPPED[name]!.length ? `without ${DROPPED[name]!.length} Kubernetes-only step(s)/condition(s)` : 'every step'}), etcdAccess: ${etcdAccess}`,
  tag: name.slice(0, 12),
  make(cluster) {
    const { doc, dropped } = withoutKubernetesOnly(onTransport(readDrill(`drills/kind/${name}.yaml`), etcdAccess));
    doc.lab = { ...doc.lab, config: CONFIG, etcdAccess };
    return { file: writeDrill(name, doc), set: ['--set', `cluster=${cluster}`, ...(name === 'etcd-snapshot' ? ['--set', `file=${path.join(work, 'kind-etcd-snapshot.db')}`] : [])], dropped };
  },
  // A kind cluster's API server has written a few hundred objects into etcd by the time kind returns.
  env: { KDRILL_FAKE_KIND_ETCD_KEYS: '300' },
  journal: (events) => {
    if (etcdAccess === 'exec') throughTheNodes(events);
    journal?.(events);
  },
});

/** The etcd drills' host paths, moved into this test's folder. */
const ETCD_DRILL_SET: Record<string, string[]> = {
  'snapshot-verified': ['--set', `dir=${path.join(work, 'snapshot-verified')}`],
  'full-restore': ['--set', `snapshot=${path.join(work, 'full-restore', 'etcd-snapshot.db')}`],
};

const etcdCase = (name: string, etcdAccess: Transport, env?: Record<string, string>, journal?: Case['journal']): Case => ({
  title: `drills/etcd/${name}.yaml on provider: kind, etcdAccess: ${etcdAccess}`,
  tag: name.slice(0, 12),
  make(cluster) {
    const doc = onTransport(readDrill(`drills/etcd/${name}.yaml`), etcdAccess);
    doc.lab = { provider: 'kind', name: cluster, config: CONFIG, etcdAccess };
    return { file: writeDrill(name, doc), set: ETCD_DRILL_SET[name] ?? [], dropped: [] };
  },
  env,
  journal: (events) => {
    if (etcdAccess === 'exec') throughTheNodes(events);
    journal?.(events);
  },
});

const checks = (events: Array<Record<string, any>>, name: string) => events.filter((e) => e.type === 'check.end' && e.check === name).map((e) => e.message as string);

const commandsOf = (events: Array<Record<string, any>>) => events.filter((e) => e.type === 'command').map((e) => (e.argv as string[]).join(' '));

/** The run pulled no image and ran no container: etcd's tools ran in the cluster's own etcd Pods. */
const noContainerRun = (events: Array<Record<string, any>>) => {
  const commands = commandsOf(events);
  expect(commands.filter((c) => /^docker (run|pull|create|image pull)\b/.test(c) || c.includes('registry.k8s.io'))).toEqual([]);
  expect(commands.some((c) => /^docker exec( -i)? \S+ crictl exec( -i)? \S+ etcdctl/.test(c))).toBe(true);
};

/** The member was stopped and started kubeadm's way: its static-Pod manifest moved out and back. */
const throughTheManifest = (events: Array<Record<string, any>>) => {
  const commands = commandsOf(events);
  expect(commands.filter((c) => /^docker (run|pull|create|image pull)\b/.test(c))).toEqual([]);
  expect(commands).toContainEqual(expect.stringMatching(/^docker exec \S+-control-plane\d? mv \/etc\/kubernetes\/manifests\/etcd\.yaml \S+$/));
  expect(commands).toContainEqual(expect.stringMatching(/^docker exec \S+-control-plane\d? mv \S+ \/etc\/kubernetes\/manifests\/etcd\.yaml$/));
};

const cases: Case[] = [
  kindCase('cp-node-loss', 'exec'),
  kindCase('cp-quorum-loss', 'direct', (events) => {
    // Refused by the API double as an API server without etcd quorum answers: 500 from etcd's timeout.
    expect(checks(events, 'k8s.apiWritable')[0]).toMatch(/refused the write .*etcdserver: request timed out.*writes are blocked/);
  }),
  // 2000 puts over exec: 125 transactions of 16 (a docker exec each; one a put took some 5 minutes).
  kindCase('etcd-defrag', 'exec'),
  kindCase('etcd-snapshot', 'exec', (events) => {
    noContainerRun(events);
    expect(checks(events, 'snapshot.valid')).toEqual([expect.stringMatching(/verified: .*revision \d+, (\d{3,}) keys/)]);
  }),
  kindCase('scheduler-lease-failover', 'direct', (events) => {
    // The API double's Lease moved off the stopped node (followCluster), and the drill saw it move.
    expect(checks(events, 'k8s.leaseHolder')).toEqual([expect.stringMatching(/held on control-plane: exactly one active$/),
      expect.stringMatching(/held on control-plane\d \(taken over from \S+-control-plane\): exactly one active$/)]);
  }),
  etcdCase('defrag-safely', 'direct'),
  // The etcd lab's `quota: 16MiB`; kind sets it through kubeadm's etcd extraArgs, the stand-in through its knob.
  // Through `crictl exec` etcdctl: the fill goes in transactions of 4 puts (a put a process took 45-81 s in CI).
  etcdCase('nospace-acdd', 'exec', { KDRILL_FAKE_KIND_ETCD_ARGS: '--quota-backend-bytes=16777216' }, (events) => {
    expect(events.find((e) => e.type === 'step.end' && e.name === 'fill until NOSPACE')?.output).toMatch(/in transactions of 4 puts/);
  }),
  etcdCase('snapshot-verified', 'direct', undefined, noContainerRun),
  // Member recovery through the etcd static Pod (KindMembers, 568e4ae): no image pulled, no container run.
  etcdCase('member-replace', 'exec', undefined, throughTheManifest),
  etcdCase('full-restore', 'direct', undefined, (events) => {
    noContainerRun(events);
    throughTheManifest(events);
    // The stand-in's nodes have etcdctl on the node itself (its kubelet double runs etcd as a node
    // process), so the host's etcdctl restores; a real kind node has none and the Pod's is used
    // (test/labs/static-pod-restore.test.ts picks the tool against a scripted shell).
    const restore = events.find((e) => e.type === 'step.end' && e.name === 'restore every member from the same snapshot');
    expect(restore?.output).toMatch(/restored with etcdctl on the host \(control-plane, control-plane2, control-plane3\)/);
  }),
];

describe.skipIf(skipKindStandIn)('drills run for real through the kind provider on kind-shaped clusters (kind CLI TEST DOUBLE, real etcd)', () => {
  const clusters: string[] = [];

  beforeAll(() => {
    ensureKindNodeImage();
  });

  afterAll(() => {
    for (const c of clusters) forceRemove(c);
    dockerRun('network', 'rm', network);
    rmSync(work, { recursive: true, force: true });
  });

  it('every kind drill is run here, and every step left out is named with its reason', () => {
    expect(readdirSync(path.join(root, 'drills/kind')).map((f) => path.basename(f, '.yaml')).sort()).toEqual(Object.keys(DROPPED).sort());
  });

  it.each(cases.map((c) => [c.title, c] as const))('%s passes', async (_title, c) => {
    const cluster = kindClusterName(c.tag);
    clusters.push(cluster);
    forceRemove(cluster);
    const { file, set, dropped } = c.make(cluster);
    expect(dropped).toEqual((DROPPED[path.basename(file, '.yaml')] ?? []).map(([step]) => step));
    const api = await startFakeApiServer(bookstoreApi(cluster));
    const stopFollowing = followCluster(api, cluster);
    const reports = path.join(work, 'runs', c.tag);
    const started = Date.now();
    let r: Awaited<ReturnType<typeof runKdrill>>;
    try {
      const env = standInEnv({ network, api: api.url });
      r = await runKdrill(['run', file, ...set, '--report-dir', reports],
        { PATH: env.PATH!, KIND_EXPERIMENTAL_DOCKER_NETWORK: network, KDRILL_FAKE_KIND_API: api.url, KDRILL_STATE_DIR: path.join(work, 'state', c.tag), ...c.env });
    } finally {
      await stopFollowing();
      await api.close();
    }
    const wall = Date.now() - started;
    const { events, runDir } = journalOf(reports);
    const report = JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    const ends = events.filter((e) => e.type === 'step.end');
    const failed = ends.filter((e) => e.status !== 'passed').map((e) => `${e.name}: ${e.error ?? e.status}`);
    expect(failed, `${r.stdout}\n${r.stderr}`).toEqual([]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(report.status).toBe('passed');
    const doc = parse(readFileSync(file, 'utf8')) as Doc;
    // every step ran, and the restore
    expect(ends.map((e) => e.name)).toEqual([...doc.steps, ...(doc.restore ?? [])].map((s: Doc) => s.name));
    // The Kubernetes checks were answered by the API double, not refused by the client.
    expect(JSON.stringify(events)).not.toMatch(/HTTP protocol is not allowed/);
    c.journal?.(events);
    expect(events.find((e) => e.type === 'lab.up')).toMatchObject({ provider: 'kind', name: cluster, created: true });
    // The kind lab's TLS names the node: no "Setting the TLS ServerName to an IP address" (DEP0123).
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/DEP0123|TLS ServerName to an IP/);
    expect(clusterContainers(cluster), 'the drill left its cluster behind').toEqual([]);
    process.stdout.write(`  ${c.title}: ${(wall / 1000).toFixed(1)} s\n`);
  });
});
