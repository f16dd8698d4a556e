import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { answered, describeProbes, type EtcdAccess, type MemberStatus } from '../../clients/etcd/access.js';
import { need } from '../../labs/types.js';
import { rememberClusterId, recordSnapshot } from '../../clients/etcd/ledger.js';
import { readSnapshotFacts } from '../../clients/etcd/snapshot.js';
import { formatBytes } from '../../drill/units.js';
import { snapshotProblem } from '../../invariants/etcd/snapshot-valid.js';

const params = z.strictObject({
  file: z.string().min(1).describe('Where to write the snapshot on the host (relative to the drill file)'),
  from: z.string().default('follower').describe('follower (default: no latency spike on the leader), leader, or a node name'),
});
type Params = z.infer<typeof params>;

/** The member to stream from: a follower by default (the seeds: "snapshot from a non-leader"). */
export function pickSource(statuses: Pick<MemberStatus, 'node' | 'leader'>[], from: string): string | undefined {
  const sorted = [...statuses].sort((a, b) => a.node.localeCompare(b.node, undefined, { numeric: true }));
  if (from === 'leader') return sorted.find((s) => s.leader)?.node;
  if (from === 'follower') return sorted.filter((s) => !s.leader).at(-1)?.node;
  return sorted.find((s) => s.node === from)?.node;
}

async function source(etcd: EtcdAccess, from: string): Promise<MemberStatus> {
  const probes = await etcd.statusAll(2_000);
  const up = answered(probes);
  const name = pickSource(up, from);
  const chosen = up.find((s) => s.node === name);
  if (!chosen) throw new Error(`no ${from} answers to take a snapshot from (${describeProbes(probes)})`);
  return chosen;
}

/**
 * `etcdctl snapshot save` through etcd3's Maintenance.Snapshot stream, straight to the host file (no
 * etcdctl in the node, no docker cp: the same code works on kind), then verified at once like the
 * seeds say: SHA-256 trailer, `etcdctl snapshot status` (revision, keys, size).
 */
export const snapshotSave: ActionModule<Params> = {
  name: 'etcd.snapshot.save',
  summary: 'save a snapshot to a host file from a follower (default), then verify it: sha256, revision, keys, size',
  params,
  files: { output: ['file'] },
  nodeParams: ['from'],
  requires: ['etcd'],
  plan: (p, ctx) => [
    `etcdctl --endpoints=<${p.from}> snapshot save ${p.file}`,
    `sha256sum ${p.file}`,
    ...need(ctx.lab, 'etcd').tools.planSnapshotStatus(p.file),
  ],
  async run(ctx, p) {
    const etcd = need(ctx.lab, 'etcd');
    const from = await source(etcd, p.from);
    rememberClusterId(ctx.state, from.clusterId);
    await mkdir(path.dirname(p.file), { recursive: true });
    const started = performance.now();
    await etcd.snapshot(from.node, p.file, ctx.signal);
    const ms = Math.round(performance.now() - started);
    const facts = await readSnapshotFacts(ctx, p.file, etcd.tools);
    const problem = snapshotProblem(facts, {});
    if (problem || !facts.status) throw new Error(`snapshot ${p.file} from ${from.node} failed verification: ${problem}`);
    const s = facts.status;
    recordSnapshot(ctx.state, { file: p.file, revision: s.revision, keys: s.totalKey, sha256: facts.sha256!, clusterId: from.clusterId });
    ctx.measure('snapshot.sha256', facts.sha256!);
    ctx.measure('snapshot.revision', s.revision);
    ctx.measure('snapshot.keys', s.totalKey);
    ctx.measure('snapshot.bytes', facts.bytes, 'bytes');
    ctx.measure('snapshot.saveTime', ms, 'ms');
    return {
      output: `snapshot of ${from.node} (${from.leader ? 'leader' : 'follower'}) → ${p.file}: ${formatBytes(facts.bytes)}, revision ${s.revision}, ${s.totalKey} keys, sha256 ${facts.sha256}, in ${ms} ms`,
      data: { revision: s.revision, keys: s.totalKey, sha256: facts.sha256, bytes: facts.bytes },
    };
  },
};
