import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { answered } from '../../clients/etcd/access.js';
import { need } from '../../labs/types.js';
import { rememberClusterId } from '../../clients/etcd/ledger.js';

const params = z.strictObject({
  changed: z.boolean().describe('true after a snapshot restore (a new logical cluster); false after a member replace'),
});
type Params = z.infer<typeof params>;

/** `first`: the cluster ID this drill saw first (at its first check, snapshot or recovery). */
export function clusterIdVerdict(p: Params, first: string, ids: string[]): Verdict {
  const distinct = [...new Set(ids)];
  if (distinct.length === 0) return { ok: false, message: 'no member answered: no cluster ID' };
  if (distinct.length > 1) return { ok: false, message: `members disagree on the cluster ID: ${distinct.join(', ')}`, expected: 'one cluster ID', observed: distinct.join(', ') };
  const now = distinct[0]!;
  const changed = now !== first;
  const said = changed ? `cluster ID changed: ${first} → ${now}` : `cluster ID unchanged: ${now}`;
  if (changed === p.changed) return { ok: true, message: `${said}${changed ? ' (a new logical cluster: restored)' : ' (the same logical cluster)'}` };
  return { ok: false, message: said, expected: p.changed ? `a new cluster ID (not ${first})` : `cluster ID ${first}`, observed: now };
}

export const etcdClusterId: InvariantModule<Params> = {
  name: 'etcd.clusterId',
  summary: 'the cluster ID changed (snapshot restore: a new logical cluster) or not (member replace), vs the first one the drill saw',
  params,
  requires: ['etcd'],
  plan: () => ['etcdctl endpoint status --cluster (header.cluster_id)'],
  async check(ctx, p) {
    const up = answered(await need(ctx.lab, 'etcd').statusAll(2_000));
    const ids = up.map((s) => s.clusterId);
    const first = ids[0] === undefined ? undefined : rememberClusterId(ctx.state, ids[0]);
    return clusterIdVerdict(p, first ?? '', ids);
  },
};
