import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import type { MemberProbe } from '../../clients/etcd/access.js';
import { need } from '../../labs/types.js';

const params = z.strictObject({
  maxIndexSpread: z.number().int().min(0).default(5).describe('Largest allowed difference of raft index between members'),
});

/** Every member answers, in the same raft term, with raft indexes at most `maxIndexSpread` apart. */
export function inSyncVerdict(probes: MemberProbe[], maxIndexSpread: number): Verdict {
  const down = probes.filter((p) => !p.ok).map((p) => p.node);
  if (down.length) return { ok: false, message: `${down.join(', ')} ${down.length === 1 ? 'does' : 'do'} not answer`, expected: `${probes.length} members answering`, observed: `${probes.length - down.length}` };
  const s = probes.flatMap((p) => (p.ok ? [p.status] : []));
  const terms = [...new Set(s.map((x) => x.raftTerm))];
  const idx = s.map((x) => x.raftIndex);
  const spread = Math.max(...idx) - Math.min(...idx);
  const detail = s.map((x) => `${x.node} term ${x.raftTerm} index ${x.raftIndex}`).join(', ');
  if (terms.length > 1) return { ok: false, message: `members are in different raft terms (${detail})`, expected: 'one raft term', observed: terms.join(', ') };
  if (spread > maxIndexSpread) return { ok: false, message: `raft indexes ${spread} apart (${detail})`, expected: `spread ≤ ${maxIndexSpread}`, observed: String(spread) };
  return { ok: true, message: `${s.length} members in sync: term ${terms[0]}, raft index spread ${spread} (≤ ${maxIndexSpread})` };
}

export const etcdInSync: InvariantModule<z.output<typeof params>> = {
  name: 'etcd.inSync',
  summary: 'every member answers in the same raft term, raft indexes close',
  params,
  requires: ['etcd'],
  plan: () => ['etcd Status on every member: compare raft term and raft index (etcdctl endpoint status --cluster)'],
  async check(ctx, p) {
    return inSyncVerdict(await need(ctx.lab, 'etcd').statusAll(500), p.maxIndexSpread);
  },
};
