import { setTimeout as delay } from 'node:timers/promises';
import { answered, type EtcdAccess, type MemberInfo } from './access.js';
import { anyMember, errText, OPS_DEADLINE_MS } from './ops.js';
import { quorumOf } from './quorum.js';

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

/** Which members answer Status within 2 s (a dead member's does not). */
export async function health(etcd: EtcdAccess): Promise<{ health: Health[]; clusterId?: string }> {
  const probes = await etcd.statusAll(2_000);
  return { health: probes.map((p) => ({ member: p.node, healthy: p.ok })), clusterId: answered(probes)[0]?.clusterId };
}

/**
 * Retries `fn` while etcd answers "unhealthy cluster": its strict reconfig check refuses a membership
 * change until every peer has been connected for 5 s (right after another member change, for one).
 */
async function whileUnhealthy<T>(signal: AbortSignal, timeoutMs: number, fn: () => Promise<T>): Promise<{ value: T; waitedMs: number }> {
  const started = performance.now();
  for (;;) {
    try {
      return { value: await fn(), waitedMs: Math.round(performance.now() - started) };
    } catch (err) {
      if (!/unhealthy cluster/i.test(errText(err)) || performance.now() - started > timeoutMs) throw err;
      await delay(500, undefined, { signal });
    }
  }
}

export async function removeMember(etcd: EtcdAccess, signal: AbortSignal, memberId: string, timeoutMs = 30_000): Promise<void> {
  await whileUnhealthy(signal, timeoutMs, () => anyMember(etcd, signal, (m) => m.memberRemove(memberId, OPS_DEADLINE_MS)));
}

/** The member entry of a node: by its name (the node's container) or its client URL. */
export async function memberOf(etcd: EtcdAccess, node: string): Promise<MemberInfo | undefined> {
  const m = etcd.member(node);
  return (await etcd.memberList(2_000)).members.find((x) => x.name === m.container || x.clientURLs.includes(m.url));
}

/**
 * `member add`, retried while etcd says "unhealthy cluster": after a removal its strict reconfig
 * check wants every peer connected for 5 s. Returns the new member ID, the member list and how long it waited.
 */
export async function addMember(
  etcd: EtcdAccess, signal: AbortSignal, peerURL: string, name: string, timeoutMs = 30_000,
): Promise<{ id: string; members: MemberInfo[]; waitedMs: number }> {
  const r = await whileUnhealthy(signal, timeoutMs, () => anyMember(etcd, signal, (m) => m.memberAdd(peerURL, name, OPS_DEADLINE_MS)));
  return { ...r.value, waitedMs: r.waitedMs };
}

/** `name=peerURL,…` in etcd's format, members sorted by name so every node gets the same string. */
export function initialCluster(members: Array<{ name: string; peerURL: string }>): string {
  return [...members].sort((a, b) => a.name.localeCompare(b.name)).map((m) => `${m.name}=${m.peerURL}`).join(',');
}

/** A fresh data dir name, never used before on that node (kubeadm's /var/lib/etcd-restored, stamped). */
export function freshDataDir(kind: 'restored' | 'member', now = new Date()): string {
  return `/var/lib/etcd-${kind}-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}`;
}
