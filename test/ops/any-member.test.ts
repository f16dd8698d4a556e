import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdAccess } from '../../src/clients/etcd/access.js';
import { anyMember, onAnyMember } from '../../src/clients/etcd/ops.js';
import { imageTools } from '../../src/labs/etcd/tools.js';
import { ETCD_IMAGE, hasImage, startCluster, type TestCluster } from './helpers/etcd-cluster.js';

const ready = hasImage(ETCD_IMAGE);

// The one any-member loop (src/clients/etcd/ops.ts) on a real 3-member etcd whose first member is down.
describe.skipIf(!ready && !process.env.CI)('anyMember / onAnyMember on a real etcd with its first member down', () => {
  let c: TestCluster;
  let etcd: EtcdAccess;

  beforeAll(async () => {
    c = startCluster(`kdt-ops-any-${process.pid}`, { octet: 104 });
    etcd = c.lab.etcd!;
    for (let i = 0; i < 100; i++) {
      if (await etcd.memberList(1_000).then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    execFileSync('docker', ['stop', '--time', '1', c.members[0]!.container], { stdio: 'ignore' });
  });
  afterAll(() => c?.down());

  it('skips the member that does not answer and runs the operation once, on the next one', async () => {
    const ran: string[] = [];
    const members = await anyMember(etcd, undefined, async (client, node) => {
      ran.push(node);
      return (await client.memberList(2_000)).length;
    });
    expect(members).toBe(3);
    expect(ran).toEqual(['control-plane2']);
  });

  it('does not try another member when the operation itself fails on one that answered', async () => {
    const ran: string[] = [];
    await expect(anyMember(etcd, undefined, async (_client, node) => {
      ran.push(node);
      throw new Error('the operation failed');
    })).rejects.toThrow('the operation failed');
    expect(ran).toEqual(['control-plane2']);
  });

  it('onAnyMember without `once` goes on to the next member after a failed call (reads)', async () => {
    const ran: string[] = [];
    const r = await onAnyMember(etcd, async (c, o, node) => {
      ran.push(node);
      if (ran.length === 1) throw new Error('first failed');
      await c.status(o);
      return node;
    }, { first: ['control-plane2'], deadlineMs: 500 });
    // control-plane2 failed, the stopped control-plane did not answer, control-plane3 did.
    expect(ran).toEqual(['control-plane2', 'control-plane', 'control-plane3']);
    expect(r.value).toBe('control-plane3');
    expect(r.attempts.map((a) => a.ok)).toEqual([false, false, true]);
  });

  it('names every member that did not answer when none does', async () => {
    const none = new EtcdAccess({ members: () => [c.members[0]!], tls: async () => undefined, tools: imageTools(ETCD_IMAGE) });
    await expect(anyMember(none, undefined, async () => 1)).rejects.toThrow(/no etcd member answers \(control-plane: /);
    await none.close();
  });

  it('keeps one cached client per member, and drop() replaces it', async () => {
    const a = await etcd.client('control-plane2');
    expect(await etcd.client('control-plane2')).toBe(a);
    etcd.drop('control-plane2');
    const b = await etcd.client('control-plane2');
    expect(b).not.toBe(a);
    expect((await etcd.status('control-plane2', 2_000)).ok).toBe(true);
  });
});
