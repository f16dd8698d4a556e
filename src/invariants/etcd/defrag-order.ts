import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { answered, type MemberStatus } from '../../clients/etcd/access.js';
import { need } from '../../labs/types.js';

const params = z.strictObject({
  free: z.number().gt(0).lt(1).default(0.2)
    .describe("A member counts as defragmented when its DB size fell since the previous poll and at most this share of the file is free (etcd's dbSizeInUse): a defrag rewrites the file to what is in use, and nothing else shrinks it"),
});
type Params = z.infer<typeof params>;

/** What the watch has seen: the members, and each one's defrag with the poll that saw it and who led when it began. */
export interface DefragSeen {
  members: string[];
  order: Array<{ node: string; poll: number; leader?: string }>;
}

/**
 * The chapter's rule for defrag: one member at a time, followers first, the leader last. Judged on
 * the order seen so far, each member against the leader of its own time (leadership may move during
 * the pass); `ok` means nothing was done wrong yet (not that every member is done).
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
  for (const [i, o] of s.order.entries()) {
    if (o.leader !== o.node) continue;
    const left = s.members.filter((m) => m !== o.node && !done.slice(0, i).includes(m));
    if (left.length === 0) continue;
    return {
      ok: false,
      message: `the leader (${o.node}) was defragmented before ${left.join(', ')}: followers first, the leader last (defragging the leader mid-pass forces a needless re-election)`,
      expected: 'followers first, the leader last', observed: `order: ${s.order.map((x) => `${x.node}${x.leader === x.node ? ' (leader)' : ''}`).join(', ')}`,
    };
  }
  return { ok: true, message: done.length ? `defragmented so far, in order: ${done.join(', ')}` : 'no member defragmented yet' };
}

/**
 * etcd says no "defragmented" as such: a member's file shrinks only when a defrag rewrites it (bbolt
 * never gives pages back otherwise; compaction frees them inside the file), and then it holds what is
 * in use. So: smaller than at the previous poll, and at most `free` of it free.
 */
export function looksDefragmented(previous: number, now: Pick<MemberStatus, 'dbSize' | 'dbSizeInUse'>, free: number): boolean {
  return now.dbSize < previous && now.dbSize - now.dbSizeInUse <= free * now.dbSize;
}

/**
 * The leader of one poll: the member that says it leads, else the one the others name (a leader busy
 * in its own defrag may not answer in time). `ids`: member ID → node, as seen so far.
 */
export function leaderOf(statuses: Array<Pick<MemberStatus, 'node' | 'leader' | 'leaderId'>>, ids: Map<string, string>): string | undefined {
  const says = statuses.find((s) => s.leader)?.node;
  if (says) return says;
  const named = new Map<string, number>();
  for (const s of statuses) if (s.leaderId && s.leaderId !== '0') named.set(s.leaderId, (named.get(s.leaderId) ?? 0) + 1);
  const top = [...named.entries()].sort((a, b) => b[1] - a[1])[0];
  return top ? ids.get(top[0]) : undefined;
}

interface Watch { seen: DefragSeen; size: Map<string, number>; ids: Map<string, string>; leader?: string; polls: number }

/**
 * Watches the defrag of each member across the polls of one step (the exercise's `watch`, polled
 * often enough, `poll: 200ms`, to see members one by one), and the leader at each poll: a member's
 * defrag is judged against the leader at the poll before the one that saw it (when it began).
 */
export const etcdDefragOrder: InvariantModule<Params> = {
  name: 'etcd.defragOrder',
  summary: 'defrag one member at a time, followers first, the leader last (watched by each DB file shrinking to its in-use size, against the leader of the time)',
  params: params as unknown as z.ZodType<Params>,
  requires: ['etcd'],
  plan: () => ['etcdctl endpoint status on each member at every poll: DB SIZE and in use, IS LEADER'],
  async check(ctx, p) {
    const key = `etcd.defragOrder:${ctx.step ?? ''}`;
    const statuses = answered(await need(ctx.lab, 'etcd').statusAll(2_000));
    let w = ctx.state.get(key) as Watch | undefined;
    if (!w) ctx.state.set(key, (w = { seen: { members: [], order: [] }, size: new Map(), ids: new Map(), polls: 0 }));
    w.polls++;
    for (const s of statuses) {
      w.ids.set(s.memberId, s.node);
      if (!w.seen.members.includes(s.node)) w.seen.members.push(s.node);
    }
    const leaderNow = leaderOf(statuses, w.ids);
    for (const s of statuses) {
      const before = w.size.get(s.node);
      if (before !== undefined && looksDefragmented(before, s, p.free) && !w.seen.order.some((o) => o.node === s.node)) {
        w.seen.order.push({ node: s.node, poll: w.polls, leader: w.leader ?? leaderNow });
      }
      w.size.set(s.node, s.dbSize);
    }
    if (leaderNow) w.leader = leaderNow;
    return defragOrderVerdict(w.seen);
  },
};
