import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalOf, root, runKdrill, tempDir } from '../../helpers/kdrill.js';
import { clusterContainers, docker, dockerRun, ensureKindNodeImage, forceRemove, kind, kindClusterName, kindNetworkName, skipKindStandIn, standInEnv, waitEtcdHealthy } from './harness.js';

/**
 * The safety net of a kept kind cluster (issue 11, item 3, on the kind lab), on a cluster of the kind
 * CLI TEST DOUBLE (kind-shaped nodes, kubeadm's etcd static Pod run by a kubelet double, real etcd
 * 3.4.23). Behind kdrill's back a drill stops a control-plane node with plain docker and moves another
 * node's etcd manifest out of kubelet's folder; kdrill names both, brings the node back and the
 * manifest home, and the cluster is healthy again. Before this, a kind lab had no safety net: the run
 * passed (exit 0) and left the kept cluster without quorum.
 *
 * Then ownership (issue 12, item 6): the kept cluster is adopted by the next run because its nodes are
 * the very containers kdrill made; once the user deletes it and makes one of the same name by hand,
 * the marker kdrill kept proves nothing and the next run leaves that cluster alone. Before, the marker
 * alone sufficed: the run adopted the user's cluster and deleted it at its end.
 */
const network = kindNetworkName();
const cluster = kindClusterName('net');
const work = tempDir('kdk-net-');

const config = path.join(root, 'clusters/kind-ha-3cp.yaml');
const labLine = (keep: boolean) => `lab: {provider: kind, name: ${cluster}, config: ${config}, keep: ${keep}, etcdAccess: exec}`;

/** A drill that changes nothing, on the test's cluster. */
function noop(keep: boolean): string {
  const file = path.join(work, `noop-${keep}.yaml`);
  writeFileSync(file, ['apiVersion: kdrill/v1', 'kind: Drill', 'metadata: {name: kind-noop}', labLine(keep), 'steps:', '  - {name: nothing, action: exec, with: {run: ["true"]}}', ''].join('\n'));
  return file;
}

function run(file: string, reports: string) {
  const env = standInEnv({ network });
  return runKdrill(['run', file, '--report-dir', path.join(work, reports)],
    { PATH: env.PATH!, KIND_EXPERIMENTAL_DOCKER_NETWORK: network, KDRILL_STATE_DIR: path.join(work, 'state') });
}

const ids = () => docker('ps', '-aq', '--no-trunc', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`).split('\n').sort();

describe.skipIf(skipKindStandIn)('a kept kind lab: its safety net, and the proof that kdrill made it', () => {
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
      labLine(true),
      'steps:',
      `  - {name: a manifest moved away by hand, action: exec, with: {run: [docker, exec, ${cp('control-plane3')}, sh, -c, "mkdir -p /etc/kubernetes/kdrill-stopped && mv /etc/kubernetes/manifests/etcd.yaml /etc/kubernetes/kdrill-stopped/"]}}`,
      `  - {name: a node stopped with plain docker, action: exec, with: {run: [docker, stop, --time, "1", ${cp('control-plane2')}]}}`,
      '',
    ].join('\n'));
    const r = await run(file, 'runs');
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

  it('the next run adopts the kept cluster: its nodes are the containers kdrill made', async () => {
    const before = ids();
    const r = await run(noop(true), 'adopt');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(journalOf(path.join(work, 'adopt')).events.find((e) => e.type === 'lab.up')).toMatchObject({ created: true, adopted: 'kept by an earlier kdrill run (its nodes are the containers kdrill made)' });
    expect(ids()).toEqual(before);
  });

  it('a cluster of that name made again by hand is left alone (exit 3), though kdrill\'s marker is still there', async () => {
    const env = standInEnv({ network });
    expect(kind(env, 'delete', 'cluster', '--name', cluster).code).toBe(0);
    const made = kind(env, 'create', 'cluster', '--name', cluster, '--config', config, '--wait', '2m');
    expect(made.code, made.stderr).toBe(0);
    const users = ids();
    const r = await run(noop(false), 'refuse');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(3);
    expect(`${r.stdout}${r.stderr}`).toMatch(new RegExp(`a kind cluster named ${cluster} exists and kdrill cannot prove it made it: node\\(s\\) ${cluster}-\\S+.* are not the containers kdrill created at \\S+ \\(the cluster was made again since\\)\\. kdrill leaves it alone: set reuse: true`));
    expect(ids(), 'the user\'s cluster was touched').toEqual(users);
    // Without kdrill's marker at all, the same: refused, and not deleted by the lab down that follows a
    // failed lab up (before, that down ran `kind delete cluster` on the cluster up had just refused).
    rmSync(path.join(work, 'state'), { recursive: true, force: true });
    const again = await run(noop(false), 'refuse-again');
    expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(3);
    expect(`${again.stdout}${again.stderr}`).toMatch(`a kind cluster named ${cluster} already exists and kdrill did not create it`);
    expect(ids(), 'the user\'s cluster was touched').toEqual(users);
  });
});
