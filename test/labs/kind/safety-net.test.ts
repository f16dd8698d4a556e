import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalOf, root, runKdrill, tempDir } from '../../helpers/kdrill.js';
import { clusterContainers, docker, dockerRun, ensureKindNodeImage, forceRemove, kindClusterName, kindNetworkName, skipKindStandIn, standInEnv, waitEtcdHealthy } from './harness.js';

/**
 * The safety net of a kept kind cluster (issue 11, item 3, on the kind lab), on a cluster of the kind
 * CLI TEST DOUBLE (kind-shaped nodes, kubeadm's etcd static Pod run by a kubelet double, real etcd
 * 3.4.23). Behind kdrill's back a drill stops a control-plane node with plain docker and moves another
 * node's etcd manifest out of kubelet's folder; kdrill names both, brings the node back and the
 * manifest home, and the cluster is healthy again. Before this, a kind lab had no safety net: the run
 * passed (exit 0) and left the kept cluster without quorum.
 */
const network = kindNetworkName();
const cluster = kindClusterName('net');
const work = tempDir('kdk-net-');

describe.skipIf(skipKindStandIn)('the safety net of a kept kind lab', () => {
  beforeAll(() => {
    ensureKindNodeImage();
    forceRemove(cluster);
  });
  afterAll(() => {
    forceRemove(cluster);
    dockerRun('network', 'rm', network);
  });

  it('heals a node stopped and an etcd manifest moved away behind kdrill\'s back, and says what it did (exit 1)', async () => {
    const file = path.join(work, 'net.yaml');
    const cp = (n: string) => `${cluster}-${n}`;
    writeFileSync(file, [
      'apiVersion: kdrill/v1',
      'kind: Drill',
      'metadata: {name: kind-safety-net}',
      `lab: {provider: kind, name: ${cluster}, config: ${path.join(root, 'clusters/kind-ha-3cp.yaml')}, keep: true, etcdAccess: exec}`,
      'steps:',
      `  - {name: a manifest moved away by hand, action: exec, with: {run: [docker, exec, ${cp('control-plane3')}, sh, -c, "mkdir -p /etc/kubernetes/kdrill-stopped && mv /etc/kubernetes/manifests/etcd.yaml /etc/kubernetes/kdrill-stopped/"]}}`,
      `  - {name: a node stopped with plain docker, action: exec, with: {run: [docker, stop, --time, "1", ${cp('control-plane2')}]}}`,
      '',
    ].join('\n'));
    const env = standInEnv({ network });
    const r = await runKdrill(['run', file, '--report-dir', path.join(work, 'runs')],
      { PATH: env.PATH!, KIND_EXPERIMENTAL_DOCKER_NETWORK: network, KDRILL_STATE_DIR: path.join(work, 'state') });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
    const end = journalOf(path.join(work, 'runs')).events.at(-1)!;
    // control-plane runs alone: 1 of 3, no quorum, so no leader either.
    expect(end.reason).toMatch(/^the drill left lab \S+ off its steady state \(control-plane2: stopped( \(exit code \d+\))?; control-plane: etcd member not healthy \(no live leader\); control-plane3: etcd member not running\); lab healed by kdrill: started control-plane2, started the etcd member on control-plane3$/);
    // Kept: the cluster is still there, every node running, the manifest home, every member healthy.
    expect(clusterContainers(cluster).length).toBeGreaterThanOrEqual(3);
    expect(docker('inspect', '--format', '{{.State.Running}}', cp('control-plane2'))).toBe('true');
    expect(docker('exec', cp('control-plane3'), 'ls', '/etc/kubernetes/manifests')).toMatch(/^etcd\.yaml$/m);
    await waitEtcdHealthy(cluster, { members: 3, timeoutMs: 15_000 });
  });
});
