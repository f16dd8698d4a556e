import { describe, expect, it } from 'vitest';
import { quorumVerdict } from '../../../src/invariants/etcd/quorum.js';
import { leaderVerdict } from '../../../src/invariants/etcd/leader.js';
import { inSyncVerdict } from '../../../src/invariants/etcd/in-sync.js';
import { hashVerdict } from '../../../src/invariants/etcd/hash-consistent.js';
import { keyVerdict } from '../../../src/invariants/etcd/key.js';
import { readOnlyVerdict } from '../../../src/invariants/etcd/read-only.js';
import { writableVerdict } from '../../../src/invariants/etcd/writable.js';
import type { MemberProbe } from '../../../src/clients/etcd/access.js';
import { healthyMembers, liveLeader } from '../../../src/clients/etcd/leader.js';

describe('quorumVerdict', () => {
  const want = (w: { members?: number; healthy?: number; answering?: number; hasQuorum?: boolean } = {}) => ({ hasQuorum: true, ...w });
  it.each([
    [{ members: 3, healthy: 3 }, want(), true, '3 of 3 members healthy, quorum is 2: holds'],
    [{ members: 3, healthy: 2 }, want(), true, '2 of 3 members healthy, quorum is 2: holds'],
    [{ members: 3, healthy: 1 }, want(), false, '1 of 3 members healthy, quorum is 2: lost; expected quorum to hold'],
    [{ members: 3, healthy: 1 }, want({ hasQuorum: false }), true, '1 of 3 members healthy, quorum is 2: lost, as expected'],
    [{ members: 4, healthy: 2 }, want(), false, '2 of 4 members healthy, quorum is 3: lost; expected quorum to hold'],
    [{ members: 4, healthy: 3 }, want(), true, '3 of 4 members healthy, quorum is 3: holds'],
    [{ members: 5, healthy: 3 }, want(), true, '3 of 5 members healthy, quorum is 3: holds'],
    [{ members: 1, healthy: 1 }, want(), true, '1 of 1 members healthy, quorum is 1: holds'],
    [{ members: 3, healthy: 3 }, want({ healthy: 2 }), false, '3 of 3 members healthy, quorum is 2: holds; expected 2 healthy'],
    // A survivor without quorum answers Status but is not healthy: what it is counted as, and said.
    [{ members: 3, healthy: 0, answering: 1 }, want({ answering: 1, healthy: 0, hasQuorum: false }), true, '0 of 3 members healthy (1 more answers, but has no leader or an alarm), quorum is 2: lost, as expected'],
    [{ members: 3, healthy: 0, answering: 1 }, want({ healthy: 1, hasQuorum: false }), false, '0 of 3 members healthy (1 more answers, but has no leader or an alarm), quorum is 2: lost; expected 1 healthy'],
    [{ members: 3, healthy: 0, answering: 0 }, want({ answering: 1, hasQuorum: false }), false, '0 of 3 members healthy, quorum is 2: lost; expected 1 answering'],
    [{ members: 5, healthy: 2, answering: 4 }, want(), false, '2 of 5 members healthy (2 more answer, but have no leader or an alarm), quorum is 3: lost; expected quorum to hold'],
    [{ members: 2, healthy: 2 }, want({ members: 3 }), false, '2 of 2 members healthy, quorum is 2: holds; expected 3 members, the member list has 2'],
  ])('%j with %j', (facts, w, ok, message) => {
    const v = quorumVerdict(facts, w);
    expect(v.ok).toBe(ok);
    expect(v.message).toBe(message);
    if (!ok) expect(v.observed).toBeDefined();
  });
});

describe('liveLeader / healthyMembers', () => {
  // Member statuses as the lab test (test/actions/node/faults.test.ts) sees them after each fault.
  const says = (node: string, leaderId: string, term = 2, errors: string[] = []): MemberProbe =>
    ({ node, ok: true, latencyMs: 1, status: { node, memberId: node, leaderId, leader: leaderId === node, clusterId: 'c', revision: 1, raftTerm: term, raftIndex: 9, dbSize: 1, dbSizeInUse: 1, version: '3.4', errors } });
  const dead = (node: string): MemberProbe => ({ node, ok: false, error: 'deadline exceeded', latencyMs: 200 });
  it.each([
    ['all three follow a', [says('a', 'a'), says('b', 'a'), says('c', 'a')], 'a', ['a', 'b', 'c']],
    ['a follower dead', [says('a', 'a'), says('b', 'a'), dead('c')], 'a', ['a', 'b']],
    ['leader dead, followers still name it', [dead('a'), says('b', 'a'), says('c', 'a')], undefined, []],
    ['quorum lost, the survivor names the dead leader', [dead('a'), says('b', 'a'), dead('c')], undefined, []],
    ['quorum lost, the survivor stepped down', [says('a', '0'), dead('b'), dead('c')], undefined, []],
    ['quorum lost, the survivor led and has not noticed yet', [says('a', 'a'), dead('b'), dead('c')], 'a', ['a']],
    ['an alarm makes a member unhealthy', [says('a', 'a'), says('b', 'a', 2, ['NOSPACE']), says('c', 'a')], 'a', ['a', 'c']],
    ['a cut-off old leader loses to the newer term', [says('a', 'a', 2), says('b', 'b', 3), says('c', 'b', 3)], 'b', ['b', 'c']],
  ])('%s', (_name, probes, leader, healthy) => {
    expect(liveLeader(probes)?.node).toBe(leader);
    expect(healthyMembers(probes).map((m) => m.node)).toEqual(healthy);
  });
});

