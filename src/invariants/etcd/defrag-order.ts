import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { answered } from '../../clients/etcd/access.js';
import { need } from '../../labs/types.js';

const params = z.strictObject({
  shrink: z.number().gt(0).lt(1).default(0.5)
    .describe("A member counts as defragmented once its DB file is this much smaller than when the watch began (0.5: half)"),
});
type Params = z.infer<typeof params>;

/** What the watch has seen: the leader when it began, and each member defragmented, with the poll that saw it. */
export interface DefragSeen {
  leader?: string;
  members: string[];
  order: Array<{ node: string; poll: number }>;
}

/**
 * The chapter's rule for defrag: one member at a time, followers first, the leader last. Judged on
 * the order seen so far; `ok` means nothing was done wrong yet (not that every member is done).
 */
export function defragOrderVerdict(s: DefragSeen): Verdict {
  const byPoll = new Map<number, string[]>();
  for (const o of s.order) byPoll.set(o.poll, [...(byPoll.get(o.poll) ?? []), o.node]);
  const together = [...byPoll.values()].find((nodes) => nodes.length > 1);
  if (together) {
    return {
      ok: false,
      message: `${together.join(' and ')} were defragmented at once: one member at a time (defrag blocks the member it runs against; defragging members together stalls the cluster)`,
      expected: 'one member at a time', observed: `${together.join(', ')} within one poll`,
    };
  }
  const done = s.order.map((o) => o.node);
  const leaderAt = s.leader ? done.indexOf(s.leader) : -1;
  const followersLeft = s.members.filter((m) => m !== s.leader && !done.slice(0, leaderAt).includes(m));
  if (leaderAt >= 0 && followersLeft.length > 0) {
    return {
      ok: false,
      message: `the leader (${s.leader}) was defragmented before ${followersLeft.join(', ')}: followers first, the leader last (defragging the leader mid-pass forces a needless re-election)`,
      expected: 'followers first, the leader last', observed: `order: ${done.join(', ')}`,
    };
  }
  return { ok: true, message: done.length ? `defragmented so far, in order: ${done.join(', ')}` : 'no member defragmented yet' };
}

/**
 * Watches the defrag of each member by its DB file shrinking (etcd reports no defrag as such), across
 * polls of one step: for the exercise's `watch`, polled often enough (`poll: 200ms`) to see members
 * one by one.
 */
export const etcdDefragOrder: InvariantModule<Params> = {
  name: 'etcd.defragOrder',
  summary: 'defrag one member at a time, followers first, the leader last (watched by each DB file shrinking)',
  params: params as unknown as z.ZodType<Params>,
  requires: ['etcd'],
  plan: () => ['etcdctl endpoint status on each member: the DB SIZE of each, the leader when the watch began'],
  async check(ctx, p) {
    const key = `etcd.defragOrder:${ctx.step ?? ''}`;
    const statuses = answered(await need(ctx.lab, 'etcd').statusAll(2_000));
    let w = ctx.state.get(key) as { seen: DefragSeen; baseline: Map<string, number>; polls: number } | undefined;
    if (!w) {
      w = {
        seen: { leader: statuses.find((s) => s.leader)?.node, members: statuses.map((s) => s.node), order: [] },
        baseline: new Map(statuses.map((s) => [s.node, s.dbSize])), polls: 0,
      };
      ctx.state.set(key, w);
    }
    w.polls++;
    for (const s of statuses) {
      const before = w.baseline.get(s.node);
      if (before !== undefined && s.dbSize <= before * (1 - p.shrink) && !w.seen.order.some((o) => o.node === s.node)) w.seen.order.push({ node: s.node, poll: w.polls });
    }
    return defragOrderVerdict(w.seen);
  },
};
