import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runKdrill, tempDir } from '../helpers/kdrill.js';

// The campaign's command line without a lab: --dry-run and usage errors (exit 2, nothing run).
const dir = tempDir('kdrill-campaign-cli-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kdrill campaign without a lab', () => {
  it('--dry-run prints the rounds the seed draws, the same twice, and runs nothing', async () => {
    const a = await runKdrill(['campaign', 'clusters/etcd-3.yaml', '--rounds', '3', '--seed', '1', '--dry-run']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe([
      'campaign seed 1 on lab kdrill-etcd3 (control-plane, control-plane2, control-plane3):',
      'round 1: partition the leader (control-plane3)',
      'round 2: partition a minority (control-plane; leader control-plane2)',
      'round 3: stop the leader (control-plane3)',
      '', '(dry run: nothing was run)', '',
    ].join('\n'));
    expect((await runKdrill(['campaign', 'clusters/etcd-3.yaml', '--rounds', '3', '--seed', '1', '--dry-run'])).stdout).toBe(a.stdout);
    // A drill's lab serves too.
    expect((await runKdrill(['campaign', 'drills/etcd/leader-loss.yaml', '--rounds', '1', '--seed', '1', '--dry-run'])).stdout).toContain('on lab kdrill-leader');
  });

  it.each([
    [['--rounds', '0'], '--rounds 0: expected a whole number ≥ 1'],
    [['--seed', '4294967296'], '--seed 4294967296: expected a whole number ≥ 0 and ≤ 4294967295'],
    [['--faults', 'kill,crash'], '--faults kill,crash: unknown fault "crash" (faults: kill, stop, pause, partition)'],
    [['--hold', 'soon'], '--hold soon: expected a duration such as 1s or 500ms'],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const r = await runKdrill(['campaign', 'clusters/etcd-3.yaml', ...args, '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`kdrill: ${message}\n`);
  });

  it('a kubeadm lab draws only the faults its hosts can take (power off, no pause or partition); asked for one, it says why', async () => {
    const labs = path.join(dir, 'labs');
    mkdirSync(path.join(labs, 'inv'), { recursive: true });
    writeFileSync(path.join(labs, 'inv', 'hosts.yaml'), [
      'apiVersion: kdrill/v1', 'kind: Inventory', 'hosts:', ...[1, 2, 3].map((i) => `  cp${i}: {container: kdc-cp${i}, power: {driver: docker, container: kdc-cp${i}}}`),
      'groups:', '  kube_control_plane: [cp1, cp2, cp3]', '  etcd: [cp1, cp2, cp3]', '',
    ].join('\n'));
    // The inventory relative to the lab file, run from another folder.
    const file = path.join(labs, 'kubeadm.yaml');
    writeFileSync(file, 'provider: kubeadm\ninventory: inv/hosts.yaml\ntransport: docker\n');
    const plan = await runKdrill(['campaign', file, '--rounds', '8', '--seed', '3', '--dry-run']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toContain('kdrill: faults pause, partition left out: a kubeadm lab\'s hosts have a power driver only');
    const rounds = plan.stdout.split('\n').filter((l) => l.startsWith('round '));
    expect(rounds).toHaveLength(8);
    expect(rounds.every((l) => /^round \d: (kill|stop) /.test(l))).toBe(true);
    expect(plan.stdout).toContain('(cp1, cp2, cp3)');
    const pause = await runKdrill(['campaign', file, '--faults', 'kill,pause', '--dry-run']);
    expect(pause.code).toBe(2);
    expect(pause.stderr).toMatch(/^kdrill: --faults kill,pause: this kubeadm lab cannot pause: a kubeadm lab's hosts have a power driver only/);
  });

  it('a lab that cannot lose a member is refused before anything runs', async () => {
    const file = path.join(dir, 'two.yaml');
    writeFileSync(file, 'provider: etcd\nname: kdc-two\nmembers: 2\n');
    const r = await runKdrill(['campaign', file, '--seed', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a campaign needs a cluster that tolerates losing a member (3 or more members); this one has 2');
  });
});
