import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modules } from '../../../src/cli/modules.js';
import { loadDrill } from '../../../src/drill/loader.js';
import { CommandRunner } from '../../../src/exec/runner.js';
import { renderRunbook } from '../../../src/runbook/render.js';
import { root, tempDir } from '../../helpers/kdrill.js';
import { pasteRunbook } from '../../helpers/runbook.js';
import { hostImagePresent } from './host.js';
import { TEST_HOSTS_SCRIPT } from './cluster.js';

// The kubeadm full-restore runbook pasted into bash against kdrill's kubeadm test hosts (real sshd
// and etcd 3.4 with kubeadm's PKI and manifests; TEST DOUBLES of kubelet, crictl and the API
// server): over the inventory's ssh logins, the operator's restore must give a new cluster with the
// snapshot's keys and without the writes after it. The hosts carry this test's own prefix.
const prefix = `kdb-rbk${process.pid % 10000}`;
const hosts = (...args: string[]) => execFileSync('node', [TEST_HOSTS_SCRIPT, ...args], { encoding: 'utf8', timeout: 180_000 }).trim();

describe.skipIf(!hostImagePresent() && !process.env.CI)('kdrill runbook: the kubeadm full-restore runbook, run by hand over ssh', () => {
  const dir = tempDir('kdrill-runbook-kubeadm-');
  let paste: ReturnType<typeof pasteRunbook>;

  beforeAll(() => {
    // Idempotent (~0.1 s when the image is there), as startTestCluster does.
    execFileSync('bash', [path.join(root, 'scripts/build-kubeadm-host-image.sh')], { stdio: 'ignore', timeout: 300_000 });
    hosts('down', prefix);
    const inventory = hosts('up', prefix, '--quiet');
    const file = path.join(dir, 'full-restore.yaml');
    writeFileSync(file, readFileSync(path.join(root, 'drills/kubeadm/full-restore.yaml'), 'utf8')
      .replace(/^ {2}inventory: .*$/m, `  inventory: ${inventory}`)
      .replace('/tmp/kdrill-kubeadm-full-restore/etcd-snapshot.db', path.join(dir, 'snap', 'etcd-snapshot.db')));
    const drill = loadDrill(file, { modules });
    const lab = drill.provider.create(drill.lab, { runner: new CommandRunner(), signal: new AbortController().signal, log: () => {}, drillDir: dir, stateDir: path.join(dir, 'state') });
    mkdirSync(path.join(dir, 'work'));
    paste = pasteRunbook(renderRunbook(drill, { lab, runDir: dir, shownFile: file }), path.join(dir, 'work'));
  }, 300_000);
  afterAll(() => {
    hosts('down', prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  const clusterIds = (s: string) => [...s.matchAll(/"cluster_id":(\d+)/g)].map((m) => m[1]);

  it('loses quorum when the second member goes', () => {
    expect(paste.part(/^### Step 6\/7/)).toMatch(/etcdserver: no leader|is unhealthy/);
  });

  it('restores every member over ssh: a new cluster ID, the snapshot\'s keys, not the writes after it', () => {
    const before = clusterIds(paste.part(/^### Step 2\/7/));
    const after = paste.part(/^### Step 7\/7/);
    expect(before.length, paste.output).toBeGreaterThan(0);
    expect(clusterIds(after).length, paste.output).toBeGreaterThan(0);
    expect(clusterIds(after)).not.toContain(before[0]);
    expect(after).toMatch(/is healthy: successfully committed proposal/);
    expect(after).toContain('/bookstore/config/0050\nkdrill');
    expect(after).toMatch(/^50\n0$/m);
  });
});
