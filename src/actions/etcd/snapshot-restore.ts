import { z } from 'zod';
import { settleAll } from '../../exec/batch.js';
import type { ActionModule } from '../../engine/types.js';
import { answered, type EtcdAccess } from '../../clients/etcd/access.js';
import { waitHealthy } from '../../clients/etcd/health.js';
import { firstClusterId, ledger, recordRestore, rememberClusterId, rpoOf } from '../../clients/etcd/ledger.js';
import { freshDataDir, initialCluster } from '../../clients/etcd/membership.js';
import { anyMember, OPS_DEADLINE_MS } from '../../clients/etcd/ops.js';
import { readSnapshotFacts } from '../../clients/etcd/snapshot.js';
import type { MemberConfig } from '../../labs/members.js';
import { need } from '../../labs/types.js';
import { snapshotProblem } from '../../invariants/etcd/snapshot-valid.js';

const params = z.strictObject({
  file: z.string().min(1).describe('The snapshot every member is restored from'),
  token: z.string().optional().describe('The new --initial-cluster-token (default: <lab>-restored-<time>)'),
  healthTimeout: z.number().int().positive().default(60_000).describe('Milliseconds to wait for every member healthy after the start'),
});
type Params = z.infer<typeof params>;

/** The cluster ID any member still reports (a member without quorum still answers Status). */
async function clusterIdNow(etcd: EtcdAccess): Promise<string | undefined> {
  return answered(await etcd.statusAll(2_000))[0]?.clusterId;
}

/** Keys of the ledger that are present after the restore. */
async function present(etcd: EtcdAccess, signal: AbortSignal, keys: string[]): Promise<Set<string>> {
  return anyMember(etcd, signal, async (m) => {
    const found = new Set<string>();
    for (const k of keys) if ((await m.get(k, OPS_DEADLINE_MS)) !== null) found.add(k);
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
  requires: ['etcd', 'members'],
  leavesBehind: 'members stopped or restored from the snapshot',
  plan: (p, ctx) => {
    // The members' nodes, known before the lab is up (their addresses are not).
    const nodes = ctx.lab.nodes().filter((n) => n.role === 'control-plane').map((n) => n.name);
    const host = ctx.lab.members;
    const dataDir = '/var/lib/etcd-restored-<time>';
    return [
      `etcdctl snapshot status ${p.file}  # refuse a file that does not verify`,
      ...nodes.flatMap((n) => host?.plan('restore', n, dataDir) ?? []),
      ...nodes.flatMap((n) => host?.plan('stop', n) ?? []),
      ...nodes.flatMap((n) => host?.plan('reconfigure', n, `data-dir ${dataDir}, initial-cluster-state: new, token ${p.token ?? '<lab>-restored-<time>'}`) ?? []),
      ...nodes.flatMap((n) => host?.plan('start', n) ?? []),
    ];
  },
  async run(ctx, p) {
    const etcd = need(ctx.lab, 'etcd');
    const host = need(ctx.lab, 'members');
    const facts = await readSnapshotFacts(ctx, p.file, etcd.tools);
    const problem = snapshotProblem(facts, {});
    if (problem || !facts.status) throw new Error(`restore refused, nothing was done: snapshot ${p.file} is not restorable: ${problem}`);
    const nodes = etcd.members().map((m) => m.node);
    // The lab's ownership check on every member, before anything changes.
    for (const n of nodes) await host.running(ctx, n);
    const seen = await clusterIdNow(etcd);
    if (seen) rememberClusterId(ctx.state, seen);
    const oldClusterId = firstClusterId(ctx.state) ?? seen;

    const started = performance.now();
    const configs = new Map<string, MemberConfig>();
    for (const n of nodes) configs.set(n, await host.config(ctx, n));
    const cluster = initialCluster([...configs.values()].map((c) => ({ name: c.name, peerURL: c.peerURL })));
    const token = p.token ?? `${ctx.lab.name}-restored-${Date.now().toString(36)}`;
    const dataDir = freshDataDir('restored');
    // The same snapshot into a fresh data dir on every member (a new folder: a member may still run;
    // on kind the restore uses the cluster's own etcdctl, in the member's Pod). Then every member
    // stopped, pointed at its new data dir and cluster, and started.
    await settleAll(nodes.map(async (n) => {
      const cfg = configs.get(n)!;
      await host.restore(ctx, n, p.file, { name: cfg.name, initialCluster: cluster, token, peerURL: cfg.peerURL, dataDir });
    }));
    await settleAll(nodes.map((n) => host.stop(ctx, n)));
    await settleAll(nodes.map((n) => host.reconfigure(ctx, n, { dataDir, state: 'new', initialCluster: cluster, token })));
    await settleAll(nodes.map((n) => host.start(ctx, n)));
    const after = await waitHealthy(etcd, ctx.signal, p.healthTimeout);
    const ms = Math.round(performance.now() - started);
    const newClusterId = after[0]!.clusterId;
    recordRestore(ctx.state, { file: p.file, snapshotRevision: facts.status.revision, oldClusterId, newClusterId });

    ctx.measure('restore.time', ms, 'ms');
    ctx.measure('clusterId.old', oldClusterId ?? 'unknown');
    ctx.measure('clusterId.new', newClusterId);
    ctx.measure('restore.snapshotRevision', facts.status.revision);
    const lines = [
      `${nodes.length} members restored from ${p.file} (revision ${facts.status.revision}) into ${dataDir}, token ${token}, healthy in ${ms} ms`,
      `cluster ID ${oldClusterId ?? 'unknown'} → ${newClusterId}${oldClusterId === newClusterId ? ' (UNCHANGED?)' : ' (a new logical cluster)'}`,
    ];
    const book = ledger(ctx.state);
    if (book.length > 0) {
      const rpo = rpoOf(book, facts.status.revision);
      const back = await present(etcd, ctx.signal, rpo.lost.map((e) => e.key));
      const lostNow = rpo.lost.filter((e) => !back.has(e.key)).length;
      ctx.measure('rpo.keys', lostNow, 'keys');
      ctx.measure('rpo.revisions', rpo.revisions, 'revisions');
      lines.push(`RPO: ${lostNow} acknowledged key(s) written after the snapshot are gone (${rpo.revisions} revisions after revision ${facts.status.revision})`);
    }
    return { output: lines.join('\n'), data: { oldClusterId, newClusterId, snapshotRevision: facts.status.revision } };
  },
};
