import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandRunner } from '../../../src/exec/runner.js';
import { KindNodes } from '../../../src/labs/kind/nodes.js';
import type { LabNode } from '../../../src/labs/types.js';

/**
 * kind #1689 on kind's network (no IPv4 subnet configured): docker gives a started container the
 * lowest free address. kind creates its nodes in parallel, so control-plane3 may hold a lower address
 * than control-plane2; a drill that stops both and starts control-plane2 first then swaps their
 * addresses (seen in CI: cp-quorum-loss on the kind stand-in ended "lab invalidated"). node.start
 * now starts the lab's other stopped nodes with lower recorded addresses first.
 */
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const id = `kdo${process.pid % 100000}`;
const network = `${id}-kind`;
const cluster = `${id}-c`;
const names = ['control-plane', 'control-plane2', 'control-plane3'];
const container = (n: string) => `${cluster}-${n}`;
const ipOf = (n: string) => docker('inspect', '--format', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, container(n));

describe('node.start on a network without fixed IPs keeps every node on its address', () => {
  const logs: string[] = [];
  const state = new Map<string, unknown>();
  const ctx = { runner: new CommandRunner(), signal: new AbortController().signal, state, log: (m: string) => logs.push(m) };
  let nodes: KindNodes;

  beforeAll(() => {
    docker('network', 'create', network); // like kind's: no --subnet
    // control-plane3 first: it gets the lowest address, as kind's parallel creation may give it.
    for (const n of ['control-plane3', 'control-plane', 'control-plane2']) {
      docker('run', '--detach', '--name', container(n), '--network', network, '--label', `io.x-k8s.kind.cluster=${cluster}`,
        '--label', 'io.x-k8s.kind.role=control-plane', 'kdrill/etcd:3.4.23', 'sleep', '100000');
    }
    const list: LabNode[] = names.map((n) => ({ name: n, container: container(n), role: 'control-plane' }));
    nodes = new KindNodes(cluster, network, () => list);
  });

  afterAll(() => {
    try { docker('rm', '--force', ...names.map(container)); } catch { /* gone */ }
    try { docker('network', 'rm', network); } catch { /* gone */ }
  });

  it('stops control-plane3 then control-plane2, starts control-plane2: control-plane3 comes back first, both on their addresses', async () => {
    const before = Object.fromEntries(names.map((n) => [n, ipOf(n)]));
    const num = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    expect(num(before['control-plane3']!)).toBeLessThan(num(before['control-plane2']!));
    await nodes.stop(ctx, 'control-plane3', 1_000);
    await nodes.stop(ctx, 'control-plane2', 1_000);
    await nodes.start(ctx, 'control-plane2');
    expect(Object.fromEntries(names.map((n) => [n, ipOf(n)]))).toEqual(before);
    expect(logs.join('\n')).toMatch(/starting control-plane3 first: it had .* lower than control-plane2's/);
    await nodes.start(ctx, 'control-plane3'); // the drill's own next step: a no-op now
    expect(ipOf('control-plane3')).toBe(before['control-plane3']);
  });
});
