import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { leaderOf, LEADER_REFERENCE } from '../../clients/etcd/leader.js';
import { isSelector, selectionKey } from '../../clients/etcd/selectors.js';
import { need } from '../../labs/types.js';

const params = z.strictObject({
  unique: z.boolean().default(true).describe('Every answering member names the same leader'),
  notOn: z.string().optional().describe('The leader must not be on this node (leader / follower: the node the last fault picked)'),
  on: z.string().optional().describe('The leader must be on this node'),
  changed: z.boolean().optional()
    .describe('true: the leader differs from the reference (the leader just before the last node fault or leader move, else the first one seen); false: it is the same'),
});
type Params = z.output<typeof params>;

export interface LeaderFacts {
  /** Per answering member, the leader it names (node name, or undefined for "none"). */
  claims: Array<{ node: string; leader?: string }>;
  unanswered: string[];
  reference?: string;
  notOn?: string;
  on?: string;
}

export function leaderVerdict(f: LeaderFacts, p: Pick<Params, 'unique' | 'changed'>): Verdict {
  const named = [...new Set(f.claims.map((c) => c.leader).filter((l): l is string => l !== undefined))];
  const leader = named.length === 1 ? named[0] : undefined;
  const silent = f.unanswered.length ? `; no answer from ${f.unanswered.join(', ')}` : '';
  if (named.length === 0) return { ok: false, message: `no leader: ${f.claims.length} members answer, none knows a leader${silent}`, expected: 'a leader', observed: 'none' };
  if (p.unique && (named.length > 1 || f.claims.some((c) => c.leader === undefined))) {
    const who = f.claims.map((c) => `${c.node} → ${c.leader ?? 'none'}`).join(', ');
    return { ok: false, message: `members disagree on the leader (${who})${silent}`, expected: 'one leader named by every answering member', observed: who };
  }
  const current = leader ?? named.join('/');
  if (f.notOn !== undefined && named.includes(f.notOn)) return { ok: false, message: `the leader is on ${f.notOn}`, expected: `a leader other than ${f.notOn}`, observed: current };
  if (f.on !== undefined && current !== f.on) return { ok: false, message: `the leader is on ${current}, not ${f.on}`, expected: f.on, observed: current };
  if (p.changed !== undefined) {
    if (f.reference === undefined) return { ok: false, message: 'no earlier leader recorded to compare with' };
    if (p.changed && current === f.reference) return { ok: false, message: `the leader is still ${current}`, expected: `a new leader (not ${f.reference})`, observed: current };
    if (!p.changed && current !== f.reference) return { ok: false, message: `the leader moved from ${f.reference} to ${current}`, expected: f.reference, observed: current };
  }
  const change = f.reference && f.reference !== current ? ` (was ${f.reference})` : '';
  return { ok: true, message: `${f.claims.length} members answer, the leader is ${current}${change}${silent}` };
}

export const etcdLeader: InvariantModule<Params> = {
  name: 'etcd.leader',
  summary: 'one leader, named by every member; optionally not on a node, or changed',
  params,
  nodeParams: ['notOn', 'on'],
  requires: ['etcd'],
  plan: () => ['etcd Status on every member: compare the leader IDs they name (etcdctl endpoint status --cluster)'],
  async check(ctx, p) {
    const etcd = need(ctx.lab, 'etcd');
    const probes = await etcd.statusAll(500);
    const { leaderNode } = leaderOf(probes);
    const claims = await Promise.all(
      probes.flatMap((x) => (x.ok ? [x.status] : [])).map(async (s) => ({
        node: s.node,
        leader: s.leaderId === '0' ? undefined : (await etcd.nodeOfMember(s.leaderId)) ?? `member ${s.leaderId}`,
      })),
    );
    // The first leader seen becomes the reference when no fault recorded one.
    if (!ctx.state.has(LEADER_REFERENCE) && leaderNode) ctx.state.set(LEADER_REFERENCE, leaderNode);
    const resolve = (n?: string) => (n && isSelector(n) ? (ctx.state.get(selectionKey(n)) as string | undefined) ?? n : n);
    return leaderVerdict(
      { claims, unanswered: probes.filter((x) => !x.ok).map((x) => x.node), reference: ctx.state.get(LEADER_REFERENCE) as string | undefined, notOn: resolve(p.notOn), on: resolve(p.on) },
      p,
    );
  },
};
