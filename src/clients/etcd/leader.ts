import { setTimeout as delay } from 'node:timers/promises';
import type { EtcdAccess, MemberProbe, MemberStatus } from './access.js';

/**
 * Who leads, from the members' own statuses: the leader ID the answering members agree on (a
 * member cut off from the rest may still name an old leader, so the most common answer wins).
 */
export function leaderOf(probes: MemberProbe[]): { leaderId?: string; leaderNode?: string; claims: Map<string, number> } {
  const claims = new Map<string, number>();
  for (const p of probes) {
    if (p.ok && p.status.leaderId !== '0') claims.set(p.status.leaderId, (claims.get(p.status.leaderId) ?? 0) + 1);
  }
  const [leaderId] = [...claims.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
  const leaderNode = probes.find((p) => p.ok && p.status.memberId === leaderId)?.node;
  return { leaderId, leaderNode, claims };
}

/**
 * The leader that answers for itself: an answering member that names itself leader (the highest
 * raft term wins while a cut-off old leader still does). Followers go on naming a dead leader until
 * their election timeout, so a leader ID that only others name is no leader.
 */
export function liveLeader(probes: MemberProbe[]): MemberStatus | undefined {
  return probes
    .flatMap((p) => (p.ok && p.status.leaderId === p.status.memberId ? [p.status] : []))
    .sort((a, b) => b.raftTerm - a.raftTerm)[0];
}

/**
 * Healthy, as `etcdctl endpoint health` means it: the member answers, raises no alarm, and is in
 * touch with a live leader. A survivor without quorum still answers Status, but names no leader
 * (a follower, after its election timeout) or steps down (a leader, after check-quorum): not healthy.
 */
export function healthyMembers(probes: MemberProbe[]): MemberStatus[] {
  const leader = liveLeader(probes);
  if (!leader) return [];
  return probes.flatMap((p) => (p.ok && p.status.errors.length === 0 && p.status.leaderId === leader.memberId ? [p.status] : []));
}

/** The state key under which the leader before the last fault (or first check) is kept. */
export const LEADER_REFERENCE = 'etcd.leader.reference';

/** The node that leads now (answering for itself), or undefined when no answering member does. */
export async function currentLeader(etcd: EtcdAccess, deadlineMs?: number): Promise<{ node?: string; probes: MemberProbe[] }> {
  const probes = await etcd.statusAll(deadlineMs);
  return { node: liveLeader(probes)?.node, probes };
}

/**
 * The leader, waiting up to `timeoutMs` for one: right after the leader is lost, the followers need an
 * election timeout (1–2 s, more after a split vote) to elect the next. Undefined when none is elected.
 */
export async function awaitLeader(
  etcd: EtcdAccess,
  signal: AbortSignal | undefined,
  timeoutMs: number,
  deadlineMs?: number,
): Promise<{ node?: string; probes: MemberProbe[]; waitedMs: number; polls: number }> {
  const t = performance.now();
  for (let polls = 1; ; polls++) {
    const found = await currentLeader(etcd, deadlineMs);
    const waitedMs = Math.round(performance.now() - t);
    if (found.node || waitedMs >= timeoutMs) return { ...found, waitedMs, polls };
    await delay(100, undefined, { signal });
  }
}

/**
 * The order to defragment members in: followers first (by name, for a stable order), the leader
 * last: its stop-the-world window comes when its load has moved.
 */
export function defragOrder<T extends { node: string; leader: boolean }>(members: T[]): T[] {
  const byName = (a: T, b: T) => a.node.localeCompare(b.node, undefined, { numeric: true });
  return [...members.filter((m) => !m.leader).sort(byName), ...members.filter((m) => m.leader).sort(byName)];
}
