import { setTimeout as delay } from 'node:timers/promises';
import { answered, type EtcdAccess } from '../clients/etcd/access.js';
import { disarmAlarms, listAlarms } from '../clients/etcd/alarms.js';
import { waitHealthy } from '../clients/etcd/health.js';
import { defragOrder, healthyMembers } from '../clients/etcd/leader.js';
import { anyMember } from '../clients/etcd/ops.js';
import { errorMessage } from '../engine/errors.js';
import { inspectContainers, type ContainerInfo } from './docker/inspect.js';
import type { DockerNodes } from './docker/node-ops.js';
import type { EtcdMemberHost } from './members.js';
import type { LabCheck, NodeOpsContext, SafetyNet } from './types.js';

/**
 * The steady state of a lab whose control planes run etcd members (the etcd lab, kind, kubeadm
 * hosts), and the safety net that brings a lab that stays (kept or adopted) back to it after a
 * drill: every member's machine up (its container running, unpaused, on the lab network; its host
 * powered on with kubelet and its manifests in place), every member running and healthy, no alarm.
 * It heals only what it recognises, only on machines the lab owns.
 */

/** The machines under the members, the lab's own part of the steady state. */
export interface Machines {
  /** What is wrong with each member's machine, each line `<node>: <what>`. */
  problems(ctx: NodeOpsContext, members: Array<{ node: string; container: string }>): Promise<string[]>;
  /**
   * Brings one member's machine back to its steady state; what it did, in the operator's words. Its
   * etcd member is started afterwards by the member host when it does not run.
   */
  heal(ctx: NodeOpsContext, member: { node: string; container: string }): Promise<string[]>;
}

export interface NetTarget {
  name: string;
  members(): Array<{ node: string; container: string }>;
  etcd: EtcdAccess;
  machines: Machines;
  /** Starts a member whose node runs without it (kind: its static-Pod manifest moved out of kubelet's folder). */
  host: EtcdMemberHost;
  /** What an operator pastes to see the state of these members (the sick ones) and of the cluster. */
  look(sick: Array<{ node: string; container: string }>): string[];
  /** The command that removes the lab, for "start over"; none for a lab kdrill must never remove. */
  startOver?: string;
}

export const safetyNetOf = (t: NetTarget): SafetyNet => ({
  check: (ctx) => checkSteady(t, ctx),
  heal: (ctx) => heal(t, ctx),
  byHand: (problems) => byHand(t, problems),
});

/** The machines of the etcd lab and kind: docker containers carrying the lab's label, on its network. */
export function dockerMachines(network: string, nodeOps: DockerNodes, host: EtcdMemberHost): Machines {
  return {
    async problems(ctx, members) {
      return containerProblems(network, members, await inspectContainers(ctx.runner, members.map((m) => m.container), ctx.signal));
    },
    async heal(ctx, { node, container }) {
      const c = (await inspectContainers(ctx.runner, [container], ctx.signal)).get(container);
      if (!c) return [];
      const done: string[] = [];
      if (c.paused) { await nodeOps.unpause(ctx, node); done.push(`unpaused ${node}`); }
      if (!c.networks.includes(network)) { await nodeOps.heal(ctx, node); done.push(`reconnected ${node}`); }
      if (!c.running && !c.paused) { await host.start(ctx, node); done.push(`started ${node}`); }
      return done;
    },
  };
}

function containerProblems(network: string, members: Array<{ node: string; container: string }>, found: Map<string, ContainerInfo>): string[] {
  return members.flatMap(({ node, container }) => {
    const c = found.get(container);
    if (!c) return [`${node}: no container ${container}`];
    if (c.paused) return [`${node}: paused`];
    // docker restarts nothing here: a member that cannot start (its data gone) is exited, with etcd's code.
    if (c.state === 'restarting') return [`${node}: restarting over and over (exit code ${c.exitCode})`];
    if (!c.running) return [`${node}: stopped${c.exitCode ? ` (exit code ${c.exitCode})` : ''}`];
    if (!c.networks.includes(network)) return [`${node}: off the network ${network}`];
    return [];
  });
}

