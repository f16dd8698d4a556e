import { seeded } from '../history/search.js';

/** The faults a campaign draws from, each with the action that undoes it. */
export const FAULT_KINDS = ['kill', 'stop', 'pause', 'partition'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Whom a fault hits: the leader, one follower, or a minority (as many members as the cluster tolerates to lose). */
export const ROLES = ['leader', 'follower', 'minority'] as const;
export type Role = (typeof ROLES)[number];

export interface RoundPlan {
  /** 1-based. */
  round: number;
  fault: FaultKind;
  role: Role;
  /** The members the fault hits, in the lab's order. */
  nodes: string[];
  /**
   * Who leads when the fault strikes: leadership is moved there first, since which member leads is not
   * the seed's to decide. A leader fault: the node hit; a follower fault: another member; a minority:
   * any member (inside the minority or not, as drawn).
   */
  leader: string;
  /** Seed of the history probe's clients in this round (their keys and put/get choices). */
  historySeed: number;
}

export interface CampaignSpec {
  seed: number;
  rounds: number;
  faults: readonly FaultKind[];
  /** The lab's etcd members (node names), in the lab's order. */
  members: readonly string[];
}

/** Members a cluster of n can lose and keep quorum (⌊n/2⌋+1): 1 of 3, 2 of 5. */
export const tolerated = (n: number): number => n - (Math.floor(n / 2) + 1);

/**
 * Every round of a campaign, drawn from the seed alone: the same (seed, faults, members) gives the
 * same rounds, and the first r rounds do not depend on how many follow (so `--rounds r` replays a
 * campaign up to its round r).
 */
export function planCampaign(spec: CampaignSpec): RoundPlan[] {
  const { members, faults } = spec;
  if (tolerated(members.length) < 1) throw new Error(`a campaign needs a cluster that tolerates losing a member (3 or more members); this one has ${members.length}`);
  if (faults.length === 0) throw new Error('a campaign needs at least one fault kind');
  const next = seeded(spec.seed);
  const pick = <T>(list: readonly T[]): T => list[next() % list.length]!;
  const out: RoundPlan[] = [];
  for (let round = 1; round <= spec.rounds; round++) {
    const fault = pick(faults);
    const role = pick(ROLES);
    let nodes: string[];
    let leader: string;
    if (role === 'minority') {
      const left = [...members];
      const chosen = Array.from({ length: tolerated(members.length) }, () => left.splice(next() % left.length, 1)[0]!);
      nodes = members.filter((m) => chosen.includes(m));
      leader = pick(members);
    } else {
      const node = pick(members);
      nodes = [node];
      leader = role === 'leader' ? node : pick(members.filter((m) => m !== node));
    }
    out.push({ round, fault, role, nodes, leader, historySeed: next() });
  }
  return out;
}

/** `kill,stop` → the fault kinds (in FAULT_KINDS' order), or the words that say what is wrong. */
export function parseFaults(text: string): { faults: FaultKind[] } | { problem: string } {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(FAULT_KINDS as readonly string[]).includes(n));
  if (names.length === 0) return { problem: `expected a list of faults (${FAULT_KINDS.join(', ')})` };
  if (unknown.length) return { problem: `unknown fault${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} (faults: ${FAULT_KINDS.join(', ')})` };
  // In one order whatever the order given: the plan draws from the list, so `pause,kill` and `kill,pause` replay alike.
  return { faults: FAULT_KINDS.filter((k) => names.includes(k)) };
}

/** "kill the leader (control-plane2)", "pause a minority (control-plane, control-plane3; leader control-plane)". */
export function describeRound(r: RoundPlan): string {
  const whom = r.role === 'leader' ? 'the leader' : r.role === 'follower' ? 'a follower' : 'a minority';
  const where = r.role === 'leader' ? r.nodes.join(', ') : `${r.nodes.join(', ')}; leader ${r.leader}`;
  return `${r.fault} ${whom} (${where})`;
}
