import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CampaignReport } from '../../src/campaign/report.js';
import { runKdrill, tempDir } from '../helpers/kdrill.js';
import { removeTestCluster, startTestCluster, type TestCluster } from '../labs/kubeadm/cluster.js';
import { hostsSteady } from '../labs/kubeadm/steady.js';

// `kdrill campaign` on kdrill's kubeadm test hosts (real sshd and etcd 3.4 with kubeadm's PKI and
// manifests; TEST DOUBLES of systemd, kubelet, crictl and kube-apiserver), power cut by the hosts'
// docker power driver. The lab file names its inventory by a path relative to itself, and kdrill runs
// from another folder.
const prefix = `kdh-kc${process.pid % 100000}`;
let lab: TestCluster;
const reports = tempDir('kdrill-campaign-kubeadm-');

beforeAll(async () => {
  await removeTestCluster(prefix).catch(() => undefined);
  lab = await startTestCluster(prefix);
}, 180_000);

afterAll(async () => {
  await lab?.remove();
});

describe('kdrill campaign on kubeadm test hosts', () => {
  it('draws kill and stop only (hosts are powered off, not paused), passes, leaves the hosts steady, and a round\'s drill.yaml replays from its own folder', async () => {
    const file = path.join(lab.dir, 'lab.yaml');
    writeFileSync(file, 'provider: kubeadm\ninventory: inventory.yaml\n');
    const r = await runKdrill(['campaign', file, '--rounds', '3', '--seed', '1', '--report-dir', reports]);
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stderr).toContain('faults pause, partition left out: a kubeadm lab\'s hosts have a power driver only');
    expect(r.stdout).toMatch(/PASSED: 3 rounds/);
    const seedDir = path.join(reports, readdirSync(reports)[0]!);
    const campaignDir = path.join(seedDir, readdirSync(seedDir)[0]!);
    const report = JSON.parse(readFileSync(path.join(campaignDir, 'campaign.json'), 'utf8')) as CampaignReport;
    expect(report.rows.map((row) => [row.fault, row.status])).toEqual(report.plan.map((p) => [expect.stringMatching(/^(kill|stop)$/), 'passed']));
    expect(report.replay).toContain('--faults kill,stop');
    // Adopted, never ours to remove: the hosts are up and at their steady state after the campaign.
    expect(await hostsSteady(lab)).toEqual([]);

    // The round's drill names the inventory where the lab file found it, not beside the round.
    const round = path.join(campaignDir, 'round-01', 'drill.yaml');
    expect(readFileSync(round, 'utf8')).toContain(`inventory: ${lab.inventory}`);
    const replay = await runKdrill(['run', round, '--report-dir', path.join(reports, 'replay')]);
    expect(replay.code, `${replay.stdout}${replay.stderr}`).toBe(0);
    expect(await hostsSteady(lab)).toEqual([]);
  });
});