async function checkSteady(t: NetTarget, ctx: NodeOpsContext): Promise<LabCheck> {
  const problems = await t.machines.problems(ctx, t.members());
  // A leader election right after a fault leaves every member briefly without a leader: give the
  // members whose containers are fine a few seconds to settle before calling them unhealthy.
  const end = performance.now() + 6_000;
  let probes = await t.etcd.statusAll(2_000);
  const fine = t.members().filter((m) => !problems.some((p) => p.startsWith(`${m.node}:`)));
  const unhealthy = () => { const h = new Set(healthyMembers(probes).map((s) => s.node)); return fine.filter((m) => !h.has(m.node)); };
  while (unhealthy().length > 0 && performance.now() < end) {
    await delay(300, undefined, { signal: ctx.signal });
    probes = await t.etcd.statusAll(2_000);
  }
  for (const m of unhealthy()) {
    if (!(await t.host.running(ctx, m.node))) {
      problems.push(`${m.node}: etcd member not running`);
      continue;
    }
    const p = probes.find((x) => x.node === m.node);
    problems.push(`${m.node}: etcd member not healthy (${p && !p.ok ? p.error : 'no live leader'})`);
  }
  if (answered(probes).length > 0) {
    const alarms = await listAlarms(t.etcd, ctx.signal).catch(() => []);
    for (const a of alarms) problems.push(`${a.member}: alarm ${a.alarm}`);
  }
  return { ok: problems.length === 0, problems };
}

/** Heals what it recognises; returns what it did. Never throws for a step that did not work: the recheck says. */
async function heal(t: NetTarget, ctx: NodeOpsContext): Promise<string[]> {
  const done: string[] = [];
  for (const m of t.members()) {
    const { node } = m;
    try {
      const did = await t.machines.heal(ctx, m);
      done.push(...did);
      if (!did.some((d) => d === `started ${node}`) && !(await t.host.running(ctx, node))) { await t.host.start(ctx, node); done.push(`started the etcd member on ${node}`); }
    } catch (err) {
      done.push(`could not bring ${node} back: ${errorMessage(err)}`);
    }
  }
  // A member that comes back needs a few seconds to rejoin; one that cannot (its data gone) never will.
  if (done.length > 0) await waitHealthy(t.etcd, ctx.signal, 10_000).catch(() => undefined);
  const alarms = await listAlarms(t.etcd, ctx.signal).catch(() => []);
  if (alarms.length > 0) {
    // A-C-D-D: space freed first (compact to the current revision, defrag every member), then disarm.
    try {
      await anyMember(t.etcd, ctx.signal, async (m) => m.compact((await m.status(5_000)).revision, true, 60_000).catch((e: unknown) => {
        if (!/compacted/.test(errorMessage(e))) throw e;
      }));
      // One at a time, the chapter's order: followers first, the leader last.
      for (const m of defragOrder(answered(await t.etcd.statusAll(2_000)))) {
        await t.etcd.with(m.node, (x) => x.defragment(10 * 60_000), ctx.signal).catch(() => undefined);
      }
      const raised = await disarmAlarms(t.etcd, ctx.signal);
      done.push(`compacted, defragmented and disarmed ${raised.map((a) => `${a.alarm} on ${a.member}`).join(', ')}`);
    } catch (err) {
      done.push(`could not clear the alarms: ${errorMessage(err)}`);
    }
    await waitHealthy(t.etcd, ctx.signal, 10_000).catch(() => undefined);
  }
  return done;
}

/** What an operator types to look and to start again, for what is still wrong. */
function byHand(t: NetTarget, problems: string[]): string[] {
  const sick = t.members().filter((m) => problems.some((p) => p.startsWith(`${m.node}:`)));
  return [...t.look(sick), ...(t.startOver ? [`${t.startOver}  # or start over: the next run recreates the lab`] : [])];
}
