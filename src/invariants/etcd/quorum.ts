import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { quorumOf } from '../../clients/etcd/quorum.js';
import { healthyMembers } from '../../clients/etcd/leader.js';
import { need } from '../../labs/types.js';

const params = z.strictObject({
  members: z.number().int().min(1).optional().describe('Members the member list must have'),
  healthy: z.number().int().min(0).optional().describe('Members that must be healthy (answer, no alarm, in touch with a leader that answers)'),
  answering: z.number().int().min(0).optional().describe('Members whose etcd must answer at all, healthy or not (a survivor without quorum answers, but is not healthy)'),
  hasQuorum: z.boolean().default(true).describe('false: quorum must be lost (healthy < ⌊n/2⌋+1)'),
});

export interface QuorumFacts {
  members: number;
  healthy: number;
  /** Members that answered Status, healthy or not; taken as `healthy` when absent. */
  answering?: number;
  /** Set when no member answered the member list and the lab's own count was used. */
  membersFromLab?: boolean;
}

export const STATUS_DEADLINE_MS = 200;

/** quorum = ⌊n/2⌋+1 of the member list; holds when at least that many members are healthy. */
export function quorumVerdict(f: QuorumFacts, want: z.output<typeof params>): Verdict {
  const quorum = quorumOf(f.members);
  const holds = f.healthy >= quorum;
  const answering = f.answering ?? f.healthy;
  const unhealthy = answering - f.healthy;
  const others = unhealthy > 0 ? ` (${unhealthy} more ${unhealthy === 1 ? 'answers, but has' : 'answer, but have'} no leader or an alarm)` : '';
  const observed = `${f.healthy} of ${f.members} members healthy${others}, quorum is ${quorum}: ${holds ? 'holds' : 'lost'}`;
  const problems: string[] = [];
  if (want.members !== undefined && f.members !== want.members) problems.push(`expected ${want.members} members, the member list has ${f.members}`);
  if (want.answering !== undefined && answering !== want.answering) problems.push(`expected ${want.answering} answering`);
  if (want.healthy !== undefined && f.healthy !== want.healthy) problems.push(`expected ${want.healthy} healthy`);
  if (holds !== want.hasQuorum) problems.push(want.hasQuorum ? 'expected quorum to hold' : 'expected quorum to be lost');
  const message = `${observed}${f.membersFromLab ? ' (no member answered the member list; counted the lab\'s)' : ''}`;
  if (problems.length === 0) return { ok: true, message: want.hasQuorum ? message : `${message}, as expected` };
  return {
    ok: false,
    message: `${message}; ${problems.join('; ')}`,
    expected: [want.members !== undefined ? `${want.members} members` : '', want.answering !== undefined ? `${want.answering} answering` : '', want.healthy !== undefined ? `${want.healthy} healthy` : '', want.hasQuorum ? 'quorum holds' : 'quorum lost'].filter(Boolean).join(', '),
    observed,
  };
}

export const etcdQuorum: InvariantModule<z.output<typeof params>> = {
  name: 'etcd.quorum',
  summary: 'enough members are healthy for quorum (⌊n/2⌋+1)',
  params,
  requires: ['etcd'],
  plan: () => ['etcd MemberList (first member that answers), then Status on every member (etcdctl member list; endpoint status --cluster)'],
  async check(ctx, p) {
    const etcd = need(ctx.lab, 'etcd');
    // A local member answers Status in a few ms; a dead one answers nothing (its IP is gone), so
    // the deadline is how fast a fault is seen. A slow live member only costs one more poll.
    const [list, probes] = await Promise.all([etcd.memberList(500).catch(() => undefined), etcd.statusAll(STATUS_DEADLINE_MS)]);
    const healthy = healthyMembers(probes).length;
    const answering = probes.filter((p) => p.ok).length;
    const facts: QuorumFacts = list ? { members: list.members.length, healthy, answering } : { members: etcd.members().length, healthy, answering, membersFromLab: true };
    return quorumVerdict(facts, p);
  },
};
