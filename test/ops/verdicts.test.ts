import { describe, expect, it } from 'vitest';
import { defragOrder } from '../../src/clients/etcd/leader.js';
import { pickSource } from '../../src/actions/etcd/snapshot-save.js';
import { alarmsVerdict } from '../../src/invariants/etcd/alarms.js';
import { dbSizeVerdict } from '../../src/invariants/etcd/db-size.js';
import { clusterIdVerdict } from '../../src/invariants/etcd/cluster-id.js';
import { rpoVerdict } from '../../src/invariants/etcd/rpo.js';
import { snapshotVerdict } from '../../src/invariants/etcd/snapshot-valid.js';
import { replaceRefusal } from '../../src/clients/etcd/membership.js';
import { parseBytes } from '../../src/drill/units.js';

const st = (node: string, leader = false) => ({ node, leader });

describe('pure verdicts (tables)', () => {
  it.each([
    [[st('control-plane', true), st('control-plane2'), st('control-plane3')], ['control-plane2', 'control-plane3', 'control-plane']],
    [[st('control-plane3'), st('control-plane10', true), st('control-plane2')], ['control-plane2', 'control-plane3', 'control-plane10']],
  ])('defrag order: followers first, leader last %#', (members, order) => {
    expect(defragOrder(members).map((m) => m.node)).toEqual(order);
  });

  it.each([
    ['follower', 'control-plane3'], ['leader', 'control-plane'], ['control-plane2', 'control-plane2'], ['control-plane9', undefined],
  ])('snapshot source %s', (from, want) => {
    expect(pickSource([st('control-plane', true), st('control-plane2'), st('control-plane3')], from)).toBe(want);
  });

  it.each([
    [{ none: true as const }, [], true], [{ none: true as const }, [{ member: 'cp', memberId: '1', alarm: 'NOSPACE' }], false],
    [{ includes: 'NOSPACE' as const }, [{ member: 'cp', memberId: '1', alarm: 'NOSPACE' }], true], [{ includes: 'NOSPACE' as const }, [], false],
  ])('alarms %j with %j', (p, alarms, ok) => expect(alarmsVerdict(p, alarms).ok).toBe(ok));

  it.each([
    [{ max: 1000 }, 900, 100, true], [{ max: 1000 }, 1001, 100, false],
    [{ fragmentationBelow: 0.5 }, 1000, 600, true], [{ fragmentationBelow: 0.5 }, 1000, 400, false],
    [{ fragmentationAbove: 0.5 }, 1000, 400, true], [{ fragmentationAbove: 0.5 }, 1000, 600, false],
  ])('dbSize %j size %d in use %d', (p, dbSize, dbSizeInUse, ok) => expect(dbSizeVerdict(p, [{ node: 'cp', dbSize, dbSizeInUse }]).ok).toBe(ok));

  it.each([
    [false, 'a', ['a', 'a'], true], [false, 'a', ['b', 'b'], false], [true, 'a', ['b'], true], [true, 'a', ['a'], false], [true, 'a', ['b', 'c'], false], [false, 'a', [], false],
  ])('clusterId changed=%s first %s now %j', (changed, first, ids, ok) => expect(clusterIdVerdict({ changed }, first, ids).ok).toBe(ok));

  const ledger = [{ key: 'a', revision: 5 }, { key: 'b', revision: 6 }, { key: 'c', revision: 9 }, { key: 'd', revision: 10 }];
  it.each([
    [{ lostKeys: 2 }, ['a', 'b'], true], [{ lostKeys: 1 }, ['a', 'b'], false], [{}, ['a'], false], [{}, ['a', 'b', 'c'], false], [{ maxLostKeys: 1 }, ['a', 'b'], false],
  ])('rpo %j with present %j (snapshot at revision 6)', (p, present, ok) => expect(rpoVerdict(p, ledger, 6, new Set(present)).ok).toBe(ok));

  it.each([
    [[{ member: 'a', healthy: true }, { member: 'b', healthy: true }, { member: 'c', healthy: false }], 'c', undefined],
    [[{ member: 'a', healthy: true }, { member: 'b', healthy: false }, { member: 'c', healthy: false }], 'c', /quorum lost: 1 of 3/],
    [[{ member: 'a', healthy: true }, { member: 'b', healthy: true }, { member: 'c', healthy: true }], 'c', /is healthy/],
    [[{ member: 'a', healthy: true }], 'z', /not a member/],
  ])('member replace refusal %#', (members, node, want) => {
    const r = replaceRefusal(members, node);
    if (want === undefined) expect(r).toBeUndefined();
    else expect(r).toMatch(want);
  });

  it.each([
    [{ integrity: 'empty' as const, bytes: 0 }, true, false, /zero bytes/], [{ integrity: 'no-trailer' as const, bytes: 100 }, true, false, /truncated/],
    [{ integrity: 'empty' as const, bytes: 0 }, false, true, /rejected as expected/],
    [{ integrity: 'ok' as const, bytes: 20512, status: { hash: 1, revision: 21, totalKey: 24, totalSize: 20480 } }, true, true, /revision 21, 24 keys/],
    [{ integrity: 'ok' as const, bytes: 20512, status: { hash: 1, revision: 21, totalKey: 24, totalSize: 20480 } }, false, false, /expected to fail/],
  ])('snapshot %j valid=%s', (facts, valid, ok, msg) => {
    const v = snapshotVerdict({ file: 'f', sha256: 'ab', ...facts }, { file: 'f', valid });
    expect(v.ok).toBe(ok);
    expect(v.message).toMatch(msg);
  });

  it.each([['16MiB', 16 * 1024 ** 2], ['2GB', 2e9], [1024, 1024], ['12 parsecs', undefined]])('parseBytes %s', (v, n) => expect(parseBytes(v)).toBe(n));
});
