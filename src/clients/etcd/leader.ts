import type { EtcdAccess, MemberProbe } from './access.js';

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

/** The state key under which the leader before the last fault (or first check) is kept. */
export const LEADER_REFERENCE = 'etcd.leader.reference';

/** The node that leads now, or undefined when no answering member knows one. */
export async function currentLeader(etcd: EtcdAccess, deadlineMs?: number): Promise<{ node?: string; probes: MemberProbe[] }> {
  const probes = await etcd.statusAll(deadlineMs);
  const { leaderId, leaderNode } = leaderOf(probes);
  const node = leaderNode ?? (leaderId ? await etcd.nodeOfMember(leaderId) : undefined);
  return { node, probes };
}
