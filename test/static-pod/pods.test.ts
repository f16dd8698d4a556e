import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/exec/runner.js';
import type { NodeShell, ShellContext } from '../../src/labs/types.js';
import { ManifestPods } from '../../src/labs/static-pod/pods.js';
import { StaticPodMembers, type MemberMachine } from '../../src/labs/static-pod/members.js';

/**
 * A NodeShell TEST DOUBLE: a node's shell whose answers the test scripts (kubelet's and crictl's
 * timing cannot be provoked at will on the test hosts). Each call is recorded.
 */
function scriptedShell(answer: (argv: readonly string[]) => Partial<RunResult>): NodeShell & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    argv: (node, argv) => ['ssh', node, '--', ...argv],
    async exec(_ctx, _node, argv, opts) {
      calls.push(argv.join(' '));
      const kubelet = argv[0] === 'systemctl' ? { stdout: 'active\n' } : {};
      const r: RunResult = { argv, exitCode: 0, stdout: '', stderr: '', durationMs: 1, ...kubelet, ...answer(argv) };
      if (r.exitCode !== 0 && !opts?.allowFailure) throw new Error(`${argv.join(' ')}: exit ${r.exitCode}: ${r.stderr}`);
      return r;
    },
    async copyIn() {},
    async copyOut() {},
  };
}
const ctx = { signal: new AbortController().signal } as ShellContext;
const upMachine: MemberMachine = { running: async () => true, up: async () => {}, where: (n) => `ssh ${n}` };

describe('static Pods moved by manifest (kubeadm hosts and kind nodes)', () => {
  it('a crictl that fails while kubelet stops the Pod is asked again, not taken for "stopped"', async () => {
    let crictl = 0;
    const shell = scriptedShell((argv) => {
      if (argv[0] === 'test') return { exitCode: 1 }; // not parked yet
      if (argv[0] === 'crictl') {
        crictl++;
        if (crictl === 1) return { stdout: 'abc123\n' }; // still running
        if (crictl === 2) return { exitCode: 1, stderr: 'connect: connection refused' }; // containerd restarting
        if (crictl === 3) return { stdout: 'abc123\n' }; // still running
        return { stdout: '' };
      }
      return {};
    });
    await new ManifestPods(shell, 10_000).stopPod(ctx, 'cp1', 'etcd');
    expect(crictl).toBe(4);
    expect(shell.calls).toContain('mv /etc/kubernetes/manifests/etcd.yaml /etc/kubernetes/kdrill-stopped/etcd.yaml');
  });

  it('when kubelet never acts, the error names the wait, the command to look and crictl\'s last failure', async () => {
    const shell = scriptedShell((argv) => (argv[0] === 'crictl' ? { exitCode: 1, stderr: 'connect: connection refused' } : argv[0] === 'test' ? { exitCode: 1 } : {}));
    await expect(new ManifestPods(shell, 300).stopPod(ctx, 'cp1', 'etcd')).rejects.toThrow(
      /^cp1: kubelet did not stop the etcd Pod within 0.3 s \(ssh cp1 -- crictl ps -a --name etcd\); last: .*connection refused/);
  });

  // The member stop of a member replace or a restore is staticpod.stop's own: with kubelet stopped it
  // is refused at once, with the reason, instead of waiting 90 s for a Pod nothing will stop.
  it('an etcd member stop on a node whose kubelet is stopped: refused at once, nothing moved', async () => {
    const shell = scriptedShell((argv) => (argv[0] === 'systemctl' ? { exitCode: 3, stdout: 'inactive\n' } : argv[0] === 'test' ? { exitCode: 1 } : {}));
    await expect(new StaticPodMembers(upMachine, shell, 300).stop(ctx, 'cp2')).rejects.toThrow(/cp2: kubelet is stopped, so moving \/etc\/kubernetes\/manifests\/etcd.yaml out would stop nothing/);
    expect(shell.calls.some((c) => c.startsWith('mv '))).toBe(false);
  });
});