describe('leaderVerdict', () => {
  const claims = (...l: Array<[string, string | undefined]>) => l.map(([node, leader]) => ({ node, leader }));
  it.each([
    [{ claims: claims(['a', 'a'], ['b', 'a'], ['c', 'a']), unanswered: [] }, {}, true, /the leader is a/],
    [{ claims: claims(['a', undefined], ['b', undefined]), unanswered: ['c'] }, {}, false, /no leader/],
    [{ claims: claims(['a', 'a'], ['b', 'b']), unanswered: [] }, {}, false, /disagree/],
    [{ claims: claims(['a', 'a'], ['b', 'b']), unanswered: [] }, { unique: false }, true, /leader is a\/b/],
    [{ claims: claims(['b', 'b'], ['c', 'b']), unanswered: ['a'], notOn: 'a' }, {}, true, /leader is b; no answer from a/],
    [{ claims: claims(['b', 'a'], ['c', 'a']), unanswered: [], notOn: 'a' }, {}, false, /the leader is on a/],
    [{ claims: claims(['b', 'b'], ['c', 'b']), unanswered: [], reference: 'a' }, { changed: true }, true, /was a/],
    [{ claims: claims(['b', 'a'], ['c', 'a']), unanswered: [], reference: 'a' }, { changed: true }, false, /still a/],
    [{ claims: claims(['b', 'b']), unanswered: [], reference: 'a' }, { changed: false }, false, /moved from a to b/],
    [{ claims: claims(['b', 'b']), unanswered: [] }, { changed: true }, false, /no earlier leader/],
    [{ claims: claims(['b', 'b']), unanswered: [], on: 'c' }, {}, false, /not c/],
  ])('%j %j', (facts, p, ok, message) => {
    const v = leaderVerdict(facts, { unique: true, ...p });
    expect(v.ok).toBe(ok);
    expect(v.message).toMatch(message);
  });
});

const probe = (node: string, term: number, index: number): MemberProbe =>
  ({ node, ok: true, latencyMs: 1, status: { node, memberId: node, leaderId: 'a', leader: node === 'a', clusterId: 'c', revision: 1, raftTerm: term, raftIndex: index, dbSize: 1, dbSizeInUse: 1, version: '3.4', errors: [] } });

describe('inSyncVerdict', () => {
  it.each([
    [[probe('a', 2, 10), probe('b', 2, 12), probe('c', 2, 15)], 5, true, /term 2, raft index spread 5/],
    [[probe('a', 2, 10), probe('b', 2, 16)], 5, false, /raft indexes 6 apart/],
    [[probe('a', 2, 10), probe('b', 3, 10)], 5, false, /different raft terms/],
    [[probe('a', 2, 10), { node: 'b', ok: false, error: 'x', latencyMs: 500 } as MemberProbe], 5, false, /b does not answer/],
  ])('%#', (probes, spread, ok, message) => {
    const v = inSyncVerdict(probes, spread);
    expect(v.ok).toBe(ok);
    expect(v.message).toMatch(message);
  });
});

describe('hashVerdict / keyVerdict / writable / readOnly', () => {
  it('compares hashes at one revision', () => {
    expect(hashVerdict(7, [{ node: 'a', hash: '1' }, { node: 'b', hash: '1' }]).ok).toBe(true);
    expect(hashVerdict(7, [{ node: 'a', hash: '1' }, { node: 'b', hash: '2' }]).message).toMatch(/disagree at revision 7/);
    expect(hashVerdict(7, [{ node: 'a', hash: '1' }, { node: 'b', error: 'down' }]).ok).toBe(false);
  });
  it.each([
    [{ key: 'k', equals: 'v' }, 'v', true],
    [{ key: 'k', equals: 'v' }, 'w', false],
    [{ key: 'k', equals: 'v' }, null, false],
    [{ key: 'k', absent: true as const }, null, true],
    [{ key: 'k', absent: true as const }, 'v', false],
    [{ key: 'k' }, 'anything', true],
    [{ key: 'k' }, null, false],
  ])('key %j = %j', (p, value, ok) => {
    expect(keyVerdict(p, value).ok).toBe(ok);
  });
  it('writable holds when any member acknowledged', () => {
    expect(writableVerdict([{ node: 'a', ok: false, latencyMs: 500, error: 'deadline' }, { node: 'b', ok: true, latencyMs: 7 }]).message).toBe('write acknowledged by b in 7 ms');
    expect(writableVerdict([{ node: 'a', ok: false, latencyMs: 500, error: 'deadline' }]).ok).toBe(false);
  });
  it('read-only: no write acknowledged, some serializable read answered', () => {
    const no = { node: 'a', ok: false, latencyMs: 1000, error: 'deadline' };
    const yes = { node: 'a', ok: true, latencyMs: 2 };
    expect(readOnlyVerdict({ writes: [no], serializableReads: [yes] }).ok).toBe(true);
    expect(readOnlyVerdict({ writes: [yes], serializableReads: [yes] }).message).toMatch(/not read-only/);
    expect(readOnlyVerdict({ writes: [no], serializableReads: [no] }).message).toMatch(/no member serves a serializable read/);
  });
});
