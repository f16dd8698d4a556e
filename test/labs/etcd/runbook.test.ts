import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modules } from '../../../src/cli/modules.js';
import { loadDrill } from '../../../src/drill/loader.js';
import type { EtcdLab } from '../../../src/labs/etcd/index.js';
import { renderRunbook } from '../../../src/runbook/render.js';
import { tempDir } from '../../helpers/kdrill.js';
import { pasteRunbook } from '../../helpers/runbook.js';
import { forceRemove, labEnv, skipLab } from '../helpers.js';

const root = path.resolve(import.meta.dirname, '../../..');

/**
 * The full-restore runbook, pasted into bash block by block against a real etcd lab: what an
 * operator without kdrill would do. The restore it describes must give a new cluster with the
 * snapshot's keys and without the writes after it.
 */
describe.skipIf(skipLab)('kdrill runbook: the full-restore runbook, run by hand on a real etcd lab', () => {
  const dir = tempDir('kdrill-runbook-lab-');
  const name = `kdb-rb-${process.pid % 10000}`;
  const file = path.join(dir, 'full-restore.yaml');
  writeFileSync(file, readFileSync(path.join(root, 'drills/etcd/full-restore.yaml'), 'utf8')
    .replace(/^lab: .*$/m, `lab: {provider: etcd, name: ${name}, members: 3}`)
    .replace('/tmp/kdrill-full-restore/etcd-snapshot.db', path.join(dir, 'snap', 'etcd-snapshot.db')));
  const drill = loadDrill(file, { modules });
  const lab = drill.provider.create(drill.lab, { ...labEnv(), drillDir: dir }) as EtcdLab;
  let output = '';

  beforeAll(async () => {
    forceRemove(lab);
    await lab.up();
    const md = renderRunbook(drill, { lab, runDir: dir, shownFile: file });
    mkdirSync(path.join(dir, 'work'));
    output = pasteRunbook(md, path.join(dir, 'work')).output;
  }, 300_000);
  afterAll(async () => {
    await lab.close();
    forceRemove(lab);
    rmSync(dir, { recursive: true, force: true });
  });

  const part = (head: RegExp) => output.split('\n=== ').filter((s) => head.test(s)).join('\n');
  const clusterIds = (s: string) => [...s.matchAll(/"cluster_id":(\d+)/g)].map((m) => m[1]);

  it('saves and verifies the snapshot from a follower', () => {
    const save = part(/^### Step 3\/7/);
    expect(save).toMatch(/Snapshot saved at \/var\/lib\/etcd-snapshot\.db/);
    expect(save).toMatch(/\| +HASH +\| +REVISION +\| +TOTAL KEYS +\| +TOTAL SIZE +\|/);
    expect(save).toMatch(/^[0-9a-f]{64} {2}\S+etcd-snapshot\.db$/m);
  });

  it('restores every member: a new cluster ID, the snapshot\'s keys, not the writes after it', () => {
    const before = clusterIds(part(/^### Step 2\/7/));
    const after = part(/^### Step 7\/7/);
    expect(before.length).toBeGreaterThan(0);
    expect(clusterIds(after).length).toBeGreaterThan(0);
    expect(clusterIds(after)).not.toContain(before[0]);
    expect(after).toMatch(/is healthy: successfully committed proposal/);
    expect(after).not.toMatch(/is unhealthy/);
    expect(after).toContain('/bookstore/config/0050\nkdrill');
    expect(after).not.toContain('/bookstore/after-snapshot/0001');
    // The RPO counts: 50 seeded before the snapshot, all there; 12 after it, none.
    expect(after).toMatch(/^50\n0$/m);
  });
});
