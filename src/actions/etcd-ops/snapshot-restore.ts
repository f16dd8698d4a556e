import { z } from 'zod';
import { settleAll } from '../../exec/batch.js';
import type { ActionModule, Context } from '../../engine/types.js';
import { deadline, opsEtcd, type MemberStatus, type OpsEtcd } from '../../labs/etcd/ops-access.js';
import { firstClusterId, ledger, recordRestore, rememberClusterId, rpoOf } from '../../labs/etcd/ops-ledger.js';
import { waitClusterHealthy } from '../../labs/etcd/ops-members.js';
import { readSnapshotFacts } from '../../labs/etcd/ops-snapshot.js';
import {
  assertOwned, freshDataDir, initialCluster, isRunning, planRestoreMember, readConfig, restoreMemberData, withRecovery, writeConfig, type EtcdConfig,
} from '../../labs/etcd/restore.js';
import { snapshotProblem } from '../../invariants/etcd-ops/snapshot-valid.js';

const params = z.strictObject({
  file: z.string().min(1).describe('The snapshot every member is restored from'),
  token: z.string().optional().describe('The new --initial-cluster-token (default: <lab>-restored-<time>)'),
  healthTimeout: z.number().int().positive().default(60_000).describe('Milliseconds to wait for every member healthy after the start'),
});
type Params = z.infer<typeof params>;

/** The cluster ID any member still reports (a member without quorum still answers Status). */
async function clusterIdNow(etcd: OpsEtcd, ctx: Context): Promise<string | undefined> {
  const up = (await etcd.statuses(ctx)).filter((s): s is MemberStatus => 'dbSize' in s);
  return up[0]?.clusterId;
}

/** Keys of the ledger that are present after the restore. */
async function present(etcd: OpsEtcd, ctx: Context, keys: string[]): Promise<Set<string>> {
  return etcd.any(ctx, async (c) => {
    const found = new Set<string>();
    for (const k of keys) if ((await c.get(k).options(deadline()).string()) !== null) found.add(k);
    return found;
  });
}

/**
 * Full-cluster restore (quorum lost for good): every member stopped, then restored from the SAME
 * snapshot into a fresh data dir with a new cluster token, then started: a NEW logical cluster with a
 * new cluster ID. Measures the restore time, old/new cluster IDs and the RPO against the drill's
 * ledger of acknowledged writes (etcd.seed).
 */
export const snapshotRestore: ActionModule<Params> = {
  name: 'etcd.snapshot.restore',
  summary: 'restore EVERY member from one snapshot into fresh data dirs with a new cluster token (a new logical cluster)',
  params,
  files: { output: ['file'] },
  requires: ['etcd', 'docker'],
  plan: (p, ctx) => {
    const etcd = opsEtcd(ctx);
    const o = { name: '<member>', initialCluster: '<every member>', token: p.token ?? '<lab>-restored-<time>', peerURL: '<its peer URL>', dataDir: '/var/lib/etcd-restored-<time>' };
    return [
      `etcdctl snapshot status ${p.file}  # refuse a file that does not verify`,
      `docker stop --time 10 ${etcd.members().map((m) => m.container).join(' ')}`,
      ...etcd.members().flatMap((m) => [...planRestoreMember(etcd.image, m.container, p.file, o), `docker cp etcd.yaml ${m.container}:/etc/kubernetes/etcd.yaml  # data-dir, initial-cluster-state: new, token`]),
      `docker start ${etcd.members().map((m) => m.container).join(' ')}`,
    ];
  },
  async run(ctx, p) {
    const etcd = opsEtcd(ctx);
    const facts = await readSnapshotFacts(ctx, p.file, etcd.image);
    const problem = snapshotProblem(facts, {});
    if (problem || !facts.status) throw new Error(`restore refused, nothing was done: snapshot ${p.file} is not restorable: ${problem}`);
    const members = etcd.members();
    for (const m of members) await assertOwned(ctx, m.container, ctx.lab.name);
    const seen = await clusterIdNow(etcd, ctx);
    if (seen) rememberClusterId(ctx.state, seen);
    const oldClusterId = firstClusterId(ctx.state) ?? seen;

    const started = performance.now();
    const running = [];
    for (const m of members) if (await isRunning(ctx, m.container)) running.push(m.container);
    if (running.length > 0) await ctx.runner.run(['docker', 'stop', '--time', '10', ...running], { signal: ctx.signal, timeout: 60_000 });
    const configs = new Map<string, EtcdConfig>();
    for (const m of members) configs.set(m.container, await readConfig(ctx, m.container));
    const cluster = initialCluster([...configs.values()].map((c) => ({ name: c.name, peerURL: String(c['initial-advertise-peer-urls']).split(',')[0]! })));
    const token = p.token ?? `${ctx.lab.name}-restored-${Date.now().toString(36)}`;
    const dataDir = freshDataDir('restored');
    await settleAll(members.map(async (m) => {
      const cfg = configs.get(m.container)!;
      const peerURL = String(cfg['initial-advertise-peer-urls']).split(',')[0]!;
      await restoreMemberData(ctx, etcd.image, m.container, p.file, { name: cfg.name, initialCluster: cluster, token, peerURL, dataDir });
      await writeConfig(ctx, m.container, withRecovery(cfg, { dataDir, state: 'new', initialCluster: cluster, token }));
    }));
    await ctx.runner.run(['docker', 'start', ...members.map((m) => m.container)], { signal: ctx.signal, timeout: 60_000 });
    const after = await waitClusterHealthy(etcd, ctx, p.healthTimeout);
    const ms = Math.round(performance.now() - started);
    const newClusterId = after[0]!.clusterId;
    recordRestore(ctx.state, { file: p.file, snapshotRevision: facts.status.revision, oldClusterId, newClusterId });

    ctx.measure('restore.time', ms, 'ms');
    ctx.measure('clusterId.old', oldClusterId ?? 'unknown');
    ctx.measure('clusterId.new', newClusterId);
    ctx.measure('restore.snapshotRevision', facts.status.revision);
    const lines = [
      `${members.length} members restored from ${p.file} (revision ${facts.status.revision}) into ${dataDir}, token ${token}, healthy in ${ms} ms`,
      `cluster ID ${oldClusterId ?? 'unknown'} → ${newClusterId}${oldClusterId === newClusterId ? ' (UNCHANGED?)' : ' (a new logical cluster)'}`,
    ];
    const book = ledger(ctx.state);
    if (book.length > 0) {
      const rpo = rpoOf(book, facts.status.revision);
      const back = await present(etcd, ctx, rpo.lost.map((e) => e.key));
      const lostNow = rpo.lost.filter((e) => !back.has(e.key)).length;
      ctx.measure('rpo.keys', lostNow, 'keys');
      ctx.measure('rpo.revisions', rpo.revisions, 'revisions');
      lines.push(`RPO: ${lostNow} acknowledged key(s) written after the snapshot are gone (${rpo.revisions} revisions after revision ${facts.status.revision})`);
    }
    return { output: lines.join('\n'), data: { oldClusterId, newClusterId, snapshotRevision: facts.status.revision } };
  },
};
