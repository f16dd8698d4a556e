import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Etcd3 } from 'etcd3';
import { OpsEtcd, type OpsMember } from '../../src/labs/etcd/ops-access.js';
import { ETCD_IMAGE, hasImage, startCluster, type TestCluster } from './helpers/etcd-cluster.js';

const ready = hasImage(ETCD_IMAGE);

// OpsEtcd.any on a real 3-member etcd: the first member that answers runs the operation, on the
// same client that asked it its status (one client per member tried, each closed after).
describe.skipIf(!ready && !process.env.CI)('OpsEtcd.any on a real etcd with its first member down', () => {
  let c: TestCluster;
  const opened: string[] = [];
  const closed: string[] = [];
  let ops: OpsEtcd;

  beforeAll(async () => {
    c = startCluster(`kdt-ops-any-${process.pid}`, { octet: 104 });
    const target = (c.lab.get<{ ops: { connect(m: OpsMember): Promise<Etcd3> } }>('etcd'))!.ops;
    ops = new OpsEtcd({
      members: () => c.members,
      image: ETCD_IMAGE,
      async connect(m) {
        const client = await target.connect(m);
        opened.push(m.node);
        const close = client.close.bind(client);
        client.close = () => { closed.push(m.node); close(); };
        return client;
      },
    });
    const signal = new AbortController().signal;
    for (let i = 0; i < 100; i++) {
      if (await ops.memberList({ signal }).then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    execFileSync('docker', ['stop', '--time', '1', c.members[0]!.container], { stdio: 'ignore' });
  });
  afterAll(() => c?.down());

  it('skips the member that does not answer and runs the operation on the next one, one client each', async () => {
    opened.length = 0;
    closed.length = 0;
    const ran: string[] = [];
    const members = await ops.any({ signal: new AbortController().signal }, async (client, m) => {
      ran.push(m.node);
      return (await client.cluster.memberList({})).members.length;
    });
    expect(members).toBe(3);
    expect(ran).toEqual(['control-plane2']);
    expect(opened).toEqual(['control-plane', 'control-plane2']);
    expect(closed.sort()).toEqual(['control-plane', 'control-plane2']);
  });

  it('does not try another member when the operation itself fails on one that answered', async () => {
    opened.length = 0;
    const ran: string[] = [];
    await expect(ops.any({ signal: new AbortController().signal }, async (_client, m) => {
      ran.push(m.node);
      throw new Error('the operation failed');
    })).rejects.toThrow('the operation failed');
    expect(ran).toEqual(['control-plane2']);
    expect(opened).toEqual(['control-plane', 'control-plane2']);
  });

  it('names every member that did not answer when none does', async () => {
    const none = new OpsEtcd({ members: () => [c.members[0]!], image: ETCD_IMAGE, connect: (m) => (c.lab.get<{ ops: { connect(m: OpsMember): Promise<Etcd3> } }>('etcd'))!.ops.connect(m) });
    await expect(none.any({ signal: new AbortController().signal }, async () => 1)).rejects.toThrow(/no etcd member answers \(control-plane: /);
  });
});
