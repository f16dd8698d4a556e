import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../src/history/linearizable.js';
import { drillOperations } from '../../src/probes/etcd/history.js';
import { get, put } from './ops.js';

// The history probe checks the drill's own writes (etcd.seed's ledger) and deletes with its own.
describe('drillOperations: the ledger and the deletes as operations', () => {
  const seeded = [
    { key: '/b/config/0001', revision: 10, value: 'kdrill', call: 100, return: 105 },
    { key: '/b/config/0002', revision: 11, value: 'kdrill', call: 106, return: 110 },
    { key: '/b/after/0001', revision: 20, value: 'kdrill', call: 300, return: 305 },
    { key: '/b/old', revision: 3 }, // from before the ledger had times: left out
  ];

  it('a seeded write is a put by etcd.seed; a prefix delete empties every seeded key under it', () => {
    const ops = drillOperations(seeded, [{ key: '/b/config/', prefix: true, call: 900, return: 910 }]);
    expect(ops.filter((o) => o.client === 'etcd.seed').map((o) => `${o.key}@${o.revision}`)).toEqual(['/b/config/0001@10', '/b/config/0002@11', '/b/after/0001@20']);
    expect(ops.filter((o) => o.client === 'etcd.delete').map((o) => o.key)).toEqual(['/b/config/0001', '/b/config/0002']);
    expect(ops.find((o) => o.client === 'etcd.delete')).toMatchObject({ op: 'put', value: null, outcome: 'ok', call: 900, return: 910 });
  });

  it('a delete never acknowledged (timed out) is an unknown outcome: the key read empty, or still holding its value, loses nothing', () => {
    const ops = drillOperations(seeded.slice(0, 1), [{ key: '/b/config/0001', prefix: false, call: 900 }]);
    expect(ops.find((o) => o.client === 'etcd.delete')).toMatchObject({ value: null, outcome: 'unknown', call: 900, return: Infinity });
    for (const end of [null, 'kdrill']) {
      const v = checkHistory(ops, { final: new Map([['/b/config/0001', end]]) });
      expect({ end, ok: v.ok, lost: v.lost }).toEqual({ end, ok: true, lost: [] });
    }
    // Left out of the history (as before), the key read empty lost the seeded write.
    expect(checkHistory(ops.filter((o) => o.client !== 'etcd.delete'), { final: new Map([['/b/config/0001', null]]) }).lost.map((o) => o.key)).toEqual(['/b/config/0001']);
  });

  it('a key delete empties that key only', () => {
    const ops = drillOperations(seeded, [{ key: '/b/config/0002', prefix: false, call: 900, return: 910 }]);
    expect(ops.filter((o) => o.value === null).map((o) => o.key)).toEqual(['/b/config/0002']);
  });
});

describe('checkHistory: deletes (writes of the empty value)', () => {
  it('a key empty at the end after a later delete: nothing lost', () => {
    const v = checkHistory([put('a', 'v1', 0, 10), put('d', null, 50, 60)], { final: new Map([['k', null]]) });
    expect(v.lost).toEqual([]);
    expect(v.ok).toBe(true);
  });

  it('a key empty at the end, its only delete before the write: the write is lost', () => {
    const v = checkHistory([put('d', null, 0, 5), put('a', 'v1', 10, 20)], { final: new Map([['k', null]]) });
    expect(v.lost.map((o) => o.value)).toEqual(['v1']);
  });

  it('a read of the deleted key between: linearizable; a read of the old value after the delete: not', () => {
    const del = put('d', null, 50, 60);
    expect(checkHistory([put('a', 'v1', 0, 10), del, get('b', null, 70, 80)]).result).toBe('linearizable');
    expect(checkHistory([put('a', 'v1', 0, 10), del, get('b', 'v1', 70, 80)]).result).toBe('illegal');
  });

  it('after a restore: the seeded writes after the snapshot are the RPO, by client', () => {
    const ops = drillOperations([
      { key: '/b/c/1', revision: 5, value: 'kdrill', call: 0, return: 5 },
      { key: '/b/a/1', revision: 8, value: 'kdrill', call: 10, return: 15 },
      { key: '/b/a/2', revision: 9, value: 'kdrill', call: 16, return: 20 },
    ], [{ key: '/b/', prefix: true, call: 2000, return: 2010 }]);
    const restore = { revision: 6, start: 900, end: 1000 };
    const v = checkHistory(ops, { restore, final: new Map([['/b/c/1', null], ['/b/a/1', null], ['/b/a/2', null]]) });
    expect(v.ok).toBe(true);
    expect(v.rpo!.writes.map((o) => o.key)).toEqual(['/b/a/1', '/b/a/2']);
    // Without the restore-phase delete, the snapshot's key read empty is a loss.
    const kept = checkHistory(ops.filter((o) => o.value !== null), { restore, final: new Map([['/b/c/1', null]]) });
    expect(kept.lost.map((o) => o.key)).toEqual(['/b/c/1']);
  });
});
