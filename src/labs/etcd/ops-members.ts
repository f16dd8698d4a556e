import { setTimeout as delay } from 'node:timers/promises';
import { deadline, errText, type MemberInfo, type MemberStatus, type OpsEtcd, type OpsMember } from './ops-access.js';
import { quorumOf } from '../../clients/etcd/quorum.js';
import { freshDataDir, initialCluster, isRunning, readConfig, withRecovery, writeConfig, type NodeEnv } from './restore.js';

/**
 * Membership changes of the seeds' case A (one member lost, quorum held): member remove → fresh
 * data dir → member add → start with initial-cluster-state=existing. Never a snapshot.
 */

export interface Health {
  member: string;
  healthy: boolean;
}

/**
 * Why a member replace must not start, or undefined. Judged before anything is done: removing and
 * adding members are writes to the cluster, so they need quorum among the others.
 */
export function replaceRefusal(members: Health[], node: string): string | undefined {
  const target = members.find((m) => m.member === node);
  if (!target) return `${node} is not a member (members: ${members.map((m) => m.member).join(', ')})`;
  if (target.healthy) return `${node} is healthy: member replace is for a dead member (stop or kill it first)`;
  const healthy = members.filter((m) => m.healthy).length;
  const q = quorumOf(members.length);
  if (healthy < q) {
    return `quorum lost: ${healthy} of ${members.length} members healthy, quorum is ${q}. Membership changes need quorum; `
      + 'with quorum lost for good this is a full-cluster restore from a snapshot (etcd.snapshot.restore), a new logical cluster';
  }
  return undefined;
}

/** Health of every member (answers Status within the deadline). */
export async function health(etcd: OpsEtcd, ctx: { signal: AbortSignal }): Promise<{ health: Health[]; statuses: MemberStatus[] }> {
  const all = await etcd.statuses(ctx);
  const statuses = all.filter((s): s is MemberStatus => 'dbSize' in s);
  return { health: all.map((s) => ({ member: s.member, healthy: 'dbSize' in s })), statuses };
}

export async function removeMember(etcd: OpsEtcd, ctx: { signal: AbortSignal }, memberId: string): Promise<void> {
  await etcd.any(ctx, (c) => c.cluster.memberRemove({ ID: memberId }, deadline()));
}

/**
 * `member add`, retried while etcd says "unhealthy cluster": after a removal its strict reconfig
 * check wants every peer connected for 5 s. Returns the new member ID, the member list and how long it waited.
 */
export async function addMember(
  etcd: OpsEtcd, ctx: { signal: AbortSignal }, peerURL: string, timeoutMs = 30_000,
): Promise<{ id: string; members: MemberInfo[]; waitedMs: number }> {
  const started = performance.now();
  for (;;) {
    try {
      const r = await etcd.any(ctx, (c) => c.cluster.memberAdd({ peerURLs: [peerURL] }, deadline()));
      const members = r.members.map((m) => ({ id: m.ID, name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs }));
      return { id: r.member.ID, members, waitedMs: Math.round(performance.now() - started) };
    } catch (err) {
      if (!/unhealthy cluster/i.test(errText(err)) || performance.now() - started > timeoutMs) throw err;
      await delay(500, undefined, { signal: ctx.signal });
    }
  }
}

/**
 * Adds the node's member back with a fresh data dir and starts it with initial-cluster-state=existing.
 * The node must be stopped (a member that is gone from the list must not run on its old data).
 */
export async function addNodeBack(
  etcd: OpsEtcd, env: NodeEnv & { log(m: string): void }, m: OpsMember,
): Promise<{ memberId: string; waitedMs: number; oldDataDir: string; dataDir: string }> {
  if (await isRunning(env, m.container)) await env.runner.run(['docker', 'stop', '--time', '10', m.container], { signal: env.signal, timeout: 30_000 });
  const cfg = await readConfig(env, m.container);
  const peerURL = String(cfg['initial-advertise-peer-urls']).split(',')[0]!;
  const added = await addMember(etcd, env, peerURL);
  if (added.waitedMs > 0) env.log(`member add waited ${added.waitedMs} ms for "unhealthy cluster" to pass`);
  // The new member has no name yet in the list: it is this node.
  const cluster = initialCluster(added.members.map((x) => ({ name: x.id === added.id || !x.name ? cfg.name : x.name, peerURL: x.peerURLs[0]! })));
  const dataDir = freshDataDir('member');
  await writeConfig(env, m.container, withRecovery(cfg, { dataDir, state: 'existing', initialCluster: cluster }));
  await env.runner.run(['docker', 'start', m.container], { signal: env.signal, timeout: 30_000 });
  return { memberId: added.id, waitedMs: added.waitedMs, oldDataDir: cfg['data-dir'], dataDir };
}

/** Every member answers and all name the same leader, within `timeoutMs`. */
export async function waitClusterHealthy(etcd: OpsEtcd, ctx: { signal: AbortSignal }, timeoutMs = 60_000): Promise<MemberStatus[]> {
  const end = performance.now() + timeoutMs;
  let seen = '';
  for (;;) {
    const all = await etcd.statuses(ctx);
    const up = all.filter((s): s is MemberStatus => 'dbSize' in s);
    const leaders = new Set(up.map((s) => s.leaderId).filter((l) => l !== '0'));
    if (up.length === all.length && leaders.size === 1) return up;
    seen = all.map((s) => ('error' in s ? `${s.member}: ${s.error}` : `${s.member}: leader ${s.leaderId}`)).join('; ');
    if (performance.now() > end) throw new Error(`cluster not healthy after ${timeoutMs} ms: ${seen}`);
    await delay(200, undefined, { signal: ctx.signal });
  }
}
