import { describe, expect, it } from 'vitest';
import { anyMember } from '../../../src/clients/etcd/ops.js';
import { suiteLab } from '../../labs/suite-lab.js';

// etcdAccess: exec (the Docker Desktop path: etcdctl in the member's node, a process a call) on a real
// etcd lab: etcd.put and etcd.fill write a transaction a call (`etcdctl txn`), not a process a put.
describe('writes through etcdctl in the nodes go as transactions', () => {
  const { lab, ctx, act } = suiteLab('kdt-txn', { members: 1, quota: '16MiB', etcdAccess: 'exec' });
  const etcdctl: string[] = [];
  lab.env.runner.onCommand((c) => {
    const at = c.argv.indexOf('etcdctl');
    if (at >= 0) etcdctl.push(c.argv.slice(at + 1).filter((a) => !a.startsWith('--')).join(' '));
  });

  it('etcd.put of 40 keys: 3 transactions (16, 16, 8), every key there', async () => {
    etcdctl.length = 0;
    const r = await act('etcd.put', { key: '/kdt/batch', count: 40, value: 'v' });
    expect(r?.output).toMatch(/^40 keys written/);
    expect(etcdctl.filter((c) => / put( |$)/.test(c))).toEqual([]);
    expect(etcdctl.filter((c) => /(^| )txn$/.test(c))).toHaveLength(3);
    for (const n of [1, 16, 17, 40]) expect((await anyMember(lab.etcd, undefined, (m) => m.get(`/kdt/batch/${n}`, 5_000)))?.toString()).toBe('v');
  });

  it('etcd.put of one key stays a put, with its deadline (etcdctl txn has none: a member cut off would hold it)', async () => {
    etcdctl.length = 0;
    await act('etcd.put', { key: '/kdt/one', value: 'v' });
    expect(etcdctl.filter((c) => /(^| )txn$/.test(c))).toEqual([]);
    expect(etcdctl.filter((c) => / put /.test(c))).toHaveLength(1);
  });

  it('a transaction carries any key and value byte for byte (quotes, backslashes, a leading dash, binary)', async () => {
    const value = Buffer.from([0, 1, 0x22, 0x5c, 0x0a, 0xff, 0x41, 0x20, 0x2d]);
    const entries = [['-k "ey\\ 1', value], ['/kdt/dash', Buffer.from('-x')]] as const;
    const rev = await anyMember(lab.etcd, undefined, (m) => m.putAll!(entries, 5_000));
    expect(rev).toBeGreaterThan(1);
    expect(await anyMember(lab.etcd, undefined, (m) => m.get('-k "ey\\ 1', 5_000))).toEqual(value);
    expect((await anyMember(lab.etcd, undefined, (m) => m.get('/kdt/dash', 5_000)))?.toString()).toBe('-x');
  });

  it('etcd.fill reaches NOSPACE in transactions of 4 (its 4 keys), and counts what was applied', async () => {
    etcdctl.length = 0;
    const r = await act('etcd.fill', { keys: 4, valueSize: '64KiB' });
    const m = /^NOSPACE after (\d+) accepted puts .* in transactions of 4 puts/.exec(r?.output ?? '');
    expect(m, r?.output).not.toBeNull();
    const puts = Number(m![1]);
    expect(puts % 4).toBe(0);
    expect(etcdctl.filter((c) => /(^| )txn$/.test(c)).length).toBe(puts / 4 + 1);
    // The last accepted put is the one the key holds: its first 8 bytes are its number in hex.
    const last = await anyMember(lab.etcd, undefined, (mm) => mm.get(`/kdrill/fill/${(puts - 1) % 4}`, 5_000));
    expect(last?.subarray(0, 8).toString()).toBe((puts - 1).toString(16).padStart(8, '0'));
    expect(await anyMember(lab.etcd, undefined, (mm) => mm.alarms(5_000))).toEqual([expect.objectContaining({ alarm: 'NOSPACE' })]);
  });
});
