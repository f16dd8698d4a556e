import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../../src/actions/etcd/seed.js';
import { snapshotSave } from '../../src/actions/etcd/snapshot-save.js';
import { snapshotRestore } from '../../src/actions/etcd/snapshot-restore.js';
import { memberReplace } from '../../src/actions/etcd/member-replace.js';
import { snapshotValid } from '../../src/invariants/etcd/snapshot-valid.js';
import { etcdClusterId } from '../../src/invariants/etcd/cluster-id.js';
import { etcdRpo } from '../../src/invariants/etcd/rpo.js';
import { ETCD_IMAGE, hasImage, measures, startCluster, type TestCluster } from './helpers/etcd-cluster.js';

const ready = hasImage(ETCD_IMAGE);

async function until(f: () => Promise<{ ok: boolean; message: string }>, ms = 20_000) {
  const end = Date.now() + ms;
  let v = await f().catch((e: Error) => ({ ok: false, message: e.message }));
  while (!v.ok && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    v = await f().catch((e: Error) => ({ ok: false, message: e.message }));
  }
  return v;
}

describe.skipIf(!ready && !process.env.CI)('backup and recovery on a real 3-member etcd', () => {
  let c: TestCluster;
  let file: string;
  beforeAll(async () => {
    c = startCluster(`kdt-ops-dr-${process.pid}`, { octet: 102 });
    const v = await until(() => etcdClusterId.check(c.ctx(), { changed: false }));
    if (!v.ok) throw new Error(`test cluster did not come up: ${v.message}`);
    file = path.join(c.runDir, 'snap', 'etcd.db');
  });
  afterAll(() => c?.down());

  it('saves a verified snapshot from a follower; zero-byte and truncated copies fail snapshot.valid', async () => {
    await seed.run(c.ctx('seed'), seed.params.parse({ prefix: '/app/before/', count: 20 }));
    const r = await snapshotSave.run(c.ctx('save'), snapshotSave.params.parse({ file }));
    expect(r?.output).toMatch(/\(follower\)/);
    const m = measures(c.events, 'save');
    expect(m['snapshot.sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(Number(m['snapshot.keys'])).toBeGreaterThanOrEqual(20);
    expect((await snapshotValid.check(c.ctx(), snapshotValid.params.parse({ file, minKeys: 20 }))).ok).toBe(true);
    expect((await snapshotValid.check(c.ctx(), snapshotValid.params.parse({ file, minKeys: 1_000_000 }))).ok).toBe(false);

    const empty = path.join(c.runDir, 'empty.db');
    writeFileSync(empty, '');
    const v0 = await snapshotValid.check(c.ctx(), snapshotValid.params.parse({ file: empty }));
    expect(v0.ok).toBe(false);
    expect(v0.message).toMatch(/zero bytes/);
    expect((await snapshotValid.check(c.ctx(), snapshotValid.params.parse({ file: empty, valid: false }))).ok).toBe(true);

    const cut = path.join(c.runDir, 'cut.db');
    writeFileSync(cut, readFileSync(file).subarray(0, statSync(file).size - 4096));
    const vc = await snapshotValid.check(c.ctx(), snapshotValid.params.parse({ file: cut }));
    expect(vc.ok).toBe(false);
    expect(vc.message).toMatch(/truncated/);
    // A valid file fails the "must be rejected" expectation.
    copyFileSync(file, path.join(c.runDir, 'copy.db'));
    expect((await snapshotValid.check(c.ctx(), snapshotValid.params.parse({ file: path.join(c.runDir, 'copy.db'), valid: false }))).ok).toBe(false);
  });

  it('replaces one dead member (case A): same cluster ID, no snapshot; refuses when quorum is lost', async () => {
    const [, m2, m3] = c.members;
    execFileSync('docker', ['kill', m3!.container]);
    const r = await memberReplace.run(c.ctx('replace'), memberReplace.params.parse({ node: m3!.node }));
    expect(r?.output).toMatch(/no snapshot used/);
    expect((await etcdClusterId.check(c.ctx(), { changed: false })).ok).toBe(true);

    // A Ctrl-C right after "member remove": the replace runs to its end, then reports the interrupt.
    // (Cut short there, the member stayed removed and its node's etcd exited at every start.)
    execFileSync('docker', ['kill', m3!.container]);
    const ac = new AbortController();
    const base = c.ctx('interrupted replace');
    const ctx = {
      ...base, signal: ac.signal, runner: base.runner.withSignal(ac.signal),
      log: (m: string, l?: 'info' | 'warn' | 'error') => { base.log(m, l); if (m.startsWith('removed member')) ac.abort(new Error('SIGINT')); },
    };
    await expect(memberReplace.run(ctx, memberReplace.params.parse({ node: m3!.node }))).rejects.toThrow('SIGINT');
    const { members } = await c.lab.etcd!.memberList(2_000);
    expect(members.map((m) => m.name).sort()).toEqual(c.members.map((m) => m.container).sort());
    expect((await etcdClusterId.check(c.ctx(), { changed: false })).ok).toBe(true);

    execFileSync('docker', ['kill', m2!.container, m3!.container]);
    await expect(memberReplace.run(c.ctx('refused'), memberReplace.params.parse({ node: m3!.node }))).rejects.toThrow(/refused, nothing was done: quorum lost: 1 of 3/);
  });

  it('restores every member from one snapshot: new cluster ID, seeded keys back, later writes lost (RPO)', async () => {
    // Quorum is lost (two killed above); writes after the snapshot were acknowledged before that? Write some now on a healthy cluster first.
    execFileSync('docker', ['start', c.members[1]!.container, c.members[2]!.container]);
    await until(() => etcdClusterId.check(c.ctx(), { changed: false }));
    await seed.run(c.ctx('after'), seed.params.parse({ prefix: '/app/after/', count: 7 }));
    execFileSync('docker', ['kill', c.members[0]!.container, c.members[1]!.container]);
    const r = await snapshotRestore.run(c.ctx('restore'), snapshotRestore.params.parse({ file }));
    expect(r?.output).toMatch(/a new logical cluster/);
    const m = measures(c.events, 'restore');
    expect(m['clusterId.new']).not.toBe(m['clusterId.old']);
    expect(m['rpo.keys']).toBe(7);
    expect((await etcdClusterId.check(c.ctx(), { changed: true })).ok).toBe(true);
    const rpo = await etcdRpo.check(c.ctx(), { lostKeys: 7 });
    expect(rpo.ok, rpo.message).toBe(true);
    expect((await etcdRpo.check(c.ctx(), { lostKeys: 0 })).ok).toBe(false);
  });
});
