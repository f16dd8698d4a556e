import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessFromProbe, accessWithoutProbe, probeIps, type Reach } from '../../../src/labs/etcd/access.js';
import { clientPortCandidates, freeClientPorts } from '../../../src/labs/etcd/client-ports.js';
import type { DockerHostKind } from '../../../src/labs/docker/host.js';

const host = (kind: DockerHostKind) => ({ kind, words: `docker host x (${kind})` });
const answers: Reach = { ok: true, target: '10.200.1.11:2379' };
const unreachable: Reach = { ok: false, target: '10.200.1.11:2379', error: 'EHOSTUNREACH' };

describe('etcdAccess: what auto picks', () => {
  it.each([
    ['direct', 'desktop', { mode: 'direct', why: 'etcdAccess: direct' }],
    ['published', 'local', { mode: 'published', why: 'etcdAccess: published' }],
    ['exec', 'local', { mode: 'exec', why: 'etcdAccess: exec' }],
    ['auto', 'desktop', { mode: 'published', why: 'docker host x (desktop): container IPs are not reachable from this machine' }],
    ['auto', 'vm', { mode: 'published', why: 'docker host x (vm): container IPs are not reachable from this machine' }],
    ['auto', 'rootless', { mode: 'published', why: 'docker host x (rootless): container IPs are not reachable from this machine' }],
    ['auto', 'local', undefined],
    ['auto', 'remote', undefined],
  ] as const)('%s on a %s docker host, before any probe → %j', (setting, kind, choice) => {
    expect(accessWithoutProbe(setting, host(kind))).toEqual(choice);
  });

  it.each([
    [answers, 'local', { mode: 'direct', why: '10.200.1.11:2379 answers' }],
    [answers, 'remote', { mode: 'direct', why: '10.200.1.11:2379 answers' }],
    [unreachable, 'local', { mode: 'published', why: 'node IPs not reachable: 10.200.1.11:2379: EHOSTUNREACH' }],
  ] as const)('probe %j on a %s docker host → %j', (reach, kind, choice) => {
    expect(accessFromProbe(reach, host(kind))).toEqual(choice);
  });

  it('a remote docker host whose members do not answer here: exec, said before any wait', () => {
    expect(() => accessFromProbe(unreachable, host('remote'))).toThrow(
      "the etcd lab's members cannot be reached from this machine: docker host x (remote), its members' IPs do not answer here (10.200.1.11:2379: EHOSTUNREACH) " +
        'and ports it publishes are on its own loopback: set etcdAccess: exec in the lab (etcdctl through docker exec; the etcd.writes probe needs gRPC and is refused there)',
    );
  });
});

describe('the probe of the members\' IPs', () => {
  let server: net.Server;
  let open = 0;
  let closed = 0;
  beforeAll(async () => {
    server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    open = (server.address() as net.AddressInfo).port;
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closed = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
  });
  afterAll(() => server.close());

  it('a connection made: the IPs answer', async () => {
    expect(await probeIps(['127.0.0.1'], open, AbortSignal.timeout(5_000))).toEqual({ ok: true, target: `127.0.0.1:${open}` });
  });

  it('refused: asked again until the budget (a member just started may not listen yet), then not reachable', async () => {
    const t = performance.now();
    expect(await probeIps(['127.0.0.1'], closed, AbortSignal.timeout(5_000), { budgetMs: 400 })).toEqual({ ok: false, target: `127.0.0.1:${closed}`, error: 'ECONNREFUSED' });
    expect(performance.now() - t).toBeGreaterThanOrEqual(400);
  });

  it('refused first, listening a moment later: answers', async () => {
    const late = net.createServer((s) => s.destroy());
    setTimeout(() => late.listen(closed, '127.0.0.1'), 150);
    try {
      expect(await probeIps(['127.0.0.1'], closed, AbortSignal.timeout(5_000))).toMatchObject({ ok: true });
    } finally {
      late.close();
    }
  });

  // A TEST DOUBLE of the TCP connect: an address that nothing routes cannot be had here (this
  // machine's network answers every address), so its errors are handed in.
  it.each([
    [['EHOSTUNREACH', 'EHOSTUNREACH'], 1, 'EHOSTUNREACH'],
    [['no answer within 300 ms', 'ENETUNREACH'], 1, 'no answer within 300 ms'],
    [['ECONNREFUSED', 'EHOSTUNREACH'], 'until the budget', 'EHOSTUNREACH'],
  ] as const)('every member fails with %j: asked %s time(s), not reachable: %s', async (errors, asked, error) => {
    let calls = 0;
    const dial = async (ip: string, port: number): Promise<Reach> => {
      calls++;
      return { ok: false, target: `${ip}:${port}`, error: errors[Number(ip.split('.')[3]) - 11]! };
    };
    const r = await probeIps(['10.200.1.11', '10.200.1.12'], 2379, AbortSignal.timeout(5_000), { budgetMs: 200, dial });
    expect(r).toMatchObject({ ok: false, error });
    if (asked === 1) expect(calls).toBe(2);
    else expect(calls).toBeGreaterThan(4);
  });
});

describe('the members\' client ports on 127.0.0.1', () => {
  it('blocks below the ephemeral range, one port a member, starting at a hash of the lab name', () => {
    const blocks = clientPortCandidates('kdrill-l1o3', 3);
    expect(blocks).toHaveLength(16);
    expect(clientPortCandidates('kdrill-l1o3', 3)).toEqual(blocks);
    expect(clientPortCandidates('kdrill-other', 3)[0]).not.toEqual(blocks[0]);
    for (const b of blocks) {
      expect(b).toEqual([b[0]!, b[0]! + 1, b[0]! + 2]);
      expect(b[0]! % 8).toBe(0);
      expect(b[0]).toBeGreaterThanOrEqual(20_000);
      expect(b.at(-1)).toBeLessThan(32_768);
    }
    expect(new Set(blocks.map((b) => b[0])).size).toBe(16);
    for (const b of clientPortCandidates('x', 7)) expect(b.at(-1)).toBeLessThan(32_768);
  });

  it('a block with a port taken here is passed over', async () => {
    const first = clientPortCandidates('kdt-ports-taken', 3)[0]!;
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(first[1], '127.0.0.1', r));
    try {
      expect(await freeClientPorts('kdt-ports-taken', 3)).toEqual(clientPortCandidates('kdt-ports-taken', 3)[1]);
    } finally {
      taken.close();
    }
  });
});
