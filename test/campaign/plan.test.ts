import { describe, expect, it } from 'vitest';
import { parseDrill } from '../../src/drill/loader.js';
import { modules } from '../../src/cli/modules.js';
import { roundDrill, roundDrillText } from '../../src/campaign/drill.js';
import { describeRound, FAULT_KINDS, parseFaults, planCampaign, ROLES, tolerated } from '../../src/campaign/plan.js';

const three = ['control-plane', 'control-plane2', 'control-plane3'];
const five = [...three, 'control-plane4', 'control-plane5'];
const spec = (seed: number, rounds = 20, members = three) => ({ seed, rounds, faults: FAULT_KINDS, members });

describe('a campaign plan is a function of its seed', () => {
  it('the same seed gives the same rounds, another seed other rounds', () => {
    expect(planCampaign(spec(1))).toEqual(planCampaign(spec(1)));
    expect(planCampaign(spec(1)).map(describeRound)).not.toEqual(planCampaign(spec(2)).map(describeRound));
  });

  it('the first r rounds do not depend on how many follow (--rounds r replays up to round r)', () => {
    expect(planCampaign(spec(7, 5))).toEqual(planCampaign(spec(7, 40)).slice(0, 5));
  });

  it('seed 1 on 3 members: the rounds kdrill campaign clusters/etcd-3.yaml --rounds 20 --seed 1 runs', () => {
    // Pinned: a change of the drawing changes every replay command printed so far.
    expect(planCampaign(spec(1, 4)).map(describeRound)).toEqual([
      'partition the leader (control-plane3)',
      'partition a minority (control-plane; leader control-plane2)',
      'stop the leader (control-plane3)',
      'pause a follower (control-plane2; leader control-plane)',
    ]);
  });

  it('over enough rounds every fault kind and every role is drawn, on every member', () => {
    const plan = planCampaign(spec(3, 200));
    expect(new Set(plan.map((r) => r.fault))).toEqual(new Set(FAULT_KINDS));
    expect(new Set(plan.map((r) => r.role))).toEqual(new Set(ROLES));
    expect(new Set(plan.flatMap((r) => r.nodes))).toEqual(new Set(three));
  });

  it('only the faults asked for are drawn', () => {
    expect(new Set(planCampaign({ ...spec(5, 100), faults: ['pause', 'kill'] }).map((r) => r.fault))).toEqual(new Set(['pause', 'kill']));
  });

  it('a leader fault targets the drawn node, which is made the leader; a follower fault never hits the leader', () => {
    for (const r of planCampaign(spec(11, 200, five))) {
      if (r.role === 'leader') expect(r.leader).toBe(r.nodes[0]);
      if (r.role === 'follower') expect(r.nodes).not.toContain(r.leader);
      expect(five).toContain(r.leader);
    }
  });

  it('a minority is what the cluster tolerates to lose: 1 of 3, 2 distinct of 5', () => {
    expect([3, 4, 5, 7].map(tolerated)).toEqual([1, 1, 2, 3]);
    const minorities = planCampaign(spec(13, 200, five)).filter((r) => r.role === 'minority');
    expect(minorities.length).toBeGreaterThan(10);
    for (const r of minorities) {
      expect(r.nodes).toHaveLength(2);
      expect(new Set(r.nodes).size).toBe(2);
      expect(r.nodes).toEqual(five.filter((m) => r.nodes.includes(m)));
    }
    for (const r of planCampaign(spec(13, 50)).filter((x) => x.role === 'minority')) expect(r.nodes).toHaveLength(1);
  });

  it('refuses a cluster that cannot lose a member, and no faults', () => {
    expect(() => planCampaign(spec(1, 3, ['control-plane', 'control-plane2']))).toThrow(/3 or more members/);
    expect(() => planCampaign({ ...spec(1), faults: [] })).toThrow(/at least one fault/);
  });

  it('--faults: known kinds, deduplicated, in one order (the plan draws from the list); unknown ones named', () => {
    expect(parseFaults('kill, pause,kill')).toEqual({ faults: ['kill', 'pause'] });
    expect(parseFaults('partition,pause,kill')).toEqual({ faults: ['kill', 'pause', 'partition'] });
    expect(parseFaults('kill,crash')).toEqual({ problem: 'unknown fault "crash" (faults: kill, stop, pause, partition)' });
    expect(parseFaults(',')).toHaveProperty('problem');
  });
});

describe('a round is an ordinary drill', () => {
  const lab = { provider: 'etcd', name: 'kdc-plan', members: 5 };
  it('every round of a 5-member plan passes the drill loader (schema, actions, checks, nodes)', () => {
    for (const r of planCampaign(spec(17, 60, five))) {
      const d = parseDrill(roundDrillText(r, { lab, members: 5, seed: 17, rounds: 60, holdMs: 1000 }), `/tmp/round-${r.round}.yaml`, { modules });
      const faults = d.steps.filter((s) => s.module.fault);
      expect(faults.map((s) => (s.params as { node: string }).node)).toEqual(r.role === 'leader' ? ['leader'] : r.nodes);
      expect(d.restore).toHaveLength(r.nodes.length);
      expect(d.restore.at(-1)!.expect.map((c) => c.name)).toEqual(['etcd.quorum', 'etcd.hashConsistent']);
      expect(d.probes.find((p) => p.name === 'etcd.history')!.params).toMatchObject({ seed: r.historySeed });
    }
  });

  it('counts the members the campaign found, not the lab spec\'s members: (a kind lab of 5 control planes has none)', () => {
    const kind = { provider: 'kind', name: 'kdc-kind5', config: '/labs/kind-5cp.yaml' };
    const minority = planCampaign(spec(17, 60, five)).find((r) => r.role === 'minority')!;
    const d = roundDrill(minority, { lab: kind, members: 5, seed: 17, rounds: 60, holdMs: 1000 }) as {
      steps: Array<{ expect?: Array<Record<string, { healthy?: number }>> }>; restore: Array<{ expect?: Array<Record<string, { members?: number; healthy?: number }>> }>;
    };
    // Two of five hit: three stay healthy while the fault stands, five after the restore.
    expect(d.steps.flatMap((st) => st.expect ?? []).find((c) => c['etcd.quorum'])?.['etcd.quorum']).toEqual({ healthy: 3, within: '10s' });
    expect(d.restore.at(-1)!.expect![0]).toEqual({ 'etcd.quorum': { members: 5, healthy: 5, within: '20s' } });
  });

  it('leadership is moved to the planned leader before the fault; a leader fault hit expects a leader elsewhere', () => {
    const [leaderRound] = planCampaign(spec(1, 1));
    const d = roundDrill(leaderRound!, { lab, members: 3, seed: 1, rounds: 1, holdMs: 1000 }) as { steps: Array<{ action: string; with: Record<string, unknown>; expect?: unknown[] }> };
    expect(d.steps[1]).toMatchObject({ action: 'etcd.leader.move', with: { to: leaderRound!.leader } });
    expect(d.steps[2]!.expect).toContainEqual({ 'etcd.leader': { notOn: 'leader', within: '10s' } });
  });
});
