import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandError } from '../../../src/exec/errors.js';
import { CommandRunner } from '../../../src/exec/runner.js';
import { SshShell } from '../../../src/labs/kubeadm/ssh.js';
import type { ShellContext } from '../../../src/labs/types.js';
import { docker } from '../helpers.js';
import { hostImagePresent, startTestHost, type TestHost } from './host.js';

// A kubeadm test host (scripts/build-kubeadm-host-image.sh: real sshd and etcd, TEST DOUBLES of
// init, systemctl, kubelet and crictl) reached as a Vagrant inventory reaches its VMs: ssh on
// 127.0.0.1, a published port, a key pair made for this lab, a known_hosts file of its own.
const hasImage = hostImagePresent();
const name = `kdh-${process.pid}-h1`;
const runner = new CommandRunner(undefined, null);
const ctx: ShellContext = { runner, signal: new AbortController().signal };
let shell: SshShell;
let host: TestHost | undefined;
let dir = '';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => Promise<boolean> | boolean, ms = 8_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(100);
  }
}
const inHost = (...argv: string[]) => shell.exec(ctx, 'h1', argv, { allowFailure: true });
/** The processes of the host, through docker (not the transport under test). */
const ps = () => docker('exec', name, 'ps', '-o', 'args');

describe.skipIf(!hasImage && !process.env.CI)('ssh transport to a kubeadm test host', () => {
  beforeAll(async () => {
    host = await startTestHost(name);
    dir = host.dir;
    shell = new SshShell({ h1: host.ssh });
    await until('sshd answers', async () => (await inHost('true').catch(() => ({ exitCode: -1 }))).exitCode === 0);
  });

  afterAll(async () => {
    await shell?.close(runner);
    host?.remove();
  });

  it('runs a command on the host, checking its key against the lab known_hosts (a wrong key: refused)', async () => {
    const r = await shell.exec(ctx, 'h1', ['cat', '/etc/hostname']);
    expect(r.stdout.trim()).toBe(docker('inspect', '-f', '{{.Config.Hostname}}', name));
    writeFileSync(path.join(dir, 'wrong_known_hosts'), readFileSync(path.join(dir, 'known_hosts'), 'utf8').replace(/AAAA\S+/, 'AAAAC3NzaC1lZDI1NTE5AAAAIB0gOk4fS7N4Pmq0BqWcQoj2WLZQnpC+K6lQnTbuE1gD'));
    const wrong = new SshShell({ h1: { ...host!.ssh, knownHostsFile: path.join(dir, 'wrong_known_hosts') } });
    const e = await wrong.exec(ctx, 'h1', ['true']).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(CommandError);
    expect((e as CommandError).stderr).toMatch(/HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    await wrong.close(runner);
  });

  const hostile = ['$(touch /tmp/pwned)', '; touch /tmp/pwned', '`touch /tmp/pwned`', "it's", '"quoted"', "'", 'two\nlines', '-n', 'a b  c', '*', '', '\\', '$HOME', '&& touch /tmp/pwned #', '| touch /tmp/pwned'];
  it('hands every hostile word to the remote command as one literal argument', async () => {
    for (const w of hostile) {
      const r = await shell.exec(ctx, 'h1', ['printf', '<%s>', w]);
      expect(r.stdout, JSON.stringify(w)).toBe(`<${w}>`);
    }
    const all = await shell.exec(ctx, 'h1', ['printf', '<%s>', ...hostile]);
    expect(all.stdout).toBe(hostile.map((w) => `<${w}>`).join(''));
    // As the program name too: not found (127), nothing run.
    const r = await inHost('; touch /tmp/pwned');
    expect(r.exitCode).toBe(127);
    expect((await inHost('test', '-e', '/tmp/pwned')).exitCode).toBe(1);
    await expect(shell.exec(ctx, 'h1', ['printf', 'a\0b'])).rejects.toThrow(/NUL byte/);
  });

  it('reuses the master connection: a second command costs no handshake', async () => {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) times.push((await shell.exec(ctx, 'h1', ['true'])).durationMs);
    times.sort((a, b) => a - b);
    console.log(`ssh reused command: median ${times[5]!.toFixed(1)} ms, max ${times[9]!.toFixed(1)} ms`);
    expect(times[5]).toBeLessThan(200);
    // Each command's abort watcher (a `cat` on the session's stdin) ends with its session.
    await until('no abort watcher left on the host', () => !/^cat$/m.test(ps()), 3_000);
  });

  it('an abort or a timeout kills the remote command too, at once', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const p = shell.exec({ runner, signal: ac.signal }, 'h1', ['sleep', '31']).catch((e: unknown) => e);
    await until('sleep 31 runs', () => ps().includes('sleep 31'), 5_000);
    const aborted = Date.now();
    ac.abort();
    const e = await p;
    expect(Date.now() - aborted).toBeLessThan(3_000);
    expect((e as CommandError).reason).toBe('aborted');
    await until('sleep 31 is gone from the host', () => !ps().includes('sleep 31'), 3_000);
    const t = await shell.exec(ctx, 'h1', ['sleep', '32'], { timeoutMs: 500 }).catch((err: unknown) => err);
    expect((t as CommandError).reason).toBe('timeout');
    await until('sleep 32 is gone from the host', () => !ps().includes('sleep 32'), 3_000);
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('copies files in and out byte for byte, paths with spaces and quotes', async () => {
    const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    writeFileSync(path.join(dir, 'in file'), bytes);
    await shell.copyIn(ctx, 'h1', path.join(dir, 'in file'), "/tmp/it's here");
    await shell.copyOut(ctx, 'h1', "/tmp/it's here", path.join(dir, 'out file'));
    expect(readFileSync(path.join(dir, 'out file')).equals(bytes)).toBe(true);
    expect((await shell.exec(ctx, 'h1', ['sha256sum', "/tmp/it's here"])).stdout.split(' ')[0]).toBe(execFileSync('sha256sum', [path.join(dir, 'in file')], { encoding: 'utf8' }).split(' ')[0]);
  });

  it('systemctl stop kubelet leaves the etcd static Pod running; its manifest moved out stops it', async () => {
    const manifest = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: etcd', '  namespace: kube-system', 'spec:', '  containers:', '  - command:', '    - etcd',
      '    - --name=h1', '    - --data-dir=/var/lib/etcd', '    - --listen-client-urls=http://127.0.0.1:2379', '    - --advertise-client-urls=http://127.0.0.1:2379',
      '    - --listen-peer-urls=http://127.0.0.1:2380', '    - --initial-advertise-peer-urls=http://127.0.0.1:2380', '    - --initial-cluster=h1=http://127.0.0.1:2380', ''].join('\n');
    writeFileSync(path.join(dir, 'etcd.yaml'), manifest);
    await shell.copyIn(ctx, 'h1', path.join(dir, 'etcd.yaml'), '/etc/kubernetes/manifests/etcd.yaml');
    const healthy = async () => (await inHost('etcdctl', '--endpoints=http://127.0.0.1:2379', 'endpoint', 'health')).exitCode === 0;
    await until('etcd is healthy', healthy);
    const etcdPid = (await inHost('pidof', 'etcd')).stdout.trim();
    await shell.exec(ctx, 'h1', ['systemctl', 'stop', 'kubelet']);
    const state = await inHost('systemctl', 'is-active', 'kubelet');
    expect([state.exitCode, state.stdout.trim()]).toEqual([3, 'inactive']);
    expect(await healthy()).toBe(true);
    expect((await inHost('pidof', 'etcd')).stdout.trim()).toBe(etcdPid);
    const running = (await shell.exec(ctx, 'h1', ['crictl', 'ps', '--name', 'etcd', '--state', 'Running', '-q'])).stdout.trim();
    expect(running).toMatch(/^[0-9a-f]{13,64}$/);
    await shell.exec(ctx, 'h1', ['systemctl', 'start', 'kubelet']);
    expect((await inHost('systemctl', 'is-active', 'kubelet')).stdout.trim()).toBe('active');
    await shell.exec(ctx, 'h1', ['mv', '/etc/kubernetes/manifests/etcd.yaml', '/root/etcd.yaml']);
    await until('etcd stopped', async () => (await inHost('pidof', 'etcd')).exitCode !== 0, 12_000);
    expect((await shell.exec(ctx, 'h1', ['crictl', 'ps', '--name', 'etcd', '-q'])).stdout.trim()).toBe('');
  });
});
