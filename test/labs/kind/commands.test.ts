import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kindCreateArgv, kindDeleteArgv, kindGetClustersArgv, kindGetKubeconfigArgv, dockerPsArgv, parseClusters, parsePs, parseInspectNode, dockerInspectNodeArgv } from '../../../src/labs/kind/commands.js';
import { kindNodeNames, nodesOfConfig, rolesOfConfig } from '../../../src/labs/kind/config.js';
import { certCopyArgv, etcdAccessMode, FIND_ETCD_ARGV, parseContainerId } from '../../../src/labs/kind/etcd.js';
import { kindProvider } from '../../../src/labs/kind/provider.js';
import { markerAfterCreate, markerBeforeCreate, readMarker, whyNotOurs, type Marker } from '../../../src/labs/kind/ownership.js';
import { readFileSync } from 'node:fs';

describe('kind command lines (pure)', () => {
  it.each([
    [{ name: 'bookstore-ha', config: '/c/kind-ha-3cp.yaml', waitFor: '5m' }, ['kind', 'create', 'cluster', '--name', 'bookstore-ha', '--config', '/c/kind-ha-3cp.yaml', '--wait', '5m']],
    [{ name: 'x', config: 'c.yaml', waitFor: '90s', kindImage: 'kindest/node:v1.31.0' }, ['kind', 'create', 'cluster', '--name', 'x', '--config', 'c.yaml', '--image', 'kindest/node:v1.31.0', '--wait', '90s']],
  ])('create %j', (o, argv) => expect(kindCreateArgv(o)).toEqual(argv));

  it('delete, get clusters, get kubeconfig, docker ps by label', () => {
    expect(kindDeleteArgv('bookstore-ha')).toEqual(['kind', 'delete', 'cluster', '--name', 'bookstore-ha']);
    expect(kindGetClustersArgv()).toEqual(['kind', 'get', 'clusters']);
    expect(kindGetKubeconfigArgv('bookstore-ha')).toEqual(['kind', 'get', 'kubeconfig', '--name', 'bookstore-ha']);
    expect(dockerPsArgv('bookstore-ha').slice(0, 5)).toEqual(['docker', 'ps', '--all', '--filter', 'label=io.x-k8s.kind.cluster=bookstore-ha']);
    expect(dockerInspectNodeArgv('n', 'kind').at(-1)).toBe('n');
  });

  it.each([
    ['bookstore-ha\nother\n', ['bookstore-ha', 'other']],
    ['', []],
    ['No kind clusters found.\n', []],
  ])('parseClusters(%j)', (out, names) => expect(parseClusters(out)).toEqual(names));

  it('parsePs maps kind roles, sorts control-plane before control-plane2, drops unknown roles', () => {
    const out = 'b-control-plane2\tcontrol-plane\texited\tc2\nb-external-load-balancer\texternal-load-balancer\trunning\tlb\nb-control-plane\tcontrol-plane\trunning\tc1\nb-x\tsomething\trunning\tx\nb-worker\tworker\trunning\tw1\n';
    expect(parsePs(out)).toEqual([
      { container: 'b-control-plane', role: 'control-plane', running: true, id: 'c1' },
      { container: 'b-control-plane2', role: 'control-plane', running: false, id: 'c2' },
      { container: 'b-external-load-balancer', role: 'load-balancer', running: true, id: 'lb' },
      { container: 'b-worker', role: 'worker', running: true, id: 'w1' },
    ]);
  });

  const node = (container: string, id: string) => ({ container, role: 'control-plane' as const, running: true, id });
  const made = JSON.parse(markerAfterCreate('2026-12-02T07:00:00.000Z', [node('b-control-plane', 'c1'), node('b-control-plane2', 'c2')])) as Marker;
  it.each([
    ['the very containers kdrill made', made, [node('b-control-plane', 'c1'), node('b-control-plane2', 'c2')], undefined],
    ['a node made again (new ID)', made, [node('b-control-plane', 'c1'), node('b-control-plane2', 'c9')], /^node\(s\) b-control-plane2 are not the containers kdrill created at 2026-12-02T07:00:00\.000Z/],
    ['a node kdrill made is gone', made, [node('b-control-plane', 'c1')], /^node\(s\) b-control-plane2 that kdrill created at .* are gone$/],
    ['a node kdrill never made', made, [node('b-control-plane', 'c1'), node('b-control-plane2', 'c2'), node('b-control-plane3', 'c3')], /^node\(s\) b-control-plane3 are not/],
    ['kdrill stopped before kind returned', readMarker(markerBeforeCreate(new Date('2026-12-02T07:00:00Z'))), [node('b-control-plane', 'c1')], /was stopped before kind returned/],
    ['a marker of an older kdrill (a bare timestamp)', readMarker('2026-12-01T10:00:00.000Z\n'), [node('b-control-plane', 'c1')], /written by an older kdrill/],
  ])('ownership: %s', (_what, marker, found, why) => {
    const got = whyNotOurs(marker, found);
    if (why === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(why);
  });

  it.each([
    ['bookstore-ha|control-plane|true|172.18.0.4\n', { cluster: 'bookstore-ha', role: 'control-plane', running: true, ip: '172.18.0.4' }],
    ['<no value>|<no value>|false|\n', { cluster: '', role: '', running: false, ip: '' }],
  ])('parseInspectNode(%j)', (out, seen) => expect(parseInspectNode(out)).toEqual(seen));
});

describe('kind node names from the config (pure)', () => {
  it('names like kind: the first of a role has no number', () => {
    expect(kindNodeNames(['control-plane', 'control-plane', 'control-plane', 'worker', 'worker']).map((n) => n.name))
      .toEqual(['control-plane', 'control-plane2', 'control-plane3', 'worker', 'worker2']);
  });

  it('reads clusters/kind-ha-3cp.yaml: 3 control planes + 2 workers, plus the load balancer', () => {
    const roles = rolesOfConfig(readFileSync('clusters/kind-ha-3cp.yaml', 'utf8'));
    expect(nodesOfConfig('bookstore-ha', roles).map((n) => `${n.container}:${n.role}`)).toEqual([
      'bookstore-ha-control-plane:control-plane', 'bookstore-ha-control-plane2:control-plane', 'bookstore-ha-control-plane3:control-plane',
      'bookstore-ha-worker:worker', 'bookstore-ha-worker2:worker', 'bookstore-ha-external-load-balancer:load-balancer',
    ]);
  });

  it.each([
    ['kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n', ['control-plane']],
    ['kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n', ['control-plane', 'worker']],
  ])('roles of %j', (text, roles) => expect(rolesOfConfig(text)).toEqual(roles));

  it.each([
    ['kind: Pod\n', /not a kind Cluster config/],
    ['kind: Cluster\nnodes: [{role: worker}]\n', /not a kind Cluster config \(expected kind: Cluster and apiVersion: kind\.x-k8s\.io/], // kind needs its apiVersion
    ['kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: master\n', /nodes\[0\]\.role "master"/],
    ['kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes: 3\n', /nodes must be a list/],
  ])('refuses %j', (text, why) => expect(() => rolesOfConfig(text)).toThrow(why));

  it('a single control plane has no load balancer', () => {
    expect(nodesOfConfig('k', ['control-plane', 'worker']).map((n) => n.name)).toEqual(['control-plane', 'worker']);
  });

  it('nodeNames for validate: from the config relative to the drill folder, else the chapter topology; never the load balancer', () => {
    const spec = kindProvider.schema.parse({ provider: 'kind', config: '../../clusters/kind-ha-3cp.yaml' });
    const names = ['control-plane', 'control-plane2', 'control-plane3', 'worker', 'worker2'];
    expect((kindProvider.nodeNames as (s: unknown, c?: { drillDir: string }) => string[])(spec, { drillDir: 'drills/kind' })).toEqual(names);
    expect(kindProvider.nodeNames({ ...spec, config: '/no/such.yaml' })).toEqual(names);
  });

  it('absolutePaths: the config as the lab finds it from the drill folder (a campaign round\'s drill.yaml lives elsewhere)', () => {
    const spec = kindProvider.schema.parse({ provider: 'kind' });
    expect(kindProvider.absolutePaths!(spec, path.resolve('drills/kind'))).toEqual({ ...spec, config: path.resolve('clusters/kind-ha-3cp.yaml') });
    expect(kindProvider.absolutePaths!({ ...spec, config: '/labs/kind.yaml' }, '/x').config).toBe('/labs/kind.yaml');
  });

  it('the lab spec: defaults and strictness', () => {
    expect(kindProvider.schema.parse({ provider: 'kind' })).toMatchObject({ name: 'bookstore-ha', reuse: false, keep: false, waitFor: '5m', etcdAccess: 'auto' });
    expect(kindProvider.schema.safeParse({ provider: 'kind', nodes: 3 }).success).toBe(false);
    expect(kindProvider.schema.safeParse({ provider: 'kind', name: 'Bad_Name' }).success).toBe(false);
  });
});

describe('etcd on kind: command lines (pure)', () => {
  it('copies the PKI folder out of a control-plane node', () => {
    expect(certCopyArgv('bookstore-ha-control-plane', '/s/etcd-pki')).toEqual(['docker', 'cp', 'bookstore-ha-control-plane:/etc/kubernetes/pki/etcd/.', '/s/etcd-pki']);
  });

  it('finds the etcd container with crictl', () => {
    expect(FIND_ETCD_ARGV).toEqual(['crictl', 'ps', '--name', 'etcd', '--state', 'running', '--quiet']);
    expect(parseContainerId('\n3f2a\n9b1c\n')).toBe('3f2a');
    expect(parseContainerId('')).toBeUndefined();
  });

  it.each([
    ['auto', 'local', 'direct'], ['auto', 'vm', 'exec'], ['auto', 'desktop', 'exec'], ['auto', 'rootless', 'exec'], ['auto', 'remote', 'exec'],
    ['exec', 'local', 'exec'], ['direct', 'desktop', 'direct'],
  ] as const)('access %s on a %s docker host → %s', (setting, host, mode) => expect(etcdAccessMode(setting, host)).toBe(mode));
});
