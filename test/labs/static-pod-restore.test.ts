import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommandRunner, type RunResult } from '../../src/exec/runner.js';
import { StaticPodMembers, type MemberMachine } from '../../src/labs/static-pod/members.js';
import type { NodeShell, ShellContext } from '../../src/labs/types.js';

// Which tool a static-Pod member's snapshot restore uses: the host's etcdutl, else the host's etcdctl,
// else etcdctl in the member's etcd Pod, else etcdutl there (etcd 3.6 removed etcdctl's). A scripted
// TEST DOUBLE of the node's shell stands for the host here: what is installed is the seam under test;
// the real paths run on the kubeadm test hosts (host etcdctl) and the kind stand-in.

const MANIFEST_TEXT = `apiVersion: v1
kind: Pod
spec:
  containers:
  - command:
    - etcd
    - --name=cp1
    - --initial-advertise-peer-urls=https://10.0.0.11:2380
    - --advertise-client-urls=https://10.0.0.11:2379
    volumeMounts:
    - mountPath: /var/lib/etcd
      name: etcd-data
  volumes:
  - hostPath:
      path: /var/lib/etcd
    name: etcd-data
`;

function scripted(has: { hostEtcdutl?: boolean; hostEtcdctl?: boolean; podEtcdctlRestore?: boolean }) {
  const ran: string[][] = [];
  const ok = (stdout = ''): RunResult => ({ argv: [], exitCode: 0, stdout, stderr: '', durationMs: 1 });
  const fail = (stderr: string, exitCode = 1): RunResult => ({ argv: [], exitCode, stdout: '', stderr, durationMs: 1 });
  const shell: NodeShell = {
    argv: (_n, a) => [...a],
    async exec(_ctx, _node, argv) {
      ran.push([...argv]);
      const a = argv.join(' ');
      if (a.startsWith('sh -c command -v')) return (argv[4] === 'etcdutl' ? has.hostEtcdutl : has.hostEtcdctl) ? ok() : fail('', 1);
      if (a.startsWith('crictl ps')) return ok('abc123\n');
      if (a.startsWith('crictl exec abc123 etcdctl snapshot restore')) return has.podEtcdctlRestore ? ok() : fail('Error: unknown command "restore" for "etcdctl snapshot"');
      if (a.startsWith('test -f')) return fail('', 1);
      return ok();
    },
    async copyIn() {},
    async copyOut(_ctx, _node, _from, to) {
      writeFileSync(to, MANIFEST_TEXT);
    },
  };
  return { shell, ran };
}

const machine: MemberMachine = { running: async () => true, up: async () => {}, where: () => 'ssh cp1' };
const ctx: ShellContext = { runner: new CommandRunner(undefined, null), signal: new AbortController().signal };
const snapshot = path.join(tmpdir(), 'kdrill-restore-tool-test.db');
writeFileSync(snapshot, 'not really a snapshot');
const opts = { name: 'cp1', initialCluster: 'cp1=https://10.0.0.11:2380', token: 't', peerURL: 'https://10.0.0.11:2380', dataDir: '/var/lib/etcd-restored-1' };

describe('static-Pod snapshot restore: the tool it picks, and says', () => {
  it.each([
    ['the host has etcdutl', { hostEtcdutl: true, hostEtcdctl: true }, 'etcdutl on the host', /^etcdutl snapshot restore \/var\/lib\/etcd\/kdrill-snapshot-/],
    ['the host has etcdctl only (Debian etcd-client 3.4)', { hostEtcdctl: true }, 'etcdctl on the host', /^etcdctl snapshot restore \/var\/lib\/etcd\/kdrill-snapshot-/],
    ['no tool on the host (a kind node): the Pod\'s etcdctl', { podEtcdctlRestore: true }, "etcdctl in the member's etcd container", /^crictl exec abc123 etcdctl snapshot restore/],
    ['no tool on the host, the Pod\'s etcdctl without restore (etcd 3.6): its etcdutl', {}, "etcdutl in the member's etcd container", /^crictl exec abc123 etcdutl snapshot restore/],
  ] as const)('%s', async (_name, has, says, restoreLine) => {
    const { shell, ran } = scripted(has);
    const how = await new StaticPodMembers(machine, shell).restore(ctx, 'cp1', snapshot, opts);
    expect(how).toBe(says);
    const restores = ran.map((a) => a.join(' ')).filter((a) => a.includes('snapshot restore'));
    expect(restores.at(-1)).toMatch(restoreLine);
    expect(restores.at(-1)).toContain('--name cp1 --initial-cluster cp1=https://10.0.0.11:2380 --initial-cluster-token t --initial-advertise-peer-urls https://10.0.0.11:2380');
    // The result lands in the member's new data dir.
    expect(ran.map((a) => a.join(' '))).toContainEqual(expect.stringMatching(/^mv \/var\/lib\/etcd\/kdrill-restore-[0-9a-f]{8} \/var\/lib\/etcd-restored-1$/));
  });
});
