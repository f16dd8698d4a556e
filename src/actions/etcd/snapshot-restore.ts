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
    const pods = ctx.lab.staticPods;
    const reconfigure = nodes.flatMap((n) => host?.plan('reconfigure', n, `data-dir ${dataDir}, initial-cluster-state: new, token ${p.token ?? '<lab>-restored-<time>'}`) ?? []);
    const start = nodes.flatMap((n) => host?.plan('start', n) ?? []);
    const check = `etcdctl snapshot status ${p.file}  # refuse a file that does not verify`;
    if (pods) {
      // kubeadm's sequence, as the seeds give it.
      return [
        check,
        '# 1. stop the API server and etcd on ALL control planes',
        ...nodes.flatMap((n) => pods.plan('stopPod', n, 'kube-apiserver')),
        ...nodes.flatMap((n) => host?.plan('stop', n) ?? []),
        '# 2. restore on EACH member: the same snapshot, its own --name and --initial-advertise-peer-urls, a new token and data dir',
        ...nodes.flatMap((n) => host?.plan('restore', n, dataDir) ?? []),
        "# 3. point etcd.yaml's etcd-data hostPath at the new data dir, move the manifests back, verify",
        ...reconfigure,
        ...start,
        ...nodes.flatMap((n) => pods.plan('startPod', n, 'kube-apiserver')),
        '# the old data dirs stay until you remove them',
      ];
    }
    return [
      check,
      ...nodes.flatMap((n) => host?.plan('restore', n, dataDir) ?? []),
      ...nodes.flatMap((n) => host?.plan('stop', n) ?? []),
      ...reconfigure,
      ...start,
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
    const startMs = ctx.events.now();
    const configs = new Map<string, MemberConfig>();
    for (const n of nodes) configs.set(n, await host.config(ctx, n));
    const cluster = initialCluster([...configs.values()].map((c) => ({ name: c.name, peerURL: c.peerURL })));
    const token = p.token ?? `${ctx.lab.name}-restored-${Date.now().toString(36)}`;
    const dataDir = freshDataDir('restored');
    // From the first change on, the restore runs to its end even on a Ctrl-C or a step timeout
    // (bounded): half the members on the new cluster and half on the old is a lab no restore step
    // can put back.
    const finish = AbortSignal.timeout(p.healthTimeout + 10 * 60_000);
    const rest = { ...ctx, signal: finish, runner: ctx.runner.withSignal(finish) };
    const how = new Map<string, string>();
    const restoreOne = async (n: string) => {
      const cfg = configs.get(n)!;
      const tool = await host.restore(rest, n, p.file, { name: cfg.name, initialCluster: cluster, token, peerURL: cfg.peerURL, dataDir });
      if (tool) how.set(n, tool);
    };
    const pods = ctx.lab.staticPods;
    const apiServers: string[] = [];
    if (pods) {
      // kubeadm's sequence (seeds 03 and 04): the API servers and etcd stopped on every control
      // plane first, then the same snapshot restored on each into a new data dir, etcd.yaml
      // repointed, etcd started, the API servers started last.
      for (const n of nodes) {
        if (await pods.podRunning(rest, n, 'kube-apiserver').catch(() => false)) {
          await pods.stopPod(rest, n, 'kube-apiserver');
          apiServers.push(n);
        }
      }
      await settleAll(nodes.map((n) => host.stop(rest, n)));
      await settleAll(nodes.map(restoreOne));
    } else {
      // A new folder: a member may still run (on kind the restore uses the cluster's own etcdctl,
      // in the member's Pod). Then every member stopped.
      await settleAll(nodes.map(restoreOne));
      await settleAll(nodes.map((n) => host.stop(rest, n)));
    }
    await settleAll(nodes.map((n) => host.reconfigure(rest, n, { dataDir, state: 'new', initialCluster: cluster, token })));
    await settleAll(nodes.map((n) => host.start(rest, n)));
    const after = await waitHealthy(etcd, finish, p.healthTimeout);
    for (const n of apiServers) await pods!.startPod(rest, n, 'kube-apiserver');
    if (ctx.signal.aborted) ctx.log(`interrupted during the restore: it ran to its end (${after.length}/${after.length} healthy)`, 'warn');
    ctx.signal.throwIfAborted();
    const ms = Math.round(performance.now() - started);
    const newClusterId = after[0]!.clusterId;
    recordRestore(ctx.state, { file: p.file, snapshotRevision: facts.status.revision, oldClusterId, newClusterId, startMs, endMs: ctx.events.now() });

    ctx.measure('restore.time', ms, 'ms');
    ctx.measure('clusterId.old', oldClusterId ?? 'unknown');
    ctx.measure('clusterId.new', newClusterId);
    ctx.measure('restore.snapshotRevision', facts.status.revision);
    const tools = [...new Set(how.values())].map((t) => `${t} (${nodes.filter((n) => how.get(n) === t).join(', ')})`);
    const lines = [
      `${nodes.length} members restored from ${p.file} (revision ${facts.status.revision}) into ${dataDir}, token ${token}, healthy in ${ms} ms`,
      ...(apiServers.length ? [`API servers stopped first and started last on ${apiServers.join(', ')}`] : []),
      ...(tools.length ? [`restored with ${tools.join('; ')}`] : []),
      `cluster ID ${oldClusterId ?? 'unknown'} → ${newClusterId}${oldClusterId === newClusterId ? ' (UNCHANGED?)' : ' (a new logical cluster)'}`,
      `old data dirs kept until you remove them: ${nodes.map((n) => `${n} ${configs.get(n)!.dataDir}`).join(', ')}`,
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
