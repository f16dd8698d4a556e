import { stringify } from 'yaml';
import { describeRound, type FaultKind, type RoundPlan } from './plan.js';

/** The action that makes each fault, and the one that undoes it (a started node waits for its etcd member). */
const ACTIONS: Record<FaultKind, { fault: string; faultWith?: Record<string, unknown>; recover: string; recoverWith?: Record<string, unknown> }> = {
  kill: { fault: 'node.kill', recover: 'node.start', recoverWith: { waitFor: 'member' } },
  stop: { fault: 'node.stop', faultWith: { grace: '10s' }, recover: 'node.start', recoverWith: { waitFor: 'member' } },
  pause: { fault: 'node.pause', recover: 'node.unpause' },
  partition: { fault: 'node.partition', recover: 'node.heal' },
};

export interface RoundDrillOptions {
  /** The lab's `lab:` section, as the lab file (or the drill) gave it. */
  lab: Record<string, unknown>;
  /** How many etcd members the lab has (its control planes): only the etcd lab's spec says (`members:`). */
  members: number;
  seed: number;
  rounds: number;
  /** How long the fault stands after it was seen, so the clients live through it. */
  holdMs: number;
  /** TEST ONLY (KDRILL_TEST_FAIL_ROUND): an expectation that cannot hold, to fail this round on purpose. */
  failRound?: number;
}

/**
 * One round as an ordinary drill document (the engine runs it like any other; it is written beside the
 * round's reports, so `kdrill run` replays that round alone): all members healthy → leadership placed
 * where the plan says → the fault, with what must hold while it stands → hold → restore: the recovery,
 * then every member healthy and the same HashKV on all. The history probe records the clients all along.
 */
export function roundDrill(r: RoundPlan, o: RoundDrillOptions): Record<string, unknown> {
  const { members } = o;
  const a = ACTIONS[r.fault];
  // A leader fault names `leader`: resolved when it strikes, so the report says which node really led.
  const target = (node: string) => (r.role === 'leader' ? 'leader' : node);
  const leaderHit = r.role === 'leader' || r.nodes.includes(r.leader);
  const faults = r.nodes.map((node, i) => ({
    name: `${r.fault} ${node}${r.role === 'leader' ? ' (the leader)' : ''}`,
    action: a.fault,
    with: { node: target(node), ...a.faultWith },
    ...(i === r.nodes.length - 1 ? {
      expect: [
        { 'etcd.quorum': { healthy: members - r.nodes.length, within: '10s' } },
        ...(leaderHit ? [{ 'etcd.leader': { notOn: r.role === 'leader' ? 'leader' : r.leader, within: '10s' } }] : []),
        { 'etcd.writable': { within: '10s' } },
        ...(o.failRound === r.round ? [{ 'etcd.quorum': { healthy: members, within: '1s' } }] : []),
      ],
    } : {}),
  }));
  const recoveries = r.nodes.map((node, i) => ({
    name: `${a.recover.replace('node.', '')} ${node}`,
    action: a.recover,
    with: { node: target(node), ...a.recoverWith },
    ...(i === r.nodes.length - 1 ? {
      expect: [
        { 'etcd.quorum': { members, healthy: members, within: '20s' } },
        { 'etcd.hashConsistent': { within: '10s' } },
      ],
    } : {}),
  }));
  return {
    apiVersion: 'kdrill/v1',
    kind: 'Drill',
    metadata: {
      name: `campaign-round-${r.round}`,
      title: `Campaign seed ${o.seed}, round ${r.round} of ${o.rounds}: ${describeRound(r)}`,
    },
    lab: { ...o.lab, ...(o.lab.provider === 'etcd' ? { reuse: true } : {}) },
    probes: [
      { 'etcd.writes': { interval: '100ms', maxUnavailable: '15s' } },
      // Keys of their own per round: the keys of an earlier round hold values this round's history never wrote.
      { 'etcd.history': { seed: r.historySeed, writers: 4, keys: 4, prefix: `kdrill/campaign/s${o.seed}/r${r.round}/` } },
    ],
    invariants: [{ 'etcd.quorum': { members } }],
    steps: [
      // In sync first: leadership goes only to a member that has caught up.
      { name: 'all members healthy', action: 'wait', with: { until: [{ 'etcd.quorum': { members, healthy: members, within: '20s' } }, { 'etcd.inSync': { within: '10s' } }] } },
      // A transfer can be lost (a TimeoutNow missed after a healed partition): tried up to 3 times.
      { name: `leader on ${r.leader}`, action: 'etcd.leader.move', with: { to: r.leader, attempts: 3 }, expect: [{ 'etcd.leader': { on: r.leader, within: '5s' } }] },
      ...faults,
      { name: 'the fault stands', action: 'sleep', with: { duration: `${o.holdMs}ms` } },
    ],
    restore: recoveries,
  };
}

export const roundDrillText = (r: RoundPlan, o: RoundDrillOptions): string => stringify(roundDrill(r, o), { lineWidth: 0 });
