import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { readFileSync } from 'node:fs';
import { modules } from '../../src/cli/modules.js';
import { loadDrill } from '../../src/drill/loader.js';
import { CommandRunner } from '../../src/exec/runner.js';
import type { LabEnv } from '../../src/labs/types.js';
import { renderExplain } from '../../src/trainer/explain.js';
import { shellEnv } from '../../src/trainer/shell-env.js';
import { renderStatus, summary, type LabStatus } from '../../src/trainer/status.js';
import { hexId, humanBytes, table } from '../../src/trainer/table.js';

const repo = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'kdrill-trainer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A drill and its lab object, as `kdrill explain` and `kdrill lab env` build them (nothing runs). */
function load(file: string) {
  const drill = loadDrill(path.resolve(repo, file), { modules });
  const env: LabEnv = { runner: new CommandRunner(), signal: new AbortController().signal, log: () => {}, drillDir: drill.dir, stateDir: path.join(tmp, 'state') };
  return { drill, lab: drill.provider.create(drill.lab, env) };
}

/** The env lines evaluated by bash with `docker` a shell function that prints its argv: what `etcd …` runs. */
function evalled(lines: string[], call: string): string[] {
  const script = `docker() { printf '%s\\n' "$@"; }\n${lines.join('\n')}\n${call}`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

describe('kdrill lab env: the chapter\'s etcd helper', () => {
  it('runs etcdctl in the member node against its own member over mTLS, the student\'s words passed as they are', () => {
    const { lab } = load('drills/etcd/lose-one-of-three.yaml');
    const lines = shellEnv(lab, { node: 'control-plane2' });
    expect(lines.at(-1)).toMatch(/^etcd\(\) \{ 'docker' 'exec' '-i' 'kdrill-lose1-control-plane2' 'etcdctl' /);
    expect(evalled(lines, `etcd member list -w table 'a b' '$(touch ${tmp}/pwned)'`)).toEqual([
      'exec', '-i', 'kdrill-lose1-control-plane2', 'etcdctl', '--endpoints=https://127.0.0.1:2379',
      '--cacert=/etc/kubernetes/pki/etcd/ca.crt', '--cert=/etc/kubernetes/pki/etcd/server.crt', '--key=/etc/kubernetes/pki/etcd/server.key',
      'member', 'list', '-w', 'table', 'a b', `$(touch ${tmp}/pwned)`,
    ]);
  });

  it('quotes every word: a kubeconfig path with quotes, spaces and $( ) stays one word', () => {
    const { lab } = load('drills/etcd/lose-one-of-three.yaml');
    const kubeconfig = `/tmp/it's a $(dir)/kube config`;
    const lines = shellEnv(lab, { node: 'control-plane', kubeconfig });
    expect(evalled(lines, 'printf "%s\\n" "$KUBECONFIG"')).toEqual([kubeconfig]);
  });

  it('on kind: etcdctl in the node\'s etcd container (crictl exec), and KUBECONFIG', () => {
    const { lab } = load('drills/kind/cp-node-loss.yaml');
    const lines = shellEnv(lab, { node: 'control-plane', kubeconfig: '/state/kubeconfig' });
    expect(lines).toContain("export KUBECONFIG='/state/kubeconfig'");
    const argv = evalled(lines, 'etcd endpoint health');
    expect(argv.slice(0, 5)).toEqual(['exec', '-i', `${lab.name}-control-plane`, 'sh', '-c']);
    expect(argv.slice(-2)).toEqual(['endpoint', 'health']);
    expect(argv).toContain('--cacert=/etc/kubernetes/pki/etcd/ca.crt');
  });
});

describe('kdrill lab status: etcdctl\'s tables', () => {
  it.each([
    [0, '0 B'], [9, '9 B'], [20_480, '20 kB'], [1_500_000, '1.5 MB'], [25_165_824, '25 MB'], [2_147_483_648, '2.1 GB'],
  ])('humanBytes(%d) is %s (etcdctl\'s DB SIZE)', (n, want) => expect(humanBytes(n)).toBe(want));

  it('prints member IDs in hex, as etcdctl does', () => {
    expect(hexId('9372538179322589801')).toBe('8211f1d0f64f3269');
  });

  it('draws a ruled table with centred upper-case headers', () => {
    expect(table(['id', 'is leader'], [['8211f1d0f64f3269', 'true']])).toEqual([
      '+------------------+-----------+',
      '|        ID        | IS LEADER |',
      '+------------------+-----------+',
      '| 8211f1d0f64f3269 |      true |',
      '+------------------+-----------+',
    ]);
  });

  const member = (node: string, id: string, leader: boolean) => ({
    node, ok: true as const, latencyMs: 3, endpoint: `https://10.0.0.${id}:2379`,
    status: { node, memberId: id, leaderId: '2', leader, clusterId: '9', revision: 7, raftTerm: 3, raftIndex: 42, dbSize: 20_480, dbSizeInUse: 16_384, version: '3.4.23', errors: [] },
  });
  const base: LabStatus = {
    lab: 'l', provider: 'etcd', found: '3 of 3 members running',
    nodes: [{ node: 'control-plane', container: 'l-control-plane', role: 'control-plane', state: 'running' }],
    members: [{ id: '1', name: 'l-control-plane', peerURLs: ['https://10.0.0.1:2380'], clientURLs: ['https://10.0.0.1:2379'] }, { id: '2', name: 'l-control-plane2', peerURLs: [], clientURLs: [] }, { id: '3', name: '', peerURLs: [], clientURLs: [] }],
    statuses: [member('control-plane', '1', false), member('control-plane2', '2', true), { node: 'control-plane3', ok: false, latencyMs: 2000, error: 'connection refused', endpoint: 'https://10.0.0.3:2379' }],
    health: [{ endpoint: 'a', ok: true, tookMs: 2.5 }, { endpoint: 'b', ok: true, tookMs: 3 }, { endpoint: 'c', ok: false, tookMs: 2000, error: 'context deadline exceeded (4 DEADLINE_EXCEEDED: Deadline exceeded after 1.989s)' }],
    alarms: [],
  };

  it.each<[string, Partial<LabStatus>, string]>([
    ['2 of 3 healthy, one leader', {}, '2 of 3 members healthy, quorum 2: quorum holds; leader control-plane2'],
    ['1 of 3 healthy', { health: [base.health[0]!, base.health[2]!, base.health[2]!] }, '1 of 3 members healthy, quorum 2: QUORUM LOST (no writes); leader control-plane2'],
    ['no leader', { statuses: [member('control-plane', '1', false)] }, '2 of 3 members healthy, quorum 2: quorum holds; no leader'],
    ['NOSPACE', { alarms: [{ member: 'control-plane', memberId: '1', alarm: 'NOSPACE' }] }, '2 of 3 members healthy, quorum 2: quorum holds; leader control-plane2; alarms raised: NOSPACE (writes refused until alarm disarm)'],
  ])('summary: %s', (_what, change, want) => expect(summary({ ...base, ...change })).toBe(want));

  it('renders the member list, endpoint status with IS LEADER, health and alarms', () => {
    const out = renderStatus(base).join('\n');
    expect(out).toMatch(/\|\s+ID\s+\|\s+STATUS\s+\|\s+NAME\s+\|\s+PEER ADDRS\s+\|\s+CLIENT ADDRS\s+\|/);
    expect(out).toMatch(/\| +3 \| unstarted \|/);
    expect(out).toMatch(/\| https:\/\/10\.0\.0\.2:2379 \| +2 \| +3\.4\.23 \| +20 kB \| +true \| +3 \| +42 \|/);
    expect(out).toMatch(/\| https:\/\/10\.0\.0\.3:2379 \| +\|.*\| connection refused \|/);
    expect(out).toMatch(/\| +c \| +false \| 2000\.000ms \| context deadline exceeded \|/);
    expect(out).toContain('alarm list:\n  (none)');
  });
});

describe('kdrill explain: the drill as a lesson', () => {
  it('says the title, the description, each step\'s explanation and checks in operator words, the restore', () => {
    const { drill, lab } = load('drills/etcd/lose-one-of-three.yaml');
    const out = renderExplain(drill, lab, 'drills/etcd/lose-one-of-three.yaml').join('\n');
    expect(out.split('\n')[0]).toBe('Lose 1 of 3 control-plane nodes: quorum holds, writes go on');
    expect(out).toContain('drills/etcd/lose-one-of-three.yaml: the etcd lab kdrill-lose1, 3 etcd members, 5 steps, 2 restore');
    expect(out).toContain('failures tolerated = 1');
    expect(out).toMatch(/Step 3\/5: kill a follower's node {2}\(node\.kill\)\n {3}SIGKILL on a follower's node/);
    expect(out).toMatch(/then checks:\n {5}- etcd\.quorum \(within 5\.00s\): "member list" shows 3 members; 2 members\n {7}healthy in "endpoint health"/);
    expect(out).toMatch(/waits until:\n {5}- etcd\.key \(within 30\.0s\): the key drill\/lose-one\/before reads\n {7}"acknowledged"/);
    expect(out).toContain('Checked before the first step, after every step and after the restore:\n  - etcd.leader: exactly one member IS LEADER');
    expect(out).toMatch(/Restore 1\/2: the follower's node is running {2}\(node\.start\)\n {3}Always runs/);
    expect(out.split('\n').every((l) => l.length <= 100)).toBe(true);
  });

  it('a step with no explanation is told by its action\'s summary', () => {
    const file = path.join(tmp, 'bare.yaml');
    const doc = parseDocument(readFileSync(path.join(repo, 'drills/etcd/lose-one-of-three.yaml'), 'utf8'));
    doc.deleteIn(['restore', 1, 'explain']);
    writeFileSync(file, doc.toString());
    const drill = loadDrill(file, { modules });
    const env: LabEnv = { runner: new CommandRunner(), signal: new AbortController().signal, log: () => {}, drillDir: drill.dir, stateDir: path.join(tmp, 'state') };
    const out = renderExplain(drill, drill.provider.create(drill.lab, env), 'bare.yaml').join('\n');
    expect(out).toContain(`Restore 2/2: remove the drill's keys  (etcd.delete)\n   ${modules.actions['etcd.delete']!.summary}`);
  });
});
